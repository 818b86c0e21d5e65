// The GUI's Bluetooth path for real: the devices panel, its scan controller and the live values
// panel over the unmodified Qt Bluetooth classes, against the project's fake bluetoothd on a
// private D-Bus (tests/fakebluez). Nothing is simulated in-process.

#include "../fakebluezcontrol.h"
#include "../simtesthelpers.h"
#include "ble/bletransport.h"
#include "ble/devicescanner.h"
#include "device/connectionmanager.h"
#include "devicespanel.h"
#include "livevaluespanel.h"
#include "models/devicelistlinks.h"
#include "models/devicelistmodel.h"
#include "models/livevaluesmodel.h"
#include "scancontroller.h"

#include <QAction>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTest>

using namespace blupow;
using blupow::test::FakeBluez;
using blupow::test::QtLogCapture;

namespace {

constexpr int kWaitMs = 20000;
const QString kInverter = QStringLiteral("4C:E1:74:00:00:35"); // BTRIC134000035
const QString kController = QStringLiteral("60:98:66:ED:FC:11");
const QString kBattery = QStringLiteral("AC:4D:16:17:8A:45");

// What app/gui/main.cpp builds for Bluetooth devices.
struct Rig {
    RegisterMaps maps = RegisterMaps::builtIn();
    DeviceScanner scanner;
    DeviceListModel devices;
    LiveValuesModel live;
    DevicesPanel devicesPanel{&devices};
    LiveValuesPanel livePanel{&live};
    ScanController scans{&scanner, &devices, &devicesPanel};
    std::unique_ptr<ConnectionManager> connections;

    Rig() {
        scanner.setTimeout(3000);
        connections = std::make_unique<ConnectionManager>(
            [this](const DiscoveredDevice &d) -> std::unique_ptr<Transport> {
                if (const auto info = scanner.deviceInfo(d.address))
                    return std::make_unique<BleTransport>(*info, BleTransport::Options{});
                return std::make_unique<BleTransport>(d.address, d.name, BleTransport::Options{});
            },
            maps, options());
        QObject::connect(connections.get(), &ConnectionManager::sessionChanged, &livePanel,
                         &LiveValuesPanel::setSession);
        QObject::connect(&devicesPanel, &DevicesPanel::connectRequested, connections.get(),
                         &ConnectionManager::connectTo);
        QObject::connect(connections.get(), &ConnectionManager::errorOccurred, &devicesPanel,
                         &DevicesPanel::setMessage);
        showLinksInDeviceList(connections.get(), &devices);
    }

    // Timeouts no test here exercises, so that a busy machine's stall is never taken for a
    // silent device (simtesthelpers.h, kNeverRacedTimeoutMs).
    static DeviceSession::Options options() {
        DeviceSession::Options o;
        o.requestTimeoutMs = testing::kNeverRacedTimeoutMs;
        o.probeTimeoutMs = testing::kNeverRacedTimeoutMs;
        return o;
    }

    void connectRow(const QString &address) {
        devicesPanel.selectAddress(address);
        devicesPanel.connectAction()->trigger();
    }
};

} // namespace

class TestGuiBle : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QtLogCapture::install();
        if (!FakeBluez::onPrivateBus())
            QFAIL("DBUS_SYSTEM_BUS_ADDRESS does not point at the fake bluetoothd's private bus");
    }
    void init() { QCOMPARE(FakeBluez().reset(), QString()); }

    void scanListsDevicesWithRssiAndFamily() {
        Rig rig;
        QSignalSpy scanning(&rig.scanner, &DeviceScanner::stateChanged);
        rig.devicesPanel.scanAction()->trigger();
        QVERIFY(rig.devicesPanel.isScanning());
        QVERIFY(rig.devicesPanel.progressBar()->isVisibleTo(&rig.devicesPanel));
        QTRY_VERIFY_WITH_TIMEOUT(
            rig.devices.rowOf(kInverter) >= 0 && rig.devices.rowOf(kController) >= 0, kWaitMs);
        const int row = rig.devices.rowOf(kInverter);
        QCOMPARE(rig.devices.index(row, DeviceListModel::NameColumn).data().toString(),
                 QStringLiteral("BTRIC134000035"));
        // A device can be listed before its first advertisement reports a signal strength
        // (BlueZ adds the object, then sets RSSI): the row shows it once it comes.
        QTRY_VERIFY_WITH_TIMEOUT(rig.devices.index(row, DeviceListModel::RssiColumn)
                                     .data()
                                     .toString()
                                     .contains(QLatin1String("dBm")),
                                 kWaitMs);
        QVERIFY(rig.devices.index(row, DeviceListModel::FamilyColumn)
                    .data()
                    .toString()
                    .contains(QLatin1String("nverter")));
        // Only Renogy devices are listed.
        for (int r = 0; r < rig.devices.rowCount(); ++r)
            QVERIFY2(!rig.devices.device(r).name.contains(QLatin1String("JBL")),
                     qPrintable(rig.devices.device(r).name));
        QTRY_VERIFY_WITH_TIMEOUT(!rig.devicesPanel.isScanning(), kWaitMs);
        QVERIFY2(rig.devicesPanel.messageText().startsWith(QLatin1String("Scan finished")),
                 qPrintable(rig.devicesPanel.messageText()));
    }

    void connectShowsLiveValues() {
        Rig rig;
        rig.devicesPanel.scanAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(rig.devices.rowOf(kInverter) >= 0, kWaitMs);
        rig.devicesPanel.selectAddress(kInverter);
        rig.devicesPanel.connectAction()->trigger();
        const QString key = QStringLiteral("ac_input_voltage");
        QTRY_VERIFY_WITH_TIMEOUT(rig.live.rowOfKey(key) >= 0, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(
            rig.live.index(rig.live.rowOfKey(key), LiveValuesModel::ValueColumn).data().toString(),
            QStringLiteral("124.9"), kWaitMs);
        // Qt's BlueZ D-Bus backend, not a silent fall-back to the kernel's ATT socket.
        QVERIFY(QtLogCapture::contains(QStringLiteral("Using BlueZ LE DBus API")));
        QVERIFY(!QtLogCapture::contains(QStringLiteral("Using BlueZ kernel ATT interface")));
        rig.connections->disconnectDevice();
    }

    // Several Bluetooth links at once through Qt's BlueZ backend: each its own supervised session;
    // one lost comes back by itself while the other keeps polling, and a device that refuses its
    // first connection while others are linked is explained as the adapter's limit.
    void severalLinksOneLostOneRefused() {
        FakeBluez fake;
        Rig rig;
        rig.devicesPanel.scanAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(rig.devices.rowOf(kInverter) >= 0 &&
                                     rig.devices.rowOf(kController) >= 0 &&
                                     rig.devices.rowOf(kBattery) >= 0,
                                 kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!rig.devicesPanel.isScanning(), kWaitMs);
        rig.connectRow(kInverter);
        rig.connectRow(kController);
        QCOMPARE(rig.connections->linkCount(), 2);
        DeviceSession *inverter = rig.connections->sessionFor(kInverter);
        DeviceSession *controller = rig.connections->sessionFor(kController);
        QTRY_COMPARE_WITH_TIMEOUT(inverter->state(), DeviceSession::State::Polling, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(controller->state(), DeviceSession::State::Polling, kWaitMs);
        const auto status = [&rig](const QString &address) {
            return rig.devices.index(rig.devices.rowOf(address), DeviceListModel::StatusColumn)
                .data()
                .toString();
        };
        QCOMPARE(status(kInverter), QStringLiteral("polling"));
        QCOMPARE(status(kController), QStringLiteral("polling"));

        QSignalSpy inverterCycles(inverter, &DeviceSession::valuesUpdated);
        QSignalSpy lost(controller, &DeviceSession::backoffScheduled);
        QCOMPARE(fake.dropLink(kController), QString());
        QTRY_VERIFY_WITH_TIMEOUT(
            controller->state() != DeviceSession::State::Polling || !lost.isEmpty(), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(controller->state(), DeviceSession::State::Polling, kWaitMs);
        QVERIFY(controller->statistics().reconnects >= 1);
        // The other link went on: its cycles kept coming and it never reconnected.
        QTRY_VERIFY_WITH_TIMEOUT(inverterCycles.size() >= 2, kWaitMs);
        QCOMPARE(inverter->state(), DeviceSession::State::Polling);
        QCOMPARE(inverter->statistics().reconnects, quint64(0));

        QCOMPARE(fake.setFailConnect(kBattery, true), QString());
        rig.connectRow(kBattery);
        // "while 2 other device(s)", or 1 should the controller be between two attempts then.
        QTRY_VERIFY_WITH_TIMEOUT(
            rig.devicesPanel.messageText().contains(QLatin1String("refused a link while")),
            kWaitMs);
        QVERIFY2(rig.devicesPanel.messageText().contains(QLatin1String("adapter")),
                 qPrintable(rig.devicesPanel.messageText()));
        QCOMPARE(inverter->state(), DeviceSession::State::Polling);
        QCOMPARE(fake.setFailConnect(kBattery, false), QString());
        rig.connections->disconnectAll();
    }

    void adapterPoweredOffIsSaid() {
        FakeBluez fake;
        QCOMPARE(fake.setPowered(false), QString());
        Rig rig;
        rig.scans.setSimulatedDevicesListed(true);
        rig.devicesPanel.scanAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(rig.devicesPanel.messageText().contains(QLatin1String("powered")),
                                 kWaitMs);
        QVERIFY2(rig.devicesPanel.messageText().contains(QLatin1String("simulated devices stay")),
                 qPrintable(rig.devicesPanel.messageText()));
        QTRY_VERIFY_WITH_TIMEOUT(!rig.devicesPanel.isScanning(), kWaitMs);
        QCOMPARE(fake.setPowered(true), QString());
    }
};

QTEST_MAIN(TestGuiBle)
#include "tst_guible.moc"
