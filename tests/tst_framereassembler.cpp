#include "modbus/framereassembler.h"

#include <QTest>

using namespace blupow::modbus;
using namespace Qt::StringLiterals;

namespace {

struct Vector {
    const char *name;
    const char *hex;
    Request request;
};

// Real replies, with their provenance, from tests/data/frames.json.
const Vector kReplies[] = {
    {"rover model 12x8", "ff03102020524e472d4354524c2d52565234303724", Request::read(0xFF, 12, 8)},
    {"dcc30s 256x7", "ff030e0064008500001010007a000000003168", Request::read(0xFF, 256, 7)},
    {"riv4835 4000x10", "200314046f06a4046b001e177102000227000000001771352f",
     Request::read(0x20, 4000, 10)},
    {"battery 5000x17 via 0xFF",
     "30032200040020002100210020000000000000000000000000000000000000000000000000150c",
     Request::read(0xFF, 5000, 17)},
    {"battery 5000x34 (73 bytes)",
     "30034400040023002100210021000000000000000000000000000000000000000000000000000200aa00aa0000000"
     "00000000000000000000000000000000000000000000000002574",
     Request::read(0x30, 5000, 34)},
    {"rego exception 05", "ff8305e0c3", Request::read(0xFF, 256, 7)},
};

QByteArray bytesOf(const char *hex) {
    return QByteArray::fromHex(QByteArray(hex));
}

} // namespace

class TestFrameReassembler : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everySplitPoint_data();
    void everySplitPoint();
    void twentyByteNotifications_data();
    void twentyByteNotifications();
    void garbageBeforeFrame_data();
    void garbageBeforeFrame();
    void backToBackExchanges();
    void junkAfterFrameIsDropped();
    void lateReplyOfOtherLengthIsNotTaken();
    void corruptedFrameIsReportedNotSwallowed();
    void unsolicitedBytesAreDropped();
    void exceptionRecognisedBeforeFullLength();
    void writeEchoes();
    void boundedBuffer();
};

void TestFrameReassembler::everySplitPoint_data() {
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<Request>("request");
    QTest::addColumn<int>("split");
    for (const Vector &v : kReplies) {
        const QByteArray f = bytesOf(v.hex);
        for (int split = 1; split < f.size(); ++split)
            QTest::addRow("%s split at %d", v.name, split) << f << v.request << split;
    }
}

void TestFrameReassembler::everySplitPoint() {
    QFETCH(QByteArray, frame);
    QFETCH(Request, request);
    QFETCH(int, split);

    FrameReassembler r;
    r.expect(request);
    const auto first = r.feed(QByteArrayView(frame).first(split));
    QVERIFY(!first.frame.has_value());
    QVERIFY(first.dropped.isEmpty());
    const auto second = r.feed(QByteArrayView(frame).sliced(split));
    QVERIFY(second.frame.has_value());
    QCOMPARE(*second.frame, frame);
    QVERIFY(second.dropped.isEmpty());
    QVERIFY(!r.isExpecting());
    QVERIFY(parseResponse(*second.frame, request).error == ResponseError::None ||
            parseResponse(*second.frame, request).error == ResponseError::Exception);
}

void TestFrameReassembler::twentyByteNotifications_data() {
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<Request>("request");
    for (const Vector &v : kReplies)
        QTest::newRow(v.name) << bytesOf(v.hex) << v.request;
}

void TestFrameReassembler::twentyByteNotifications() {
    QFETCH(QByteArray, frame);
    QFETCH(Request, request);
    FrameReassembler r;
    r.expect(request);
    std::optional<QByteArray> got;
    int chunks = 0;
    for (qsizetype pos = 0; pos < frame.size(); pos += 20) {
        QVERIFY2(!got.has_value(), "frame completed before its last notification");
        got = r.feed(QByteArrayView(frame).sliced(pos, qMin<qsizetype>(20, frame.size() - pos)))
                  .frame;
        ++chunks;
    }
    QCOMPARE(chunks, int((frame.size() + 19) / 20));
    QVERIFY(got.has_value());
    QCOMPARE(*got, frame);
}

void TestFrameReassembler::garbageBeforeFrame_data() {
    QTest::addColumn<QByteArray>("garbage");
    QTest::addColumn<bool>("separateChunk");
    QTest::newRow("random bytes, same chunk") << QByteArray::fromHex("13 37 c0 de") << false;
    QTest::newRow("random bytes, own chunk") << QByteArray::fromHex("13 37 c0 de") << true;
    // A fake header (right address and function, wrong byte count) must not derail the search.
    QTest::newRow("false header, same chunk") << QByteArray::fromHex("ff 03 02 00") << false;
    QTest::newRow("false header, own chunk") << QByteArray::fromHex("ff 03 02 00") << true;
    // The vendor app's ASCII "ACK" echoed back by a confused bridge (docs/protocol.md 3.3 step 5).
    QTest::newRow("ascii ack") << QByteArray("main recv data[ff] [") << true;
    QTest::newRow("the address byte alone") << QByteArray::fromHex("ff") << true;
}

void TestFrameReassembler::garbageBeforeFrame() {
    QFETCH(QByteArray, garbage);
    QFETCH(bool, separateChunk);
    const QByteArray frame = bytesOf(kReplies[0].hex);
    FrameReassembler r;
    r.expect(kReplies[0].request);

    QByteArray dropped;
    std::optional<QByteArray> got;
    if (separateChunk) {
        auto a = r.feed(garbage);
        dropped += a.dropped;
        QVERIFY(!a.frame);
        auto b = r.feed(frame);
        dropped += b.dropped;
        got = b.frame;
    } else {
        auto a = r.feed(QByteArray(garbage + frame));
        dropped += a.dropped;
        got = a.frame;
    }
    QVERIFY(got.has_value());
    QCOMPARE(*got, frame);
    QCOMPARE(dropped, garbage);
    QCOMPARE(r.totalDroppedBytes(), garbage.size());
}

void TestFrameReassembler::backToBackExchanges() {
    FrameReassembler r;
    for (const Vector &v : kReplies) {
        r.expect(v.request);
        const QByteArray f = bytesOf(v.hex);
        const auto res = r.feed(f);
        QVERIFY2(res.frame.has_value(), v.name);
        QCOMPARE(*res.frame, f);
    }
    QCOMPARE(r.totalDroppedBytes(), 0);
}

void TestFrameReassembler::junkAfterFrameIsDropped() {
    const QByteArray frame = bytesOf(kReplies[1].hex);
    FrameReassembler r;
    r.expect(kReplies[1].request);
    const auto res = r.feed(QByteArray(frame + QByteArray::fromHex("00ff")));
    QVERIFY(res.frame.has_value());
    QCOMPARE(*res.frame, frame);
    QCOMPARE(res.dropped, QByteArray::fromHex("00ff"));
    // Once the reply is complete nothing more is expected: later bytes are unsolicited.
    const auto late = r.feed(QByteArray::fromHex("ff03"));
    QVERIFY(!late.frame);
    QCOMPARE(late.dropped, QByteArray::fromHex("ff03"));
}

void TestFrameReassembler::lateReplyOfOtherLengthIsNotTaken() {
    // A late 8-register reply arrives while a 7-register read is pending: its byte count does not
    // match, so it is dropped and the real answer still completes (docs/protocol.md 3.4).
    const QByteArray late = bytesOf(kReplies[0].hex); // 16 data bytes
    const QByteArray real = bytesOf(kReplies[1].hex); // 14 data bytes
    FrameReassembler r;
    r.expect(kReplies[1].request);
    const auto a = r.feed(late.first(20));
    QVERIFY(!a.frame);
    const auto b = r.feed(QByteArray(late.sliced(20) + real));
    QVERIFY(b.frame.has_value());
    QCOMPARE(*b.frame, real);
    QCOMPARE(a.dropped + b.dropped, late);
}

void TestFrameReassembler::corruptedFrameIsReportedNotSwallowed() {
    QByteArray frame = bytesOf(kReplies[2].hex);
    frame[7] = static_cast<char>(frame[7] ^ 0x40);
    FrameReassembler r;
    r.expect(kReplies[2].request);
    const auto res = r.feed(frame);
    QVERIFY(res.frame.has_value());
    QCOMPARE(parseResponse(*res.frame, kReplies[2].request).error, ResponseError::BadCrc);
}

void TestFrameReassembler::unsolicitedBytesAreDropped() {
    FrameReassembler r;
    const QByteArray f = bytesOf(kReplies[0].hex);
    const auto res = r.feed(f);
    QVERIFY(!res.frame);
    QCOMPARE(res.dropped, f);
    QCOMPARE(r.bufferedBytes(), 0);
}

void TestFrameReassembler::exceptionRecognisedBeforeFullLength() {
    // A 5-byte exception must complete at once, not wait for 5 + 2 x count bytes.
    FrameReassembler r;
    r.expect(Request::read(0x30, 0, 1));
    const auto res = r.feed(QByteArray::fromHex("308302913e"));
    QVERIFY(res.frame.has_value());
    const Response p = parseResponse(*res.frame, Request::read(0x30, 0, 1));
    QCOMPARE(p.error, ResponseError::Exception);
    QCOMPARE(int(p.exceptionCode), 2);
}

void TestFrameReassembler::writeEchoes() {
    const Request w = Request::writeSingle(0x01, 0x010A, 1);
    FrameReassembler r;
    r.expect(w);
    QVERIFY(!r.feed(QByteArray::fromHex("0106010a")).frame);
    const auto res = r.feed(QByteArray::fromHex("000169f4"));
    QVERIFY(res.frame.has_value());
    QVERIFY(parseResponse(*res.frame, w).ok());
}

void TestFrameReassembler::boundedBuffer() {
    // A header that matches but never completes with a valid CRC, followed by a stream of noise,
    // must not grow the buffer without bound.
    FrameReassembler r;
    r.expect(Request::read(0xFF, 0, 125));
    QByteArray noise(1000, '\x00');
    noise.prepend(QByteArray::fromHex("ff03fa"));
    for (int i = 0; i < 10; ++i)
        r.feed(noise);
    QVERIFY2(r.bufferedBytes() <= 2 * (255 + 5), qPrintable(QString::number(r.bufferedBytes())));
}

QTEST_GUILESS_MAIN(TestFrameReassembler)
#include "tst_framereassembler.moc"
