// "Publish to Home Assistant" against the real mosquitto of the mqtt_broker fixture.

#include "../mqtt/testbroker.h"
#include "../simtesthelpers.h"
#include "../testprerequisite.h"
#include "device/connectionmanager.h"
#include "mqttdialog.h"
#include "passwordstore.h"
#include "preferences/appsettings.h"
#include "sim/simulateddevices.h"
#include "sim/simulatedtransport.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace blupow;

namespace {
constexpr int kWaitMs = 15000;

// A dialog over its own settings file, publisher and password store.
struct DialogRig {
    explicit DialogRig(const QString &ini)
        : qs(ini, QSettings::IniFormat) {}
    QSettings qs;
    AppSettings settings{qs};
    SessionPublisher publisher;
    PasswordStore passwords{QStringLiteral("BluPowTest")};
    MqttDialog dialog{settings, &publisher, &passwords, 1000};
};
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
    void publishesTheCurrentSession_data();
    void publishesTheCurrentSession();
    void publishesEveryLink();
    void portOutOfRangeRefused_data();
    void portOutOfRangeRefused();
    void statusClearsWhenAFieldChanges();
    void noTextClipped_data();
    void noTextClipped();

private:
    // The form filled for the broker's user with the right password, publishing under `topic`.
    void signIn(MqttDialog &dialog, const QString &topic) const {
        MqttOptions s;
        s.host = QStringLiteral("127.0.0.1");
        s.port = m_broker.authPort;
        s.username = m_broker.user;
        s.baseTopic = topic;
        dialog.setFormSettings(s);
        dialog.setPassword(m_broker.password);
    }

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
    DialogRig rig(m_dir.filePath(QStringLiteral("test.ini")));
    MqttDialog &dialog = rig.dialog;
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
    DialogRig rig(m_dir.filePath(QStringLiteral("topics.ini")));
    MqttDialog &dialog = rig.dialog;
    SessionPublisher &publisher = rig.publisher;
    MqttOptions s;
    s.port = m_broker.port;
    s.baseTopic = baseTopic;
    s.discoveryPrefix = discoveryPrefix;
    dialog.setFormSettings(s);
    dialog.togglePublishing();
    QCOMPARE(publisher.state(), SessionPublisher::State::Stopped);
    QVERIFY2(dialog.statusText().contains(expected), qPrintable(dialog.statusText()));
}

void TestMqttDialog::publishesTheCurrentSession_data() {
    QTest::addColumn<bool>("allowSimulated");
    QTest::newRow("simulated allowed") << true;
    QTest::newRow("simulated withheld") << false;
}

void TestMqttDialog::publishesTheCurrentSession() {
    QFETCH(bool, allowSimulated);
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
    signIn(dialog, QStringLiteral("blupowguitest"));

    QVERIFY(!dialog.publishSimulatedBox()->isChecked()); // never by default
    dialog.publishSimulatedBox()->setChecked(allowSimulated);
    QCOMPARE(publisher.publishesSimulated(), allowSimulated);

    connections.connectTo(*SimulatedDevices::byModel(QStringLiteral("inverter")));
    QTRY_VERIFY_WITH_TIMEOUT(connections.session()->identity().has_value(), kWaitMs);
    dialog.togglePublishing(); // identified before publishing started: the publisher catches up
    QTRY_COMPARE_WITH_TIMEOUT(publisher.state(), SessionPublisher::State::Publishing, kWaitMs);
    QVERIFY2(dialog.statusText().startsWith(QLatin1String("Publishing")),
             qPrintable(dialog.statusText()));
    QSignalSpy published(publisher.bridge(), &MqttBridge::statePublished);
    if (allowSimulated) {
        QTRY_VERIFY_WITH_TIMEOUT(!published.isEmpty(), kWaitMs);
        QVERIFY(published.first().first().toString().contains(QLatin1String("inverter")));
        QVERIFY(publisher.withheldReason().isEmpty());
    } else {
        // Several poll cycles (300 ms) pass: none reaches the broker, and the dialog says why.
        QVERIFY(dialog.statusText().contains(QLatin1String("simulated")));
        QVERIFY(!publisher.withheldReason().isEmpty());
        QTest::qWait(options.pollIntervalMs * 5);
        QCOMPARE(published.size(), 0);
        // Ticking the option publishes it from then on, without a restart.
        dialog.publishSimulatedBox()->setChecked(true);
        QTRY_VERIFY_WITH_TIMEOUT(!published.isEmpty(), kWaitMs);
    }

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

// Several devices linked: every link is published, and one linked while publishing joins.
void TestMqttDialog::publishesEveryLink() {
    const QString ini = m_dir.filePath(QStringLiteral("links.ini"));
    QSettings qs(ini, QSettings::IniFormat);
    AppSettings settings(qs);
    const RegisterMaps maps = RegisterMaps::builtIn();
    auto connections = testing::fastSimulatedConnections(maps, 300);
    SessionPublisher publisher;
    connect(connections.get(), &ConnectionManager::linkOpened, &publisher,
            &SessionPublisher::addSession);
    connect(connections.get(), &ConnectionManager::linkClosed, &publisher,
            &SessionPublisher::removeSession);
    PasswordStore passwords(QStringLiteral("BluPowTest"));
    MqttDialog dialog(settings, &publisher, &passwords, 300);
    signIn(dialog, QStringLiteral("blupowlinkstest"));
    dialog.publishSimulatedBox()->setChecked(true);

    connections->connectTo(*SimulatedDevices::byModel(QStringLiteral("controller")));
    connections->connectTo(*SimulatedDevices::byModel(QStringLiteral("battery")));
    dialog.togglePublishing();
    QTRY_COMPARE_WITH_TIMEOUT(publisher.state(), SessionPublisher::State::Publishing, kWaitMs);
    QSignalSpy published(publisher.bridge(), &MqttBridge::statePublished);
    const auto seen = [&published](const char *model) {
        for (const QList<QVariant> &args : std::as_const(published)) {
            if (args.first().toString().contains(QLatin1String(model)))
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(seen("controller") && seen("battery"), kWaitMs);
    QVERIFY(!seen("inverter"));
    connections->connectTo(*SimulatedDevices::byModel(QStringLiteral("inverter")));
    QTRY_VERIFY_WITH_TIMEOUT(seen("inverter"), kWaitMs);

    dialog.togglePublishing();
    QTRY_COMPARE_WITH_TIMEOUT(publisher.state(), SessionPublisher::State::Stopped, kWaitMs);
}

void TestMqttDialog::portOutOfRangeRefused_data() {
    QTest::addColumn<QString>("typed");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("70000") << QStringLiteral("70000") << false;
    QTest::newRow("0") << QStringLiteral("0") << false;
    QTest::newRow("123456") << QStringLiteral("123456") << false;
    QTest::newRow("8883") << QStringLiteral("8883") << true;
}

// Typed ports stay as typed; one out of range is refused in words, never cut to four digits.
void TestMqttDialog::portOutOfRangeRefused() {
    QFETCH(QString, typed);
    QFETCH(bool, accepted);
    DialogRig rig(m_dir.filePath(QStringLiteral("port.ini")));
    MqttDialog &dialog = rig.dialog;
    MqttOptions s;
    s.host = QStringLiteral("127.0.0.1");
    s.port = 1883;
    dialog.setFormSettings(s);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QSpinBox *port = dialog.portBox();
    port->setFocus();
    port->selectAll();
    QTest::keyClicks(port, typed);
    QCOMPARE(port->cleanText(), typed);
    QCOMPARE(dialog.typedPort().has_value(), accepted);
    QCOMPARE(dialog.testButton()->isEnabled(), accepted);
    QCOMPARE(dialog.publishButton()->isEnabled(), accepted);
    if (accepted) {
        QTest::keyClick(port, Qt::Key_Return);
        QCOMPARE(port->value(), typed.toInt());
        return;
    }
    QVERIFY2(dialog.statusText().contains(typed) &&
                 dialog.statusText().contains(QLatin1String("65535")),
             qPrintable(dialog.statusText()));
    dialog.test(); // refused, not tried with another port
    QVERIFY2(!dialog.statusText().startsWith(QLatin1String("Testing")),
             qPrintable(dialog.statusText()));
    // Leaving the field puts the last good port back, and the dialog says so.
    QTest::keyClick(port, Qt::Key_Return);
    QCOMPARE(port->value(), 1883);
    QVERIFY2(dialog.statusText().contains(QLatin1String("stays 1883")),
             qPrintable(dialog.statusText()));
}

// A Test result is about the values it ran with; editing any field takes it away.
void TestMqttDialog::statusClearsWhenAFieldChanges() {
    DialogRig rig(m_dir.filePath(QStringLiteral("clear.ini")));
    MqttDialog &dialog = rig.dialog;
    MqttOptions s;
    s.host = QStringLiteral("127.0.0.1");
    s.port = m_broker.port;
    dialog.setFormSettings(s);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.test();
    QTRY_VERIFY_WITH_TIMEOUT(dialog.statusText().startsWith(QLatin1String("Test OK")), kWaitMs);
    auto *host = dialog.findChild<QLineEdit *>(QStringLiteral("mqttHost"));
    QVERIFY(host);
    QTest::keyClicks(host, QStringLiteral("x"));
    QVERIFY2(!dialog.statusText().contains(QLatin1String("Test")), qPrintable(dialog.statusText()));
    QVERIFY(dialog.testButton()->isEnabled());
}

void TestMqttDialog::noTextClipped_data() {
    QTest::addColumn<QString>("status");
    QTest::newRow("short") << QString();
    QTest::newRow("long error") << QStringLiteral(
        "Test failed: the broker refused the connection (not authorised): "
        "check the user name and password, and that the broker's ACL lets "
        "this user publish under the base topic and the discovery prefix.");
}

// Every label, check box and button is at least as large as its text needs.
void TestMqttDialog::noTextClipped() {
    QFETCH(QString, status);
    DialogRig rig(m_dir.filePath(QStringLiteral("clip.ini")));
    MqttDialog &dialog = rig.dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    if (!status.isEmpty()) {
        // As the publisher reports a broker error.
        QMetaObject::invokeMethod(&rig.publisher, [&] {
            Q_EMIT rig.publisher.stateChanged(SessionPublisher::State::Connecting, status);
        });
    }
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.keychainText().startsWith(QLatin1String("Checking")), 30000);
    QCoreApplication::processEvents();
    const auto widgets = dialog.findChildren<QWidget *>();
    for (QWidget *w : widgets) {
        if (!w->isVisible() || !(qobject_cast<QLabel *>(w) || qobject_cast<QAbstractButton *>(w)))
            continue;
        const auto *label = qobject_cast<QLabel *>(w);
        const QString text = label ? label->text() : qobject_cast<QAbstractButton *>(w)->text();
        if (text.isEmpty())
            continue;
        const bool wraps = label && label->wordWrap();
        QVERIFY2(wraps || w->width() >= w->minimumSizeHint().width(),
                 qPrintable(QStringLiteral("%1: %2 px wide, needs %3")
                                .arg(text)
                                .arg(w->width())
                                .arg(w->minimumSizeHint().width())));
        const auto needed = [w, wraps] {
            return wraps ? w->heightForWidth(w->width()) : w->minimumSizeHint().height();
        };
        // The window system resizes the dialog after it asks: give it that round trip.
        QTRY_VERIFY2_WITH_TIMEOUT(w->height() >= needed(),
                                  qPrintable(QStringLiteral("%1: %2 px high, needs %3")
                                                 .arg(text)
                                                 .arg(w->height())
                                                 .arg(needed())),
                                  2000);
    }
}

QTEST_MAIN(TestMqttDialog)
#include "tst_mqttdialog.moc"
