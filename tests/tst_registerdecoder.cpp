#include "modbus/modbusframe.h"
#include "registers/registerdecoder.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace blupow;

namespace {

QJsonArray vectors() {
    QFile file(QStringLiteral(BLUPOW_TEST_DATA_DIR "/frames.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll())
        .object()
        .value(QLatin1String("frames"))
        .toArray();
}

const RegisterMaps &maps() {
    // Loaded once per test program; the maps are immutable values.
    static const RegisterMaps loaded = RegisterMaps::builtIn();
    return loaded;
}

// Decodes one vector the way the session does: parseResponse against the request, then
// decodeBlock (or decodePayload for the shunt). Returns the values, or sets `error`.
DecodedValues decodeVector(const QJsonObject &v, modbus::Response *response) {
    const RegisterMap *map =
        maps().find(*familyFromName(v.value(QLatin1String("family")).toString()),
                    v.value(QLatin1String("variant")).toString());
    const QByteArray frame = *modbus::fromHex(v.value(QLatin1String("hex")).toString());
    if (!map)
        return {};
    if (!map->isModbus())
        return RegisterDecoder::decodePayload(*map, frame, 1);
    const auto start = static_cast<quint16>(v.value(QLatin1String("start")).toInt());
    const auto count = static_cast<quint16>(v.value(QLatin1String("count")).toInt());
    const auto slave = static_cast<quint8>(v.value(QLatin1String("slave")).toInt(255));
    *response = modbus::parseResponse(frame, modbus::Request::read(slave, start, count));
    if (!response->ok())
        return {};
    return RegisterDecoder::decodeBlock(*map, {start, response->words, 1});
}

const DecodedValue *find(const DecodedValues &values, const QString &key) {
    for (const DecodedValue &v : values)
        if (v.key == key)
            return &v;
    return nullptr;
}

RegisterBlock block(quint16 start, const QList<quint16> &words) {
    return {start, words, 1};
}

} // namespace

class TestRegisterDecoder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void realFrames_data();
    void realFrames();
    void exceptionFrames_data();
    void exceptionFrames();
    void fieldNeverReadFromCrc();
    void cellScaleFromPackVoltage_data();
    void cellScaleFromPackVoltage();
    void countAcrossBlocks();
    void absentSensor();
    void signMagnitude_data();
    void signMagnitude();
    void encodeRoundTrip_data();
    void encodeRoundTrip();
    void encodeRejects_data();
    void encodeRejects();
    void implausibleIsInvalid_data();
    void implausibleIsInvalid();
    void blockFieldsShown_data();
    void blockFieldsShown();
};

void TestRegisterDecoder::realFrames_data() {
    QTest::addColumn<QJsonObject>("vector");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("kind"); // value, invalid, absent
    QTest::addColumn<QJsonValue>("expected");

    const QJsonArray all = vectors();
    QVERIFY2(!all.isEmpty(), "tests/data/frames.json is missing or empty");
    for (const QJsonValue item : all) {
        const QJsonObject v = item.toObject();
        if (v.contains(QLatin1String("error")))
            continue;
        const QString id = v.value(QLatin1String("id")).toString();
        const QJsonObject values = v.value(QLatin1String("values")).toObject();
        for (auto it = values.begin(); it != values.end(); ++it)
            QTest::addRow("%s: %s", qPrintable(id), qPrintable(it.key()))
                << v << it.key() << QStringLiteral("value") << QJsonValue(it.value());
        for (const QJsonValue k : v.value(QLatin1String("invalid")).toArray())
            QTest::addRow("%s: %s invalid", qPrintable(id), qPrintable(k.toString()))
                << v << k.toString() << QStringLiteral("invalid") << QJsonValue();
        for (const QJsonValue k : v.value(QLatin1String("absent")).toArray())
            QTest::addRow("%s: no %s", qPrintable(id), qPrintable(k.toString()))
                << v << k.toString() << QStringLiteral("absent") << QJsonValue();
    }
}

void TestRegisterDecoder::realFrames() {
    QFETCH(QJsonObject, vector);
    QFETCH(QString, key);
    QFETCH(QString, kind);
    QFETCH(QJsonValue, expected);

    modbus::Response response;
    const DecodedValues values = decodeVector(vector, &response);
    QVERIFY2(!values.isEmpty(), qPrintable(modbus::describe(response)));
    const DecodedValue *v = find(values, key);
    if (kind == QLatin1String("absent")) {
        QVERIFY2(
            !v, qPrintable(
                    QStringLiteral("%1 decoded as %2").arg(key, v ? v->displayText() : QString())));
        return;
    }
    QVERIFY2(v, qPrintable(key + QStringLiteral(" not decoded")));
    if (kind == QLatin1String("invalid")) {
        QCOMPARE(v->quality, Quality::Invalid);
        QVERIFY(!v->note.isEmpty());
        return;
    }
    QCOMPARE(v->quality, Quality::Good);
    QCOMPARE(v->timestampMs, qint64(1));
    if (expected.isDouble()) {
        QVERIFY2(v->isNumeric(), qPrintable(v->displayText()));
        // Compared as shown: at the field's decimals (SOC 95.38 % is shown as 95.4 %).
        QCOMPARE(QString::number(v->value.toDouble(), 'f', v->decimals),
                 QString::number(expected.toDouble(), 'f', v->decimals));
    } else if (expected.isArray()) {
        QStringList want;
        for (const QJsonValue s : expected.toArray())
            want.append(s.toString());
        QCOMPARE(v->value.toStringList(), want);
    } else {
        QCOMPARE(v->value.toString(), expected.toString());
    }
}

void TestRegisterDecoder::exceptionFrames_data() {
    QTest::addColumn<QJsonObject>("vector");
    for (const QJsonValue item : vectors()) {
        const QJsonObject v = item.toObject();
        if (v.contains(QLatin1String("error")))
            QTest::newRow(qPrintable(v.value(QLatin1String("id")).toString())) << v;
    }
}

void TestRegisterDecoder::exceptionFrames() {
    QFETCH(QJsonObject, vector);
    modbus::Response response;
    QVERIFY(decodeVector(vector, &response).isEmpty());
    QCOMPARE(response.error, modbus::ResponseError::Exception);
    QCOMPARE(int(response.exceptionCode), vector.value(QLatin1String("exception_code")).toInt());
}

void TestRegisterDecoder::fieldNeverReadFromCrc() {
    // A field that starts inside a block but ends after it is left out, not read from the CRC
    // (renogy-ble's "cycle count 1015", docs/protocol.md 5.9).
    const RegisterMap *battery = maps().find(Family::Battery);
    const DecodedValues values = RegisterDecoder::decodeBlock(
        *battery, block(5042, {0x0146, 0x01f8, 0x0000, 0xc284, 0x0000}));
    QVERIFY(find(values, QStringLiteral("remaining_capacity")));
    QVERIFY(!find(values, QStringLiteral("total_capacity")));
    QVERIFY(!find(values, QStringLiteral("battery_soc")));
}

void TestRegisterDecoder::cellScaleFromPackVoltage_data() {
    QTest::addColumn<QString>("variant");
    QTest::addColumn<QList<quint16>>("cells");
    QTest::addColumn<quint16>("pack");
    QTest::addColumn<double>("cell1");
    QTest::addColumn<QString>("noteStart");

    QTest::newRow("legacy 0.1 V cells") << "legacy" << QList<quint16>{32, 33, 33, 32}
                                        << quint16(130) << 3.2 << "scale 0.1 V chosen";
    QTest::newRow("core millivolt cells") << "core" << QList<quint16>{3300, 3310, 3290, 3300}
                                          << quint16(132) << 3.3 << "scale 0.001 V chosen";
    QTest::newRow("core 0.1 V cells")
        << "core" << QList<quint16>{33, 33, 33, 33} << quint16(132) << 3.3 << "scale 0.1 V chosen";
    QTest::newRow("nothing fits keeps the map scale")
        << "legacy" << QList<quint16>{32, 33, 33, 32} << quint16(480) << 3.2 << "no scale makes";
}

void TestRegisterDecoder::cellScaleFromPackVoltage() {
    QFETCH(QString, variant);
    QFETCH(QList<quint16>, cells);
    QFETCH(quint16, pack);
    QFETCH(double, cell1);
    QFETCH(QString, noteStart);
    const RegisterMap *map = maps().find(Family::Battery, variant);
    QVERIFY(map);
    QList<quint16> words{quint16(cells.size())};
    words.append(cells);
    const DecodedValues values =
        RegisterDecoder::decodeCycle(*map, {block(5000, words), block(5042, {0, pack})});
    const DecodedValue *c1 = find(values, QStringLiteral("cell_1_voltage"));
    QVERIFY(c1);
    QCOMPARE(c1->quality, Quality::Good);
    QCOMPARE(c1->value.toDouble(), cell1);
    QVERIFY2(c1->note.startsWith(noteStart), qPrintable(c1->note));
    // The cycle lists values in map order, the count-limited cells included.
    QCOMPARE(values.first().key, QStringLiteral("cell_count"));
}

void TestRegisterDecoder::countAcrossBlocks() {
    const RegisterMap *map = maps().find(Family::Battery);
    // Cells read in a block without the count: nothing to judge by; with it in the cycle, cell 3
    // of a 2-cell pack is Invalid.
    const RegisterBlock cells = block(5001, {33, 33, 33});
    QCOMPARE(RegisterDecoder::decodeBlock(*map, cells).at(2).quality, Quality::Good);
    const DecodedValues cycle = RegisterDecoder::decodeCycle(*map, {cells, block(5000, {2})});
    QCOMPARE(find(cycle, QStringLiteral("cell_2_voltage"))->quality, Quality::Good);
    QCOMPARE(find(cycle, QStringLiteral("cell_3_voltage"))->quality, Quality::Invalid);
}

void TestRegisterDecoder::absentSensor() {
    const RegisterMap *map = maps().find(Family::Battery);
    const DecodedValues values = RegisterDecoder::decodeBlock(*map, block(5035, {0x8000, 0xFFEC}));
    QCOMPARE(find(values, QStringLiteral("bms_temperature"))->quality, Quality::Invalid);
    QVERIFY(
        find(values, QStringLiteral("bms_temperature"))->note.contains(QLatin1String("0x8000")));
    // A sub-zero value is signed, not 6553.2 degrees (docs/protocol.md F.39).
    const DecodedValues below = RegisterDecoder::decodeBlock(*map, block(5035, {0xFFEC}));
    QCOMPARE(find(below, QStringLiteral("bms_temperature"))->value.toDouble(), -2.0);

    const RegisterMap *shunt = maps().find(Family::Shunt);
    QByteArray payload(110, '\0');
    payload.replace(0, 4, QByteArray::fromHex("42570119"));
    payload[66] = char(0x80);
    const DecodedValues fromShunt = RegisterDecoder::decodePayload(*shunt, payload);
    QCOMPARE(find(fromShunt, QStringLiteral("battery_temperature"))->quality, Quality::Invalid);
    // The `61 d2` prefix is stripped; another frame type decodes nothing.
    QCOMPARE(RegisterDecoder::decodePayload(*shunt,
                                            QByteArray(QByteArray::fromHex("61d20000") + payload))
                 .size(),
             fromShunt.size());
    QVERIFY(RegisterDecoder::decodePayload(
                *shunt, QByteArray(QByteArray::fromHex("4257010b") + payload.mid(4)))
                .isEmpty());
}

void TestRegisterDecoder::signMagnitude_data() {
    QTest::addColumn<quint16>("word");
    QTest::addColumn<double>("controller");
    QTest::addColumn<double>("battery");
    QTest::newRow("both positive") << quint16(0x1910) << 25.0 << 16.0;
    QTest::newRow("battery minus 5") << quint16(0x1985) << 25.0 << -5.0;
    QTest::newRow("controller minus 10") << quint16(0x8A00) << -10.0 << 0.0;
}

void TestRegisterDecoder::signMagnitude() {
    QFETCH(quint16, word);
    QFETCH(double, controller);
    QFETCH(double, battery);
    const DecodedValues values =
        RegisterDecoder::decodeBlock(*maps().find(Family::Controller), block(0x0103, {word}));
    QCOMPARE(find(values, QStringLiteral("controller_temperature"))->value.toDouble(), controller);
    QCOMPARE(find(values, QStringLiteral("battery_temperature"))->value.toDouble(), battery);
}

void TestRegisterDecoder::encodeRoundTrip_data() {
    QTest::addColumn<QString>("family");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QVariant>("cooked");
    QTest::addColumn<QList<quint16>>("words");

    QTest::newRow("negative s16 current")
        << "inverter"
        << "charging_current" << QVariant(-49.5) << QList<quint16>{0xFE11};
    QTest::newRow("x0.1 V setting") << "inverter"
                                    << "float_voltage" << QVariant(13.8) << QList<quint16>{138};
    QTest::newRow("enum by name") << "controller"
                                  << "battery_type" << QVariant(QStringLiteral("lithium"))
                                  << QList<quint16>{4};
    QTest::newRow("sign-magnitude byte")
        << "controller"
        << "controller_temperature" << QVariant(-5.0) << QList<quint16>{0x8500};
    QTest::newRow("masked brightness")
        << "controller"
        << "load_brightness" << QVariant(100.0) << QList<quint16>{0x6400};
    QTest::newRow("u32 bit list") << "controller"
                                  << "faults"
                                  << QVariant(
                                         QStringList{QStringLiteral("B16 battery over-discharge"),
                                                     QStringLiteral("B24 PV input short circuit")})
                                  << QList<quint16>{0x0101, 0x0000};
    QTest::newRow("version") << "controller"
                             << "software_version" << QVariant(QStringLiteral("V03.02.01"))
                             << QList<quint16>{0x0003, 0x0201};
    QTest::newRow("hex serial") << "controller"
                                << "serial_number" << QVariant(QStringLiteral("1501FFFF"))
                                << QList<quint16>{0x1501, 0xFFFF};
    QTest::newRow("ascii model") << "inverter"
                                 << "model" << QVariant(QStringLiteral("RIV1230RCH-SPS"))
                                 << QList<quint16>{0x5249, 0x5631, 0x3233, 0x3052,
                                                   0x4348, 0x2d53, 0x5053, 0x0000};
    QTest::newRow("u32 x0.001 Ah")
        << "battery"
        << "remaining_capacity" << QVariant(49.796) << QList<quint16>{0x0000, 0xc284};
    QTest::newRow("shunt s24 bytes")
        << "shunt"
        << "current" << QVariant(-8.719) << QList<quint16>{0xff, 0xdd, 0xf1};
}

void TestRegisterDecoder::encodeRoundTrip() {
    QFETCH(QString, family);
    QFETCH(QString, key);
    QFETCH(QVariant, cooked);
    QFETCH(QList<quint16>, words);
    const FieldDef *field = maps().find(*familyFromName(family))->field(key);
    QVERIFY(field);
    QString error;
    const auto encoded = RegisterDecoder::encodeField(*field, cooked, &error);
    QVERIFY2(encoded, qPrintable(error));
    QCOMPARE(*encoded, words);
    const DecodedValue back = RegisterDecoder::decodeField(*field, *encoded);
    if (back.isNumeric())
        QCOMPARE(back.value.toDouble(), cooked.toDouble());
    else if (cooked.typeId() == QMetaType::QStringList)
        QCOMPARE(back.value.toStringList(), cooked.toStringList());
    else
        QCOMPARE(back.value.toString(), cooked.toString());
}

void TestRegisterDecoder::encodeRejects_data() {
    QTest::addColumn<QString>("family");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QVariant>("cooked");
    QTest::addColumn<QString>("error");

    QTest::newRow("above max") << "inverter"
                               << "float_voltage" << QVariant(16.0)
                               << "float_voltage: 16 is above the maximum 15.5";
    QTest::newRow("unknown enum name") << "controller"
                                       << "battery_type" << QVariant(QStringLiteral("nickel"))
                                       << "battery_type: 'nickel' is not one of the choices";
    QTest::newRow("text too long") << "inverter"
                                   << "model" << QVariant(QStringLiteral("RIV1230RCH-SPS-TOO-LONG"))
                                   << "model: text longer than 16 characters";
    QTest::newRow("not a number") << "inverter"
                                  << "float_voltage" << QVariant(QStringLiteral("high"))
                                  << "float_voltage: 'high' is not a number";
    QTest::newRow("u16 overflow") << "battery"
                                  << "cycle_count" << QVariant(70000.0)
                                  << "cycle_count: raw 70000 does not fit the encoding (0..65535)";
    QTest::newRow("derived") << "battery"
                             << "battery_soc" << QVariant(50.0)
                             << "battery_soc: a derived value has no registers";
}

void TestRegisterDecoder::encodeRejects() {
    QFETCH(QString, family);
    QFETCH(QString, key);
    QFETCH(QVariant, cooked);
    QFETCH(QString, error);
    const FieldDef *field = maps().find(*familyFromName(family))->field(key);
    QVERIFY(field);
    QString got;
    QVERIFY(!RegisterDecoder::encodeField(*field, cooked, &got));
    QCOMPARE(got, error);
}

void TestRegisterDecoder::implausibleIsInvalid_data() {
    QTest::addColumn<QString>("family");
    QTest::addColumn<QString>("variant");
    QTest::addColumn<int>("start");
    QTest::addColumn<QList<quint16>>("words");
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("good");

    // `decode --family inverter --start 4327 200302ffff05f3` showed 65535 % as good.
    QTest::newRow("inverter soc 65535 %")
        << "inverter"
        << "" << 4327 << QList<quint16>{0xFFFF} << "battery_soc" << false;
    QTest::newRow("inverter soc 60 %") << "inverter"
                                       << "" << 4327 << QList<quint16>{60} << "battery_soc" << true;
    QTest::newRow("inverter no mains 0 Hz")
        << "inverter"
        << "" << 4004 << QList<quint16>{0} << "ac_output_frequency" << true;
    QTest::newRow("inverter 655.35 Hz")
        << "inverter"
        << "" << 4004 << QList<quint16>{0xFFFF} << "ac_output_frequency" << false;
    QTest::newRow("controller PV 6553.5 V")
        << "controller"
        << "" << 0x0107 << QList<quint16>{0xFFFF} << "pv_voltage" << false;
    QTest::newRow("controller PV 38.2 V")
        << "controller"
        << "" << 0x0107 << QList<quint16>{382} << "pv_voltage" << true;
    QTest::newRow("battery board 150 degC")
        << "battery"
        << "legacy" << 5035 << QList<quint16>{1500} << "bms_temperature" << false;
    QTest::newRow("battery board -41 degC")
        << "battery"
        << "legacy" << 5035 << QList<quint16>{quint16(-410)} << "bms_temperature" << false;
    // Derived: remaining 200 Ah of a 100 Ah pack is 200 %.
    QTest::newRow("battery soc 200 %")
        << "battery"
        << "legacy" << 5044 << QList<quint16>{0x0003, 0x0D40, 0x0001, 0x86A0} << "battery_soc"
        << false;
    QTest::newRow("battery soc 82 %")
        << "battery"
        << "legacy" << 5044 << QList<quint16>{0x0001, 0x4050, 0x0001, 0x86A0} << "battery_soc"
        << true;
}

void TestRegisterDecoder::implausibleIsInvalid() {
    QFETCH(QString, family);
    QFETCH(QString, variant);
    QFETCH(int, start);
    QFETCH(QList<quint16>, words);
    QFETCH(QString, key);
    QFETCH(bool, good);
    const RegisterMap *map = maps().find(*familyFromName(family), variant);
    QVERIFY(map);
    const DecodedValues values =
        RegisterDecoder::decodeCycle(*map, {RegisterBlock{static_cast<quint16>(start), words, 1}});
    const DecodedValue *v = find(values, key);
    QVERIFY2(v, qPrintable(key));
    QCOMPARE(v->quality, good ? Quality::Good : Quality::Invalid);
    if (!good)
        QVERIFY2(v->note.startsWith(u"implausible"), qPrintable(v->note));
}

void TestRegisterDecoder::blockFieldsShown_data() {
    QTest::addColumn<QString>("family");
    QTest::addColumn<int>("start");
    QTest::addColumn<QList<quint16>>("words");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("shown");

    // Fields added with sources (issue 19), one row per field. Controller: the identity words
    // 0x001B-0x001E and the street-light settings 0xE001, 0xE015-0xE02D (Rover V1.7 document;
    // SolarThing reads and writes them), one row per field.
    QTest::newRow("protocol_version")
        << "controller" << 0x001B << QList<quint16>{0, 0x107, 0xffff, 0xffff} << "protocol_version"
        << "00000107";
    QTest::newRow("unique_id") << "controller" << 0x001B << QList<quint16>{0, 0x107, 0xffff, 0xffff}
                               << "unique_id"
                               << "FFFFFFFF";
    QTest::newRow("load_brightness_setting")
        << "controller" << 0xE001 << QList<quint16>{80} << "load_brightness_setting"
        << "80 %";
    QTest::newRow("load_timer_1_hours")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "load_timer_1_hours"
        << "5 h";
    QTest::newRow("load_timer_1_power")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "load_timer_1_power"
        << "100 %";
    QTest::newRow("load_timer_2_hours")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "load_timer_2_hours"
        << "3 h";
    QTest::newRow("load_timer_2_power")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "load_timer_2_power"
        << "50 %";
    QTest::newRow("load_timer_3_hours")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "load_timer_3_hours"
        << "0 h";
    QTest::newRow("load_timer_3_power")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "load_timer_3_power"
        << "0 %";
    QTest::newRow("load_timer_morning_hours")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "load_timer_morning_hours"
        << "1 h";
    QTest::newRow("load_timer_morning_power")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "load_timer_morning_power"
        << "30 %";
    QTest::newRow("light_control_delay")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "light_control_delay"
        << "5 min";
    QTest::newRow("light_control_voltage")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "light_control_voltage"
        << "5 V";
    QTest::newRow("led_current_setting")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "led_current_setting"
        << "330 mA";
    QTest::newRow("special_power_control_e021")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "special_power_control_e021"
        << "0102";
    QTest::newRow("sensing_1_hours_raw")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "sensing_1_hours_raw"
        << "4";
    QTest::newRow("sensing_1_power_people_raw")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "sensing_1_power_people_raw"
        << "90";
    QTest::newRow("sensing_1_power_no_people_raw")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "sensing_1_power_no_people_raw"
        << "20";
    QTest::newRow("sensing_2_hours_raw")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "sensing_2_hours_raw"
        << "1";
    QTest::newRow("sensing_2_power_people_raw")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "sensing_2_power_people_raw"
        << "2";
    QTest::newRow("sensing_2_power_no_people_raw")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "sensing_2_power_no_people_raw"
        << "3";
    QTest::newRow("sensing_3_hours_raw")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "sensing_3_hours_raw"
        << "6";
    QTest::newRow("sensing_3_power_people_raw")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "sensing_3_power_people_raw"
        << "7";
    QTest::newRow("sensing_3_power_no_people_raw")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "sensing_3_power_no_people_raw"
        << "8";
    QTest::newRow("sensing_delay_raw")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "sensing_delay_raw"
        << "20";
    QTest::newRow("led_load_current")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "led_load_current"
        << "120 mA";
    QTest::newRow("special_power_control_e02d")
        << "controller" << 0xE015
        << QList<quint16>{5, 100, 3,  50, 0, 0, 1, 30, 15, 5,  5,  33, 0x102,
                          4, 90,  20, 1,  2, 3, 6, 7,  8,  20, 12, 255}
        << "special_power_control_e02d"
        << "00FF";
    // 0xE02E-0xE02F (SolarThing reads them, no unit known: raw words) and the battery types 0
    // and 6 that newer controllers report (SolarThing's RoverBatteryType).
    QTest::newRow("controller_charging_power_setting")
        << "controller" << 0xE02E << QList<quint16>{300, 150} << "controller_charging_power_setting"
        << "300";
    QTest::newRow("generator_charging_power_setting")
        << "controller" << 0xE02E << QList<quint16>{300, 150} << "generator_charging_power_setting"
        << "150";
    QTest::newRow("battery_type 0 user unlocked")
        << "controller" << 0xE004 << QList<quint16>{0} << "battery_type"
        << "user_unlocked";
    QTest::newRow("battery_type 6 lithium 48 V")
        << "controller" << 0xE004 << QList<quint16>{6} << "battery_type"
        << "lithium_48v";
    // DC-DC 0x0122 bit 8: sources disagree, so it is shown as disputed, never named.
    QTest::newRow("dcc faults_b bit 8 disputed")
        << "dcc" << 0x0122 << QList<quint16>{0x0100} << "faults_b"
        << "bit 8 (meaning disputed)";
    // The RIV4835's own map: 0xE205, maximum AC charging current x0.1 A.
    QTest::newRow("max_ac_charging_current")
        << "inverter/riv4835" << 0xE205 << QList<quint16>{50} << "max_ac_charging_current"
        << "5.0 A";
    // Inverter: the plain/UPS status bits 4007-4008 and the clock 4402-4404 (document V1.8).
    QTest::newRow("device_status")
        << "inverter" << 4007 << QList<quint16>{0x8000, 0xC010} << "device_status"
        << "battery bad, battery low, utility fail, input under-voltage";
    QTest::newRow("device_status none")
        << "inverter" << 4007 << QList<quint16>{0, 0} << "device_status"
        << "-";
    QTest::newRow("clock_year") << "inverter" << 4402 << QList<quint16>{0x1A0C, 0x0417, 0x3B09}
                                << "clock_year"
                                << "26";
    QTest::newRow("clock_month") << "inverter" << 4402 << QList<quint16>{0x1A0C, 0x0417, 0x3B09}
                                 << "clock_month"
                                 << "12";
    QTest::newRow("clock_day") << "inverter" << 4402 << QList<quint16>{0x1A0C, 0x0417, 0x3B09}
                               << "clock_day"
                               << "4";
    QTest::newRow("clock_hour") << "inverter" << 4402 << QList<quint16>{0x1A0C, 0x0417, 0x3B09}
                                << "clock_hour"
                                << "23";
    QTest::newRow("clock_minute") << "inverter" << 4402 << QList<quint16>{0x1A0C, 0x0417, 0x3B09}
                                  << "clock_minute"
                                  << "59";
    QTest::newRow("clock_second") << "inverter" << 4402 << QList<quint16>{0x1A0C, 0x0417, 0x3B09}
                                  << "clock_second"
                                  << "9";
    // Battery: the protection limits 5200-5222 and 5226-5229 (BMS document V1.7, renogy-rs).
    QTest::newRow("cell_over_voltage_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "cell_over_voltage_limit"
        << "3.8 V";
    QTest::newRow("cell_high_voltage_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "cell_high_voltage_limit"
        << "3.6 V";
    QTest::newRow("cell_low_voltage_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "cell_low_voltage_limit"
        << "2.8 V";
    QTest::newRow("cell_under_voltage_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "cell_under_voltage_limit"
        << "2.5 V";
    QTest::newRow("charge_over_temperature_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "charge_over_temperature_limit"
        << "55.0 °C";
    QTest::newRow("charge_high_temperature_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "charge_high_temperature_limit"
        << "50.0 °C";
    QTest::newRow("charge_low_temperature_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "charge_low_temperature_limit"
        << "5.0 °C";
    QTest::newRow("charge_under_temperature_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "charge_under_temperature_limit"
        << "0.0 °C";
    QTest::newRow("charge_over2_current_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "charge_over2_current_limit"
        << "150.00 A";
    QTest::newRow("charge_over1_current_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "charge_over1_current_limit"
        << "110.00 A";
    QTest::newRow("charge_high_current_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "charge_high_current_limit"
        << "100.00 A";
    QTest::newRow("module_over_voltage_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "module_over_voltage_limit"
        << "15.2 V";
    QTest::newRow("module_high_voltage_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "module_high_voltage_limit"
        << "14.4 V";
    QTest::newRow("module_low_voltage_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "module_low_voltage_limit"
        << "11.2 V";
    QTest::newRow("module_under_voltage_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "module_under_voltage_limit"
        << "10.0 V";
    QTest::newRow("discharge_over_temperature_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "discharge_over_temperature_limit"
        << "60.0 °C";
    QTest::newRow("discharge_high_temperature_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "discharge_high_temperature_limit"
        << "55.0 °C";
    QTest::newRow("discharge_low_temperature_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "discharge_low_temperature_limit"
        << "-15.0 °C";
    QTest::newRow("discharge_under_temperature_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "discharge_under_temperature_limit"
        << "-20.0 °C";
    QTest::newRow("discharge_over2_current_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "discharge_over2_current_limit"
        << "300.00 A";
    QTest::newRow("discharge_over1_current_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "discharge_over1_current_limit"
        << "220.00 A";
    QTest::newRow("discharge_high_current_limit")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "discharge_high_current_limit"
        << "200.00 A";
    QTest::newRow("shutdown_command")
        << "battery" << 5200
        << QList<quint16>{38,     36,     28,     25,     0x226,  0x1f4,  50,  0,
                          0x3a98, 0x2af8, 0x2710, 152,    144,    112,    100, 0x258,
                          0x226,  0xff6a, 0xff38, 0x7530, 0x55f0, 0x4e20, 0}
        << "shutdown_command"
        << "none";
    QTest::newRow("unique_id") << "battery" << 5226 << QList<quint16>{0x1234, 0xABCD, 100, 80}
                               << "unique_id"
                               << "1234ABCD";
    QTest::newRow("charge_power_setting")
        << "battery" << 5226 << QList<quint16>{0x1234, 0xABCD, 100, 80} << "charge_power_setting"
        << "100 %";
    QTest::newRow("discharge_power_setting")
        << "battery" << 5226 << QList<quint16>{0x1234, 0xABCD, 100, 80} << "discharge_power_setting"
        << "80 %";
}

void TestRegisterDecoder::blockFieldsShown() {
    QFETCH(QString, family);
    QFETCH(int, start);
    QFETCH(QList<quint16>, words);
    QFETCH(QString, key);
    QFETCH(QString, shown);
    // "inverter/riv4835": a variant's own map.
    const QStringList parts = family.split(QLatin1Char('/'));
    const RegisterMap *map = maps().find(*familyFromName(parts.first()), parts.value(1));
    QVERIFY(map);
    const DecodedValues values =
        RegisterDecoder::decodeCycle(*map, {RegisterBlock{static_cast<quint16>(start), words, 1}});
    const DecodedValue *v = find(values, key);
    QVERIFY2(v, qPrintable(key));
    QCOMPARE(v->quality, Quality::Good);
    QCOMPARE(v->displayText(), shown);
}

QTEST_GUILESS_MAIN(TestRegisterDecoder)
#include "tst_registerdecoder.moc"
