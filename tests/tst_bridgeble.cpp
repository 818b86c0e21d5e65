// `blupow-cli bridge` as an always-on service over Bluetooth: the real binary, Qt Bluetooth
// against the fake bluetoothd on a private D-Bus, and a real mosquitto.

#include "fakebluezcontrol.h"
#include "mqtt/mqttclient.h"
#include "mqtt/testbroker.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace blupow;
using namespace blupow::test;

class TestBridgeBle : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(FakeBluez::onPrivateBus(), "not on the fake bluetoothd's private bus");
        m_broker = TestBroker::fromEnvironment();
        QVERIFY2(m_broker.isValid(), "the mqtt_broker fixture is not running");
        m_cli = qEnvironmentVariable("BLUPOW_CLI");
        QVERIFY2(!m_cli.isEmpty(), "BLUPOW_CLI not set");
    }

    // The controller is out of range when the service starts: the bridge says so, keeps
    // running, looks again, and publishes the device once it advertises.
    void deviceNotThereAtStartIsLookedForAgain() {
        FakeBluez fake;
        QCOMPARE(fake.reset(), QString());
        const QString controller = QStringLiteral("60:98:66:ED:FC:11");
        QCOMPARE(fake.setAdvertising(controller, false), QString());

        const QString base =
            QStringLiteral("ble-") + QUuid::createUuid().toString(QUuid::Id128).left(8);
        MqttClient::Options listenerOptions;
        listenerOptions.port = m_broker.port;
        MqttClient listener(listenerOptions);
        QSignalSpy messages(&listener, &MqttClient::messageReceived);
        QSignalSpy connected(&listener, &MqttClient::connected);
        listener.connectToBroker();
        QVERIFY(connected.wait(10000));
        QVERIFY(listener.subscribe(base + QStringLiteral("/#"), 0));

        QTemporaryDir dir;
        QProcess bridge;
        bridge.start(
            m_cli, {QStringLiteral("bridge"), QStringLiteral("--name"),
                    QStringLiteral("BT-TH-66EDFC11"), QStringLiteral("--timeout"),
                    QStringLiteral("2"), QStringLiteral("--mqtt-host"), QStringLiteral("127.0.0.1"),
                    QStringLiteral("--mqtt-port"), QString::number(m_broker.port),
                    QStringLiteral("--base-topic"), base, QStringLiteral("--host-id"),
                    QStringLiteral("bletest"), QStringLiteral("--interval"), QStringLiteral("1"),
                    QStringLiteral("--energy-file"), dir.filePath(QStringLiteral("energy.json"))});
        QVERIFY(bridge.waitForStarted(10000));
        QByteArray errors;
        QTRY_VERIFY_WITH_TIMEOUT(
            (errors += bridge.readAllStandardError()).contains("looking again in 5 s"), 30000);
        QVERIFY2(errors.contains("BT-TH-66EDFC11"), errors.constData());
        QCOMPARE(bridge.state(), QProcess::Running);

        QCOMPARE(fake.setAdvertising(controller, true), QString());
        const auto stateSeen = [&] {
            for (const auto &m : std::as_const(messages)) {
                const QString topic = m.at(0).toString();
                if (topic.endsWith(QLatin1String("/state")) &&
                    !topic.contains(QLatin1String("/bridge/")) &&
                    m.at(1).toByteArray().contains("\"battery_voltage\":13.4"))
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(stateSeen(), 60000);

        bridge.terminate(); // SIGTERM: offline, then a clean exit
        QVERIFY(bridge.waitForFinished(15000));
        QCOMPARE(bridge.exitStatus(), QProcess::NormalExit);
        QCOMPARE(bridge.exitCode(), 0);
    }

private:
    TestBroker m_broker;
    QString m_cli;
};

QTEST_GUILESS_MAIN(TestBridgeBle)
#include "tst_bridgeble.moc"
