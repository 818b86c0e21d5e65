// DeviceScanner with Qt's real discovery agent against the fake bluetoothd on a private D-Bus.

#include "ble/devicescanner.h"
#include "fakebluezcontrol.h"

#include <QSignalSpy>
#include <QTest>

using namespace blupow;
using blupow::test::FakeBluez;

namespace {
constexpr int kScanMs = 1500;
constexpr int kWaitMs = 10000;
} // namespace

class TestDeviceScanner : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(FakeBluez::onPrivateBus(), "DBUS_SYSTEM_BUS_ADDRESS must point at the fake's bus");
        QCOMPARE(m_fake.reset(), QString());
    }

    void init() { QCOMPARE(m_fake.reset(), QString()); }

    void findsRenogyDevices_data() {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("family"); // -1 = BT-TH: no guess from the name
        QTest::addColumn<int>("nominalRssi");

        QTest::newRow("bt2-with-rover")
            << QStringLiteral("60:98:66:ED:FC:11") << QStringLiteral("BT-TH-66EDFC11") << -1 << -58;
        QTest::newRow("legacy-battery-built-in-ble")
            << QStringLiteral("AC:4D:16:17:8A:45") << QStringLiteral("BT-TH-16178A45") << -1 << -71;
        QTest::newRow("rego-inverter")
            << QStringLiteral("4C:E1:74:00:00:35") << QStringLiteral("BTRIC134000035")
            << int(Family::Inverter) << -64;
    }

    void findsRenogyDevices() {
        QFETCH(QString, address);
        QFETCH(QString, name);
        QFETCH(int, family);
        QFETCH(int, nominalRssi);

        DeviceScanner scanner;
        scanner.setTimeout(kScanMs);
        QSignalSpy discovered(&scanner, &DeviceScanner::deviceDiscovered);
        QSignalSpy updated(&scanner, &DeviceScanner::deviceUpdated);
        QSignalSpy progress(&scanner, &DeviceScanner::progress);
        QSignalSpy finished(&scanner, &DeviceScanner::finished);
        QSignalSpy errors(&scanner, &DeviceScanner::errorOccurred);
        scanner.start();
        QCOMPARE(scanner.state(), DeviceScanner::State::Scanning);
        QVERIFY(finished.wait(kWaitMs));
        QVERIFY(errors.isEmpty());
        QCOMPARE(scanner.state(), DeviceScanner::State::Idle);

        const auto devices = scanner.devices();
        // The three Renogy devices, and not the speaker the fake also advertises.
        QCOMPARE(devices.size(), 3);
        const auto it =
            std::find_if(devices.cbegin(), devices.cend(),
                         [&](const DiscoveredDevice &d) { return d.address == address; });
        QVERIFY(it != devices.cend());
        QCOMPARE(it->name, name);
        QCOMPARE(it->familyGuess.has_value(), family >= 0);
        if (family >= 0) {
            QCOMPARE(int(*it->familyGuess), family);
        }
        // The fake jitters RSSI by +-3 dB around the nominal value.
        QVERIFY2(qAbs(it->rssi - nominalRssi) <= 3, qPrintable(QString::number(it->rssi)));

        // RSSI stays current while scanning (advertisements every 250 ms in the fake).
        QVERIFY(!updated.isEmpty());
        QVERIFY(progress.size() >= 2);
        const auto last = progress.last();
        QCOMPARE(last.at(1).toInt(), kScanMs);
        QVERIFY(last.at(0).toLongLong() >= kScanMs);
    }

    void findsOneAddressWhateverItsName() {
        DeviceScanner scanner;
        scanner.setTimeout(5000);
        scanner.setTargetAddress(QStringLiteral("f4:4e:fd:12:34:56"));
        QSignalSpy finished(&scanner, &DeviceScanner::finished);
        scanner.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kWaitMs);
        const auto info = scanner.deviceInfo(QStringLiteral("F4:4E:FD:12:34:56"));
        QVERIFY(info.has_value());
        QCOMPARE(info->name(), QStringLiteral("JBL Flip 5"));
        // Ends as soon as the address is seen, long before the timeout.
        QVERIFY(scanner.elapsedMs() < 5000);
    }

    void stopEndsTheScan() {
        DeviceScanner scanner;
        scanner.setTimeout(60000);
        QSignalSpy finished(&scanner, &DeviceScanner::finished);
        scanner.start();
        scanner.stop();
        QCOMPARE(finished.size(), 1);
        QCOMPARE(scanner.state(), DeviceScanner::State::Idle);
        scanner.stop();
        QCOMPARE(finished.size(), 1);
    }

    void poweredOffDuringTheScan() {
        DeviceScanner scanner;
        scanner.setTimeout(10000);
        QSignalSpy finished(&scanner, &DeviceScanner::finished);
        QSignalSpy errors(&scanner, &DeviceScanner::errorOccurred);
        QSignalSpy discovered(&scanner, &DeviceScanner::deviceDiscovered);
        scanner.start();
        QTRY_VERIFY_WITH_TIMEOUT(!discovered.isEmpty(), kWaitMs);
        QCOMPARE(m_fake.setPowered(false), QString());
        // Qt restarts discovery when Discovering drops; the restart fails on a powered-off adapter.
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kWaitMs);
        QCOMPARE(scanner.state(), DeviceScanner::State::Idle);
    }

    void adapterProblemsAreClearErrors_data() {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<DeviceScanner::Error>("expected");
        QTest::addColumn<QString>("messagePart");

        QTest::newRow("powered-off")
            << QStringLiteral("poweroff") << DeviceScanner::Error::PoweredOff
            << QStringLiteral("powered off");
        QTest::newRow("no-adapter")
            << QStringLiteral("noadapter") << DeviceScanner::Error::NoAdapter
            << QStringLiteral("No Bluetooth adapter");
    }

    void adapterProblemsAreClearErrors() {
        QFETCH(QString, fault);
        QFETCH(DeviceScanner::Error, expected);
        QFETCH(QString, messagePart);
        if (fault == QLatin1String("poweroff")) {
            QCOMPARE(m_fake.setPowered(false), QString());
        } else {
            QCOMPARE(m_fake.setAdapterPresent(false), QString());
        }
        DeviceScanner scanner;
        scanner.setTimeout(kScanMs);
        QSignalSpy finished(&scanner, &DeviceScanner::finished);
        QSignalSpy errors(&scanner, &DeviceScanner::errorOccurred);
        scanner.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kWaitMs);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.first().at(0).value<DeviceScanner::Error>(), expected);
        QVERIFY2(errors.first().at(1).toString().contains(messagePart),
                 qPrintable(errors.first().at(1).toString()));
        QCOMPARE(scanner.error(), expected);
        QVERIFY(scanner.devices().isEmpty());
    }

private:
    FakeBluez m_fake;
};

QTEST_GUILESS_MAIN(TestDeviceScanner)
#include "tst_devicescanner.moc"
