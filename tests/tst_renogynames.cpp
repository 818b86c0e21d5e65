// Advertised-name matching (docs/protocol.md 2.1) and the scanner's Renogy filter.

#include "ble/devicescanner.h"
#include "device/renogynames.h"

#include <QBluetoothAddress>
#include <QBluetoothUuid>
#include <QTest>

using namespace blupow;

class TestRenogyNames : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchAdvertisedName_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("renogy");
        QTest::addColumn<int>("family"); // -1 = no guess
        QTest::addColumn<QString>("variant");

        const int none = -1;
        QTest::newRow("bt2-hex-suffix")
            << QStringLiteral("BT-TH-66EDFC11") << true << none << QString();
        QTest::newRow("bt-th-trailing-spaces")
            << QStringLiteral("BT-TH-E3383D0E    ") << true << none << QString();
        QTest::newRow("bt-th-user-renamed")
            << QStringLiteral("BT-TH-THELASTHALF") << true << none << QString();
        QTest::newRow("battery-pro") << QStringLiteral("RNGRBP1228000830") << true
                                     << int(Family::Battery) << QStringLiteral("pro");
        QTest::newRow("battery-core") << QStringLiteral("RNGC122BAT28000194") << true
                                      << int(Family::Battery) << QStringLiteral("core");
        QTest::newRow("battery-rngpro") << QStringLiteral("RNGPRO125BAT-EF036881") << true
                                        << int(Family::Battery) << QStringLiteral("rngpro");
        QTest::newRow("rego-inverter")
            << QStringLiteral("BTRIC134000035") << true << int(Family::Inverter) << QString();
        QTest::newRow("rngriu-inverter")
            << QStringLiteral("RNGRIU0001") << true << int(Family::Inverter) << QString();
        QTest::newRow("smart-shunt")
            << QStringLiteral("RTMShunt30017000621") << true << int(Family::Shunt) << QString();
        QTest::newRow("unrelated-speaker")
            << QStringLiteral("JBL Flip 5") << false << none << QString();
        QTest::newRow("empty") << QString() << false << none << QString();
        QTest::newRow("prefix-not-at-start")
            << QStringLiteral("My BT-TH-1234") << false << none << QString();
        QTest::newRow("lower-case-is-not-renogy")
            << QStringLiteral("bt-th-66edfc11") << false << none << QString();
    }

    void matchAdvertisedName() {
        QFETCH(QString, name);
        QFETCH(bool, renogy);
        QFETCH(int, family);
        QFETCH(QString, variant);
        const NameMatch match = blupow::matchAdvertisedName(name);
        QCOMPARE(match.isRenogy, renogy);
        QCOMPARE(match.family.has_value(), family >= 0);
        if (family >= 0) {
            QCOMPARE(int(*match.family), family);
        }
        QCOMPARE(match.variant, variant);
    }

    void scannerFilter_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("advertisesFfd0");
        QTest::addColumn<bool>("lowEnergy");
        QTest::addColumn<bool>("listed");

        QTest::newRow("renogy-name") << QStringLiteral("BT-TH-66EDFC11") << false << true << true;
        QTest::newRow("renamed-bt2-with-ffd0") << QStringLiteral("Shed") << true << true << true;
        QTest::newRow("unrelated-le-device")
            << QStringLiteral("JBL Flip 5") << false << true << false;
        QTest::newRow("classic-only-device")
            << QStringLiteral("BT-TH-66EDFC11") << false << false << false;
        QTest::newRow("trimmed-name")
            << QStringLiteral("BT-TH-E3383D0E    ") << false << true << true;
    }

    void scannerFilter() {
        QFETCH(QString, name);
        QFETCH(bool, advertisesFfd0);
        QFETCH(bool, lowEnergy);
        QFETCH(bool, listed);

        QBluetoothDeviceInfo info(QBluetoothAddress(QStringLiteral("C4:64:E3:38:3D:0E")), name, 0);
        info.setCoreConfigurations(lowEnergy ? QBluetoothDeviceInfo::LowEnergyCoreConfiguration
                                             : QBluetoothDeviceInfo::BaseRateCoreConfiguration);
        info.setRssi(-61);
        if (advertisesFfd0) {
            info.setServiceUuids({QBluetoothUuid(quint16(0xFFD0))});
        }
        const auto device = DeviceScanner::toRenogyDevice(info);
        QCOMPARE(device.has_value(), listed);
        if (device) {
            QCOMPARE(device->name, name.trimmed());
            QCOMPARE(device->address, QStringLiteral("C4:64:E3:38:3D:0E"));
            QCOMPARE(device->rssi, -61);
            QVERIFY(!device->simulated);
        }
    }
};

QTEST_GUILESS_MAIN(TestRenogyNames)
#include "tst_renogynames.moc"
