// btsnoop reading and writing, and every kind of bad file: each gives a clear error or a warning
// naming the record and offset, never a crash. The files are generated here.

#include "capture/btsnoop.h"
#include "capture/btsnoopwriter.h"
#include "capture/conversationextractor.h"
#include "modbus/modbusframe.h"

#include <QBuffer>
#include <QTest>
#include <QtEndian>

#include <limits>

using namespace blupow;
using namespace blupow::capture;

namespace {

QByteArray be32(quint32 v) {
    QByteArray b(4, '\0');
    qToBigEndian(v, b.data());
    return b;
}

QByteArray header(quint32 version = 1, quint32 datalink = 1002) {
    return QByteArray("btsnoop\0", 8) + be32(version) + be32(datalink);
}

// One request and its reply, the smallest useful capture.
QByteArray goodCapture() {
    QByteArray f = BtsnoopWriter::fileHeader();
    BtsnoopWriter::appendRenogyDiscovery(f, 1'700'000'000'000'000);
    BtsnoopWriter::appendAttWrite(f, 1'700'000'000'100'000,
                                  modbus::buildReadRequest(0x30, 5000, 1));
    BtsnoopWriter::appendAttNotification(f, 1'700'000'000'180'000,
                                         modbus::buildReadResponse(0x30, {15}));
    return f;
}

// The smallest useful capture with a record whose length field lies (says 1000, holds 5 bytes)
// between the discovery and the request.
QByteArray captureWithCorruptLength() {
    QByteArray f = BtsnoopWriter::fileHeader();
    BtsnoopWriter::appendRenogyDiscovery(f, 1'700'000'000'000'000);
    QByteArray corrupt(24, '\0');
    qToBigEndian(quint32{1000}, corrupt.data());
    qToBigEndian(quint32{1000}, corrupt.data() + 4);
    f += corrupt + QByteArray::fromHex("0240001000");
    BtsnoopWriter::appendAttWrite(f, 1'700'000'000'100'000,
                                  modbus::buildReadRequest(0x30, 5000, 1));
    BtsnoopWriter::appendAttNotification(f, 1'700'000'000'180'000,
                                         modbus::buildReadResponse(0x30, {15}));
    return f;
}

// A raw record with any header values, for lying length fields.
QByteArray rawRecord(quint32 original, quint32 included, quint32 flags, QByteArrayView data) {
    return be32(original) + be32(included) + be32(flags) + be32(0) + QByteArray(8, '\0') +
           data.toByteArray();
}

// An H4 ACL packet with explicit header fields.
QByteArray acl(quint16 pb, quint16 aclLength, QByteArrayView payload) {
    QByteArray p;
    p.append(char{0x02});
    p.append(char{0x40});
    p.append(static_cast<char>(pb << 4));
    p.append(static_cast<char>(aclLength & 0xff));
    p.append(static_cast<char>(aclLength >> 8));
    p.append(payload);
    return p;
}

ConversationExtractor::Result extract(QByteArrayView file, qsizetype *exchanges) {
    *exchanges = 0;
    return ConversationExtractor::extract(file, [&](CapturedExchange &&) { ++*exchanges; });
}

} // namespace

class TestBtsnoop : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void writerHeader() {
        const QByteArray h = BtsnoopWriter::fileHeader();
        QCOMPARE(h.toHex(), QByteArray("6274736e6f6f7000"
                                       "00000001"
                                       "000003ea"));
    }

    void readerRoundTrip() {
        const QByteArray f = goodCapture();
        BtsnoopReader reader(f);
        QVERIFY2(reader.isValid(), qPrintable(reader.error()));
        QCOMPARE(reader.datalink(), 1002u);
        qsizetype n = 0;
        std::optional<BtsnoopRecord> last;
        while (auto r = reader.next()) {
            QCOMPARE(r->index, n);
            ++n;
            last = r;
        }
        QCOMPARE(n, 6); // 4 discovery records, the write, the notification
        QVERIFY(reader.trailingProblem().isEmpty());
        QCOMPARE(last->epochMs(), 1'700'000'000'180LL);
        QCOMPARE(last->flags, kFlagReceived);
        QVERIFY(!last->truncated());
    }

    void realEpoch() {
        // 0x00e321f86456_1cc2 is the first timestamp of the shared Android capture:
        // 2025-11-23 16:13:52.289986 UTC.
        BtsnoopRecord r;
        r.timestampUs = 63932170432289986LL;
        QCOMPARE(r.epochMs(), 1763914432289LL);
    }

    void extremeTimestamps_data() {
        QTest::addColumn<qint64>("raw");
        QTest::addColumn<qint64>("epochUs");
        // Found by the fuzzer: subtracting the epoch offset from INT64_MIN overflowed.
        QTest::newRow("int64 min") << std::numeric_limits<qint64>::min() << -(qint64{1} << 60);
        QTest::newRow("int64 max") << std::numeric_limits<qint64>::max() << (qint64{1} << 60);
        QTest::newRow("year 0") << qint64{0} << -kBtsnoopEpochDeltaUs;
    }
    void extremeTimestamps() {
        QFETCH(qint64, raw);
        QFETCH(qint64, epochUs);
        BtsnoopRecord r;
        r.timestampUs = raw;
        QCOMPARE(r.epochUs(), epochUs);
    }

    void badFiles_data() {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("message"); // in the error, or in one of the warnings
        QTest::addColumn<int>("exchanges");

        const QByteArray good = goodCapture();
        QTest::newRow("good") << good << true << QString() << 1;
        QTest::newRow("zero-length file")
            << QByteArray() << false << QStringLiteral("empty file") << 0;
        QTest::newRow("wrong magic") << QByteArray("pcap\xd4\xc3\xb2\xa1 and more bytes") << false
                                     << QStringLiteral("not a btsnoop capture") << 0;
        QTest::newRow("truncated header")
            << QByteArray("btsnoop\0\0\0", 10) << false
            << QStringLiteral("truncated btsnoop header (10 of 16 bytes)") << 0;
        QTest::newRow("version 2")
            << header(2) << false << QStringLiteral("unsupported btsnoop version 2") << 0;
        QTest::newRow("unknown datalink")
            << header(1, 1234) << false << QStringLiteral("unsupported btsnoop datalink 1234") << 0;
        QTest::newRow("header only") << header() << true << QString() << 0;
        QTest::newRow("truncated record header")
            << good + QByteArray(10, '\0') << true
            << QStringLiteral("record 6 at offset 0x%1: truncated record header (10 of 24")
                   .arg(good.size(), 0, 16)
            << 1;
        QTest::newRow("capture cut in the middle of a record")
            << good.first(good.size() - 3) << true << QStringLiteral("record 5 at offset")
            << 1; // unanswered
        QTest::newRow("huge length field")
            << good + rawRecord(0xffffffffu, 0xffffffffu, 0, "\x02") << true
            << QStringLiteral("its length field says 4294967295 bytes but only 1 remain") << 1;
        // Once the walk stopped there and the request and reply after it were lost.
        QTest::newRow("corrupt length field, good records after it")
            << captureWithCorruptLength() << true
            << QStringLiteral("its length field says 1000 bytes but only 92 remain; skipped 29 "
                              "bytes to the next plausible record")
            << 1;
        QTest::newRow("zero-length record")
            << good + rawRecord(0, 0, 0, {}) << true
            << QStringLiteral("skipped 1 record: empty record (first at record 6") << 1;
        QTest::newRow("original length beyond included")
            << good + rawRecord(100, 1, 0, "\x04") << true
            << QStringLiteral("record shorter than the packet captured") << 1;
        QTest::newRow("unknown H4 type") << good + rawRecord(2, 2, 0, QByteArray::fromHex("0700"))
                                         << true << QStringLiteral("H4 packet type 0x07") << 1;
        QTest::newRow("HCI events only")
            << header() + rawRecord(7, 7, 3, QByteArray::fromHex("040e0401030c00")) << true
            << QStringLiteral("skipped 1 record: HCI event") << 0;
        QTest::newRow("L2CAP signalling, not ATT")
            << good + rawRecord(13, 13, 1, acl(2, 8, QByteArray::fromHex("0400050001020304")))
            << true << QStringLiteral("L2CAP CID 0x0005 (not ATT)") << 1;
        QTest::newRow("ACL length field lies")
            << good + rawRecord(12, 12, 1, acl(2, 200, QByteArray::fromHex("03000400 1b2e0001")))
            << true << QStringLiteral("ACL length field differs from the bytes present") << 1;
        QTest::newRow("ACL shorter than its header")
            << good + rawRecord(3, 3, 1, QByteArray::fromHex("024000")) << true
            << QStringLiteral("ACL packet shorter than its header") << 1;
        QTest::newRow("continuation without a start")
            << good + rawRecord(8, 8, 1, acl(1, 3, QByteArray::fromHex("010203"))) << true
            << QStringLiteral("ACL continuation fragment without a first fragment") << 1;
        QTest::newRow("L2CAP frame never completed")
            << good + rawRecord(13, 13, 1, acl(2, 8, QByteArray::fromHex("ff0004001b2e0030")))
            << true << QStringLiteral("L2CAP frame incomplete at the end of the capture") << 1;
        QTest::newRow("empty ATT PDU")
            << good + rawRecord(9, 9, 1, acl(2, 4, QByteArray::fromHex("00000400"))) << true
            << QStringLiteral("empty ATT PDU") << 1;
        QByteArray corrupt = good;
        corrupt[corrupt.size() - 1] = static_cast<char>(corrupt.back() ^ 0x55); // reply CRC
        QTest::newRow("corrupted reply") << corrupt << true << QString() << 1;
        QByteArray noise = header();
        for (int i = 0; i < 64; ++i)
            noise += rawRecord(5, 5, static_cast<quint32>(i % 4),
                               QByteArray::fromHex("02ffff0100").left(1 + i % 5));
        QTest::newRow("noise records") << noise << true << QString() << 0;
    }
    void badFiles() {
        QFETCH(QByteArray, file);
        QFETCH(bool, ok);
        QFETCH(QString, message);
        QFETCH(int, exchanges);
        qsizetype found = 0;
        const auto r = extract(file, &found);
        QCOMPARE(r.ok, ok);
        if (!ok) {
            QVERIFY2(r.error.contains(message), qPrintable(r.error));
            QVERIFY(!r.error.contains(u'\n'));
        } else if (!message.isEmpty()) {
            const bool said = std::any_of(r.warnings.cbegin(), r.warnings.cend(),
                                          [&](const QString &w) { return w.contains(message); });
            QVERIFY2(said, qPrintable(r.warnings.join(u'\n')));
        }
        QCOMPARE(found, exchanges);
    }

    void everyPrefixOfAGoodFile() {
        // Cutting the file anywhere never crashes and never invents an exchange.
        const QByteArray good = goodCapture();
        for (qsizetype n = 0; n <= good.size(); ++n) {
            qsizetype found = 0;
            const auto r = extract(good.first(n), &found);
            QVERIFY(found <= 1);
            QCOMPARE(r.ok, n >= 16);
        }
    }

    void otherDatalinks_data() {
        QTest::addColumn<quint32>("datalink");
        QTest::newRow("1001 un-encapsulated") << 1001u;
        QTest::newRow("2001 btmon") << 2001u;
    }
    void otherDatalinks() {
        QFETCH(quint32, datalink);
        const QByteArray request = modbus::buildReadRequest(0x30, 5000, 1);
        const QByteArray reply = modbus::buildReadResponse(0x30, {15});
        // The H4 packets without their type byte; the direction goes into the flags.
        const QByteArray tx =
            BtsnoopWriter::h4AttPacket(QByteArray(QByteArray("\x52\x1d\x00", 3) + request), false)
                .sliced(1);
        const QByteArray rx =
            BtsnoopWriter::h4AttPacket(QByteArray(QByteArray("\x1b\x2e\x00", 3) + reply), true)
                .sliced(1);
        QByteArray f = header(1, datalink);
        if (datalink == 2001) {
            // btmon: index 0 "new index" and a system note first, then ACL TX (4) / RX (5).
            BtsnoopWriter::appendRecord(f, QByteArray(16, 'x'), 0, 0);
            BtsnoopWriter::appendRecord(f, "note", 12, 0);
            BtsnoopWriter::appendRecord(f, tx, 4, 1000);
            BtsnoopWriter::appendRecord(f, rx, 5, 2000);
        } else {
            BtsnoopWriter::appendRecord(f, tx, 0, 1000);
            BtsnoopWriter::appendRecord(f, rx, kFlagReceived, 2000);
        }
        QList<CapturedExchange> got;
        const auto r = ConversationExtractor::extract(
            f, [&](CapturedExchange &&e) { got.append(std::move(e)); });
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.at(0).exchange.outcome, Exchange::Outcome::Ok);
        QCOMPARE(got.at(0).exchange.response.words, QList<quint16>{15});
        QCOMPARE(got.at(0).exchange.roundTripMs, 1.0);
        if (datalink == 2001) {
            QVERIFY(r.warnings.join(u'\n').contains(QLatin1String("monitor system note")));
        }
    }

    void readFromDevice() {
        const QByteArray good = goodCapture();
        QBuffer buffer;
        buffer.setData(good);
        QString error;
        const auto data = readCaptureDevice(buffer, &error);
        QVERIFY2(data, qPrintable(error));
        QCOMPARE(*data, good);
    }
};

QTEST_GUILESS_MAIN(TestBtsnoop)
#include "tst_btsnoop.moc"
