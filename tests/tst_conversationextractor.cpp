// The Modbus conversation inside btsnoop captures: the real capture of the vendor app with two
// RBT50LFP48S batteries (../shared/captures), and captures built here to cover what it lacks
// (20-byte notifications, ACL fragments, no GATT discovery, unanswered requests, CRC errors).

#include "capture/btsnoopwriter.h"
#include "capture/conversationextractor.h"
#include "modbus/modbusframe.h"
#include "testprerequisite.h"

#include <QFile>
#include <QTest>

using namespace blupow;
using namespace blupow::capture;

namespace {

const QString kRealCapture =
    blupow::testing::sharedPath(QStringLiteral("captures/renogy-bt2-two-batteries.btsnoop"));

QByteArray hex(const char *text) {
    return modbus::fromHex(QString::fromLatin1(text)).value_or(QByteArray());
}

struct Extracted {
    ConversationExtractor::Result result;
    QList<CapturedExchange> exchanges;
};

Extracted extract(QByteArrayView file, const ConversationExtractor::Options &options = {}) {
    Extracted out;
    out.result = ConversationExtractor::extract(
        file, [&](CapturedExchange &&e) { out.exchanges.append(std::move(e)); }, options);
    return out;
}

} // namespace

#define REQUIRE_REAL_CAPTURE()                                                                     \
    BLUPOW_REQUIRE_PREREQUISITE(!m_real.isEmpty(),                                                 \
                                "../shared/captures/renogy-bt2-two-batteries.btsnoop (the shared " \
                                "folder beside the checkout)")

class TestConversationExtractor : public QObject {
    Q_OBJECT

private:
    QByteArray m_real;

private Q_SLOTS:
    void initTestCase() {
        QFile f(kRealCapture);
        if (f.open(QIODevice::ReadOnly))
            m_real = f.readAll();
    }

    void realCaptureHandlesFromDiscovery() {
        REQUIRE_REAL_CAPTURE();
        const auto x = extract(m_real);
        QVERIFY2(x.result.ok, qPrintable(x.result.error));
        QCOMPARE(x.result.datalink, 1002u);
        QCOMPARE(x.result.records, 1075);
        QCOMPARE(x.result.writeHandle, quint16{0x001d});
        QCOMPARE(x.result.notifyHandle, quint16{0x002e});
        QVERIFY2(x.result.handleEvidence.contains(QLatin1String("GATT discovery")),
                 qPrintable(x.result.handleEvidence));
        // The BT-2's scan response names it, with trailing spaces (README).
        QCOMPARE(x.result.peerName, QStringLiteral("BT-TH-FD866D73"));
        QCOMPARE(x.result.peerAddress.size(), 17);
    }

    void realCaptureConversation() {
        REQUIRE_REAL_CAPTURE();
        const auto x = extract(m_real);
        // 20 requests (README): 5042 x6, 5104 x28 and 5000 x34 to 0x30 and 0x31, every one
        // answered with a good CRC.
        QCOMPARE(x.exchanges.size(), 20);
        int perSlave[2] = {0, 0};
        for (const auto &e : x.exchanges) {
            QVERIFY2(e.exchange.outcome == Exchange::Outcome::Ok, qPrintable(e.exchange.error));
            QVERIFY(e.exchange.request.slave == 0x30 || e.exchange.request.slave == 0x31);
            ++perSlave[e.exchange.request.slave - 0x30];
            QVERIFY(e.exchange.dropped.isEmpty());
            QVERIFY(e.exchange.roundTripMs > 0 && e.exchange.roundTripMs < 1000);
            // The MTU was raised: every reply came in one notification.
            QCOMPARE(e.replyChunks.size(), 1);
        }
        QCOMPARE(perSlave[0], 10);
        QCOMPARE(perSlave[1], 10);
    }

    void realCaptureWords_data() {
        QTest::addColumn<int>("index");
        QTest::addColumn<int>("slave");
        QTest::addColumn<int>("start");
        QTest::addColumn<QList<quint16>>("expected"); // checked word by word from the start
        // Values read by hand from the hex of records 701-729 and 757-761 (first cycle).
        // 5042 x6: current 0, pack 0x020c = 52.4 V, remaining 0xc2b2 = 49.842 Ah of 50.000 Ah.
        QTest::newRow("0x30 5042 x6")
            << 0 << 0x30 << 5042 << QList<quint16>{0x0000, 0x020c, 0x0000, 0xc2b2, 0x0000, 0xc350};
        QTest::newRow("0x31 5042 x6")
            << 2 << 0x31 << 5042 << QList<quint16>{0x0000, 0x020c, 0x0000, 0xc2ad, 0x0000, 0xc34b};
        // 5104 x28: alarms 0, status 1 = 0x000e (MOSFETs on, module power), status 2 = 0x0a00,
        // 5109 = 0x00c0 (charge and discharge enabled), serial "22RBH4A0...".
        QTest::newRow("0x30 5104 x28")
            << 1 << 0x30 << 5104
            << QList<quint16>{0x0000, 0x0000, 0x000e, 0x0a00, 0x0000, 0x00c0, 0x3232, 0x5242};
        // 5000 x34: 15 cells (a 48 V LFP pack is 15S) of 3.4 V (34) and 3.5 V (35), slot 16
        // empty, 15 temperature sensors at 13.0 and 14.0 degC.
        QTest::newRow("0x30 5000 x34")
            << 4 << 0x30 << 5000
            << QList<quint16>{15,  34,  34,  34,  34,  34,  34,  34,  34,  34,  35,  35,
                              34,  34,  34,  34,  0,   15,  130, 130, 130, 130, 130, 130,
                              130, 130, 140, 140, 140, 140, 140, 140, 140, 0};
    }
    void realCaptureWords() {
        REQUIRE_REAL_CAPTURE();
        QFETCH(int, index);
        QFETCH(int, slave);
        QFETCH(int, start);
        QFETCH(QList<quint16>, expected);
        const auto x = extract(m_real);
        QVERIFY(index < x.exchanges.size());
        const auto &e = x.exchanges.at(index).exchange;
        QCOMPARE(int{e.request.slave}, slave);
        QCOMPARE(int{e.request.start}, start);
        QVERIFY(e.response.words.size() >= expected.size());
        QCOMPARE(e.response.words.first(expected.size()), expected);
    }

    void realCaptureSerialAndModel() {
        REQUIRE_REAL_CAPTURE();
        const auto x = extract(m_real);
        const QByteArray frame = x.exchanges.at(1).exchange.responseFrame;
        // 5110-5117 serial, 5122-5129 model, 5130-5131 software version (docs/protocol.md 6.3).
        QVERIFY(frame.contains("RBT50LFP48S"));
        QVERIFY(frame.contains("V104"));
    }

    void handlePatternWithoutDiscovery() {
        QByteArray file = BtsnoopWriter::fileHeader();
        const QByteArray req = modbus::buildReadRequest(0x30, 5042, 6);
        const QByteArray reply = hex("30 03 0c 00 00 02 0c 00 00 c2 b2 00 00 c3 50 ee 9a");
        BtsnoopWriter::appendAttWrite(file, 1'000'000, req, 0x0031);
        BtsnoopWriter::appendAttNotification(file, 1'000'050, reply.first(10), 0x0040);
        BtsnoopWriter::appendAttNotification(file, 1'000'090, reply.sliced(10), 0x0040);
        const auto x = extract(file);
        QCOMPARE(x.result.writeHandle, quint16{0x0031});
        QCOMPARE(x.result.notifyHandle, quint16{0x0040});
        QVERIFY(x.result.handleEvidence.contains(QLatin1String("no GATT discovery")));
        QCOMPARE(x.exchanges.size(), 1);
        QCOMPARE(x.exchanges.at(0).exchange.outcome, Exchange::Outcome::Ok);
        QCOMPARE(x.exchanges.at(0).replyChunks.size(), 2);
        QCOMPARE(x.exchanges.at(0).replyChunks.at(1).offsetUs, 90);
        QCOMPARE(x.exchanges.at(0).exchange.response.words.at(1), quint16{0x020c});
    }

    void outcomes_data() {
        QTest::addColumn<QByteArray>("reply");
        QTest::addColumn<int>("outcome");
        QTest::addColumn<QString>("errorContains");
        QTest::newRow("ok") << hex("30 03 02 00 0f 85 84") << int(Exchange::Outcome::Ok)
                            << QString();
        QTest::newRow("bad crc") << hex("30 03 02 00 0f 85 85") << int(Exchange::Outcome::Error)
                                 << QStringLiteral("CRC");
        QTest::newRow("exception")
            << hex("30 83 02 91 3e") << int(Exchange::Outcome::Exception) << QStringLiteral("0x02");
        QTest::newRow("unanswered")
            << QByteArray() << int(Exchange::Outcome::Timeout) << QStringLiteral("no reply");
    }
    void outcomes() {
        QFETCH(QByteArray, reply);
        QFETCH(int, outcome);
        QFETCH(QString, errorContains);
        QByteArray file = BtsnoopWriter::fileHeader();
        BtsnoopWriter::appendRenogyDiscovery(file, 0);
        BtsnoopWriter::appendAttWrite(file, 10, modbus::buildReadRequest(0x30, 5000, 1));
        if (!reply.isEmpty())
            BtsnoopWriter::appendAttNotification(file, 20, reply);
        const auto x = extract(file);
        QCOMPARE(x.exchanges.size(), 1);
        const auto &e = x.exchanges.at(0).exchange;
        QCOMPARE(int(e.outcome), outcome);
        QVERIFY2(e.error.contains(errorContains, Qt::CaseInsensitive), qPrintable(e.error));
    }

    void aclFragmentsAreJoined() {
        // An L2CAP frame split over three ACL packets (PB first, continuing, continuing), as the
        // real capture shows for its 73-byte replies.
        QByteArray file = BtsnoopWriter::fileHeader();
        BtsnoopWriter::appendRenogyDiscovery(file, 0);
        BtsnoopWriter::appendAttWrite(file, 10, modbus::buildReadRequest(0x30, 5000, 2));
        const QByteArray frame = modbus::buildReadResponse(0x30, {15, 34});
        QByteArray att("\x1b\x2e\x00", 3);
        att.append(frame);
        const QByteArray packet = BtsnoopWriter::h4AttPacket(att, true, 0x0002);
        // packet = 02 | handle flags (2) | acl length (2) | l2cap...
        const QByteArray l2cap = packet.sliced(5);
        const auto acl = [](quint16 pb, QByteArrayView data) {
            QByteArray p;
            p.append(char{0x02});
            p.append(char{0x02});
            p.append(static_cast<char>(pb << 4));
            p.append(static_cast<char>(data.size()));
            p.append(char{0});
            p.append(data);
            return p;
        };
        BtsnoopWriter::appendRecord(file, acl(2, l2cap.first(5)), kFlagReceived, 30);
        BtsnoopWriter::appendRecord(file, acl(1, l2cap.sliced(5, 6)), kFlagReceived, 31);
        BtsnoopWriter::appendRecord(file, acl(1, l2cap.sliced(11)), kFlagReceived, 32);
        const auto x = extract(file);
        QVERIFY2(x.result.warnings.isEmpty(), qPrintable(x.result.warnings.join(u'\n')));
        QCOMPARE(x.exchanges.size(), 1);
        QCOMPARE(x.exchanges.at(0).exchange.outcome, Exchange::Outcome::Ok);
        QCOMPARE(x.exchanges.at(0).exchange.response.words, (QList<quint16>{15, 34}));
    }

    void nonModbusWritesAreSkippedWithAWarning() {
        QByteArray file = BtsnoopWriter::fileHeader();
        BtsnoopWriter::appendRenogyDiscovery(file, 0);
        BtsnoopWriter::appendAttWrite(file, 10, modbus::buildReadRequest(0x30, 5000, 1));
        BtsnoopWriter::appendAttNotification(file, 20, modbus::buildReadResponse(0x30, {15}));
        // The vendor app's acknowledgement string (docs/protocol.md 3.3 step 5).
        BtsnoopWriter::appendAttWrite(file, 30, QByteArrayView("main recv data[30] ["));
        const auto x = extract(file);
        QCOMPARE(x.exchanges.size(), 1);
        QCOMPARE(x.result.warnings.size(), 1);
        QVERIFY2(x.result.warnings.at(0).contains(QLatin1String("not a Modbus request")),
                 qPrintable(x.result.warnings.at(0)));
        QVERIFY(x.result.warnings.at(0).contains(QLatin1String("record 6")));
    }
};

QTEST_GUILESS_MAIN(TestConversationExtractor)
#include "tst_conversationextractor.moc"
