#include "modbus/crc16.h"
#include "modbus/modbusframe.h"
#include "sim/simulateddevices.h"
#include "sim/simulatedtransport.h"
#include "simtesthelpers.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace blupow;

namespace {

constexpr int kWait = 5000; // every wait is bounded

std::unique_ptr<SimulatedTransport> openTransport(const QString &model) {
    auto sim = testing::simulatorFor(model);
    if (!sim)
        return nullptr;
    auto t = std::make_unique<SimulatedTransport>(std::move(*sim));
    t->setLatency(SimulatedTransport::Latency::fast());
    t->setSeed(7);
    return t;
}

bool waitOpen(SimulatedTransport &t) {
    t.open();
    return QTest::qWaitFor([&] { return t.state() == Transport::State::Open; }, kWait);
}

QByteArray joined(const QSignalSpy &spy) {
    QByteArray all;
    for (const auto &args : spy)
        all.append(args.at(0).toByteArray());
    return all;
}

} // namespace

class TestSimulatedTransport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void parseFault_data();
    void parseFault();
    void repliesIn20ByteNotifications_data();
    void repliesIn20ByteNotifications();
    void repliesStayInOrder();
    void faults_data();
    void faults();
    void refuseLocksOutThenConnects();
    void closeDiscardsInFlight();
    void writeWhenClosedFails();
    void parseFaultTarget_data();
    void parseFaultTarget();
    void systemAnswersEachSlaveAlone_data();
    void systemAnswersEachSlaveAlone();
    void faultTargetsOneSlave();
};

void TestSimulatedTransport::initTestCase() {
    if (!testing::simulatorFor(QStringLiteral("inverter")))
        QFAIL("no inverter register map in this build");
}

void TestSimulatedTransport::parseFault_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("kind");
    QTest::addColumn<double>("probability");
    QTest::addColumn<int>("remaining");
    QTest::addColumn<double>("seconds");
    using K = SimulatedTransport::FaultKind;
    QTest::newRow("drop default") << "drop" << true << int(K::Drop) << 0.1 << -1 << 0.0;
    QTest::newRow("corrupt probability")
        << "corrupt:0.25" << true << int(K::Corrupt) << 0.25 << -1 << 0.0;
    QTest::newRow("delay count") << "delay:3" << true << int(K::Delay) << 0.0 << 3 << 0.0;
    QTest::newRow("probability 1.0") << "drop:1.0" << true << int(K::Drop) << 1.0 << -1 << 0.0;
    QTest::newRow("disconnect default")
        << "DISCONNECT" << true << int(K::Disconnect) << 0.02 << -1 << 0.0;
    QTest::newRow("refuse seconds") << "refuse:2.5" << true << int(K::Refuse) << 0.0 << -1 << 2.5;
    QTest::newRow("refuse default") << "refuse" << true << int(K::Refuse) << 0.0 << -1 << 5.0;
    QTest::newRow("unknown kind") << "explode" << false << 0 << 0.0 << 0 << 0.0;
    QTest::newRow("empty rate") << "drop:" << false << 0 << 0.0 << 0 << 0.0;
    QTest::newRow("negative") << "drop:-1" << false << 0 << 0.0 << 0 << 0.0;
    QTest::newRow("probability above 1") << "drop:1.5" << false << 0 << 0.0 << 0 << 0.0;
    QTest::newRow("not a number") << "delay:soon" << false << 0 << 0.0 << 0 << 0.0;
}

void TestSimulatedTransport::parseFault() {
    QFETCH(QString, spec);
    QFETCH(bool, valid);
    QString error;
    const auto f = SimulatedTransport::parseFault(spec, &error);
    QCOMPARE(f.has_value(), valid);
    if (!valid) {
        QVERIFY(!error.isEmpty());
        return;
    }
    QFETCH(int, kind);
    QFETCH(double, probability);
    QFETCH(int, remaining);
    QFETCH(double, seconds);
    QCOMPARE(int(f->kind), kind);
    QCOMPARE(f->probability, probability);
    QCOMPARE(f->remaining, remaining);
    QCOMPARE(f->seconds, seconds);
}

void TestSimulatedTransport::repliesIn20ByteNotifications_data() {
    QTest::addColumn<int>("count");
    QTest::addColumn<QList<int>>("chunks");
    QTest::newRow("x1: one 7-byte notification") << 1 << QList<int>{7};
    QTest::newRow("x8: 20 + 1") << 8 << QList<int>{20, 1};
    QTest::newRow("x10: 20 + 5") << 10 << QList<int>{20, 5};
    QTest::newRow("x34 (73 bytes): 20 20 20 13") << 34 << QList<int>{20, 20, 20, 13};
}

void TestSimulatedTransport::repliesIn20ByteNotifications() {
    QFETCH(int, count);
    QFETCH(QList<int>, chunks);
    auto t = openTransport(QStringLiteral("inverter"));
    QVERIFY(waitOpen(*t));
    QSignalSpy spy(t.get(), &Transport::bytesReceived);
    // 4300.. holds enough implemented registers for every count here.
    QVERIFY(t->write(modbus::buildReadRequest(0x20, 4300, static_cast<quint16>(count))));
    QTRY_COMPARE_WITH_TIMEOUT(spy.size(), chunks.size(), kWait);
    QList<int> sizes;
    for (const auto &args : spy)
        sizes.append(int(args.at(0).toByteArray().size()));
    QCOMPARE(sizes, chunks);
    const QByteArray reply = joined(spy);
    QVERIFY(modbus::hasValidCrc(reply));
    QVERIFY(
        modbus::parseResponse(reply, modbus::Request::read(0x20, 4300, static_cast<quint16>(count)))
            .ok());
}

void TestSimulatedTransport::repliesStayInOrder() {
    auto t = openTransport(QStringLiteral("inverter"));
    QVERIFY(waitOpen(*t));
    t->addFault(SimulatedTransport::Fault{SimulatedTransport::FaultKind::Delay, 0, 1, 0});
    t->setFaultDelayMs(100);
    QSignalSpy spy(t.get(), &Transport::bytesReceived);
    // The first reply is held back; the second must still come after it (one UART, in order).
    QVERIFY(t->write(modbus::buildReadRequest(0x20, 4000, 1)));
    QVERIFY(t->write(modbus::buildReadRequest(0x20, 4000, 2)));
    QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 2, kWait);
    QCOMPARE(spy.at(0).at(0).toByteArray().size(), 7);
    QCOMPARE(spy.at(1).at(0).toByteArray().size(), 9);
    QVERIFY(spy.at(1).at(1).toLongLong() >= spy.at(0).at(1).toLongLong());
}

void TestSimulatedTransport::faults_data() {
    QTest::addColumn<int>("kind");
    using K = SimulatedTransport::FaultKind;
    QTest::newRow("drop") << int(K::Drop);
    QTest::newRow("corrupt") << int(K::Corrupt);
    QTest::newRow("delay") << int(K::Delay);
    QTest::newRow("disconnect") << int(K::Disconnect);
}

void TestSimulatedTransport::faults() {
    QFETCH(int, kind);
    using K = SimulatedTransport::FaultKind;
    auto t = openTransport(QStringLiteral("controller"));
    QVERIFY(waitOpen(*t));
    t->addFault(SimulatedTransport::Fault{K(kind), 0, 1, 0}); // exactly the next reply
    t->setFaultDelayMs(150);
    QSignalSpy bytes(t.get(), &Transport::bytesReceived);
    QSignalSpy errors(t.get(), &Transport::errorOccurred);
    const auto request = modbus::Request::read(0x01, 0x0100, 34); // 73 bytes: 4 notifications
    const qint64 writtenMs = t->nowEpochMs();
    QVERIFY(t->write(modbus::buildRequest(request)));
    const int expected = modbus::expectedResponseLength(request);

    switch (K(kind)) {
    case K::Drop:
        QTRY_COMPARE_WITH_TIMEOUT(bytes.size(), 3, kWait);
        QTest::qWait(50); // nothing more comes
        QCOMPARE(bytes.size(), 3);
        QVERIFY(joined(bytes).size() < expected);
        break;
    case K::Corrupt: {
        QTRY_COMPARE_WITH_TIMEOUT(joined(bytes).size(), expected, kWait);
        const QByteArray reply = joined(bytes);
        QVERIFY(!modbus::hasValidCrc(reply) || !modbus::parseResponse(reply, request).ok());
        break;
    }
    case K::Delay: {
        // Held back past a short timeout: measured on the transport's own clock (the timestamps
        // of its notifications), so a busy machine cannot make the reply look early or late.
        QTRY_COMPARE_WITH_TIMEOUT(joined(bytes).size(), expected, kWait);
        QVERIFY(modbus::parseResponse(joined(bytes), request).ok());
        const qint64 firstChunkMs = bytes.first().at(1).toLongLong();
        QVERIFY2(firstChunkMs - writtenMs >= 150,
                 qPrintable(QStringLiteral("first chunk %1 ms after the request")
                                .arg(firstChunkMs - writtenMs)));
        break;
    }
    case K::Disconnect:
        QTRY_COMPARE_WITH_TIMEOUT(t->state(), Transport::State::Closed, kWait);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.at(0).at(0).value<Transport::Error>(), Transport::Error::ConnectionLost);
        QCOMPARE(bytes.size(), 0);
        break;
    case K::Refuse:
        break;
    }
    QCOMPARE(t->faultsInjected(K(kind)), quint64(1));
}

void TestSimulatedTransport::refuseLocksOutThenConnects() {
    auto t = openTransport(QStringLiteral("controller"));
    // A lockout far longer than any stall of a busy machine between the two opens below, so the
    // second one is inside it whatever the scheduler does.
    t->addFault(SimulatedTransport::Fault{SimulatedTransport::FaultKind::Refuse, 0, -1, 2.0});
    QSignalSpy errors(t.get(), &Transport::errorOccurred);
    QSignalSpy states(t.get(), &Transport::stateChanged);
    t->open();
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, kWait);
    QCOMPARE(errors.at(0).at(0).value<Transport::Error>(), Transport::Error::ConnectionRefused);
    QTRY_COMPARE_WITH_TIMEOUT(t->state(), Transport::State::Closed, kWait);
    t->open(); // still inside the lockout
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 2, kWait);
    QTRY_COMPARE_WITH_TIMEOUT(t->state(), Transport::State::Closed, kWait);
    QTest::qWait(2100); // at least this long: the lockout is over
    QVERIFY(waitOpen(*t));
    QCOMPARE(errors.size(), 2);
}

void TestSimulatedTransport::closeDiscardsInFlight() {
    auto t = openTransport(QStringLiteral("controller"));
    QVERIFY(waitOpen(*t));
    auto latency = SimulatedTransport::Latency::fast();
    latency.byteTimeMs = 1.0; // ~80 ms for the exchange: close lands in the middle
    t->setLatency(latency);
    QSignalSpy bytes(t.get(), &Transport::bytesReceived);
    QVERIFY(t->write(modbus::buildReadRequest(0x01, 0x0100, 34)));
    t->close();
    QTRY_COMPARE_WITH_TIMEOUT(t->state(), Transport::State::Closed, kWait);
    QTest::qWait(150);
    QCOMPARE(bytes.size(), 0);
}

void TestSimulatedTransport::writeWhenClosedFails() {
    auto t = openTransport(QStringLiteral("controller"));
    QSignalSpy errors(t.get(), &Transport::errorOccurred);
    QVERIFY(!t->write(modbus::buildReadRequest(0x01, 0x0100, 1)));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).value<Transport::Error>(), Transport::Error::WriteFailed);
}

void TestSimulatedTransport::parseFaultTarget_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<int>("slave"); // -1: invalid spec; 0: no target
    QTest::newRow("hex slave") << "drop:1.0@0x33" << 0x33;
    QTest::newRow("decimal slave") << "delay@51" << 51;
    QTest::newRow("no target") << "corrupt:2" << 0;
    QTest::newRow("slave 0") << "drop@0" << -1;
    QTest::newRow("slave above 247") << "drop@0xF8" << -1;
    QTest::newRow("not a number") << "drop:1@bank" << -1;
}

void TestSimulatedTransport::parseFaultTarget() {
    QFETCH(QString, spec);
    QFETCH(int, slave);
    QString error;
    const auto f = SimulatedTransport::parseFault(spec, &error);
    QCOMPARE(f.has_value(), slave >= 0);
    if (!f) {
        QVERIFY(error.contains(u'@'));
        return;
    }
    QCOMPARE(f->slave.has_value(), slave > 0);
    if (slave > 0)
        QCOMPARE(int(*f->slave), slave);
}

void TestSimulatedTransport::systemAnswersEachSlaveAlone_data() {
    QTest::addColumn<int>("slave");
    QTest::addColumn<int>("expect"); // 0 = silence, 1 = a valid reply from `slave`, 2 = garbled
    QTest::newRow("controller 0x10") << 0x10 << 1;
    QTest::newRow("pack 0x31") << 0x31 << 1;
    QTest::newRow("weak pack 0x33") << 0x33 << 1;
    QTest::newRow("empty slot 0x34") << 0x34 << 0;
    QTest::newRow("0xFF: every member at once") << 0xFF << 2;
}

void TestSimulatedTransport::systemAnswersEachSlaveAlone() {
    // An RS485 bus behind one BT-2: the addressed member answers, the others stay silent, and a
    // broadcast is answered by all of them together (docs/session.md, system).
    QFETCH(int, slave);
    QFETCH(int, expect);
    auto t = SimulatedDevices::makeTransport(u"system", testing::builtInMaps());
    QVERIFY(t);
    t->setLatency(SimulatedTransport::Latency::fast());
    QVERIFY(waitOpen(*t));
    QSignalSpy spy(t.get(), &Transport::bytesReceived);
    // 0x000C x8 is the controller's model; the others answer it with an exception. A second
    // request to the controller follows: the bus answers in order, so once its reply is in, the
    // first reply (or its silence) is complete.
    QVERIFY(t->write(
        modbus::buildRequest(modbus::Request::read(static_cast<quint8>(slave), 0x000C, 8))));
    const QByteArray marker = modbus::buildReadRequest(0x10, 0x000C, 8);
    QVERIFY(t->write(marker));
    const QByteArray markerReply =
        t->simulatorAt(0x10)->handleRequest(marker, t->nowEpochMs()).value_or(QByteArray());
    QVERIFY(!markerReply.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(joined(spy).endsWith(markerReply), kWait);
    const QByteArray first = joined(spy).chopped(markerReply.size());
    switch (expect) {
    case 0:
        QVERIFY(first.isEmpty());
        break;
    case 1:
        QVERIFY(modbus::hasValidCrc(first));
        QCOMPARE(quint8(first.at(0)), quint8(slave));
        break;
    default:
        QVERIFY(!first.isEmpty());
        QVERIFY(!modbus::hasValidCrc(first));
        break;
    }
}

void TestSimulatedTransport::faultTargetsOneSlave() {
    auto t = SimulatedDevices::makeTransport(u"system", testing::builtInMaps());
    QVERIFY(t);
    t->setLatency(SimulatedTransport::Latency::fast());
    t->setSeed(7);
    QString error;
    const auto fault = SimulatedTransport::parseFault(u"drop:1.0@0x31", &error);
    QVERIFY2(fault, qPrintable(error));
    t->addFault(*fault);
    QVERIFY(waitOpen(*t));
    QSignalSpy spy(t.get(), &Transport::bytesReceived);
    // 5042 x6: 17 bytes, one notification each; the one to 0x31 is dropped.
    QVERIFY(t->write(modbus::buildReadRequest(0x30, 5042, 6)));
    QVERIFY(t->write(modbus::buildReadRequest(0x31, 5042, 6)));
    QVERIFY(t->write(modbus::buildReadRequest(0x32, 5042, 6)));
    QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 2, kWait);
    QCOMPARE(quint8(spy.at(0).at(0).toByteArray().at(0)), quint8(0x30));
    QCOMPARE(quint8(spy.at(1).at(0).toByteArray().at(0)), quint8(0x32));
    QCOMPARE(t->faultsInjected(SimulatedTransport::FaultKind::Drop), quint64(1));
}

QTEST_GUILESS_MAIN(TestSimulatedTransport)
#include "tst_simulatedtransport.moc"
