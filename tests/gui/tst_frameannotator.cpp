#include "capture/frameannotator.h"
#include "modbus/crc16.h"
#include "registers/registermap.h"

#include <QTest>

using namespace blupow;

namespace {

QByteArray hex(const char *text) {
    return modbus::fromHex(QString::fromLatin1(text)).value_or(QByteArray());
}

const ByteAnnotation *find(const ByteAnnotations &list, const QString &keyOrTitle) {
    for (const ByteAnnotation &a : list) {
        if (a.key == keyOrTitle || a.title == keyOrTitle)
            return &a;
    }
    return nullptr;
}

} // namespace

class TestFrameAnnotator : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void response_data();
    void response();
    void request_data();
    void request();
    void everyByteLabelledOnce();

private:
    RegisterMaps m_maps;
};

void TestFrameAnnotator::initTestCase() {
    m_maps = RegisterMaps::builtIn();
    QVERIFY(m_maps.find(Family::Controller));
}

void TestFrameAnnotator::response_data() {
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<quint8>("slave");
    QTest::addColumn<quint16>("start");
    QTest::addColumn<quint16>("count");
    QTest::addColumn<bool>("withMap");
    QTest::addColumn<QString>("what"); // key or title of the annotation checked
    QTest::addColumn<int>("offset");
    QTest::addColumn<int>("length");
    QTest::addColumn<QString>("value"); // its value text (or text when it has no value)
    QTest::addColumn<bool>("ok");

    // frames.json: a DC-DC charger's live reply to 0x0100 x7 (cyrils/renogy-bt), read with the
    // controller map (same block layout); fields past 0x0106 are not in the frame.
    const QByteArray live = hex("ff030e0064008500001010007a000000003168");
    QTest::newRow("battery voltage scaled")
        << live << quint8(0xFF) << quint16(0x0100) << quint16(7) << true
        << QStringLiteral("battery_voltage") << 5 << 2 << QStringLiteral("13.3 V") << true;
    QTest::newRow("high byte temperature")
        << live << quint8(0xFF) << quint16(0x0100) << quint16(7) << true
        << QStringLiteral("controller_temperature") << 9 << 1 << QStringLiteral("16 °C") << true;
    QTest::newRow("low byte temperature")
        << live << quint8(0xFF) << quint16(0x0100) << quint16(7) << true
        << QStringLiteral("battery_temperature") << 10 << 1 << QStringLiteral("16 °C") << true;
    QTest::newRow("crc ok") << live << quint8(0xFF) << quint16(0x0100) << quint16(7) << true
                            << QStringLiteral("CRC") << 17 << 2
                            << QStringLiteral("0x6831 ok (low byte first)") << true;
    QTest::newRow("byte count") << live << quint8(0xFF) << quint16(0x0100) << quint16(7) << true
                                << QStringLiteral("byte count") << 2 << 1
                                << QStringLiteral("14 (7 registers)") << true;
    QByteArray corrupted = live;
    corrupted[6] = char(0x86);
    QTest::newRow("bad crc") << corrupted << quint8(0xFF) << quint16(0x0100) << quint16(7) << true
                             << QStringLiteral("CRC") << 17 << 2
                             << QStringLiteral("0x6831 BAD, computed 0x") << false;
    QTest::newRow("byte count mismatch")
        << live << quint8(0xFF) << quint16(0x0100) << quint16(8) << true
        << QStringLiteral("byte count") << 2 << 1 << QStringLiteral("14, expected 16") << false;
    QTest::newRow("no map leaves words raw")
        << live << quint8(0xFF) << quint16(0x0100) << quint16(7) << false
        << QStringLiteral("register 0x0101") << 5 << 2
        << QStringLiteral("raw 0x0085 = 133 (not in the map)") << true;
    // A legacy battery's exception (gb:cap): register not implemented.
    QTest::newRow("exception") << hex("3083 02 913e") << quint8(0x30) << quint16(0) << quint16(1)
                               << true << QStringLiteral("exception code") << 2 << 1
                               << QStringLiteral("0x02 ") + modbus::exceptionMeaning(2) << false;
    QTest::newRow("wrong slave") << hex("3083 02 913e") << quint8(0x31) << quint16(0) << quint16(1)
                                 << true << QStringLiteral("slave id") << 0 << 1
                                 << QStringLiteral("0x30, asked 0x31") << false;
    QTest::newRow("truncated") << live.left(8) << quint8(0xFF) << quint16(0x0100) << quint16(7)
                               << true << QStringLiteral("truncated") << 3 << 5
                               << QStringLiteral("frame ends early") << false;
    // power_generation_total is a u32 at 0x011C-0x011D, high word first (docs/protocol.md 5.8).
    const QByteArray total = modbus::buildReadResponse(0x01, {0x0001, 0x0230});
    QTest::newRow("32-bit field spans four bytes")
        << total << quint8(0x01) << quint16(0x011C) << quint16(2) << true
        << QStringLiteral("power_generation_total") << 3 << 4 << QStringLiteral("66096 Wh") << true;
    const QByteArray half = modbus::buildReadResponse(0x01, {0x0230});
    QTest::newRow("field cut by the block edge is not decoded")
        << half << quint8(0x01) << quint16(0x011D) << quint16(1) << true
        << QStringLiteral("power_generation_total") << 3 << 2
        << QStringLiteral("power_generation_total (word 2 of 2, not all in this frame) raw 0x0230")
        << true;
}

void TestFrameAnnotator::response() {
    QFETCH(QByteArray, frame);
    QFETCH(quint8, slave);
    QFETCH(quint16, start);
    QFETCH(quint16, count);
    QFETCH(bool, withMap);
    QFETCH(QString, what);
    QFETCH(int, offset);
    QFETCH(int, length);
    QFETCH(QString, value);
    QFETCH(bool, ok);
    const auto annotations =
        FrameAnnotator::annotateResponse(frame, modbus::Request::read(slave, start, count),
                                         withMap ? m_maps.find(Family::Controller) : nullptr);
    const ByteAnnotation *a = find(annotations, what);
    QVERIFY2(a, qPrintable(what));
    QCOMPARE(a->offset, offset);
    QCOMPARE(a->length, length);
    const QString shown = a->value.isEmpty() ? a->text : a->value;
    QVERIFY2(shown.startsWith(value), qPrintable(shown));
    QCOMPARE(a->ok, ok);
}

void TestFrameAnnotator::request_data() {
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QString>("what");
    QTest::addColumn<int>("offset");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    // docs/protocol.md 5.7 test vector.
    const QByteArray read = hex("ff0301000007102a");
    QTest::newRow("read start") << read << QStringLiteral("start register") << 2
                                << QStringLiteral("0x0100 (256)") << true;
    QTest::newRow("read count") << read << QStringLiteral("register count") << 4
                                << QStringLiteral("7") << true;
    QTest::newRow("read crc") << read << QStringLiteral("CRC") << 6 << QStringLiteral("0x2a10 ok")
                              << true;
    QTest::newRow("crc high byte first") << hex("ff03010000072a10") << QStringLiteral("CRC") << 6
                                         << QStringLiteral("0x102a BAD") << false;
    QTest::newRow("broadcast slave")
        << read << QStringLiteral("slave id") << 0 << QStringLiteral("0xff (any") << true;
    QTest::newRow("write value named")
        << modbus::buildWriteSingleRequest(0xFF, 0x0101, 144) << QStringLiteral("battery_voltage")
        << 4 << QStringLiteral("battery_voltage = 14.4 V") << true;
}

void TestFrameAnnotator::request() {
    QFETCH(QByteArray, frame);
    QFETCH(QString, what);
    QFETCH(int, offset);
    QFETCH(QString, text);
    QFETCH(bool, ok);
    const auto annotations =
        FrameAnnotator::annotateRequest(frame, m_maps.find(Family::Controller));
    const ByteAnnotation *a = find(annotations, what);
    QVERIFY2(a, qPrintable(what));
    QCOMPARE(a->offset, offset);
    QVERIFY2(a->text.startsWith(text), qPrintable(a->text));
    QCOMPARE(a->ok, ok);
}

void TestFrameAnnotator::everyByteLabelledOnce() {
    // Full controller block: every byte of the reply belongs to exactly one annotation.
    QList<quint16> words(35, 0);
    words[1] = 144;
    const QByteArray frame = modbus::buildReadResponse(0xFF, words);
    const auto annotations = FrameAnnotator::annotateResponse(
        frame, modbus::Request::read(0xFF, 0x0100, 35), m_maps.find(Family::Controller));
    QList<int> hits(frame.size(), 0);
    for (const ByteAnnotation &a : annotations) {
        for (int b = a.offset; b < a.end(); ++b)
            ++hits[b];
    }
    for (int b = 0; b < frame.size(); ++b) {
        // Enum and bit fields may share a register (0x0120: load state + charging state).
        QVERIFY2(hits.at(b) >= 1, qPrintable(QStringLiteral("byte %1 unlabelled").arg(b)));
    }
    QCOMPARE(hits.first(), 1);
    QCOMPARE(hits.last(), 1);
}

QTEST_GUILESS_MAIN(TestFrameAnnotator)
#include "tst_frameannotator.moc"
