// The bridge configuration from its options and its config file (BridgeConfigBuilder::build):
// a pure function, so every refusal is a row here rather than a bridge started and watched.

#include "mqtt/bridgeconfig.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace blupow;

namespace {

// "name=value" per given option ("name" alone for a flag).
QHash<QString, QString> argumentsOf(const QStringList &given) {
    QHash<QString, QString> out;
    for (const QString &g : given) {
        const qsizetype eq = g.indexOf(QLatin1Char('='));
        out.insert(eq < 0 ? g : g.left(eq), eq < 0 ? QString() : g.mid(eq + 1));
    }
    return out;
}

BridgeConfigInput inputOf(const QStringList &given, const QString &config, bool simulate) {
    BridgeConfigInput input;
    input.arguments = argumentsOf(given);
    if (!config.isNull())
        input.configText = config.toUtf8();
    if (simulate) {
        BridgeDeviceConfig d;
        d.label = QStringLiteral("command line");
        d.simulate = QStringLiteral("inverter");
        input.commandLineDevice = d;
    }
    input.defaultHostId = QStringLiteral("abcd1234");
    input.defaultEnergyFile = QStringLiteral("/var/lib/blupow/energy.json");
    input.processId = 4242;
    return input;
}

} // namespace

class TestBridgeConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void refused_data();
    void refused();
    void commandLineOverFileOverDefaults();
    void shippedConfigReads();
    void clientIdUniquePerProcess_data();
    void clientIdUniquePerProcess();
    void passwordFile_data();
    void passwordFile();
};

void TestBridgeConfig::refused_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("config"); // null = no config file
    QTest::addColumn<bool>("simulate");  // a --simulate device on the command line
    QTest::addColumn<QString>("expected");

    const QString none;
    QTest::newRow("--interval nan") << QStringList{QStringLiteral("interval=nan")} << none << true
                                    << QStringLiteral("--interval wants seconds from 0.1 to "
                                                      "86400, not 'nan'");
    QTest::newRow("--interval inf")
        << QStringList{QStringLiteral("interval=inf")} << none << true << QStringLiteral("'inf'");
    QTest::newRow("--interval 0") << QStringList{QStringLiteral("interval=0")} << none << true
                                  << QStringLiteral("--interval wants seconds");
    QTest::newRow("interval=nan in the file")
        << QStringList() << QStringLiteral("[bridge]\ninterval=nan\n") << true
        << QStringLiteral("[bridge] interval (line 2) wants seconds");
    QTest::newRow("--mqtt-port nan") << QStringList{QStringLiteral("mqtt-port=nan")} << none << true
                                     << QStringLiteral("--mqtt-port wants 1-65535");
    QTest::newRow("port=70000 in the file")
        << QStringList() << QStringLiteral("[mqtt]\nport=70000\n") << true
        << QStringLiteral("[mqtt] port (line 2) wants 1-65535");
    QTest::newRow("password= in the file")
        << QStringList() << QStringLiteral("[mqtt]\nhost=h\npassword=hunter2\n") << true
        << QStringLiteral("[mqtt] password (line 3): the password is never read");
    QTest::newRow("unknown key") << QStringList() << QStringLiteral("[mqtt]\nhots=broker\n") << true
                                 << QStringLiteral("[mqtt] hots (line 2): unknown key");
    QTest::newRow("unknown device key")
        << QStringList() << QStringLiteral("[device-a]\nsimulate=battery\nadress=x\n") << false
        << QStringLiteral("[device-a] adress (line 3): unknown key");
    QTest::newRow("unknown section") << QStringList() << QStringLiteral("[mqt]\nhost=h\n") << true
                                     << QStringLiteral("line 1: unknown section [mqt]");
    QTest::newRow("key before any section") << QStringList() << QStringLiteral("host=h\n") << true
                                            << QStringLiteral("line 1: host= before any [section]");
    QTest::newRow("key twice") << QStringList() << QStringLiteral("[mqtt]\nhost=a\nhost=b\n")
                               << true << QStringLiteral("line 3: host again in [mqtt]");
    QTest::newRow("not key=value") << QStringList() << QStringLiteral("[mqtt]\nhost\n") << true
                                   << QStringLiteral("line 2: expected key=value");
    QTest::newRow("bad flag") << QStringList() << QStringLiteral("[mqtt]\ntls=maybe\n") << true
                              << QStringLiteral("[mqtt] tls (line 2) wants true or false");
    QTest::newRow("unknown simulator model")
        << QStringList() << QStringLiteral("[device-x]\nsimulate=toaster\n") << false
        << QStringLiteral("[device-x] simulate (line 2): unknown simulator model 'toaster'");
    QTest::newRow("device_id nan")
        << QStringList() << QStringLiteral("[device-x]\nsimulate=battery\ndevice_id=nan\n") << false
        << QStringLiteral("[device-x] device_id (line 3): wants 1-247 or 255");
    QTest::newRow("all_slaves maybe")
        << QStringList() << QStringLiteral("[device-x]\nsimulate=system\nall_slaves=maybe\n")
        << false << QStringLiteral("[device-x] all_slaves (line 3): wants true or false");
    QTest::newRow("all_slaves with device_id")
        << QStringList()
        << QStringLiteral("[device-x]\nsimulate=system\nall_slaves=yes\ndevice_id=0x30\n") << false
        << QStringLiteral("[device-x] (line 1): all_slaves= cannot be combined with device_id=");
    QTest::newRow("request_timeout_ms inf")
        << QStringList() << QStringLiteral("[device-x]\nsimulate=battery\nrequest_timeout_ms=inf\n")
        << false << QStringLiteral("request_timeout_ms wants milliseconds from 10 to 60000");
    QTest::newRow("device without a selector")
        << QStringList() << QStringLiteral("[device-x]\nfamily=battery\n") << false
        << QStringLiteral("[device-x] (line 1): give address=, name= or simulate=");
    QTest::newRow("two devices, one address")
        << QStringList()
        << QStringLiteral("[device-a]\naddress=C4:64:E3:38:3D:0E\n"
                          "[device-b]\naddress=c4:64:e3:38:3d:0e\n")
        << false
        << QStringLiteral("[device-a] (line 1) and [device-b] (line 3) both select address");
    QTest::newRow("two devices, one model")
        << QStringList() << QStringLiteral("[device-a]\nsimulate=inverter\n") << true
        << QStringLiteral("and command line both select simulator model inverter");
    QTest::newRow("wildcard in the discovery prefix")
        << QStringList{QStringLiteral("discovery-prefix=home+assistant")} << none << true
        << QStringLiteral("the discovery prefix 'home+assistant' contains an MQTT wildcard");
    QTest::newRow("wildcard in the base topic")
        << QStringList{QStringLiteral("base-topic=a/#")} << none << true
        << QStringLiteral("the base topic 'a/#' contains an MQTT wildcard");
    QTest::newRow("empty base topic") << QStringList{QStringLiteral("base-topic=")} << none << true
                                      << QStringLiteral("the base topic may not be empty");
    QTest::newRow("empty topic level")
        << QStringList() << QStringLiteral("[mqtt]\nbase_topic=a//b\n") << true
        << QStringLiteral("empty topic level");
    QTest::newRow("CA without TLS") << QStringList{QStringLiteral("mqtt-ca=/etc/ca.pem")} << none
                                    << true << QStringLiteral("need --mqtt-tls");
    QTest::newRow("certificate without key")
        << QStringList{QStringLiteral("mqtt-tls"), QStringLiteral("mqtt-cert=/c.pem")} << none
        << true << QStringLiteral("needs both a certificate and a key file");
    QTest::newRow("MQTT version 4") << QStringList{QStringLiteral("mqtt-version=4")} << none << true
                                    << QStringLiteral("--mqtt-version wants 3.1.1 or 5");
}

void TestBridgeConfig::refused() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, config);
    QFETCH(bool, simulate);
    QFETCH(QString, expected);
    QString error;
    const auto c = BridgeConfigBuilder::build(inputOf(arguments, config, simulate), &error);
    QVERIFY(!c);
    QVERIFY2(error.contains(expected), qPrintable(error));
}

void TestBridgeConfig::commandLineOverFileOverDefaults() {
    const QString config =
        QStringLiteral("# a comment\n"
                       "[mqtt]\n"
                       "host = broker.lan   ; where Home Assistant's broker runs\n"
                       "port=8884\n"
                       "user=ha\n"
                       "tls=yes\n"
                       "ca_path=/etc/blupow/cas\n"
                       "base_topic=\"solar;shed\"\n"
                       "[bridge]\n"
                       "interval=10\n"
                       "host_id=Garage Pi\n"
                       "[device-battery]\n"
                       "name=BT-TH-66EDFC11\n"
                       "family=battery\n"
                       "device_id=0x30\n"
                       "request_timeout_ms=3000\n"
                       "[device-bank]\n"
                       "address=C4:D3:6A:66:7E:D3\n"
                       "all_slaves=on\n");
    QString error;
    const auto c = BridgeConfigBuilder::build(
        inputOf({QStringLiteral("interval=2.5"), QStringLiteral("mqtt-version=5"),
                 QStringLiteral("legacy-discovery")},
                config, true),
        &error);
    QVERIFY2(c, qPrintable(error));
    QCOMPARE(c->intervalS, 2.5); // the command line wins
    QCOMPARE(c->mqtt.host, QStringLiteral("broker.lan"));
    QCOMPARE(c->mqtt.effectivePort(), 8884);
    QCOMPARE(c->mqtt.username, QStringLiteral("ha"));
    QVERIFY(c->mqtt.tls);
    QCOMPARE(c->mqtt.caPath, QStringLiteral("/etc/blupow/cas"));
    QCOMPARE(c->mqtt.baseTopic, QStringLiteral("solar;shed"));
    QCOMPARE(c->mqtt.discoveryPrefix, QStringLiteral("homeassistant")); // the default
    QCOMPARE(c->mqtt.protocol, MqttClient::ProtocolVersion::V5);
    QVERIFY(c->mqtt.legacyDiscovery);
    QCOMPARE(c->hostId, QStringLiteral("garage_pi"));
    QCOMPARE(c->energyFile, QStringLiteral("/var/lib/blupow/energy.json"));
    QCOMPARE(c->devices.size(), 3);
    QCOMPARE(c->devices.at(0).name, QStringLiteral("BT-TH-66EDFC11"));
    QVERIFY(!c->devices.at(0).allSlaves);
    QVERIFY(c->devices.at(1).allSlaves);
    QCOMPARE(c->devices.at(0).family, std::optional<Family>(Family::Battery));
    QCOMPARE(c->devices.at(0).deviceId, std::optional<quint8>(0x30));
    QCOMPARE(c->devices.at(0).requestTimeoutMs, 3000);
    QCOMPARE(c->devices.at(2).label, QStringLiteral("command line"));

    const MqttClient::Options client = c->clientOptions(QStringLiteral("pw"));
    QCOMPARE(client.port, quint16(8884));
    QCOMPARE(client.password, QStringLiteral("pw"));
    QCOMPARE(client.caPath, QStringLiteral("/etc/blupow/cas"));
    QVERIFY(!client.tlsInsecureSkipVerify);
    const MqttBridge::Options bridge = c->bridgeOptions(QStringLiteral("9.9"));
    QCOMPARE(bridge.ha.pollIntervalMs, 2500);
    QCOMPARE(bridge.ha.baseTopic, QStringLiteral("solar;shed"));
    QVERIFY(bridge.ha.legacy);
    QCOMPARE(bridge.ha.hostId, QStringLiteral("garage_pi"));
}

// The file the package installs as /etc/blupow/bridge.conf passes the strict reading.
void TestBridgeConfig::shippedConfigReads() {
    QFile f(QStringLiteral(BLUPOW_SOURCE_DIR "/packaging/bridge.conf"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    BridgeConfigInput input = inputOf({}, QString(), true);
    input.configText = f.readAll();
    QString error;
    const auto c = BridgeConfigBuilder::build(input, &error);
    QVERIFY2(c, qPrintable(error));
    QCOMPARE(c->intervalS, 10.0);
}

void TestBridgeConfig::clientIdUniquePerProcess_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<qint64>("processId");
    QTest::addColumn<QString>("expected");
    QTest::newRow("derived") << QStringList() << qint64(4242)
                             << QStringLiteral("blupow-abcd1234-4242");
    QTest::newRow("derived, another process")
        << QStringList() << qint64(77) << QStringLiteral("blupow-abcd1234-77");
    QTest::newRow("derived from --host-id") << QStringList{QStringLiteral("host-id=shed")}
                                            << qint64(5) << QStringLiteral("blupow-shed-5");
    QTest::newRow("chosen") << QStringList{QStringLiteral("mqtt-client-id=mine")} << qint64(5)
                            << QStringLiteral("mine");
}

// Two bridges with the same host id (the default, from the machine id) once shared a client id
// and knocked each other off the broker for ever.
void TestBridgeConfig::clientIdUniquePerProcess() {
    QFETCH(QStringList, arguments);
    QFETCH(qint64, processId);
    QFETCH(QString, expected);
    BridgeConfigInput input = inputOf(arguments, QString(), true);
    input.processId = processId;
    QString error;
    const auto c = BridgeConfigBuilder::build(input, &error);
    QVERIFY2(c, qPrintable(error));
    QCOMPARE(c->clientOptions({}).clientId, expected);
}

void TestBridgeConfig::passwordFile_data() {
    QTest::addColumn<QByteArray>("content"); // empty: /dev/zero
    QTest::addColumn<int>("permissions");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("problem"); // an error, or a warning when `password` is set
    QTest::newRow("first line") << QByteArray("s3cret\r\nsecond\n") << 0600
                                << QStringLiteral("s3cret") << QString();
    QTest::newRow("readable by others") << QByteArray("s3cret") << 0644 << QStringLiteral("s3cret")
                                        << QStringLiteral("readable by every user");
    QTest::newRow("larger than 4 KiB")
        << QByteArray(5000, 'x') << 0600 << QString() << QStringLiteral("larger than 4096 bytes");
    QTest::newRow("/dev/zero") << QByteArray() << 0 << QString()
                               << QStringLiteral("larger than 4096 bytes");
}

void TestBridgeConfig::passwordFile() {
    QFETCH(QByteArray, content);
    QFETCH(int, permissions);
    QFETCH(QString, password);
    QFETCH(QString, problem);
    QTemporaryDir dir;
    QString path = QStringLiteral("/dev/zero");
    if (!content.isEmpty()) {
        path = dir.filePath(QStringLiteral("password"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        QFile::Permissions p = QFile::ReadOwner | QFile::WriteOwner;
        if (permissions & 0044)
            p |= QFile::ReadGroup | QFile::ReadOther;
        QVERIFY(f.setPermissions(p));
    }
    QString warning;
    QString error;
    const auto read = BridgeConfigBuilder::readPasswordFile(path, &warning, &error);
    if (password.isEmpty()) {
        QVERIFY(!read);
        QVERIFY2(error.contains(problem), qPrintable(error));
        return;
    }
    QCOMPARE(read.value_or(QString()), password);
    QVERIFY2(problem.isEmpty() ? warning.isEmpty() : warning.contains(problem),
             qPrintable(warning));
}

QTEST_GUILESS_MAIN(TestBridgeConfig)
#include "tst_bridgeconfig.moc"
