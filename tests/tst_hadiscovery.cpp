#include "mqtt/hadiscovery.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <cmath>
#include <limits>

using namespace blupow;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(blupow::FieldType)
Q_DECLARE_METATYPE(blupow::Quality)

namespace {

FieldDef field(const QString &key, FieldType type, const QString &unit, const QString &dc = {},
               const QString &sc = {}, int decimals = 1) {
    FieldDef f;
    f.key = key;
    f.label = key;
    f.type = type;
    f.unit = unit;
    f.haDeviceClass = dc;
    f.haStateClass = sc;
    f.decimals = decimals;
    f.group = u"battery"_s;
    return f;
}

HaDiscoveryOptions options() {
    HaDiscoveryOptions o;
    o.hostId = u"host-1"_s;
    o.swVersion = u"9.9.9"_s;
    return o;
}

DeviceIdentity identity() {
    DeviceIdentity id;
    id.family = Family::Inverter;
    id.model = u"RIV1230RCH-SPS"_s;
    id.serial = u"SN123"_s;
    id.firmware = u"V1.2"_s;
    id.address = u"aa:bb:cc:dd:ee:ff"_s;
    return id;
}

QList<FieldDef> sampleFields() {
    FieldDef model = field(u"model"_s, FieldType::Ascii, {});
    model.group = u"identity"_s;
    model.poll = PollClass::Once;
    FieldDef setting = field(u"boost_voltage"_s, FieldType::U16, u"V"_s, u"voltage"_s);
    setting.poll = PollClass::Demand;
    FieldDef stage = field(u"charging_stage"_s, FieldType::Enum, {});
    stage.enumValues = {{0, u"off"_s}, {2, u"mppt"_s}, {4, u"float"_s}};
    FieldDef fault = field(u"fault_active"_s, FieldType::U16, {}, u"problem"_s);
    fault.haComponent = u"binary_sensor"_s;
    return {field(u"battery_voltage"_s, FieldType::U16, u"V"_s, u"voltage"_s, u"measurement"_s),
            field(u"battery_current"_s, FieldType::S16, u"A"_s, u"current"_s),
            field(u"pv_energy_total"_s, FieldType::U32, u"kWh"_s, u"energy"_s,
                  u"total_increasing"_s, 3),
            field(u"controller_temperature"_s, FieldType::SignMag8Hi, u"°C"_s, u"temperature"_s),
            stage,
            fault,
            model,
            setting};
}

QJsonObject parse(const QByteArray &payload) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return {};
    return doc.object();
}

DecodedValue value(const QString &key, const QVariant &v, Quality q = Quality::Good) {
    DecodedValue d;
    d.key = key;
    d.value = v;
    d.quality = q;
    return d;
}

const QRegularExpression kTopicId(u"^[a-zA-Z0-9_-]+$"_s);

} // namespace

class TestHaDiscovery : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void entityClasses_data();
    void entityClasses();
    void unitsAreAcceptedForTheirClass_data();
    void unitsAreAcceptedForTheirClass();
    void topicIds_data();
    void topicIds();
    void deviceConfigKeys();
    void deviceNameSaysSimulated_data();
    void deviceNameSaysSimulated();
    void bridgeConfigAndViaDevice();
    void sharedDongleIsTheSlavesViaDevice_data();
    void sharedDongleIsTheSlavesViaDevice();
    void expireAfter_data();
    void expireAfter();
    void statePayload_data();
    void statePayload();
    void stateHasEveryEntityKey();
    void legacyDiscovery();
    void removeEntities_data();
    void removeEntities();
    void removeDevice();
    void customPrefixAndBase();
    void otherLayout_data();
    void otherLayout();
};

void TestHaDiscovery::entityClasses_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<FieldType>("type");
    QTest::addColumn<QString>("unit");
    QTest::addColumn<QString>("mapClass");
    QTest::addColumn<QString>("mapStateClass");
    QTest::addColumn<QString>("platform");
    QTest::addColumn<QString>("deviceClass");
    QTest::addColumn<QString>("haUnit");
    QTest::addColumn<QString>("stateClass");
    QTest::addColumn<bool>("numeric");

    // docs/ha-mqtt.md §8 table, one row per Renogy quantity.
    QTest::newRow("voltage") << u"battery_voltage"_s << FieldType::U16 << u"V"_s << u"voltage"_s
                             << u"measurement"_s << u"sensor"_s << u"voltage"_s << u"V"_s
                             << u"measurement"_s << true;
    QTest::newRow("signed current, class inferred")
        << u"battery_current"_s << FieldType::S16 << u"A"_s << QString() << QString() << u"sensor"_s
        << u"current"_s << u"A"_s << u"measurement"_s << true;
    QTest::newRow("power") << u"pv_power"_s << FieldType::U16 << u"W"_s << u"power"_s << QString()
                           << u"sensor"_s << u"power"_s << u"W"_s << u"measurement"_s << true;
    QTest::newRow("apparent power")
        << u"ac_apparent_power"_s << FieldType::U16 << u"VA"_s << QString() << QString()
        << u"sensor"_s << u"apparent_power"_s << u"VA"_s << u"measurement"_s << true;
    QTest::newRow("reactive power VAr spelled wrong")
        << u"ac_reactive_power"_s << FieldType::U16 << u"VAr"_s << u"reactive_power"_s << QString()
        << u"sensor"_s << u"reactive_power"_s << u"var"_s << u"measurement"_s << true;
    QTest::newRow("lifetime energy")
        << u"pv_energy_total"_s << FieldType::U32 << u"kWh"_s << u"energy"_s << QString()
        << u"sensor"_s << u"energy"_s << u"kWh"_s << u"total_increasing"_s << true;
    QTest::newRow("energy total kept")
        << u"grid_energy"_s << FieldType::U32 << u"Wh"_s << u"energy"_s << u"total"_s << u"sensor"_s
        << u"energy"_s << u"Wh"_s << u"total"_s << true;
    QTest::newRow("energy measurement becomes energy_storage")
        << u"battery_energy_remaining"_s << FieldType::U16 << u"Wh"_s << u"energy"_s
        << u"measurement"_s << u"sensor"_s << u"energy_storage"_s << u"Wh"_s << u"measurement"_s
        << true;
    QTest::newRow("frequency") << u"ac_frequency"_s << FieldType::U16 << u"Hz"_s << u"frequency"_s
                               << QString() << u"sensor"_s << u"frequency"_s << u"Hz"_s
                               << u"measurement"_s << true;
    QTest::newRow("temperature spelled C")
        << u"controller_temperature"_s << FieldType::SignMag8Hi << u"C"_s << u"temperature"_s
        << QString() << u"sensor"_s << u"temperature"_s << u"°C"_s << u"measurement"_s << true;
    QTest::newRow("temperature ordinal º")
        << u"battery_temperature"_s << FieldType::S16 << u"ºC"_s << QString() << QString()
        << u"sensor"_s << u"temperature"_s << u"°C"_s << u"measurement"_s << true;
    QTest::newRow("state of charge")
        << u"battery_soc"_s << FieldType::U16 << u"%"_s << QString() << QString() << u"sensor"_s
        << u"battery"_s << u"%"_s << u"measurement"_s << true;
    QTest::newRow("load percentage has no class")
        << u"load_percentage"_s << FieldType::U16 << u"%"_s << QString() << QString() << u"sensor"_s
        << QString() << u"%"_s << u"measurement"_s << true;
    QTest::newRow("Ah counter has no class")
        << u"charge_ah_total"_s << FieldType::U32 << u"Ah"_s << QString() << u"total_increasing"_s
        << u"sensor"_s << QString() << u"Ah"_s << u"total_increasing"_s << true;
    QTest::newRow("operating days spelled days")
        << u"operating_days"_s << FieldType::U16 << u"days"_s << QString() << QString()
        << u"sensor"_s << u"duration"_s << u"d"_s << u"measurement"_s << true;
    QTest::newRow("hours spelled hours")
        << u"runtime"_s << FieldType::U16 << u"hours"_s << u"duration"_s << u"total_increasing"_s
        << u"sensor"_s << u"duration"_s << u"h"_s << u"total_increasing"_s << true;
    QTest::newRow("class dropped when unit rejected")
        << u"odd"_s << FieldType::U16 << u"mA"_s << u"voltage"_s << QString() << u"sensor"_s
        << QString() << u"mA"_s << u"measurement"_s << true;
    QTest::newRow("impossible state class fixed")
        << u"pv_voltage"_s << FieldType::U16 << u"V"_s << u"voltage"_s << u"total_increasing"_s
        << u"sensor"_s << u"voltage"_s << u"V"_s << u"measurement"_s << true;
    QTest::newRow("enum") << u"charging_stage"_s << FieldType::Enum << QString() << QString()
                          << QString() << u"sensor"_s << u"enum"_s << QString() << QString()
                          << false;
    QTest::newRow("enum ignores a unit")
        << u"battery_type"_s << FieldType::Enum << u"V"_s << u"voltage"_s << u"measurement"_s
        << u"sensor"_s << u"enum"_s << QString() << QString() << false;
    QTest::newRow("text") << u"model"_s << FieldType::Ascii << QString() << QString() << QString()
                          << u"sensor"_s << QString() << QString() << QString() << false;
    QTest::newRow("version number formatted as text")
        << u"software_version"_s << FieldType::U32 << QString() << QString() << QString()
        << u"sensor"_s << QString() << QString() << QString() << false;
    QTest::newRow("fault bits as text")
        << u"faults"_s << FieldType::Bits << QString() << QString() << QString() << u"sensor"_s
        << QString() << QString() << QString() << false;
}

void TestHaDiscovery::entityClasses() {
    QFETCH(QString, key);
    QFETCH(FieldType, type);
    QFETCH(QString, unit);
    QFETCH(QString, mapClass);
    QFETCH(QString, mapStateClass);
    FieldDef f = field(key, type, unit, mapClass, mapStateClass);
    if (key == u"software_version"_s)
        f.format = FieldFormat::Version;
    if (type == FieldType::Enum)
        f.enumValues = {{0, u"a"_s}, {1, u"b"_s}};
    const HaEntity e = HaDiscovery::entityFor(f);
    QTEST(e.platform, "platform");
    QTEST(e.deviceClass, "deviceClass");
    QTEST(e.unit, "haUnit");
    QTEST(e.stateClass, "stateClass");
    QTEST(e.numeric, "numeric");

    const QJsonObject c = HaDiscovery::componentConfig(options(), u"dev1"_s, e);
    // Never an empty unit (older HA keeps "" and then wants numbers, §8).
    QCOMPARE(c.contains(u"unit_of_measurement"_s), !e.unit.isEmpty());
    QVERIFY(c.value(u"unit_of_measurement"_s).toString() != QString() ||
            !c.contains(u"unit_of_measurement"_s));
    QCOMPARE(c.contains(u"suggested_display_precision"_s), e.numeric);
    if (type == FieldType::Enum)
        QCOMPARE(c.value(u"options"_s).toArray(), QJsonArray({u"a"_s, u"b"_s}));
    else
        QVERIFY(!c.contains(u"options"_s));
}

void TestHaDiscovery::unitsAreAcceptedForTheirClass_data() {
    QTest::addColumn<int>("index");
    const QList<FieldDef> fields = sampleFields();
    for (int i = 0; i < fields.size(); ++i)
        QTest::newRow(fields.at(i).key.toLatin1().constData()) << i;
}

void TestHaDiscovery::unitsAreAcceptedForTheirClass() {
    QFETCH(int, index);
    const HaEntity e = HaDiscovery::entityFor(sampleFields().at(index));
    if (e.deviceClass.isEmpty() || e.platform != u"sensor"_s)
        return;
    QVERIFY2(HaDiscovery::acceptedUnits(e.deviceClass).contains(e.unit), qPrintable(e.unit));
    QVERIFY2(HaDiscovery::acceptedStateClasses(e.deviceClass).contains(e.stateClass),
             qPrintable(e.stateClass));
}

void TestHaDiscovery::topicIds_data() {
    QTest::addColumn<QString>("deviceId");
    QTest::addColumn<QString>("hostId");
    QTest::addColumn<QString>("expectedObjectId");

    QTest::newRow("mac with colons")
        << u"AA:BB:CC:DD:EE:FF"_s << u"pi"_s << u"renogy_aa_bb_cc_dd_ee_ff"_s;
    QTest::newRow("simulator address") << u"sim:inverter"_s << u"h"_s << u"renogy_sim_inverter"_s;
    QTest::newRow("spaces and unicode")
        << u"Bätt 1/2"_s << u"my host.local"_s << u"renogy_b_tt_1_2"_s;
    QTest::newRow("empty") << QString() << QString() << u"renogy_unknown"_s;
    QTest::newRow("already clean") << u"rng-ctrl_01"_s << u"abc"_s << u"renogy_rng-ctrl_01"_s;
}

void TestHaDiscovery::topicIds() {
    QFETCH(QString, deviceId);
    QFETCH(QString, hostId);
    HaDiscoveryOptions o = options();
    o.hostId = hostId;
    QTEST(HaDiscovery::deviceObjectId(deviceId), "expectedObjectId");
    QVERIFY(kTopicId.match(HaDiscovery::deviceObjectId(deviceId)).hasMatch());
    QVERIFY(kTopicId.match(HaDiscovery::bridgeObjectId(o)).hasMatch());

    const QList<HaEntity> entities = HaDiscovery::entitiesFor(sampleFields());
    for (bool legacy : {false, true}) {
        o.legacy = legacy;
        QList<HaMessage> all = HaDiscovery::deviceDiscovery(o, deviceId, identity(), entities);
        all += HaDiscovery::bridgeDiscovery(o);
        for (const HaMessage &m : all) {
            const QStringList parts = m.topic.split(u'/');
            // <prefix>/<component>/<object_id>/config: HA subscribes to exactly this depth (§2).
            QCOMPARE(parts.size(), 4);
            QCOMPARE(parts.first(), u"homeassistant"_s);
            QCOMPARE(parts.last(), u"config"_s);
            QVERIFY2(kTopicId.match(parts.at(2)).hasMatch(), qPrintable(m.topic));
            QVERIFY(m.retain);
            QVERIFY(!parse(m.payload).isEmpty());
        }
    }
}

void TestHaDiscovery::deviceNameSaysSimulated_data() {
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("name");
    QTest::newRow("bluetooth") << u"AA:BB:CC:DD:EE:FF"_s << u"Inverter-charger RIV1230RCH-SPS"_s;
    QTest::newRow("simulator") << u"sim:inverter"_s
                               << u"SIMULATED Inverter-charger RIV1230RCH-SPS"_s;
}

// A simulated device published on purpose must not pass for equipment in Home Assistant.
void TestHaDiscovery::deviceNameSaysSimulated() {
    QFETCH(QString, address);
    DeviceIdentity id = identity();
    id.family = Family::Inverter;
    id.model = u"RIV1230RCH-SPS"_s;
    id.address = address;
    const QJsonObject dev = HaDiscovery::deviceBlock(options(), id.deviceId(), id);
    QTEST(dev.value(u"name"_s).toString(), "name");
}

void TestHaDiscovery::deviceConfigKeys() {
    const HaDiscoveryOptions o = options();
    const QList<HaEntity> entities = HaDiscovery::entitiesFor(sampleFields());
    const QList<HaMessage> messages =
        HaDiscovery::deviceDiscovery(o, u"dev1"_s, identity(), entities);
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.first().topic, u"homeassistant/device/renogy_dev1/config"_s);
    const QJsonObject c = parse(messages.first().payload);

    // DEVICE_DISCOVERY_SCHEMA root keys only (§2).
    const QSet<QString> rootAllowed{u"dev"_s,       u"device"_s,
                                    u"o"_s,         u"origin"_s,
                                    u"cmps"_s,      u"components"_s,
                                    u"avty"_s,      u"availability"_s,
                                    u"avty_mode"_s, u"availability_mode"_s,
                                    u"stat_t"_s,    u"state_topic"_s,
                                    u"qos"_s,       u"encoding"_s};
    for (const QString &k : c.keys())
        QVERIFY2(rootAllowed.contains(k), qPrintable(k));

    // Device block is strict (§5).
    const QSet<QString> devAllowed{u"identifiers"_s,
                                   u"ids"_s,
                                   u"connections"_s,
                                   u"cns"_s,
                                   u"manufacturer"_s,
                                   u"mf"_s,
                                   u"model"_s,
                                   u"mdl"_s,
                                   u"model_id"_s,
                                   u"mdl_id"_s,
                                   u"name"_s,
                                   u"hw_version"_s,
                                   u"hw"_s,
                                   u"serial_number"_s,
                                   u"sn"_s,
                                   u"sw_version"_s,
                                   u"sw"_s,
                                   u"via_device"_s,
                                   u"suggested_area"_s,
                                   u"sa"_s,
                                   u"configuration_url"_s,
                                   u"cu"_s};
    const QJsonObject dev = c.value(u"dev"_s).toObject();
    for (const QString &k : dev.keys())
        QVERIFY2(devAllowed.contains(k), qPrintable(k));
    QCOMPARE(dev.value(u"ids"_s).toArray(), QJsonArray({u"renogy_dev1"_s}));
    QVERIFY(!dev.value(u"name"_s).toString().isEmpty());
    QCOMPARE(dev.value(u"sn"_s).toString(), u"SN123"_s);
    QCOMPARE(dev.value(u"cns"_s).toArray(),
             QJsonArray({QJsonArray({u"bluetooth"_s, u"AA:BB:CC:DD:EE:FF"_s})}));

    // Origin (required for device discovery), strict: name, sw, url.
    const QJsonObject origin = c.value(u"o"_s).toObject();
    QCOMPARE(origin.value(u"name"_s).toString(), u"BluPow"_s);
    QCOMPARE(origin.value(u"sw"_s).toString(), u"9.9.9"_s);
    QVERIFY(origin.value(u"url"_s).toString().startsWith(u"https://"_s));
    const QStringList originKeys = origin.keys();
    QCOMPARE(QSet<QString>(originKeys.cbegin(), originKeys.cend()),
             QSet<QString>({u"name"_s, u"sw"_s, u"url"_s}));

    QCOMPARE(c.value(u"avty_mode"_s).toString(), u"all"_s);
    const QJsonArray avty = c.value(u"avty"_s).toArray();
    QCOMPARE(avty.size(), 2);
    QCOMPARE(avty.at(0).toObject().value(u"topic"_s).toString(), u"renogy/bridge/host-1/status"_s);
    QCOMPARE(avty.at(1).toObject().value(u"topic"_s).toString(), u"renogy/dev1/availability"_s);
    QCOMPARE(c.value(u"stat_t"_s).toString(), u"renogy/dev1/state"_s);

    const QJsonObject cmps = c.value(u"cmps"_s).toObject();
    QVERIFY(!cmps.contains(u"boost_voltage"_s)); // on-demand settings are not entities
    QVERIFY(cmps.contains(u"link_rssi"_s));
    for (const QString &k : cmps.keys()) {
        const QJsonObject cmp = cmps.value(k).toObject();
        QVERIFY2(!cmp.value(u"p"_s).toString().isEmpty(), qPrintable(k));
        QCOMPARE(cmp.value(u"unique_id"_s).toString(), u"renogy_dev1_"_s + k);
        QCOMPARE(cmp.value(u"default_entity_id"_s).toString(),
                 cmp.value(u"p"_s).toString() + u".renogy_dev1_"_s + k);
        QCOMPARE(cmp.value(u"value_template"_s).toString(), u"{{ value_json."_s + k + u" }}"_s);
        QVERIFY(!cmp.contains(u"state_topic"_s)); // shared stat_t
        QVERIFY(!cmp.contains(u"entity_category"_s) ||
                cmp.value(u"entity_category"_s).toString() == u"diagnostic"_s);
    }
    QCOMPARE(cmps.value(u"model"_s).toObject().value(u"entity_category"_s).toString(),
             u"diagnostic"_s);
    QCOMPARE(cmps.value(u"link_rssi"_s).toObject().value(u"entity_category"_s).toString(),
             u"diagnostic"_s);
    QVERIFY(!cmps.value(u"battery_voltage"_s).toObject().contains(u"entity_category"_s));
    QCOMPARE(cmps.value(u"fault_active"_s).toObject().value(u"p"_s).toString(), u"binary_sensor"_s);
    QCOMPARE(cmps.value(u"pv_energy_total"_s).toObject().value(u"state_class"_s).toString(),
             u"total_increasing"_s);
    QCOMPARE(cmps.value(u"charging_stage"_s).toObject().value(u"options"_s).toArray().size(), 3);
}

void TestHaDiscovery::sharedDongleIsTheSlavesViaDevice_data() {
    QTest::addColumn<bool>("legacy");
    QTest::newRow("device-based") << false;
    QTest::newRow("legacy per entity") << true;
}

void TestHaDiscovery::sharedDongleIsTheSlavesViaDevice() {
    // Several slaves behind one BT-2: each slave is reached via the dongle, the dongle (its own
    // device, with a link sensor on its availability) via the bridge (§5).
    QFETCH(bool, legacy);
    HaDiscoveryOptions o = options();
    o.legacy = legacy;
    DeviceIdentity pack;
    pack.family = Family::Battery;
    pack.model = u"RBT50LFP48S"_s;
    pack.name = u"BT-TH-FD866D73   "_s;
    pack.address = u"C4:64:E3:FD:86:6D"_s;
    pack.slave = 0x31;
    pack.sharedLink = true;
    QCOMPARE(pack.deviceId(), u"c464e3fd866d_31"_s);
    QCOMPARE(pack.linkId(), u"c464e3fd866d"_s);
    const QJsonObject dev = HaDiscovery::deviceBlock(o, pack.deviceId(), pack);
    QCOMPARE(dev.value(u"via_device"_s).toString(), u"renogy_c464e3fd866d"_s);
    QVERIFY(!dev.contains(u"cns"_s)); // the Bluetooth connection is the dongle's

    const QList<HaMessage> dongle = HaDiscovery::dongleDiscovery(o, pack);
    QCOMPARE(dongle.size(), 1);
    const QJsonObject config = QJsonDocument::fromJson(dongle.first().payload).object();
    const QJsonObject dongleDev = config.value(u"dev"_s).toObject();
    QCOMPARE(dongleDev.value(u"ids"_s).toArray().at(0).toString(), u"renogy_c464e3fd866d"_s);
    QCOMPARE(dongleDev.value(u"via_device"_s).toString(), HaDiscovery::bridgeObjectId(o));
    QCOMPARE(dongleDev.value(u"name"_s).toString(), u"Renogy BT-TH-FD866D73"_s);
    QCOMPARE(dongleDev.value(u"cns"_s).toArray().at(0).toArray().at(1).toString(),
             u"C4:64:E3:FD:86:6D"_s);
    const QJsonObject link =
        legacy ? config : config.value(u"cmps"_s).toObject().value(u"link"_s).toObject();
    QCOMPARE(link.value(u"device_class"_s).toString(), u"connectivity"_s);
    QCOMPARE(link.value(u"state_topic"_s).toString(),
             HaDiscovery::availabilityTopic(o, u"c464e3fd866d"_s));
    QCOMPARE(dongle.first().topic,
             legacy ? HaDiscovery::entityConfigTopic(o, u"binary_sensor"_s,
                                                     u"renogy_c464e3fd866d_link"_s)
                    : HaDiscovery::deviceConfigTopic(o, u"renogy_c464e3fd866d"_s));

    // One device alone on its dongle keeps its old id and goes via the bridge.
    pack.sharedLink = false;
    QCOMPARE(pack.deviceId(), u"c464e3fd866d"_s);
    QCOMPARE(HaDiscovery::deviceBlock(o, pack.deviceId(), pack).value(u"via_device"_s).toString(),
             HaDiscovery::bridgeObjectId(o));
}

void TestHaDiscovery::bridgeConfigAndViaDevice() {
    const HaDiscoveryOptions o = options();
    const QJsonObject bridge = HaDiscovery::bridgeConfig(o);
    const QString bridgeId =
        bridge.value(u"dev"_s).toObject().value(u"ids"_s).toArray().at(0).toString();
    QCOMPARE(bridgeId, u"renogy_bridge_host-1"_s);
    const QJsonObject device = HaDiscovery::deviceConfig(o, u"dev1"_s, identity(), {});
    // via_device must name a device that is announced, or HA creates an "Unnamed device" (§5).
    QCOMPARE(device.value(u"dev"_s).toObject().value(u"via_device"_s).toString(), bridgeId);
    QVERIFY(bridgeId !=
            device.value(u"dev"_s).toObject().value(u"ids"_s).toArray().at(0).toString());
    QVERIFY(bridge.contains(u"o"_s));
    const QJsonObject status = bridge.value(u"cmps"_s).toObject().value(u"status"_s).toObject();
    QCOMPARE(status.value(u"p"_s).toString(), u"binary_sensor"_s);
    QCOMPARE(status.value(u"device_class"_s).toString(), u"connectivity"_s);
    QCOMPARE(status.value(u"entity_category"_s).toString(), u"diagnostic"_s);
    QCOMPARE(status.value(u"state_topic"_s).toString(), HaDiscovery::bridgeStatusTopic(o));
    QCOMPARE(status.value(u"payload_on"_s).toString(), u"online"_s);
    QCOMPARE(status.value(u"payload_off"_s).toString(), u"offline"_s);
}

void TestHaDiscovery::expireAfter_data() {
    QTest::addColumn<int>("pollMs");
    QTest::addColumn<int>("expected");
    QTest::newRow("1 s poll: floor of 10 s") << 1000 << 10;
    QTest::newRow("5 s poll: 3x") << 5000 << 15;
    QTest::newRow("30 s poll: 3x") << 30000 << 90;
    QTest::newRow("fractional rounds up") << 3500 << 11;
}

void TestHaDiscovery::expireAfter() {
    QFETCH(int, pollMs);
    HaDiscoveryOptions o = options();
    o.pollIntervalMs = pollMs;
    QTEST(HaDiscovery::expireAfterSeconds(o), "expected");
    const HaEntity e = HaDiscovery::entityFor(field(u"v"_s, FieldType::U16, u"V"_s, u"voltage"_s));
    QTEST(HaDiscovery::componentConfig(o, u"d"_s, e).value(u"expire_after"_s).toInt(), "expected");
}

void TestHaDiscovery::statePayload_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QVariant>("input");
    QTest::addColumn<Quality>("quality");
    QTest::addColumn<QJsonValue>("expected");

    const QJsonValue null(QJsonValue::Null);
    QTest::newRow("good number rounded to decimals")
        << u"battery_voltage"_s << QVariant(144 * 0.1) << Quality::Good << QJsonValue(14.4);
    QTest::newRow("negative current stays a number")
        << u"battery_current"_s << QVariant(-3.25) << Quality::Good << QJsonValue(-3.3);
    QTest::newRow("stale is null, not the old value")
        << u"battery_voltage"_s << QVariant(13.1) << Quality::Stale << null;
    QTest::newRow("invalid is null")
        << u"controller_temperature"_s << QVariant(-128.0) << Quality::Invalid << null;
    QTest::newRow("NaN is null") << u"battery_voltage"_s
                                 << QVariant(std::numeric_limits<double>::quiet_NaN())
                                 << Quality::Good << null;
    QTest::newRow("text on a numeric entity is null, never N/A")
        << u"battery_voltage"_s << QVariant(u"N/A"_s) << Quality::Good << null;
    QTest::newRow("no value is null")
        << u"battery_voltage"_s << QVariant() << Quality::Good << null;
    QTest::newRow("negative energy is null")
        << u"pv_energy_total"_s << QVariant(-1.0) << Quality::Good << null;
    QTest::newRow("energy keeps 3 decimals")
        << u"pv_energy_total"_s << QVariant(1234.5678) << Quality::Good << QJsonValue(1234.568);
    QTest::newRow("enum in options")
        << u"charging_stage"_s << QVariant(u"mppt"_s) << Quality::Good << QJsonValue(u"mppt"_s);
    QTest::newRow("enum outside options is null")
        << u"charging_stage"_s << QVariant(u"unknown (0x0009)"_s) << Quality::Good << null;
    QTest::newRow("binary on") << u"fault_active"_s << QVariant(1.0) << Quality::Good
                               << QJsonValue(u"ON"_s);
    QTest::newRow("binary off") << u"fault_active"_s << QVariant(0.0) << Quality::Good
                                << QJsonValue(u"OFF"_s);
    QTest::newRow("binary stale is null")
        << u"fault_active"_s << QVariant(1.0) << Quality::Stale << null;
    QTest::newRow("text") << u"model"_s << QVariant(u"RIV1230RCH-SPS"_s) << Quality::Good
                          << QJsonValue(u"RIV1230RCH-SPS"_s);
    QTest::newRow("text capped at 255") << u"model"_s << QVariant(QString(300, u'x'))
                                        << Quality::Good << QJsonValue(QString(255, u'x'));
}

void TestHaDiscovery::statePayload() {
    QFETCH(QString, key);
    QFETCH(QVariant, input);
    QFETCH(Quality, quality);
    QFETCH(QJsonValue, expected);
    const QList<HaEntity> entities = HaDiscovery::entitiesFor(sampleFields());
    const QJsonObject state = HaDiscovery::statePayload(entities, {value(key, input, quality)});
    QVERIFY(state.contains(key));
    QCOMPARE(state.value(key), expected);
    // And through the wire format: numbers are JSON numbers.
    const QJsonObject wire = parse(HaDiscovery::toJson(state));
    QCOMPARE(wire.value(key), expected);
}

void TestHaDiscovery::stateHasEveryEntityKey() {
    // A missing key renders "" and a template warning, and HA keeps the old state (§7): every
    // announced key is present, null when there is nothing fresh.
    const QList<HaEntity> entities = HaDiscovery::entitiesFor(sampleFields());
    const QJsonObject state =
        HaDiscovery::statePayload(entities, {value(u"battery_voltage"_s, 12.5)});
    QCOMPARE(state.size(), entities.size());
    QCOMPARE(state.value(u"battery_voltage"_s), QJsonValue(12.5));
    QVERIFY(state.value(u"battery_current"_s).isNull());
    QVERIFY(!state.contains(u"boost_voltage"_s));
}

void TestHaDiscovery::legacyDiscovery() {
    HaDiscoveryOptions o = options();
    o.legacy = true;
    const QList<HaEntity> entities = HaDiscovery::entitiesFor(sampleFields());
    const QList<HaMessage> messages =
        HaDiscovery::deviceDiscovery(o, u"dev1"_s, identity(), entities);
    QCOMPARE(messages.size(), entities.size());
    QSet<QString> topics;
    for (const HaMessage &m : messages) {
        topics.insert(m.topic);
        const QJsonObject c = parse(m.payload);
        QVERIFY(!c.contains(u"p"_s));
        QVERIFY(c.value(u"unique_id"_s).toString().startsWith(u"renogy_dev1_"_s));
        QCOMPARE(c.value(u"stat_t"_s).toString(), u"renogy/dev1/state"_s);
        QCOMPARE(c.value(u"avty_mode"_s).toString(), u"all"_s);
        QCOMPARE(c.value(u"dev"_s).toObject().value(u"ids"_s).toArray(),
                 QJsonArray({u"renogy_dev1"_s}));
        QVERIFY(c.contains(u"o"_s));
    }
    QVERIFY(topics.contains(u"homeassistant/sensor/renogy_dev1_battery_voltage/config"_s));
    QVERIFY(topics.contains(u"homeassistant/binary_sensor/renogy_dev1_fault_active/config"_s));
    const QList<HaMessage> bridge = HaDiscovery::bridgeDiscovery(o);
    QCOMPARE(bridge.size(), 1);
    QCOMPARE(bridge.first().topic,
             u"homeassistant/binary_sensor/renogy_bridge_host-1_status/config"_s);
}

void TestHaDiscovery::removeEntities_data() {
    QTest::addColumn<bool>("legacy");
    QTest::newRow("device-based: reduce to p, then drop") << false;
    QTest::newRow("legacy: empty retained payloads") << true;
}

void TestHaDiscovery::removeEntities() {
    QFETCH(bool, legacy);
    HaDiscoveryOptions o = options();
    o.legacy = legacy;
    QList<HaEntity> all = HaDiscovery::entitiesFor(sampleFields());
    const HaEntity gone = all.takeAt(1); // battery_current
    const QList<HaMessage> messages =
        HaDiscovery::removeEntities(o, u"dev1"_s, identity(), all, {gone});
    if (legacy) {
        QCOMPARE(messages.size(), 1);
        QCOMPARE(messages.first().topic,
                 u"homeassistant/sensor/renogy_dev1_battery_current/config"_s);
        QVERIFY(messages.first().payload.isEmpty());
        QVERIFY(messages.first().retain);
        return;
    }
    QCOMPARE(messages.size(), 2);
    const QJsonObject first = parse(messages.at(0).payload).value(u"cmps"_s).toObject();
    const QJsonObject second = parse(messages.at(1).payload).value(u"cmps"_s).toObject();
    QCOMPARE(first.value(u"battery_current"_s).toObject(), QJsonObject({{u"p"_s, u"sensor"_s}}));
    QVERIFY(first.contains(u"battery_voltage"_s));
    QVERIFY(!second.contains(u"battery_current"_s));
    QCOMPARE(second.size(), all.size());
    QCOMPARE(messages.at(0).topic, messages.at(1).topic);
}

void TestHaDiscovery::removeDevice() {
    const QList<HaMessage> messages = HaDiscovery::removeDevice(options(), u"dev1"_s, {});
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages.at(0).topic, u"homeassistant/device/renogy_dev1/config"_s);
    QVERIFY(messages.at(0).payload.isEmpty());
    QVERIFY(messages.at(0).retain);
    QCOMPARE(messages.at(1).topic, u"renogy/dev1/availability"_s);
    QVERIFY(messages.at(1).payload.isEmpty());
}

void TestHaDiscovery::otherLayout_data() {
    QTest::addColumn<bool>("legacy");
    QTest::newRow("device-based looks at per-entity topics") << false;
    QTest::newRow("per-entity looks at the device topic") << true;
}

void TestHaDiscovery::otherLayout() {
    QFETCH(bool, legacy);
    HaDiscoveryOptions o = options();
    o.legacy = legacy;
    const QList<HaEntity> entities = HaDiscovery::entitiesFor(sampleFields());
    const QStringList old = HaDiscovery::otherLayoutTopics(o, u"dev1"_s, identity(), entities);
    HaDiscoveryOptions other = o;
    other.legacy = !legacy;
    QStringList expected;
    for (const HaMessage &m : HaDiscovery::deviceDiscovery(other, u"dev1"_s, identity(), entities))
        expected.append(m.topic);
    QCOMPARE(old, expected);
    QCOMPARE(old.size(), legacy ? 1 : entities.size());
    for (const HaMessage &m : HaDiscovery::deviceDiscovery(o, u"dev1"_s, identity(), entities))
        QVERIFY2(!old.contains(m.topic), qPrintable(m.topic)); // never the layout in use
    QCOMPARE(HaDiscovery::otherLayoutBridgeTopics(o).size(), 1);
    QVERIFY(HaDiscovery::otherLayoutBridgeTopics(o).first() !=
            HaDiscovery::bridgeDiscovery(o).first().topic);

    const QList<HaMessage> handshake = HaDiscovery::migrationMessages(old);
    QCOMPARE(handshake.size(), old.size());
    QCOMPARE(handshake.first().payload, QByteArray(R"({"migrate_discovery":true})"));
    QVERIFY(handshake.first().retain);
    const QList<HaMessage> clear = HaDiscovery::clearMessages(old);
    QVERIFY(clear.first().payload.isEmpty() && clear.first().retain);
    QCOMPARE(HaDiscovery::bridgeSyncTopic(o), u"renogy/bridge/host-1/sync"_s);
}

void TestHaDiscovery::customPrefixAndBase() {
    HaDiscoveryOptions o = options();
    o.discoveryPrefix = u"ha2"_s;
    o.baseTopic = u"solar/renogy"_s;
    QCOMPARE(HaDiscovery::birthTopic(o), u"ha2/status"_s);
    QCOMPARE(HaDiscovery::bridgeStatusTopic(o), u"solar/renogy/bridge/host-1/status"_s);
    QCOMPARE(HaDiscovery::stateTopic(o, u"d"_s), u"solar/renogy/d/state"_s);
    QCOMPARE(HaDiscovery::deviceDiscovery(o, u"d"_s, identity(), {}).first().topic,
             u"ha2/device/renogy_d/config"_s);
}

QTEST_GUILESS_MAIN(TestHaDiscovery)
#include "tst_hadiscovery.moc"
