#include "modbus/modbusframe.h"

#include <QTest>

using namespace blupow::modbus;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(blupow::modbus::ResponseError)

namespace {
QByteArray hex(const QString &s) {
    return QByteArray::fromHex(s.toLatin1());
}
} // namespace

class TestModbusFrame : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void buildRequests_data();
    void buildRequests();
    void parseRequestRoundTrip_data();
    void parseRequestRoundTrip();
    void parseResponse_data();
    void parseResponse();
    void exceptionMeaning_data();
    void exceptionMeaning();
    void describeNamesTheProblem();
    void replyBuildersParse();
    void fromHex_data();
    void parseAddress_data();
    void parseAddress();
    void fromHex();
};

void TestModbusFrame::buildRequests_data() {
    QTest::addColumn<QByteArray>("built");
    QTest::addColumn<QString>("expected");

    // Requests captured on the air or logged by working clients (tests/data/frames.json).
    QTest::newRow("controller 256 x34 (cy:README)")
        << buildReadRequest(0xFF, 256, 34) << u"ff0301000022d1f1"_s;
    QTest::newRow("controller model 12 x8 (cy:#78)")
        << buildReadRequest(0xFF, 12, 8) << u"ff03000c000891d1"_s;
    QTest::newRow("controller address 26 x1 (cy:#78)")
        << buildReadRequest(0xFF, 26, 1) << u"ff03001a0001b013"_s;
    QTest::newRow("battery type 0xE004 (cy:#78)")
        << buildReadRequest(0xFF, 0xE004, 1) << u"ff03e0040001e7d5"_s;
    QTest::newRow("battery 5042 x6 (gb:cap)")
        << buildReadRequest(0x30, 5042, 6) << u"300313b20006654a"_s;
    QTest::newRow("inverter 4000 x10") << buildReadRequest(0x20, 4000, 10) << u"20030fa0000ac04a"_s;
    QTest::newRow("load off 0x010A = 0")
        << buildWriteSingleRequest(0x01, 0x010A, 0) << u"0106010a0000a834"_s;
    QTest::newRow("load on 0x010A = 1")
        << buildWriteSingleRequest(0x01, 0x010A, 1) << u"0106010a000169f4"_s;
    // The standard 0x10 form with a byte count (docs/protocol.md 5.5).
    QTest::newRow("write multiple with byte count")
        << buildWriteMultipleRequest(0x01, 0xE015, {0x0001, 0x0002})
        << u"0110e015000204000100022b59"_s;
}

void TestModbusFrame::buildRequests() {
    QFETCH(QByteArray, built);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromLatin1(built.toHex()), expected);
}

void TestModbusFrame::parseRequestRoundTrip_data() {
    QTest::addColumn<Request>("request");
    QTest::newRow("read") << Request::read(0x20, 4311, 8);
    QTest::newRow("write single") << Request::writeSingle(0xFF, 0x010A, 0);
    QTest::newRow("write multiple") << Request::writeMultiple(0x30, 5200, {1, 2, 3, 0xFFFF});
}

void TestModbusFrame::parseRequestRoundTrip() {
    QFETCH(Request, request);
    const auto parsed = parseRequest(buildRequest(request));
    QVERIFY(parsed.has_value());
    QVERIFY(*parsed == request);
}

void TestModbusFrame::parseResponse_data() {
    QTest::addColumn<QString>("frame");
    QTest::addColumn<Request>("request");
    QTest::addColumn<ResponseError>("error");
    QTest::addColumn<int>("exceptionCode");
    QTest::addColumn<QList<quint16>>("words");

    const auto none = QList<quint16>{};
    QTest::newRow("controller model, 0xFF request answered by 0xFF")
        << u"ff03102020524e472d4354524c2d52565234303724"_s << Request::read(0xFF, 12, 8)
        << ResponseError::None << 0
        << QList<quint16>{0x2020, 0x524e, 0x472d, 0x4354, 0x524c, 0x2d52, 0x5652, 0x3430};
    QTest::newRow("battery answers a 0xFF request with its own 0x30")
        << u"3003105242543130304c46503132532d47310091e8"_s << Request::read(0xFF, 5122, 8)
        << ResponseError::None << 0
        << QList<quint16>{0x5242, 0x5431, 0x3030, 0x4c46, 0x5031, 0x3253, 0x2d47, 0x3100};
    QTest::newRow("RIV4835 4327 x7 signed current word kept raw")
        << u"20030e003cfe1102690069028a000209e7e8e0"_s << Request::read(0x20, 4327, 7)
        << ResponseError::None << 0
        << QList<quint16>{0x003c, 0xfe11, 0x0269, 0x0069, 0x028a, 0x0002, 0x09e7};
    QTest::newRow("REGO exception 05 (request CRC wrong)")
        << u"ff8305e0c3"_s << Request::read(0xFF, 256, 7) << ResponseError::Exception << 5 << none;
    QTest::newRow("battery exception 02 (gb:cap)")
        << u"3083"_s + u"02913e"_s << Request::read(0x30, 0, 1) << ResponseError::Exception << 2
        << none;
    QTest::newRow("write single echo")
        << u"0106010a000169f4"_s << Request::writeSingle(0x01, 0x010A, 1) << ResponseError::None
        << 0 << none;
    QTest::newRow("write multiple reply (sd:ROVER)")
        << u"0110e0150008e7cb"_s << Request::writeMultiple(0x01, 0xE015, QList<quint16>(8, 0))
        << ResponseError::None << 0 << none;
    QTest::newRow("write echo with another value")
        << u"0106010a000169f4"_s << Request::writeSingle(0x01, 0x010A, 0)
        << ResponseError::EchoMismatch << 0 << none;

    QTest::newRow("bad CRC") << u"ff03102020524e472d4354524c2d52565234303725"_s
                             << Request::read(0xFF, 12, 8) << ResponseError::BadCrc << 0 << none;
    QTest::newRow("wrong slave") << u"3003105242543130304c46503132532d47310091e8"_s
                                 << Request::read(0x31, 5122, 8) << ResponseError::WrongSlave << 0
                                 << none;
    QTest::newRow("wrong function") << u"0106010a000169f4"_s << Request::read(0x01, 0x010A, 1)
                                    << ResponseError::WrongFunction << 0 << none;
    // The DCC30S 7-register reply answered against a request for 8: a parser that does not check
    // the byte count reads the CRC as data (docs/protocol.md 5.9).
    QTest::newRow("byte count does not match the request")
        << u"ff030e0064008500001010007a000000003168"_s << Request::read(0xFF, 256, 8)
        << ResponseError::ByteCountMismatch << 0 << none;
    QTest::newRow("short frame") << u"ff030e00640085"_s << Request::read(0xFF, 256, 7)
                                 << ResponseError::TooShort << 0 << none;
    QTest::newRow("fewer than five bytes")
        << u"ff03"_s << Request::read(0xFF, 256, 7) << ResponseError::TooShort << 0 << none;
    QTest::newRow("long frame") << u"ff030e0064008500001010007a00000000316800"_s
                                << Request::read(0xFF, 256, 7) << ResponseError::TooLong << 0
                                << none;
    QTest::newRow("long exception frame")
        << u"ff8305e0c300"_s << Request::read(0xFF, 256, 7) << ResponseError::TooLong << 0 << none;
}

void TestModbusFrame::parseResponse() {
    QFETCH(QString, frame);
    QFETCH(Request, request);
    QFETCH(ResponseError, error);
    QFETCH(int, exceptionCode);
    QFETCH(QList<quint16>, words);

    const Response r = blupow::modbus::parseResponse(hex(frame), request);
    QCOMPARE(r.error, error);
    QCOMPARE(int(r.exceptionCode), exceptionCode);
    QCOMPARE(r.words, words);
    QCOMPARE(r.ok(), error == ResponseError::None);
}

void TestModbusFrame::exceptionMeaning_data() {
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("contains");
    QTest::newRow("01") << 1 << u"function code not supported"_s;
    QTest::newRow("02") << 2 << u"start address wrong"_s;
    QTest::newRow("03") << 3 << u"too many registers"_s;
    QTest::newRow("04") << 4 << u"failed to read or write"_s;
    // Renogy's code 5 is a request CRC error, not the standard "acknowledge"
    // (docs/protocol.md 5.3).
    QTest::newRow("05 is request CRC, not acknowledge") << 5 << u"CRC of the request is wrong"_s;
    QTest::newRow("unknown") << 0x42 << u"unknown exception code"_s;
}

void TestModbusFrame::exceptionMeaning() {
    QFETCH(int, code);
    QFETCH(QString, contains);
    QVERIFY2(blupow::modbus::exceptionMeaning(static_cast<quint8>(code)).contains(contains),
             qPrintable(blupow::modbus::exceptionMeaning(static_cast<quint8>(code))));
}

void TestModbusFrame::describeNamesTheProblem() {
    const QByteArray exc = hex(u"ff8305e0c3"_s);
    const Response r = blupow::modbus::parseResponse(exc, Request::read(0xFF, 256, 7));
    QCOMPARE(describe(r, exc), u"Modbus exception 0x05: CRC of the request is wrong"_s);

    const QByteArray bad = hex(u"ff03102020524e472d4354524c2d52565234303725"_s);
    const Response b = blupow::modbus::parseResponse(bad, Request::read(0xFF, 12, 8));
    QCOMPARE(describe(b, bad), u"bad CRC (frame carries 0x2537, computed 0x2437)"_s);
}

void TestModbusFrame::replyBuildersParse() {
    const QList<quint16> words{0x0064, 0x0090, 0xfe11};
    const Request req = Request::read(0x20, 4327, 3);
    const Response r = blupow::modbus::parseResponse(buildReadResponse(0x20, words), req);
    QVERIFY(r.ok());
    QCOMPARE(r.words, words);

    const Response e = blupow::modbus::parseResponse(buildExceptionResponse(0x20, 0x03, 0x02), req);
    QCOMPARE(e.error, ResponseError::Exception);
    QCOMPARE(int(e.exceptionCode), 2);

    const Request w = Request::writeMultiple(0x30, 5228, {100, 90});
    QVERIFY(blupow::modbus::parseResponse(buildWriteResponse(w), w).ok());
    const Request s = Request::writeSingle(0x30, 5228, 100);
    QCOMPARE(buildWriteResponse(s), buildRequest(s));
}

void TestModbusFrame::fromHex_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("bytesOrError");
    QTest::newRow("plain") << u"ff0301"_s << true << u"ff0301"_s;
    QTest::newRow("spaces and colons") << u"ff 03:01-00"_s << true << u"ff030100"_s;
    QTest::newRow("upper case") << u"FF03"_s << true << u"ff03"_s;
    QTest::newRow("odd length") << u"ff030"_s << false << u"odd number of hex digits (5)"_s;
    QTest::newRow("not hex") << u"ff0g"_s << false << u"not a hex digit: 'g'"_s;
}

void TestModbusFrame::fromHex() {
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(QString, bytesOrError);
    QString error;
    const auto bytes = blupow::modbus::fromHex(text, &error);
    QCOMPARE(bytes.has_value(), ok);
    if (ok)
        QCOMPARE(QString::fromLatin1(bytes->toHex()), bytesOrError);
    else
        QCOMPARE(error, bytesOrError);
}

void TestModbusFrame::parseAddress_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("expected"); // -1 = refused
    QTest::newRow("decimal") << "4000" << 4000;
    QTest::newRow("hex") << "0x0100" << 0x0100;
    QTest::newRow("upper-case prefix and digits") << "0XE00A" << 0xE00A;
    QTest::newRow("spaces around") << "  57353 " << 57353;
    QTest::newRow("largest") << "0xffff" << 0xFFFF;
    QTest::newRow("zero") << "0" << 0;
    QTest::newRow("one past the largest") << "65536" << -1;
    QTest::newRow("hex too long") << "0x10000" << -1;
    QTest::newRow("negative") << "-1" << -1;
    QTest::newRow("hex digits without prefix") << "e009" << -1;
    QTest::newRow("prefix only") << "0x" << -1;
    QTest::newRow("empty") << "" << -1;
    QTest::newRow("trailing text") << "12 V" << -1;
}

void TestModbusFrame::parseAddress() {
    QFETCH(QString, text);
    QFETCH(int, expected);
    const auto got = blupow::modbus::parseAddress(text);
    QCOMPARE(got.has_value(), expected >= 0);
    if (got)
        QCOMPARE(int(*got), expected);
}

QTEST_GUILESS_MAIN(TestModbusFrame)
#include "tst_modbusframe.moc"
