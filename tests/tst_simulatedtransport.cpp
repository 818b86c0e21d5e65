#include "modbus/crc16.h"
#include "modbus/modbusframe.h"
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

QTEST_GUILESS_MAIN(TestSimulatedTransport)
#include "tst_simulatedtransport.moc"
