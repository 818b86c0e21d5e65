#include "device/devicesession.h"
#include "mqtt/bridgesessionlink.h"
#include "mqtt/mqttbridge.h"
#include "mqtt/testbroker.h"
#include "registers/registerdecoder.h"
#include "registers/registermap.h"
#include "sim/simulateddevices.h"
#include "sim/simulatedtransport.h"
#include "testprerequisite.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace blupow;
using namespace blupow::test;
using namespace Qt::StringLiterals;

namespace {

FieldDef field(const QString &key, FieldType type, const QString &unit, const QString &dc,
               int decimals = 1) {
    FieldDef f;
    f.key = key;
    f.label = key;
    f.type = type;
    f.unit = unit;
    f.haDeviceClass = dc;
    f.decimals = decimals;
    return f;
}

QList<FieldDef> fields() {
    FieldDef model = field(u"model"_s, FieldType::Ascii, {}, {});
    model.group = u"identity"_s;
    model.poll = PollClass::Once;
    return {field(u"battery_voltage"_s, FieldType::U16, u"V"_s, u"voltage"_s),
            field(u"pv_power"_s, FieldType::U16, u"W"_s, u"power"_s, 0),
            field(u"pv_energy_total"_s, FieldType::U32, u"kWh"_s, u"energy"_s, 3), model};
}

DecodedValue value(const QString &key, const QVariant &v, Quality q = Quality::Good) {
    DecodedValue d;
    d.key = key;
    d.value = v;
    d.quality = q;
    return d;
}

DeviceIdentity identity() {
    DeviceIdentity id;
    id.family = Family::Controller;
    id.model = u"RNG-CTRL-RVR40"_s;
    id.address = u"sim:controller"_s;
    return id;
}

QJsonObject json(const QByteArray &payload) {
    return QJsonDocument::fromJson(payload).object();
}

// A unique namespace per test case so cases sharing the fixture broker never see each other.
MqttBridge::Options bridgeOptions() {
    const QString tag = QUuid::createUuid().toString(QUuid::Id128).left(8);
    MqttBridge::Options o;
    o.ha.discoveryPrefix = u"ha-"_s + tag;
    o.ha.baseTopic = u"renogy-"_s + tag;
    o.ha.hostId = u"host"_s + tag;
    o.birthDelayMinMs = 10;
    o.birthDelayMaxMs = 50;
    return o;
}

MqttClient::Options clientOptions(quint16 port) {
    MqttClient::Options o;
    o.port = port;
    o.reconnectInitialMs = 200;
    o.reconnectMaxMs = 1000;
    return o;
}

// A live subscriber (libmosquitto through MqttClient) collecting everything under `filter`.
struct Listener {
    explicit Listener(quint16 port, const QString &filter)
        : client(clientOptions(port))
        , messages(&client, &MqttClient::messageReceived) {
        QSignalSpy connected(&client, &MqttClient::connected);
        client.connectToBroker();
        if (connected.wait(10000))
            client.subscribe(filter, 1);
    }
    [[nodiscard]] QList<QByteArray> payloads(const QString &topic) const {
        QList<QByteArray> out;
        for (const auto &m : messages) {
            if (m.at(0).toString() == topic)
                out.append(m.at(1).toByteArray());
        }
        return out;
    }
    MqttClient client;
    QSignalSpy messages;
};

} // namespace

class TestMqttBridge : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void announcesRetainedDiscoveryAndAvailability_data();
    void announcesRetainedDiscoveryAndAvailability();
    void statesCarryOnlyGoodValues();
    void alarmWordsArePublishedAsProblems();
    void deviceAvailabilityFollowsTheLink();
    void systemSlavesAreDevicesViaTheDongle();
    void birthMessageReannounces();
    void newPollIntervalReannounces();
    void cleanStopPublishesOffline();
    void brokerRestart_data();
    void brokerRestart();
    void batteryEnergyIsIntegratedAndSurvivesARestart_data();
    void batteryEnergyIsIntegratedAndSurvivesARestart();
    void counterGuardSurvivesARestart();
    void layoutSwitchMigrates_data();
    void layoutSwitchMigrates();
    void cliKilledLeavesTheWill();
    void cliSigtermPublishesOffline();
    void cliWrongPasswordFailsClearly();
    void cliEnergyFileNotWrittenFails();

private:
    TestBroker m_broker;
    QString m_cli;
};

void TestMqttBridge::initTestCase() {
    m_broker = TestBroker::fromEnvironment();
    BLUPOW_REQUIRE_PREREQUISITE(m_broker.isValid(),
                                "a broker from the mqtt_broker fixture (run through ctest)");
    m_cli = qEnvironmentVariable("BLUPOW_CLI");
}

void TestMqttBridge::announcesRetainedDiscoveryAndAvailability_data() {
    QTest::addColumn<bool>("legacy");
    QTest::newRow("device-based") << false;
    QTest::newRow("legacy per entity") << true;
}

void TestMqttBridge::announcesRetainedDiscoveryAndAvailability() {
    QFETCH(bool, legacy);
    MqttBridge::Options o = bridgeOptions();
    o.ha.legacy = legacy;
    MqttBridge bridge(clientOptions(m_broker.port), o);
    const int h = bridge.addDevice();
    bridge.deviceAvailability(h, true);
    bridge.deviceIdentified(h, u"dev1"_s, identity(), fields());
    QSignalSpy announced(&bridge, &MqttBridge::announced);
    bridge.start();
    QVERIFY(announced.wait(10000));

    const auto config = retainedMessages(m_broker.port, o.ha.discoveryPrefix + u"/#"_s);
    const auto topics = retainedMessages(m_broker.port, o.ha.baseTopic + u"/#"_s);
    for (const auto &m : config) {
        QVERIFY(m.retained);
        QVERIFY2(!json(m.payload).isEmpty(), m.payload.constData());
    }
    if (legacy) {
        // 4 fields + 2 link entities + the bridge's status sensor.
        QCOMPARE(config.size(), 7);
        const QJsonObject voltage = json(retainedPayload(
            config, o.ha.discoveryPrefix + u"/sensor/renogy_dev1_battery_voltage/config"_s));
        QCOMPARE(voltage.value(u"unique_id"_s).toString(), u"renogy_dev1_battery_voltage"_s);
    } else {
        QCOMPARE(config.size(), 2);
        const QJsonObject device =
            json(retainedPayload(config, o.ha.discoveryPrefix + u"/device/renogy_dev1/config"_s));
        QCOMPARE(device.value(u"cmps"_s).toObject().size(), 6);
        QCOMPARE(device.value(u"dev"_s).toObject().value(u"via_device"_s).toString(),
                 u"renogy_bridge_"_s + o.ha.hostId);
        const QJsonObject bridgeConfig =
            json(retainedPayload(config, o.ha.discoveryPrefix + u"/device/renogy_bridge_"_s +
                                             o.ha.hostId + u"/config"_s));
        QCOMPARE(bridgeConfig.value(u"dev"_s).toObject().value(u"ids"_s).toArray().at(0).toString(),
                 u"renogy_bridge_"_s + o.ha.hostId);
    }
    QCOMPARE(retainedPayload(topics, HaDiscovery::bridgeStatusTopic(o.ha)), QByteArray("online"));
    QCOMPARE(retainedPayload(topics, HaDiscovery::availabilityTopic(o.ha, u"dev1"_s)),
             QByteArray("online"));
}

void TestMqttBridge::statesCarryOnlyGoodValues() {
    const MqttBridge::Options o = bridgeOptions();
    Listener listener(m_broker.port, o.ha.baseTopic + u"/#"_s);
    MqttBridge bridge(clientOptions(m_broker.port), o);
    const int h = bridge.addDevice();
    bridge.deviceIdentified(h, u"dev1"_s, identity(), fields());
    bridge.deviceAvailability(h, true);
    QSignalSpy announced(&bridge, &MqttBridge::announced);
    bridge.start();
    QVERIFY(announced.wait(10000));

    bridge.deviceValues(
        h, {value(u"battery_voltage"_s, 13.24), value(u"pv_power"_s, 120.0, Quality::Stale),
            value(u"pv_energy_total"_s, 1234.5), value(u"model"_s, u"RNG-CTRL-RVR40"_s)});
    const QString stateTopic = HaDiscovery::stateTopic(o.ha, u"dev1"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!listener.payloads(stateTopic).isEmpty(), 10000);
    QJsonObject state = json(listener.payloads(stateTopic).first());
    QCOMPARE(state.value(u"battery_voltage"_s), QJsonValue(13.2));
    QVERIFY(state.value(u"pv_power"_s).isNull()); // stale: unknown in HA, never the old 120 W
    QCOMPARE(state.value(u"pv_energy_total"_s), QJsonValue(1234.5));
    QCOMPARE(state.value(u"model"_s), QJsonValue(u"RNG-CTRL-RVR40"_s));

    // Next cycle: the once-per-connection model is Stale but still this connection's value; a
    // lifetime counter glitching down is withheld.
    bridge.deviceValues(h, {value(u"battery_voltage"_s, 13.3), value(u"pv_energy_total"_s, 3.0),
                            value(u"model"_s, u"RNG-CTRL-RVR40"_s, Quality::Stale)});
    QTRY_COMPARE_WITH_TIMEOUT(listener.payloads(stateTopic).size(), 2, 10000);
    state = json(listener.payloads(stateTopic).at(1));
    QCOMPARE(state.value(u"model"_s), QJsonValue(u"RNG-CTRL-RVR40"_s));
    QVERIFY(state.value(u"pv_energy_total"_s).isNull());

    // State is not retained (a retained state would revive an old value through expire_after).
    QVERIFY(retainedPayload(retainedMessages(m_broker.port, stateTopic), stateTopic).isEmpty());
}

// docs/alarms.md: one binary_sensor (device_class problem) per alarm word, ON/OFF from its named
// conditions, unknown (null) when the word was not read, the active conditions as attributes.
void TestMqttBridge::alarmWordsArePublishedAsProblems() {
    const RegisterMaps maps = RegisterMaps::builtIn();
    const RegisterMap *map = maps.find(Family::Controller);
    QVERIFY(map);
    const FieldDef *faults = map->field(u"faults");
    QVERIFY(faults);
    const MqttBridge::Options o = bridgeOptions();
    Listener listener(m_broker.port, o.ha.baseTopic + u"/#"_s);
    MqttBridge bridge(clientOptions(m_broker.port), o);
    const int h = bridge.addDevice();
    bridge.deviceIdentified(h, u"dev1"_s, identity(), map->fields());
    bridge.deviceAvailability(h, true);
    QSignalSpy announced(&bridge, &MqttBridge::announced);
    bridge.start();
    QVERIFY(announced.wait(10000));

    const auto config = retainedMessages(m_broker.port, o.ha.discoveryPrefix + u"/#"_s);
    const QJsonObject problem =
        json(retainedPayload(config, o.ha.discoveryPrefix + u"/device/renogy_dev1/config"_s))
            .value(u"cmps"_s)
            .toObject()
            .value(u"faults_problem"_s)
            .toObject();
    QCOMPARE(problem.value(u"p"_s).toString(), u"binary_sensor"_s);
    QCOMPARE(problem.value(u"device_class"_s).toString(), u"problem"_s);
    QCOMPARE(problem.value(u"json_attributes_topic"_s).toString(),
             HaDiscovery::stateTopic(o.ha, u"dev1"_s));
    QCOMPARE(problem.value(u"json_attributes_template"_s).toString(),
             u"{{ value_json.faults_problem_conditions | tojson }}"_s);

    const auto faultWord = [&](quint16 high, Quality q) {
        DecodedValue v = RegisterDecoder::decodeField(*faults, {high, 0});
        v.quality = q;
        return v;
    };
    const QString stateTopic = HaDiscovery::stateTopic(o.ha, u"dev1"_s);
    bridge.deviceValues(h, {faultWord(0x0002, Quality::Good)}); // B17 battery over-voltage
    bridge.deviceValues(h, {faultWord(0x0002, Quality::Stale)});
    bridge.deviceValues(h, {faultWord(0x0000, Quality::Good)});
    QTRY_COMPARE_WITH_TIMEOUT(listener.payloads(stateTopic).size(), 3, 10000);
    const QJsonObject on = json(listener.payloads(stateTopic).at(0));
    QCOMPARE(on.value(u"faults_problem"_s).toString(), u"ON"_s);
    const QJsonArray active =
        on.value(u"faults_problem_conditions"_s).toObject().value(u"active"_s).toArray();
    QCOMPARE(active.size(), 1);
    QCOMPARE(active.at(0).toObject().value(u"key"_s).toString(), u"battery_over_voltage"_s);
    QCOMPARE(active.at(0).toObject().value(u"severity"_s).toString(), u"fault"_s);
    const QJsonObject unknown = json(listener.payloads(stateTopic).at(1));
    QVERIFY(unknown.contains(u"faults_problem"_s));
    QVERIFY(unknown.value(u"faults_problem"_s).isNull()); // unread: unknown, never OFF
    QCOMPARE(unknown.value(u"faults_problem_conditions"_s).toObject().value(u"known"_s),
             QJsonValue(false));
    QCOMPARE(json(listener.payloads(stateTopic).at(2)).value(u"faults_problem"_s).toString(),
             u"OFF"_s);
}

void TestMqttBridge::deviceAvailabilityFollowsTheLink() {
    const MqttBridge::Options o = bridgeOptions();
    MqttBridge bridge(clientOptions(m_broker.port), o);
    const int h = bridge.addDevice();
    bridge.deviceIdentified(h, u"dev1"_s, identity(), fields());
    bridge.deviceAvailability(h, true);
    QSignalSpy announced(&bridge, &MqttBridge::announced);
    bridge.start();
    QVERIFY(announced.wait(10000));
    const QString topic = HaDiscovery::availabilityTopic(o.ha, u"dev1"_s);
    QCOMPARE(retainedPayload(retainedMessages(m_broker.port, topic), topic), QByteArray("online"));
    bridge.deviceAvailability(h, false);
    QTRY_COMPARE_WITH_TIMEOUT(retainedPayload(retainedMessages(m_broker.port, topic), topic),
                              QByteArray("offline"), 10000);
    bridge.deviceAvailability(h, true);
    QTRY_COMPARE_WITH_TIMEOUT(retainedPayload(retainedMessages(m_broker.port, topic), topic),
                              QByteArray("online"), 10000);
}

void TestMqttBridge::systemSlavesAreDevicesViaTheDongle() {
    // The simulated system through a real session: every slave behind the one dongle is its own
    // Home Assistant device, reached via the dongle (itself a device, via the bridge), with its
    // own state and availability; one silent battery goes unavailable alone.
    const MqttBridge::Options o = bridgeOptions();
    const RegisterMaps maps = RegisterMaps::builtIn();
    auto transport = SimulatedDevices::makeTransport(u"system", maps);
    QVERIFY(transport);
    transport->setLatency(SimulatedTransport::Latency::fast());
    DeviceSession::Options options;
    options.pollIntervalMs = 50;
    options.probeTimeoutMs = 1000;  // the silent ids are probed; the others answer at once
    options.requestTimeoutMs = 400; // exercised below: the silent battery's requests time out
    DeviceSession session(transport.get(), maps, options);
    MqttBridge bridge(clientOptions(m_broker.port), o);
    linkSessionToBridge(&session, &bridge);
    QSignalSpy published(&bridge, &MqttBridge::statePublished);
    bridge.start();
    session.start();
    const QStringList slaves{u"sim_system_10"_s, u"sim_system_20"_s, u"sim_system_30"_s,
                             u"sim_system_31"_s, u"sim_system_32"_s, u"sim_system_33"_s};
    const auto publishedIds = [&published] {
        QSet<QString> ids;
        for (const auto &args : published)
            ids.insert(args.at(0).toString());
        return ids;
    };
    QTRY_VERIFY_WITH_TIMEOUT(publishedIds().size() == slaves.size(), 30000);
    QCOMPARE(publishedIds(), QSet<QString>(slaves.cbegin(), slaves.cend()));

    const QString dongle = u"renogy_sim_system"_s;
    QList<ReceivedMessage> config;
    QTRY_VERIFY_WITH_TIMEOUT(
        (config = retainedMessages(m_broker.port, o.ha.discoveryPrefix + u"/#"_s)).size() ==
            slaves.size() + 2, // the slaves, the dongle, the bridge
        10000);
    QSet<QString> uniqueIds;
    for (const QString &slave : slaves) {
        const QJsonObject device = json(retainedPayload(
            config, o.ha.discoveryPrefix + u"/device/renogy_"_s + slave + u"/config"_s));
        QCOMPARE(device.value(u"dev"_s).toObject().value(u"via_device"_s).toString(), dongle);
        const QJsonObject cmps = device.value(u"cmps"_s).toObject();
        QVERIFY(!cmps.isEmpty());
        for (auto it = cmps.begin(); it != cmps.end(); ++it)
            uniqueIds.insert(it.value().toObject().value(u"unique_id"_s).toString());
    }
    QVERIFY(uniqueIds.size() > slaves.size() * 10); // none shared between two slaves
    const QJsonObject dongleConfig =
        json(retainedPayload(config, o.ha.discoveryPrefix + u"/device/"_s + dongle + u"/config"_s));
    QCOMPARE(dongleConfig.value(u"dev"_s).toObject().value(u"via_device"_s).toString(),
             u"renogy_bridge_"_s + o.ha.hostId);
    QVERIFY(dongleConfig.value(u"cmps"_s).toObject().contains(u"link"_s));

    const auto availability = [&](const QString &id) {
        const QString topic = HaDiscovery::availabilityTopic(o.ha, id);
        return retainedPayload(retainedMessages(m_broker.port, topic), topic);
    };
    for (const QString &slave : slaves)
        QTRY_COMPARE_WITH_TIMEOUT(availability(slave), QByteArray("online"), 10000);
    QCOMPARE(availability(u"sim_system"_s), QByteArray("online"));

    QString error;
    const auto fault = SimulatedTransport::parseFault(u"drop:1.0@0x33", &error);
    QVERIFY2(fault, qPrintable(error));
    transport->addFault(*fault);
    QTRY_COMPARE_WITH_TIMEOUT(availability(u"sim_system_33"_s), QByteArray("offline"), 20000);
    QCOMPARE(availability(u"sim_system_30"_s), QByteArray("online"));
    QCOMPARE(availability(u"sim_system"_s), QByteArray("online"));
    session.stop();
}

void TestMqttBridge::birthMessageReannounces() {
    const MqttBridge::Options o = bridgeOptions();
    MqttBridge bridge(clientOptions(m_broker.port), o);
    const int h = bridge.addDevice();
    bridge.deviceIdentified(h, u"dev1"_s, identity(), fields());
    QSignalSpy announced(&bridge, &MqttBridge::announced);
    bridge.start();
    QVERIFY(announced.wait(10000));

    Listener listener(m_broker.port, o.ha.discoveryPrefix + u"/device/+/config"_s);
    const QString configTopic = HaDiscovery::deviceConfigTopic(o.ha, u"renogy_dev1"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!listener.payloads(configTopic).isEmpty(), 10000); // the retained copy
    const qsizetype before = listener.payloads(configTopic).size();

    // Home Assistant restarted: "online" on <prefix>/status.
    listener.client.publish(HaDiscovery::birthTopic(o.ha), "online", 1, false);
    QTRY_COMPARE_WITH_TIMEOUT(announced.size(), 2, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(listener.payloads(configTopic).size() > before, 10000);
    // Something else on the birth topic is not a birth.
    listener.client.publish(HaDiscovery::birthTopic(o.ha), "offline", 1, false);
    QTest::qWait(300);
    QCOMPARE(announced.size(), 2);
}

void TestMqttBridge::newPollIntervalReannounces() {
    const MqttBridge::Options o = bridgeOptions();
    MqttBridge bridge(clientOptions(m_broker.port), o);
    const int h = bridge.addDevice();
    bridge.deviceIdentified(h, u"dev1"_s, identity(), fields());
    QSignalSpy announced(&bridge, &MqttBridge::announced);
    bridge.start();
    QVERIFY(announced.wait(10000));
    const QString topic = o.ha.discoveryPrefix + u"/device/renogy_dev1/config"_s;
    const auto expireAfter = [&] {
        return json(retainedPayload(retainedMessages(m_broker.port, topic), topic))
            .value(u"cmps"_s)
            .toObject()
            .value(u"battery_voltage"_s)
            .toObject()
            .value(u"expire_after"_s)
            .toInt();
    };
    QCOMPARE(expireAfter(), 10); // 1 s polls: the 10 s floor
    bridge.setPollInterval(20000);
    QCOMPARE(announced.size(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(expireAfter(), 60, 10000); // 3 x 20 s
}

void TestMqttBridge::cleanStopPublishesOffline() {
    const MqttBridge::Options o = bridgeOptions();
    MqttBridge bridge(clientOptions(m_broker.port), o);
    const int h = bridge.addDevice();
    bridge.deviceIdentified(h, u"dev1"_s, identity(), fields());
    bridge.deviceAvailability(h, true);
    QSignalSpy announced(&bridge, &MqttBridge::announced);
    bridge.start();
    QVERIFY(announced.wait(10000));
    QSignalSpy stopped(&bridge, &MqttBridge::stopped);
    bridge.stop();
    QVERIFY(stopped.wait(10000));
    QCOMPARE(bridge.client()->state(), MqttClient::State::Disconnected);
    const auto retained = retainedMessages(m_broker.port, o.ha.baseTopic + u"/#"_s);
    QCOMPARE(retainedPayload(retained, HaDiscovery::bridgeStatusTopic(o.ha)),
             QByteArray("offline"));
    QCOMPARE(retainedPayload(retained, HaDiscovery::availabilityTopic(o.ha, u"dev1"_s)),
             QByteArray("offline"));
}

void TestMqttBridge::brokerRestart_data() {
    QTest::addColumn<int>("maxStateAgeMs");
    QTest::addColumn<bool>("statePublished");
    QTest::newRow("fresh state published on reconnect") << 60000 << true;
    QTest::newRow("stale state dropped on reconnect") << 0 << false;
}

void TestMqttBridge::brokerRestart() {
    QFETCH(int, maxStateAgeMs);
    QFETCH(bool, statePublished);
    PrivateBroker broker;
    QVERIFY(broker.broker().isValid());
    MqttBridge::Options o = bridgeOptions();
    o.maxStateAgeMs = maxStateAgeMs;
    MqttBridge bridge(clientOptions(broker.broker().port), o);
    const int h = bridge.addDevice();
    bridge.deviceIdentified(h, u"dev1"_s, identity(), fields());
    bridge.deviceAvailability(h, true);
    QSignalSpy announced(&bridge, &MqttBridge::announced);
    bridge.start();
    QVERIFY(announced.wait(10000));

    QVERIFY(broker.stop());
    QTRY_COMPARE_WITH_TIMEOUT(bridge.client()->state() == MqttClient::State::Connected, false,
                              10000);
    QSignalSpy states(&bridge, &MqttBridge::statePublished);
    // Cycles while the broker is away: only the latest is kept.
    bridge.deviceValues(h, {value(u"battery_voltage"_s, 12.0)});
    bridge.deviceValues(h, {value(u"battery_voltage"_s, 12.1)});
    QCOMPARE(states.size(), 0);
    QTest::qWait(50); // older than a 0 ms freshness window
    QVERIFY(broker.relaunch());
    QTRY_COMPARE_WITH_TIMEOUT(announced.size(), 2, 15000);
    QCOMPARE(states.size(), statePublished ? 1 : 0);
    // The broker kept nothing (persistence off): the configs are there because the bridge
    // published them again.
    const auto config = retainedMessages(broker.broker().port, o.ha.discoveryPrefix + u"/#"_s);
    QCOMPARE(config.size(), 2);
    const auto topics = retainedMessages(broker.broker().port, o.ha.baseTopic + u"/#"_s);
    QCOMPARE(retainedPayload(topics, HaDiscovery::bridgeStatusTopic(o.ha)), QByteArray("online"));
}

void TestMqttBridge::batteryEnergyIsIntegratedAndSurvivesARestart_data() {
    QTest::addColumn<int>("family");
    QTest::addColumn<QList<FieldDef>>("fields");
    QTest::newRow("battery") << int(Family::Battery)
                             << QList<FieldDef>{field(u"battery_power"_s, FieldType::U16, u"W"_s,
                                                      u"power"_s, 0)};
    // The Smart Shunt's own map: battery_power is derived (V x I, positive while charging), and
    // the shunt has no energy counter of its own either (renogy-ble integrates it the same way).
    const RegisterMaps maps = RegisterMaps::builtIn();
    const RegisterMap *shunt = maps.find(Family::Shunt);
    QTest::newRow("shunt map") << int(Family::Shunt)
                               << (shunt ? shunt->fields() : QList<FieldDef>{});
}

// A battery has power but no energy counter: the bridge integrates one, announces it for the
// energy dashboard, and a restarted bridge continues it instead of starting at zero.
void TestMqttBridge::batteryEnergyIsIntegratedAndSurvivesARestart() {
    QFETCH(int, family);
    QFETCH(QList<FieldDef>, fields);
    QVERIFY2(!fields.isEmpty(), "no register map for this family in this build");
    QTemporaryDir dir;
    MqttBridge::Options o = bridgeOptions();
    o.energyFile = dir.filePath(u"energy.json"_s);
    Listener listener(m_broker.port, o.ha.baseTopic + u"/#"_s);
    const QString stateTopic = HaDiscovery::stateTopic(o.ha, u"bat1"_s);
    DeviceIdentity battery = identity();
    battery.family = static_cast<Family>(family);
    const QList<FieldDef> batteryFields = fields;
    const auto power = [](double w, qint64 ms) {
        DecodedValue v = value(u"battery_power"_s, w);
        v.timestampMs = ms;
        return v;
    };
    const qint64 t0 = 1'700'000'000'000;
    {
        MqttBridge bridge(clientOptions(m_broker.port), o);
        const int h = bridge.addDevice();
        bridge.deviceIdentified(h, u"bat1"_s, battery, batteryFields);
        bridge.deviceAvailability(h, true);
        QSignalSpy announced(&bridge, &MqttBridge::announced);
        QSignalSpy stopped(&bridge, &MqttBridge::stopped);
        bridge.start();
        QVERIFY(announced.wait(10000));
        const QJsonObject cmps =
            json(retainedPayload(retainedMessages(m_broker.port, o.ha.discoveryPrefix + u"/#"_s),
                                 o.ha.discoveryPrefix + u"/device/renogy_bat1/config"_s))
                .value(u"cmps"_s)
                .toObject();
        for (const QString &key : {u"battery_charged_energy"_s, u"battery_discharged_energy"_s}) {
            const QJsonObject c = cmps.value(key).toObject();
            QCOMPARE(c.value(u"device_class"_s).toString(), u"energy"_s);
            QCOMPARE(c.value(u"state_class"_s).toString(), u"total_increasing"_s);
            QCOMPARE(c.value(u"unit_of_measurement"_s).toString(), u"kWh"_s);
        }
        // 360 W for 10 s charging, then -720 W for 5 s: 1 Wh in, 0.5 Wh out (the sign change
        // between the samples splits the trapezoid).
        bridge.deviceValues(h, {power(360, t0)});
        bridge.deviceValues(h, {power(360, t0 + 10000)});
        QTRY_COMPARE_WITH_TIMEOUT(listener.payloads(stateTopic).size(), 2, 10000);
        const QJsonObject state = json(listener.payloads(stateTopic).at(1));
        QCOMPARE(state.value(u"battery_charged_energy"_s).toDouble(), 0.001);
        QCOMPARE(state.value(u"battery_discharged_energy"_s).toDouble(), 0.0);
        bridge.stop();
        QVERIFY(stopped.wait(10000));
    }
    QVERIFY(QFile::exists(o.energyFile));

    MqttBridge restarted(clientOptions(m_broker.port), o);
    const int h = restarted.addDevice();
    restarted.deviceIdentified(h, u"bat1"_s, battery, batteryFields);
    restarted.deviceAvailability(h, true);
    QSignalSpy announced(&restarted, &MqttBridge::announced);
    restarted.start();
    QVERIFY(announced.wait(10000));
    const qsizetype before = listener.payloads(stateTopic).size();
    restarted.deviceValues(h, {power(-720, t0 + 60000)});
    restarted.deviceValues(h, {power(-720, t0 + 65000)});
    QTRY_COMPARE_WITH_TIMEOUT(listener.payloads(stateTopic).size(), before + 2, 10000);
    const QJsonObject first = json(listener.payloads(stateTopic).at(before));
    QCOMPARE(first.value(u"battery_charged_energy"_s).toDouble(), 0.001); // continued, not 0
    const QJsonObject second = json(listener.payloads(stateTopic).at(before + 1));
    QCOMPARE(second.value(u"battery_charged_energy"_s).toDouble(), 0.001);
    QCOMPARE(second.value(u"battery_discharged_energy"_s).toDouble(), 0.001);
}

// A lifetime counter that reads low right after a restart is withheld: the restarted bridge
// compares it with the mark the last one saved instead of taking it as a new baseline.
void TestMqttBridge::counterGuardSurvivesARestart() {
    QTemporaryDir dir;
    MqttBridge::Options o = bridgeOptions();
    o.energyFile = dir.filePath(u"energy.json"_s);
    Listener listener(m_broker.port, o.ha.baseTopic + u"/#"_s);
    const QString stateTopic = HaDiscovery::stateTopic(o.ha, u"dev1"_s);
    const auto run = [&](const QList<double> &totals) {
        MqttBridge bridge(clientOptions(m_broker.port), o);
        const int h = bridge.addDevice();
        bridge.deviceIdentified(h, u"dev1"_s, identity(), fields());
        bridge.deviceAvailability(h, true);
        QSignalSpy announced(&bridge, &MqttBridge::announced);
        QSignalSpy stopped(&bridge, &MqttBridge::stopped);
        bridge.start();
        QVERIFY(announced.wait(10000));
        const qsizetype before = listener.payloads(stateTopic).size();
        for (double total : totals)
            bridge.deviceValues(h, {value(u"pv_energy_total"_s, total)});
        QTRY_COMPARE_WITH_TIMEOUT(listener.payloads(stateTopic).size(), before + totals.size(),
                                  10000);
        bridge.stop();
        QVERIFY(stopped.wait(10000));
    };
    run({1234.5});
    if (QTest::currentTestFailed())
        return;
    const qsizetype first = listener.payloads(stateTopic).size();
    run({3.0, 1234.75});
    if (QTest::currentTestFailed())
        return;
    const QList<QByteArray> states = listener.payloads(stateTopic);
    QCOMPARE(states.size(), first + 2);
    QVERIFY(json(states.at(first)).value(u"pv_energy_total"_s).isNull());
    QCOMPARE(json(states.at(first + 1)).value(u"pv_energy_total"_s), QJsonValue(1234.75));
}

void TestMqttBridge::layoutSwitchMigrates_data() {
    QTest::addColumn<bool>("fromLegacy");
    QTest::newRow("device-based to per-entity") << false;
    QTest::newRow("per-entity to device-based") << true;
}

// A user switches --legacy-discovery: the configs the first layout left on the broker are handed
// over with migrate_discovery before the new ones, then cleared (docs/ha-mqtt.md §10).
void TestMqttBridge::layoutSwitchMigrates() {
    QFETCH(bool, fromLegacy);
    MqttBridge::Options o = bridgeOptions();
    o.ha.legacy = fromLegacy;
    QStringList oldTopics;
    {
        MqttBridge first(clientOptions(m_broker.port), o);
        const int h = first.addDevice();
        first.deviceIdentified(h, u"dev1"_s, identity(), fields());
        QSignalSpy announced(&first, &MqttBridge::announced);
        QSignalSpy migrated(&first, &MqttBridge::migrated);
        QSignalSpy stopped(&first, &MqttBridge::stopped);
        first.start();
        QVERIFY(announced.wait(10000));
        QVERIFY(migrated.isEmpty()); // nothing of the other layout was there
        // `announced` means queued: the configs are on the broker once it acknowledged them.
        QTRY_COMPARE_WITH_TIMEOUT(first.client()->pendingAcks(), 0, 10000);
        for (const auto &m : retainedMessages(m_broker.port, o.ha.discoveryPrefix + u"/#"_s))
            oldTopics.append(m.topic);
        first.stop();
        QVERIFY(stopped.wait(10000));
    }
    QCOMPARE(oldTopics.size(), fromLegacy ? 7 : 2);

    Listener listener(m_broker.port, o.ha.discoveryPrefix + u"/#"_s);
    QTRY_COMPARE_WITH_TIMEOUT(listener.messages.size(), oldTopics.size(), 10000); // retained
    const qsizetype live = listener.messages.size();
    o.ha.legacy = !fromLegacy;
    MqttBridge second(clientOptions(m_broker.port), o);
    const int h = second.addDevice();
    second.deviceIdentified(h, u"dev1"_s, identity(), fields());
    QSignalSpy migrated(&second, &MqttBridge::migrated);
    second.start();
    QVERIFY(migrated.wait(10000));
    QStringList moved = migrated.first().at(0).toStringList();
    moved.sort();
    oldTopics.sort();
    QCOMPARE(moved, oldTopics);

    // The broker now holds exactly the new layout's configs.
    QStringList newTopics;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            newTopics.clear();
            for (const auto &m : retainedMessages(m_broker.port, o.ha.discoveryPrefix + u"/#"_s))
                newTopics.append(m.topic);
            return newTopics.size() == (fromLegacy ? 2 : 7);
        }(),
        10000);
    for (const QString &t : std::as_const(newTopics))
        QVERIFY2(!oldTopics.contains(t), qPrintable(t));

    // Order as Home Assistant needs it: every old topic gets the handshake, then the new configs
    // arrive, then the old topics are cleared. The broker holding the final state says nothing
    // about when the listener hears of it, so wait for every message the switch publishes.
    const qsizetype published = 2 * oldTopics.size() + newTopics.size();
    QTRY_VERIFY_WITH_TIMEOUT(listener.messages.size() >= live + published, 10000);
    qsizetype lastHandshake = -1, firstNew = -1, firstClear = -1;
    for (qsizetype i = live; i < listener.messages.size(); ++i) {
        const QString topic = listener.messages.at(i).at(0).toString();
        const QByteArray payload = listener.messages.at(i).at(1).toByteArray();
        if (oldTopics.contains(topic) && !payload.isEmpty()) {
            QCOMPARE(json(payload), QJsonObject({{u"migrate_discovery"_s, true}}));
            lastHandshake = i;
        } else if (oldTopics.contains(topic) && firstClear < 0) {
            firstClear = i;
        } else if (newTopics.contains(topic) && firstNew < 0) {
            firstNew = i;
        }
    }
    QVERIFY(lastHandshake >= 0 && firstNew >= 0 && firstClear >= 0);
    QVERIFY(lastHandshake < firstNew);
    QVERIFY(firstNew < firstClear);
}

void TestMqttBridge::cliKilledLeavesTheWill() {
    BLUPOW_REQUIRE_PREREQUISITE(!m_cli.isEmpty(), "BLUPOW_CLI (set by ctest)");
    const QString base = u"kill9-"_s + QUuid::createUuid().toString(QUuid::Id128).left(8);
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(m_cli, {u"bridge"_s, u"--simulate=controller"_s, u"--mqtt-host"_s, u"127.0.0.1"_s,
                        u"--mqtt-port"_s, QString::number(m_broker.port), u"--host-id"_s,
                        u"kill9"_s, u"--base-topic"_s, base, u"--interval"_s, u"1"_s});
    QVERIFY(child.waitForStarted(10000));
    const QString status = base + u"/bridge/kill9/status"_s;
    const QString availability = base + u"/sim_controller/availability"_s;
    QTRY_COMPARE_WITH_TIMEOUT(
        retainedPayload(retainedMessages(m_broker.port, availability), availability),
        QByteArray("online"), 30000);
    QCOMPARE(retainedPayload(retainedMessages(m_broker.port, status), status),
             QByteArray("online"));
    child.kill(); // SIGKILL: no goodbye, the broker publishes the will
    QVERIFY(child.waitForFinished(10000));
    QTRY_COMPARE_WITH_TIMEOUT(retainedPayload(retainedMessages(m_broker.port, status), status),
                              QByteArray("offline"), 20000);
    // The device topic still says online, but avty_mode "all" makes every entity unavailable.
}

void TestMqttBridge::cliSigtermPublishesOffline() {
    BLUPOW_REQUIRE_PREREQUISITE(!m_cli.isEmpty(), "BLUPOW_CLI (set by ctest)");
    const QString base = u"term-"_s + QUuid::createUuid().toString(QUuid::Id128).left(8);
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(m_cli, {u"bridge"_s, u"--simulate=controller"_s, u"--mqtt-host"_s, u"127.0.0.1"_s,
                        u"--mqtt-port"_s, QString::number(m_broker.port), u"--host-id"_s, u"term"_s,
                        u"--base-topic"_s, base, u"--interval"_s, u"1"_s});
    QVERIFY(child.waitForStarted(10000));
    const QString status = base + u"/bridge/term/status"_s;
    const QString availability = base + u"/sim_controller/availability"_s;
    QTRY_COMPARE_WITH_TIMEOUT(
        retainedPayload(retainedMessages(m_broker.port, availability), availability),
        QByteArray("online"), 30000);
    child.terminate(); // SIGTERM
    QVERIFY(child.waitForFinished(15000));
    QCOMPARE(child.exitStatus(), QProcess::NormalExit);
    QCOMPARE(child.exitCode(), 0);
    const auto retained = retainedMessages(m_broker.port, base + u"/#"_s);
    QCOMPARE(retainedPayload(retained, status), QByteArray("offline"));
    QCOMPARE(retainedPayload(retained, availability), QByteArray("offline"));
}

void TestMqttBridge::cliWrongPasswordFailsClearly() {
    BLUPOW_REQUIRE_PREREQUISITE(!m_cli.isEmpty(), "BLUPOW_CLI (set by ctest)");
    QTemporaryDir tmp;
    const QString secret = u"Not-The-Right-One-42"_s;
    QFile passwordFile(tmp.filePath(u"password"_s));
    QVERIFY(passwordFile.open(QIODevice::WriteOnly));
    passwordFile.write(secret.toUtf8() + '\n');
    passwordFile.close();
    for (const bool fromEnvironment : {false, true}) {
        QProcess child;
        QStringList args{
            u"bridge"_s,      u"--simulate=controller"_s,         u"--mqtt-host"_s, u"127.0.0.1"_s,
            u"--mqtt-port"_s, QString::number(m_broker.authPort), u"--mqtt-user"_s, m_broker.user,
            u"--verbose"_s};
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        if (fromEnvironment)
            env.insert(u"BLUPOW_MQTT_PASSWORD"_s, secret);
        else
            args << u"--mqtt-password-file"_s << passwordFile.fileName();
        child.setProcessEnvironment(env);
        child.start(m_cli, args);
        QVERIFY(child.waitForFinished(20000));
        const QString err =
            QString::fromUtf8(child.readAllStandardError() + child.readAllStandardOutput());
        QCOMPARE(child.exitCode(), 4);
        QVERIFY2(err.contains(u"refused the connection"_s), qPrintable(err));
        QVERIFY2(!err.contains(secret), "the password appeared in the output");
        QVERIFY2(err.contains(u"password set"_s), qPrintable(err)); // --verbose did log the options
    }
}

// The energy file could not be written: the bridge goes on publishing, but does not end with 0
// as if the counters were kept.
void TestMqttBridge::cliEnergyFileNotWrittenFails() {
    if (m_cli.isEmpty())
        QSKIP("BLUPOW_CLI not set");
    QTemporaryDir tmp;
    const QString base = u"energyfail-"_s + QUuid::createUuid().toString(QUuid::Id128).left(8);
    QProcess child;
    child.start(m_cli, {u"bridge"_s, u"--simulate=controller"_s, u"--mqtt-host"_s, u"127.0.0.1"_s,
                        u"--mqtt-port"_s, QString::number(m_broker.port), u"--base-topic"_s, base,
                        u"--interval"_s, u"0.5"_s, u"--energy-file"_s,
                        tmp.filePath(u"no-such-dir/energy.json"_s)});
    QVERIFY(child.waitForStarted(10000));
    const QString availability = base + u"/sim_controller/availability"_s;
    QTRY_COMPARE_WITH_TIMEOUT(
        retainedPayload(retainedMessages(m_broker.port, availability), availability),
        QByteArray("online"), 30000);
    child.terminate(); // SIGTERM: the last save fails
    QVERIFY(child.waitForFinished(15000));
    const QString err = QString::fromUtf8(child.readAllStandardError());
    QCOMPARE(child.exitCode(), 1);
    QVERIFY2(err.contains(u"energy counters of this run are lost"_s), qPrintable(err));
}

QTEST_GUILESS_MAIN(TestMqttBridge)
#include "tst_mqttbridge.moc"
