#include "registers/registermap.h"

#include <QDir>
#include <QTest>

using namespace blupow;

namespace {

QString planText(const QList<ReadBlock> &plan) {
    QStringList parts;
    for (const ReadBlock &b : plan)
        parts.append(QStringLiteral("%1x%2").arg(b.start).arg(b.count));
    return parts.join(QLatin1Char(' '));
}

// A minimal valid map around `fields` (a JSON array body), with optional extra top-level members.
QByteArray miniMap(const char *fields, const char *extra = "") {
    return QByteArray(R"({"family": "controller", "variant": "default", )") + extra +
           R"( "fields": [)" + fields + "]}";
}

// Base maps for the expansion tests, found by name as load() finds them in the map's directory.
std::optional<QByteArray> readBase(const QString &name) {
    if (name == u"base.json")
        return miniMap(
            R"({"key": "count", "label": "Count", "register": 10, "type": "u16", "group": "battery"},
               {"key": "cell_{n}", "label": "Cell {n}", "register": 20, "type": "u16", "scale": 0.1,
                "group": "battery", "repeat": {"count": 3, "stride": 2},
                "count": {"key": "count", "index": 1}, "note": "why"},
               {"key": "extra", "label": "Extra", "register": 40, "type": "u16", "group": "battery"})",
            R"("title": "Base", "max_gap": 8,)");
    if (name == u"loop.json")
        return QByteArray(R"({"base": "loop.json", "variant": "x"})");
    return std::nullopt;
}

} // namespace

class TestRegisterMap : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shippedMapsLoad_data();
    void shippedMapsLoad();
    void readPlan_data();
    void readPlan();
    void brokenMapsRejected_data();
    void brokenMapsRejected();
    void builtInFindsVariants();
    void baseAndRepeat_data();
    void baseAndRepeat();
    void expansionRejected_data();
    void expansionRejected();
};

void TestRegisterMap::shippedMapsLoad_data() {
    QTest::addColumn<QString>("file");
    const QDir dir(QStringLiteral(BLUPOW_SOURCE_DIR "/resources/registers"));
    for (const QString &name : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
        if (!name.endsWith(QLatin1String(".schema.json")))
            QTest::newRow(qPrintable(name)) << dir.filePath(name);
}

void TestRegisterMap::shippedMapsLoad() {
    QFETCH(QString, file);
    QString error;
    const auto map = RegisterMap::load(file, &error);
    QVERIFY2(map.has_value(), qPrintable(error));
    QVERIFY(!map->fields().isEmpty());
}

void TestRegisterMap::readPlan_data() {
    QTest::addColumn<QString>("family");
    QTest::addColumn<QString>("variant");
    QTest::addColumn<int>("poll");
    QTest::addColumn<QString>("plan");

    // 4000 x10 exactly: x32 fails on RIV units and 4010-4059 is a no-read range
    // (docs/protocol.md 6.4.1).
    QTest::newRow("inverter cycle")
        << "inverter"
        << "" << int(PollClass::Cycle) << "4000x10 4300x2 4327x7 4398x18 4543x25";
    QTest::newRow("inverter once") << "inverter"
                                   << "" << int(PollClass::Once) << "4109x12 4303x24";
    QTest::newRow("inverter demand") << "inverter"
                                     << "" << int(PollClass::Demand) << "4402x3 4422x32 4454x3";
    // The RIV4835 reads the base map's settings plus 0xE205 on its own.
    QTest::newRow("inverter riv4835 demand")
        << "inverter"
        << "riv4835" << int(PollClass::Demand) << "4402x3 4422x32 4454x3 57861x1";
    QTest::newRow("controller cycle") << "controller"
                                      << "" << int(PollClass::Cycle) << "256x35";
    QTest::newRow("controller once") << "controller"
                                     << "" << int(PollClass::Once) << "10x17";
    QTest::newRow("controller demand")
        << "controller"
        << "" << int(PollClass::Demand) << "27x4 57345x1 57346x28 57374x16 57390x2";
    QTest::newRow("dcc cycle") << "dcc"
                               << "" << int(PollClass::Cycle) << "256x30 288x7";
    QTest::newRow("dcc demand") << "dcc"
                                << "" << int(PollClass::Demand) << "57345x20 57376x1 57400x1";
    QTest::newRow("battery legacy cycle")
        << "battery"
        << "" << int(PollClass::Cycle) << "5000x34 5035x18 5100x10";
    QTest::newRow("battery legacy once") << "battery"
                                         << "legacy" << int(PollClass::Once) << "5110x32 5223x1";
    QTest::newRow("battery pro cycle")
        << "battery"
        << "pro" << int(PollClass::Cycle) << "5000x34 5035x18 5100x10";
    // RNGPRO puts other data in the alarm words: only the status words are read
    // (docs/protocol.md 6.3).
    QTest::newRow("battery rngpro cycle")
        << "battery"
        << "rngpro" << int(PollClass::Cycle) << "5000x34 5035x18 5106x4";
    QTest::newRow("battery core cycle")
        << "battery"
        << "core" << int(PollClass::Cycle) << "5000x34 5035x18 5100x10";
    QTest::newRow("shunt has no reads") << "shunt"
                                        << "" << int(PollClass::Cycle) << "";
}

void TestRegisterMap::readPlan() {
    QFETCH(QString, family);
    QFETCH(QString, variant);
    QFETCH(int, poll);
    QFETCH(QString, plan);
    const RegisterMaps maps = RegisterMaps::builtIn();
    const RegisterMap *map = maps.find(*familyFromName(family), variant);
    QVERIFY(map);
    const QList<ReadBlock> blocks = map->readPlan(static_cast<PollClass>(poll));
    QCOMPARE(planText(blocks), plan);
    for (const ReadBlock &b : blocks) {
        QVERIFY(b.count <= map->maxReadCount());
        for (const auto &r : map->noReadRanges())
            QVERIFY(b.start + b.count - 1 < r.first || b.start > r.second);
    }
}

void TestRegisterMap::brokenMapsRejected_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");

    QTest::newRow("unknown type")
        << miniMap(
               R"({"key": "battery_voltage", "label": "V", "register": 257, "type": "u17", "group": "battery"})")
        << "t.json: field 'battery_voltage': unknown type 'u17'";
    QTest::newRow("duplicate key")
        << miniMap(R"({"key": "a", "label": "A", "register": 1, "type": "u16", "group": "battery"},
                     {"key": "a", "label": "A", "register": 2, "type": "u16", "group": "battery"})")
        << "t.json: field 'a': duplicate key";
    QTest::newRow("min above max")
        << miniMap(
               R"({"key": "v", "label": "V", "register": 1, "type": "u16", "access": "rw", "min": 5, "max": 1, "group": "settings"})")
        << "t.json: field 'v': min 5 > max 1";
    QTest::newRow("enum on u16")
        << miniMap(
               R"({"key": "s", "label": "S", "register": 1, "type": "u16", "enum": {"0": "off"}, "group": "status"})")
        << "t.json: field 's': enum table on a non-enum type";
    QTest::newRow("overlap same poll")
        << miniMap(R"({"key": "a", "label": "A", "register": 1, "type": "u32", "group": "energy"},
                     {"key": "b", "label": "B", "register": 2, "type": "u16", "group": "energy"})")
        << "t.json: field 'b': overlaps field 'a'";
    QTest::newRow("hi lo pair is no overlap")
        << miniMap(R"({"key": "a", "label": "A", "register": 1, "type": "u8hi", "group": "status"},
                     {"key": "b", "label": "B", "register": 1, "type": "u8lo", "group": "status"},
                     {"key": "c", "label": "C", "register": 1, "type": "u8lo", "group": "status"})")
        << "t.json: field 'c': overlaps field 'b'";
    QTest::newRow("unit for device class")
        << miniMap(
               R"({"key": "t", "label": "T", "register": 1, "type": "s16", "unit": "C", "group": "temperature", "ha": {"device_class": "temperature"}})")
        << "t.json: field 't': unit 'C' is not valid for device_class 'temperature'";
    QTest::newRow("field in no-read range")
        << miniMap(R"({"key": "x", "label": "X", "register": 4010, "type": "u16", "group": "ac"})",
                   R"("no_read_ranges": [[4010, 4059]],)")
        << "t.json: field 'x': inside no_read_range 4010-4059";
    QTest::newRow("writable without range")
        << miniMap(
               R"({"key": "v", "label": "V", "register": 1, "type": "u16", "access": "rw", "group": "settings"})")
        << "t.json: field 'v': writable numeric field needs min and max";
    QTest::newRow("missing key") << miniMap(R"({"label": "V", "register": 1, "group": "battery"})")
                                 << "t.json: field #1: missing key";
    QTest::newRow("derived operand unknown")
        << miniMap(
               R"({"key": "soc", "label": "SOC", "derived": {"op": "percent", "of": ["a", "b"]}, "group": "battery"})")
        << "t.json: field 'soc': derived operand 'a' is not a numeric field";
    QTest::newRow("schema: unknown property")
        << miniMap(
               R"({"key": "v", "label": "V", "register": 1, "type": "u16", "unti": "V", "group": "battery"})")
        << "t.json: field 'v': unknown property 'unti'";
    QTest::newRow("schema: scale is text")
        << miniMap(
               R"({"key": "v", "label": "V", "register": 1, "type": "u16", "scale": "0.1", "group": "battery"})")
        << "t.json: field 'v': scale: expected number, got string";
    QTest::newRow("schema: register out of range")
        << miniMap(
               R"({"key": "v", "label": "V", "register": 70000, "type": "u16", "group": "battery"})")
        << "t.json: field 'v': a register is 0-65535 or \"0x\" and 1-4 hex digits";
    QTest::newRow("schema: unknown group")
        << miniMap(R"({"key": "v", "label": "V", "register": 1, "type": "u16", "group": "misc"})")
        << "t.json: field 'v': unknown group 'misc'";
    QTest::newRow("schema: no place")
        << miniMap(R"({"key": "v", "label": "V", "type": "u16", "group": "battery"})")
        << "t.json: field 'v': a field needs register and type, offset and type, or derived";
    QTest::newRow("schema: key not snake_case")
        << miniMap(
               R"({"key": "Battery-Voltage", "label": "V", "register": 1, "type": "u16", "group": "battery"})")
        << "t.json: field 'Battery-Voltage': key is not snake_case";
    QTest::newRow("schema: unknown family")
        << QByteArray(R"({"family": "fridge", "variant": "default", "fields": []})")
        << "t.json: unknown family 'fridge'";
    QTest::newRow("schema: bad no_read_range")
        << miniMap(
               R"({"key": "v", "label": "V", "register": 1, "type": "u16", "group": "battery"})",
               R"("no_read_ranges": [[4010]],)")
        << "t.json: no_read_ranges: 0 needs at least 2 items";
    QTest::newRow("not json") << QByteArray("{\"family\": ")
                              << "t.json: JSON error at offset 11: unterminated object";
}

void TestRegisterMap::brokenMapsRejected() {
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QString got;
    const auto map = RegisterMap::fromJson(json, QStringLiteral("t.json"), &got);
    QVERIFY(!map.has_value());
    QCOMPARE(got, error);
}

void TestRegisterMap::builtInFindsVariants() {
    const RegisterMaps maps = RegisterMaps::builtIn();
    QVERIFY(maps.find(Family::Inverter));
    QVERIFY(maps.find(Family::Controller));
    QCOMPARE(maps.find(Family::Inverter)->defaultSlave(), quint8(32));
    const RegisterMap *inv = maps.find(Family::Inverter);
    QCOMPARE(inv->fieldsAt(4311).size(), 1);
    QCOMPARE(inv->fieldsAt(4311).first()->key, QStringLiteral("model"));
    QVERIFY(inv->fieldsAt(4050).isEmpty());
}

void TestRegisterMap::baseAndRepeat_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("fields"); // key@register/scale/count index, in order
    QTest::addColumn<QString>("title");

    QTest::newRow("base as is")
        << QByteArray(R"({"base": "base.json", "variant": "v"})")
        << "count@10/1/0 cell_1@20/0.1/1 cell_2@22/0.1/2 cell_3@24/0.1/3 extra@40/1/0"
        << "Base";
    QTest::newRow("patch keeps the place, remove, append, title replaced")
        << QByteArray(R"({"base": "base.json", "variant": "v", "title": "Child",
                          "patch_fields": [{"key": "cell_{n}", "scale": 0.001}],
                          "remove_fields": ["extra"],
                          "fields": [{"key": "more", "label": "More", "register": 50,
                                      "type": "u16", "group": "battery"}]})")
        << "count@10/1/0 cell_1@20/0.001/1 cell_2@22/0.001/2 cell_3@24/0.001/3 more@50/1/0"
        << "Child";
}

void TestRegisterMap::baseAndRepeat() {
    QFETCH(QByteArray, json);
    QFETCH(QString, fields);
    QFETCH(QString, title);
    QString error;
    const auto map = RegisterMap::fromJson(json, QStringLiteral("t.json"), &error, readBase);
    QVERIFY2(map, qPrintable(error));
    QStringList got;
    for (const FieldDef &f : map->fields())
        got.append(
            QStringLiteral("%1@%2/%3/%4").arg(f.key).arg(f.reg).arg(f.scale).arg(f.countIndex));
    QCOMPARE(got.join(u' '), fields);
    QCOMPARE(map->title(), title);
    QCOMPARE(map->maxGap(), 8);                                       // inherited
    QCOMPARE(map->field(u"cell_3")->label, QStringLiteral("Cell 3")); // {n} in the label too
    QCOMPARE(map->field(u"cell_3")->note, QStringLiteral("why"));
}

void TestRegisterMap::expansionRejected_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");

    QTest::newRow("base not found") << QByteArray(R"({"base": "nope.json", "variant": "v"})")
                                    << "t.json: base map 'nope.json' not found";
    QTest::newRow("base cycle") << QByteArray(R"({"base": "loop.json", "variant": "v"})")
                                << "loop.json: base chain deeper than 4 maps (a cycle?)";
    QTest::newRow("patch of an unknown field")
        << QByteArray(R"({"base": "base.json", "variant": "v",
                          "patch_fields": [{"key": "cell_1", "scale": 1}]})")
        << "t.json: patch_fields: no field 'cell_1' in base.json";
    QTest::newRow("remove of an unknown field")
        << QByteArray(R"({"base": "base.json", "variant": "v", "remove_fields": ["nope"]})")
        << "t.json: remove_fields: no field 'nope' in base.json";
    QTest::newRow("patch without a base")
        << miniMap(
               R"({"key": "v", "label": "V", "register": 1, "type": "u16", "group": "battery"})",
               R"("patch_fields": [{"key": "v"}],)")
        << "t.json: patch_fields needs a base";
    QTest::newRow("repeated key without {n}")
        << miniMap(R"({"key": "v", "label": "V", "register": 1, "type": "u16", "group": "battery",
                      "repeat": {"count": 2}})")
        << "t.json: field 'v': a repeated key needs {n}";
    QTest::newRow("{n} without repeat")
        << miniMap(
               R"({"key": "v_{n}", "label": "V", "register": 1, "type": "u16", "group": "battery"})")
        << "t.json: field 'v_{n}': {n} outside a repeated field";
    QTest::newRow("repeat overlaps the next field")
        << miniMap(R"({"key": "v_{n}", "label": "V {n}", "register": 1, "type": "u16",
                      "group": "battery", "repeat": {"count": 3}},
                     {"key": "w", "label": "W", "register": 3, "type": "u16", "group": "battery"})")
        << "t.json: field 'w': overlaps field 'v_3'";
    QTest::newRow("schema: repeat without count")
        << miniMap(
               R"({"key": "v_{n}", "label": "V", "register": 1, "type": "u16", "group": "battery",
                      "repeat": {"stride": 2}})")
        << "t.json: field 'v_{n}': missing count";
    QTest::newRow("schema: neither fields nor base")
        << QByteArray(R"({"family": "controller", "variant": "v"})")
        << "t.json: a map needs family and fields, or a base";
}

void TestRegisterMap::expansionRejected() {
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QString got;
    const auto map = RegisterMap::fromJson(json, QStringLiteral("t.json"), &got, readBase);
    QVERIFY(!map.has_value());
    QCOMPARE(got, error);
}

QTEST_GUILESS_MAIN(TestRegisterMap)
#include "tst_registermap.moc"
