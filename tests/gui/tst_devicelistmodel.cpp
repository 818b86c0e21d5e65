#include "models/devicelistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace blupow;

namespace {

DiscoveredDevice device(const QString &name, const QString &address, int rssi,
                        bool simulated = false) {
    DiscoveredDevice d;
    d.name = name;
    d.address = address;
    d.rssi = rssi;
    d.simulated = simulated;
    d.familyGuess = simulated ? std::optional<Family>(Family::Inverter) : std::nullopt;
    d.simulatorModel = simulated ? QStringLiteral("inverter") : QString();
    return d;
}

} // namespace

class TestDeviceListModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void addOrUpdate_data();
    void addOrUpdate();
    void clearScannedKeepsSimulated();
    void displayColumns();
    void linkColumns();
};

void TestDeviceListModel::addOrUpdate_data() {
    QTest::addColumn<QList<DiscoveredDevice>>("seen");
    QTest::addColumn<int>("expectedRows");
    QTest::addColumn<int>("expectedRssiOfFirst");
    const auto a =
        device(QStringLiteral("BT-TH-E3383D0E"), QStringLiteral("C4:64:E3:38:3D:0E"), -70);
    auto aCloser = a;
    aCloser.rssi = -55;
    auto aLower = a;
    aLower.address = a.address.toLower();
    aLower.rssi = -60;
    const auto b =
        device(QStringLiteral("BTRIC134000035"), QStringLiteral("60:98:66:EE:11:22"), -80);
    QTest::newRow("one device") << QList<DiscoveredDevice>{a} << 1 << -70;
    QTest::newRow("two devices") << QList<DiscoveredDevice>{a, b} << 2 << -70;
    QTest::newRow("seen again updates RSSI") << QList<DiscoveredDevice>{a, b, aCloser} << 2 << -55;
    QTest::newRow("address case ignored") << QList<DiscoveredDevice>{a, aLower} << 1 << -60;
}

void TestDeviceListModel::addOrUpdate() {
    QFETCH(QList<DiscoveredDevice>, seen);
    QFETCH(int, expectedRows);
    QFETCH(int, expectedRssiOfFirst);
    DeviceListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (const auto &d : seen)
        model.addOrUpdate(d);
    QCOMPARE(model.rowCount(), expectedRows);
    QCOMPARE(model.index(0, 0).data(DeviceListModel::RssiRole).toInt(), expectedRssiOfFirst);
    const auto stored =
        model.index(0, 0).data(DeviceListModel::DeviceRole).value<DiscoveredDevice>();
    QCOMPARE(stored.rssi, expectedRssiOfFirst);
}

void TestDeviceListModel::clearScannedKeepsSimulated() {
    DeviceListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addOrUpdate(
        device(QStringLiteral("Simulated inverter"), QStringLiteral("sim:inverter"), 0, true));
    model.addOrUpdate(device(QStringLiteral("BT-TH-1"), QStringLiteral("AA:BB:CC:DD:EE:01"), -60));
    model.addOrUpdate(device(QStringLiteral("BT-TH-2"), QStringLiteral("AA:BB:CC:DD:EE:02"), -61));
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.clearScanned();
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(removed.size(), 2);
    QVERIFY(model.index(0, 0).data(DeviceListModel::SimulatedRole).toBool());
}

void TestDeviceListModel::displayColumns() {
    DeviceListModel model;
    model.addOrUpdate(
        device(QStringLiteral("Simulated inverter"), QStringLiteral("sim:inverter"), 0, true));
    model.addOrUpdate(device(QStringLiteral("BT-TH-1"), QStringLiteral("AA:BB:CC:DD:EE:01"), -63));
    QCOMPARE(model.index(0, DeviceListModel::RssiColumn).data().toString(), QStringLiteral("-"));
    QCOMPARE(model.index(1, DeviceListModel::RssiColumn).data().toString(),
             QStringLiteral("-63 dBm"));
    QCOMPARE(model.index(0, DeviceListModel::KindColumn).data().toString(),
             QStringLiteral("simulated"));
    QVERIFY(model.index(1, DeviceListModel::FamilyColumn)
                .data()
                .toString()
                .startsWith(QLatin1String("unknown")));
    QCOMPARE(model.index(0, DeviceListModel::FamilyColumn).data().toString(),
             familyTitle(Family::Inverter));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setConnectedAddress(QStringLiteral("aa:bb:cc:dd:ee:01"));
    QCOMPARE(changed.size(), 1);
    QVERIFY(model.index(1, 0).data(DeviceListModel::ConnectedRole).toBool());
    QVERIFY(!model.index(0, 0).data(DeviceListModel::ConnectedRole).toBool());
    QCOMPARE(model.index(1, DeviceListModel::KindColumn).data().toString(),
             QStringLiteral("Bluetooth, connected"));
    // The whole row changes (the panel draws it bold), and a screen reader hears it.
    QCOMPARE(changed.first().at(0).toModelIndex(), model.index(0, 0));
    QCOMPARE(changed.first().at(1).toModelIndex(),
             model.index(1, DeviceListModel::ColumnCount - 1));
    QCOMPARE(model.index(1, DeviceListModel::NameColumn).data(Qt::AccessibleTextRole).toString(),
             QStringLiteral("BT-TH-1, connected, shown"));
    QCOMPARE(model.index(0, DeviceListModel::NameColumn).data(Qt::AccessibleTextRole).toString(),
             QStringLiteral("Simulated inverter"));
}

// Several links: each linked row says how its link is doing and what it reads; a closed link's
// row is cleared, and a new scan keeps linked devices listed.
void TestDeviceListModel::linkColumns() {
    DeviceListModel model;
    const DiscoveredDevice bt =
        device(QStringLiteral("BT-TH-1"), QStringLiteral("AA:BB:CC:DD:EE:01"), -63);
    const DiscoveredDevice other =
        device(QStringLiteral("BT-TH-2"), QStringLiteral("AA:BB:CC:DD:EE:02"), -70);
    model.addOrUpdate(other);
    // A device linked before any scan saw it (the last one, by address) gets its row.
    model.setLinkStatus(bt, QStringLiteral("connecting…"));
    QCOMPARE(model.rowCount(), 2);
    const int row = model.rowOf(bt.address);
    QVERIFY(model.isLinked(QStringLiteral("aa:bb:cc:dd:ee:01")));
    QVERIFY(model.index(row, 0).data(DeviceListModel::LinkedRole).toBool());
    QVERIFY(!model.index(row, 0).data(DeviceListModel::ConnectedRole).toBool());
    QCOMPARE(model.index(row, DeviceListModel::StatusColumn).data().toString(),
             QStringLiteral("connecting…"));
    QCOMPARE(model.index(row, DeviceListModel::NameColumn).data(Qt::AccessibleTextRole).toString(),
             QStringLiteral("BT-TH-1, connected"));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setLinkSummary(bt.address, QStringLiteral("87 % · 13.3 V"));
    model.setLinkSummary(other.address, QStringLiteral("not linked: ignored"));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.index(row, DeviceListModel::SummaryColumn).data().toString(),
             QStringLiteral("87 % · 13.3 V"));
    QCOMPARE(
        model.index(model.rowOf(other.address), DeviceListModel::SummaryColumn).data().toString(),
        QString());
    model.clearScanned();
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.rowOf(bt.address), 0);
    model.clearLink(bt.address);
    QVERIFY(!model.isLinked(bt.address));
    QCOMPARE(model.index(0, DeviceListModel::StatusColumn).data().toString(), QString());
    QCOMPARE(model.index(0, DeviceListModel::SummaryColumn).data().toString(), QString());
}

QTEST_GUILESS_MAIN(TestDeviceListModel)
#include "tst_devicelistmodel.moc"
