// "Publish to Home Assistant" against the real mosquitto of the mqtt_broker fixture.

#include "../mqtt/testbroker.h"
#include "../testprerequisite.h"
#include "device/connectionmanager.h"
#include "mqttdialog.h"
#include "passwordstore.h"
#include "settings/appsettings.h"
#include "sim/simulateddevices.h"
#include "sim/simulatedtransport.h"

#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace blupow;

namespace {
constexpr int kWaitMs = 15000;
} // namespace

class TestMqttDialog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void formMapsToClientOptions();
    void testButton_data();
    void testButton();
    void refusesTopicsNoPublishCanUse_data();
    void refusesTopicsNoPublishCanUse();
    void publishesTheCurrentSession();

private:
    test::TestBroker m_broker;
    QTemporaryDir m_dir;
};

void TestMqttDialog::initTestCase() {
    m_broker = test::TestBroker::fromEnvironment();
    BLUPOW_REQUIRE_PREREQUISITE(m_broker.isValid(),
                                "a broker from the mqtt_broker fixture (run through ctest)");
    QVERIFY(m_dir.isValid());
}

void TestMqttDialog::formMapsToClientOptions() {
    QSettings qs(m_dir.filePath(QStringLiteral("form.ini")), QSettings::IniFormat);
    AppSettings settings(qs);
    MqttOptions stored;
    stored.host = QStringLiteral("broker.lan");
    stored.port = 8883;
    stored.username = QStringLiteral("ha");
    stored.tls = true;
    stored.caFile = QStringLiteral("/etc/ca.pem");
    stored.insecure = true;
    settings.setMqtt(stored);
    SessionPublisher publisher;
    PasswordStore passwords(QStringLiteral("BluPowTest"));
    MqttDialog dialog(settings, &publisher, &passwords, 1000);
    QVERIFY(dialog.formSettings() == stored);
    dialog.setPassword(QStringLiteral("secret"));
    const MqttClient::Options o = dialog.clientOptions();
    QCOMPARE(o.host, QStringLiteral("broker.lan"));
    QCOMPARE(o.port, quint16(8883));
    QCOMPARE(o.username, QStringLiteral("ha"));
    QCOMPARE(o.password, QStringLiteral("secret"));
    QVERIFY(o.tls);
    QCOMPARE(o.caFile, QStringLiteral("/etc/ca.pem"));
    QVERIFY(o.tlsInsecureSkipVerify);
    // The keychain answers or not; either way the dialog says what happens to the password.
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.keychainText().startsWith(QLatin1String("Checking")), 30000);
    QVERIFY(dialog.keychainText().contains(QLatin1String("password")));
}

void TestMqttDialog::testButton_data() {
    QTest::addColumn<int>("which"); // 0 anonymous port, 1 auth port
    QTest::addColumn<bool>("rightPassword");
    QTest::addColumn<QString>("expected");
    QTest::newRow("anonymous listener") << 0 << false << QStringLiteral("Test OK");
    QTest::newRow("user and password") << 1 << true << QStringLiteral("Test OK");
    QTest::newRow("wrong password") << 1 << false << QStringLiteral("Test failed");
}

void TestMqttDialog::testButton() {
    QFETCH(int, which);
    QFETCH(bool, rightPassword);
    QFETCH(QString, expected);
    QSettings qs(m_dir.filePath(QStringLiteral("test.ini")), QSettings::IniFormat);
    AppSettings settings(qs);
    SessionPublisher publisher;
    PasswordStore passwords(QStringLiteral("BluPowTest"));
    MqttDialog dialog(settings, &publisher, &passwords, 1000);
    MqttOptions s;
    s.host = QStringLiteral("127.0.0.1");
    s.port = which == 0 ? m_broker.port : m_broker.authPort;
    s.username = which == 0 ? QString() : m_broker.user;
    dialog.setFormSettings(s);
    dialog.setPassword(which == 0 ? QString()
                                  : (rightPassword ? m_broker.password : QStringLiteral("nope")));
    dialog.test();
    QTRY_VERIFY_WITH_TIMEOUT(dialog.statusText().startsWith(expected), kWaitMs);
}

void TestMqttDialog::refusesTopicsNoPublishCanUse_data() {
    QTest::addColumn<QString>("baseTopic");
    QTest::addColumn<QString>("discoveryPrefix");
    QTest::addColumn<QString>("expected");
    QTest::newRow("wildcard in the base topic")
        << QStringLiteral("a/#") << QStringLiteral("homeassistant") << QStringLiteral("wildcard");
    QTest::newRow("wildcard in the discovery prefix")
        << QStringLiteral("renogy") << QStringLiteral("home+assistant")
        << QStringLiteral("wildcard");
    QTest::newRow("empty base topic")
        << QString() << QStringLiteral("homeassistant") << QStringLiteral("may not be empty");
}

// Started anyway, every publish would fail while the dialog said "Publishing".
void TestMqttDialog::refusesTopicsNoPublishCanUse() {
    QFETCH(QString, baseTopic);
    QFETCH(QString, discoveryPrefix);
    QFETCH(QString, expected);
    QSettings qs(m_dir.filePath(QStringLiteral("topics.ini")), QSettings::IniFormat);
    AppSettings settings(qs);
    SessionPublisher publisher;
    PasswordStore passwords(QStringLiteral("BluPowTest"));
    MqttDialog dialog(settings, &publisher, &passwords, 1000);
    MqttOptions s;
    s.port = m_broker.port;
    s.baseTopic = baseTopic;
    s.discoveryPrefix = discoveryPrefix;
    dialog.setFormSettings(s);
    dialog.togglePublishing();
    QCOMPARE(publisher.state(), SessionPublisher::State::Stopped);
    QVERIFY2(dialog.statusText().contains(expected), qPrintable(dialog.statusText()));
}

void TestMqttDialog::publishesTheCurrentSession() {
    const QString ini = m_dir.filePath(QStringLiteral("publish.ini"));
    QSettings qs(ini, QSettings::IniFormat);
    AppSettings settings(qs);
    const RegisterMaps maps = RegisterMaps::builtIn();
    DeviceSession::Options options;
    options.pollIntervalMs = 300;
    ConnectionManager connections(
        [&maps](const DiscoveredDevice &d) -> std::unique_ptr<Transport> {
            auto t = SimulatedDevices::makeTransport(d, maps);
            if (t)
                t->setLatency(SimulatedTransport::Latency::fast());
            return t;
        },
        maps, options);
    SessionPublisher publisher;
    connect(&connections, &ConnectionManager::sessionChanged, &publisher,
            &SessionPublisher::setSession);
    PasswordStore passwords(QStringLiteral("BluPowTest"));
    MqttDialog dialog(settings, &publisher, &passwords, options.pollIntervalMs);
    MqttOptions s;
    s.host = QStringLiteral("127.0.0.1");
    s.port = m_broker.authPort;
    s.username = m_broker.user;
    s.baseTopic = QStringLiteral("blupowguitest");
    dialog.setFormSettings(s);
    dialog.setPassword(m_broker.password);

    connections.connectTo(*SimulatedDevices::byModel(QStringLiteral("inverter")));
    QTRY_VERIFY_WITH_TIMEOUT(connections.session()->identity().has_value(), kWaitMs);
    dialog.togglePublishing(); // identified before publishing started: the publisher catches up
    QTRY_COMPARE_WITH_TIMEOUT(publisher.state(), SessionPublisher::State::Publishing, kWaitMs);
    QVERIFY(dialog.statusText().startsWith(QLatin1String("Publishing")));
    QSignalSpy published(publisher.bridge(), &MqttBridge::statePublished);
    QTRY_VERIFY_WITH_TIMEOUT(!published.isEmpty(), kWaitMs);
    QVERIFY(published.first().first().toString().contains(QLatin1String("inverter")));

    dialog.togglePublishing();
    QTRY_COMPARE_WITH_TIMEOUT(publisher.state(), SessionPublisher::State::Stopped, kWaitMs);

    // Saved on start: everything but the password.
    QSettings reread(ini, QSettings::IniFormat);
    QCOMPARE(reread.value(QStringLiteral("mqtt/port")).toInt(), int(m_broker.authPort));
    QCOMPARE(reread.value(QStringLiteral("mqtt/username")).toString(), m_broker.user);
    const QStringList keys = reread.allKeys();
    for (const QString &key : keys)
        QVERIFY2(!reread.value(key).toString().contains(m_broker.password), qPrintable(key));
}

QTEST_MAIN(TestMqttDialog)
#include "tst_mqttdialog.moc"
