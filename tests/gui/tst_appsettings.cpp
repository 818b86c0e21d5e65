#include "preferences/appsettings.h"

#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace blupow;

class TestAppSettings : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void defaultsWhenEmpty();
    void pollIntervalClamped_data();
    void pollIntervalClamped();
    void maxLinksClamped_data();
    void maxLinksClamped();
    void passwordNeverWritten();
    void verifyPeerOfOlderFilesRead_data();
    void verifyPeerOfOlderFilesRead();
};

void TestAppSettings::roundTrip() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("blupow.ini"));
    MqttOptions mqtt;
    mqtt.host = QStringLiteral("broker.lan");
    mqtt.port = 8883;
    mqtt.username = QStringLiteral("ha");
    mqtt.tls = true;
    mqtt.caFile = QStringLiteral("/etc/ssl/ca.pem");
    mqtt.certFile = QStringLiteral("/home/u/client.pem");
    mqtt.keyFile = QStringLiteral("/home/u/client.key");
    mqtt.insecure = true;
    mqtt.legacyDiscovery = true;
    {
        QSettings qs(path, QSettings::IniFormat);
        AppSettings s(qs);
        s.setLastDeviceAddress(QStringLiteral("C4:64:E3:38:3D:0E"));
        s.setLastDeviceName(QStringLiteral("BTRIC134000035"));
        s.setPollIntervalMs(2500);
        s.setLinkedAddresses(
            {QStringLiteral("sim:controller"), QStringLiteral("C4:64:E3:38:3D:0E")});
        s.setMaxLinks(3);
        s.setChartFields({QStringLiteral("battery_voltage"), QStringLiteral("pv_power")});
        s.setChartWindowSeconds(3600);
        s.setWindowGeometry(QByteArray("\x01\x02geometry", 10));
        s.setWindowState(QByteArray("\x00\x03state", 7));
        s.setMqtt(mqtt);
        s.sync();
    }
    QSettings qs(path, QSettings::IniFormat);
    AppSettings s(qs);
    QCOMPARE(s.lastDeviceAddress(), QStringLiteral("C4:64:E3:38:3D:0E"));
    QCOMPARE(s.lastDeviceName(), QStringLiteral("BTRIC134000035"));
    QCOMPARE(s.pollIntervalMs(), 2500);
    QCOMPARE(s.linkedAddresses(),
             (QStringList{QStringLiteral("sim:controller"), QStringLiteral("C4:64:E3:38:3D:0E")}));
    QCOMPARE(s.maxLinks(), 3);
    QCOMPARE(s.chartFields(),
             (QStringList{QStringLiteral("battery_voltage"), QStringLiteral("pv_power")}));
    QCOMPARE(s.chartWindowSeconds(), 3600);
    QCOMPARE(s.windowGeometry(), QByteArray("\x01\x02geometry", 10));
    QCOMPARE(s.windowState(), QByteArray("\x00\x03state", 7));
    QVERIFY(s.mqtt() == mqtt);
}

void TestAppSettings::defaultsWhenEmpty() {
    QTemporaryDir dir;
    QSettings qs(dir.filePath(QStringLiteral("empty.ini")), QSettings::IniFormat);
    AppSettings s(qs);
    QVERIFY(s.lastDeviceAddress().isEmpty());
    QCOMPARE(s.pollIntervalMs(), 1000);
    QVERIFY(s.linkedAddresses().isEmpty());
    QCOMPARE(s.maxLinks(), 4);
    QVERIFY(s.historyEnabled());
    QVERIFY(s.chartFields().isEmpty());
    QCOMPARE(s.mqtt().port, 1883);
    QVERIFY(!s.mqtt().insecure);
    // The same default broker as blupow-cli bridge (the GUI once said localhost).
    QCOMPARE(s.mqtt().host, QStringLiteral("127.0.0.1"));
}

void TestAppSettings::pollIntervalClamped_data() {
    QTest::addColumn<int>("written");
    QTest::addColumn<int>("read");
    QTest::newRow("too fast") << 10 << 200;
    QTest::newRow("normal") << 1000 << 1000;
    QTest::newRow("too slow") << 10'000'000 << 3'600'000;
}

void TestAppSettings::pollIntervalClamped() {
    QFETCH(int, written);
    QFETCH(int, read);
    QTemporaryDir dir;
    QSettings qs(dir.filePath(QStringLiteral("poll.ini")), QSettings::IniFormat);
    AppSettings s(qs);
    s.setPollIntervalMs(written);
    QCOMPARE(s.pollIntervalMs(), read);
}

void TestAppSettings::maxLinksClamped_data() {
    QTest::addColumn<int>("written");
    QTest::addColumn<int>("read");
    QTest::newRow("none") << 0 << 1;
    QTest::newRow("two") << 2 << 2;
    QTest::newRow("too many") << 50 << 8;
}

void TestAppSettings::maxLinksClamped() {
    QFETCH(int, written);
    QFETCH(int, read);
    QTemporaryDir dir;
    QSettings qs(dir.filePath(QStringLiteral("links.ini")), QSettings::IniFormat);
    AppSettings s(qs);
    s.setMaxLinks(written);
    QCOMPARE(s.maxLinks(), read);
    qs.setValue(QStringLiteral("device/maxLinks"), written); // a hand-edited file
    QCOMPARE(s.maxLinks(), read);
}

void TestAppSettings::passwordNeverWritten() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("secret.ini"));
    {
        QSettings qs(path, QSettings::IniFormat);
        AppSettings s(qs);
        MqttOptions m;
        m.username = QStringLiteral("user");
        s.setMqtt(m);
        s.sync();
    }
    QSettings qs(path, QSettings::IniFormat);
    for (const QString &key : qs.allKeys())
        QVERIFY2(!key.contains(QLatin1String("password"), Qt::CaseInsensitive), qPrintable(key));
}

void TestAppSettings::verifyPeerOfOlderFilesRead_data() {
    QTest::addColumn<QString>("stored");
    QTest::addColumn<bool>("insecure");
    QTest::newRow("verifyPeer=false") << QStringLiteral("verifyPeer=false") << true;
    QTest::newRow("verifyPeer=true") << QStringLiteral("verifyPeer=true") << false;
    QTest::newRow("insecure=true") << QStringLiteral("insecure=true") << true;
    QTest::newRow("neither") << QString() << false;
}

// Files written before the one MqttOptions type kept the opposite flag, verifyPeer.
void TestAppSettings::verifyPeerOfOlderFilesRead() {
    QFETCH(QString, stored);
    QFETCH(bool, insecure);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("old.ini"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("[mqtt]\nhost=broker.lan\ntls=true\n" + stored.toUtf8() + '\n');
    f.close();
    QSettings qs(path, QSettings::IniFormat);
    AppSettings s(qs);
    QCOMPARE(s.mqtt().insecure, insecure);
    s.setMqtt(s.mqtt());
    QVERIFY(!qs.contains(QStringLiteral("mqtt/verifyPeer")));
    QCOMPARE(s.mqtt().insecure, insecure);
}

QTEST_GUILESS_MAIN(TestAppSettings)
#include "tst_appsettings.moc"
