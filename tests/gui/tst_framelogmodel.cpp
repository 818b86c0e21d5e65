#include "capture/frameexport.h"
#include "capture/framelog.h"
#include "models/framelogfiltermodel.h"
#include "models/framelogmodel.h"
#include "registers/registermap.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace blupow;

namespace {

enum class Kind { Ok, Timeout, BadCrc, Exception, Dropped };

Exchange exchange(Kind kind, quint64 id = 1) {
    Exchange e;
    e.id = id;
    e.request = modbus::Request::read(0xFF, 0x0100, 2);
    e.requestFrame = modbus::buildRequest(e.request);
    e.sentMs = 1700000000000 + qint64(id) * 1000;
    e.receivedMs = e.sentMs + 120;
    e.outcome = Exchange::Outcome::Ok;
    e.responseFrame = modbus::buildReadResponse(0xFF, {100, 144});
    switch (kind) {
    case Kind::Ok:
        break;
    case Kind::Timeout:
        e.outcome = Exchange::Outcome::Timeout;
        e.responseFrame.clear();
        e.receivedMs = 0;
        e.error = QStringLiteral("no reply after 2000 ms");
        break;
    case Kind::BadCrc:
        e.outcome = Exchange::Outcome::Error;
        e.responseFrame[4] = char(0x65);
        e.response.error = modbus::ResponseError::BadCrc;
        e.error = QStringLiteral("bad CRC");
        break;
    case Kind::Exception:
        e.outcome = Exchange::Outcome::Exception;
        e.responseFrame = modbus::buildExceptionResponse(0xFF, 0x03, 0x02);
        e.response.error = modbus::ResponseError::Exception;
        e.error = QStringLiteral("exception 0x02");
        break;
    case Kind::Dropped:
        e.dropped = QByteArray("\x00\x11\x22", 3);
        break;
    }
    return e;
}

} // namespace

class TestFrameLogModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void recordsForExchange_data();
    void recordsForExchange();
    void ringDropsOldest();
    void filter_data();
    void filter();
    void pauseHoldsFrames();
    void annotationsUseMap();
    void exportFormats();
};

void TestFrameLogModel::recordsForExchange_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<QStringList>("expected"); // "DIR status" per record
    QTest::newRow("ok") << int(Kind::Ok)
                        << QStringList{QStringLiteral("TX ok"), QStringLiteral("RX ok")};
    QTest::newRow("timeout marks the request")
        << int(Kind::Timeout) << QStringList{QStringLiteral("TX no reply")};
    QTest::newRow("bad crc") << int(Kind::BadCrc)
                             << QStringList{QStringLiteral("TX ok"), QStringLiteral("RX bad CRC")};
    QTest::newRow("exception") << int(Kind::Exception)
                               << QStringList{QStringLiteral("TX ok"),
                                              QStringLiteral("RX exception")};
    QTest::newRow("discarded bytes")
        << int(Kind::Dropped)
        << QStringList{QStringLiteral("TX ok"), QStringLiteral("RX discarded"),
                       QStringLiteral("RX ok")};
}

void TestFrameLogModel::recordsForExchange() {
    QFETCH(int, kind);
    QFETCH(QStringList, expected);
    FrameLog log;
    QStringList got;
    for (const FrameRecord &r : log.recordsFor(exchange(Kind(kind))))
        got.append(directionName(r.direction) + QLatin1Char(' ') + frameStatusName(r.status));
    QCOMPARE(got, expected);
}

void TestFrameLogModel::ringDropsOldest() {
    FrameLogModel model(5);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    for (quint64 id = 1; id <= 4; ++id)
        model.addExchange(exchange(Kind::Ok, id));
    QCOMPARE(model.rowCount(), 5);
    QVERIFY(removed.size() >= 1);
    // 8 records went in, the 3 oldest went out; numbering continues across the drop.
    QCOMPARE(model.index(0, 0).data(FrameLogModel::SequenceRole).toULongLong(), 4ull);
    QCOMPARE(model.index(4, 0).data(FrameLogModel::SequenceRole).toULongLong(), 8ull);
}

void TestFrameLogModel::filter_data() {
    QTest::addColumn<bool>("tx");
    QTest::addColumn<bool>("rx");
    QTest::addColumn<bool>("errorsOnly");
    QTest::addColumn<int>("expectedRows");
    // ok (TX, RX), timeout (TX!), bad CRC (TX, RX!), exception (TX, RX!)
    QTest::newRow("all") << true << true << false << 7;
    QTest::newRow("tx only") << true << false << false << 4;
    QTest::newRow("rx only") << false << true << false << 3;
    QTest::newRow("errors") << true << true << true << 3;
    QTest::newRow("rx errors") << false << true << true << 2;
    QTest::newRow("nothing") << false << false << false << 0;
}

void TestFrameLogModel::filter() {
    QFETCH(bool, tx);
    QFETCH(bool, rx);
    QFETCH(bool, errorsOnly);
    QFETCH(int, expectedRows);
    FrameLogModel model;
    FrameLogFilterModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addExchange(exchange(Kind::Ok, 1));
    model.addExchange(exchange(Kind::Timeout, 2));
    model.addExchange(exchange(Kind::BadCrc, 3));
    model.addExchange(exchange(Kind::Exception, 4));
    proxy.setShowTx(tx);
    proxy.setShowRx(rx);
    proxy.setErrorsOnly(errorsOnly);
    QCOMPARE(proxy.rowCount(), expectedRows);
}

void TestFrameLogModel::pauseHoldsFrames() {
    FrameLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addExchange(exchange(Kind::Ok, 1));
    model.setPaused(true);
    model.addExchange(exchange(Kind::Ok, 2));
    model.addExchange(exchange(Kind::Timeout, 3));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.pendingCount(), 3);
    model.setPaused(false);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.pendingCount(), 0);
}

void TestFrameLogModel::annotationsUseMap() {
    const RegisterMaps maps = RegisterMaps::builtIn();
    FrameLogModel model;
    model.setRegisterMap(std::make_shared<const RegisterMap>(*maps.find(Family::Controller)));
    model.addExchange(exchange(Kind::Ok, 1));
    const FrameRecord *rx = model.record(1);
    QVERIFY(rx);
    bool found = false;
    for (const ByteAnnotation &a : rx->annotations()) {
        if (a.key == QLatin1String("battery_voltage")) {
            found = true;
            QCOMPARE(a.offset, 5);
            QCOMPARE(a.value, QStringLiteral("14.4 V"));
        }
    }
    QVERIFY(found);
}

void TestFrameLogModel::exportFormats() {
    FrameLog log;
    const auto records = log.recordsFor(exchange(Kind::Exception, 9));
    QCOMPARE(FrameExport::csvHeader(),
             QStringLiteral("time_utc,direction,exchange,status,bytes,note\n"));
    QCOMPARE(FrameExport::toCsvRow(records.at(1)),
             QStringLiteral("2023-11-14T22:13:29.120Z,RX,9,exception,ff 83 02 %1,exception 0x02\n")
                 .arg(modbus::toHex(records.at(1).bytes.right(2))));
    const QString text = FrameExport::toText(records.at(1), true);
    QVERIFY(text.contains(QLatin1String("exception code")));
    QVERIFY(text.contains(QLatin1String("<-- !")));
}

QTEST_GUILESS_MAIN(TestFrameLogModel)
#include "tst_framelogmodel.moc"
