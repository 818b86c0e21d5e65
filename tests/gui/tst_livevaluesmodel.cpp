#include "models/livevaluesfiltermodel.h"
#include "models/livevaluesmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace blupow;

namespace {

DecodedValue number(const QString &key, const QString &group, double v, quint16 raw,
                    Quality q = Quality::Good, qint64 t = 1000) {
    DecodedValue d;
    d.key = key;
    d.label = key;
    d.group = group;
    d.unit = QStringLiteral("V");
    d.decimals = 1;
    d.raw = {raw};
    d.value = v;
    d.quality = q;
    d.timestampMs = t;
    return d;
}

// A controller-like cycle, deliberately not in group order.
DecodedValues cycle(double battery, double pv, Quality pvQuality = Quality::Good, qint64 t = 1000,
                    qint64 pvT = 1000) {
    return {
        number(QStringLiteral("pv_voltage"), QStringLiteral("pv"), pv, quint16(pv * 10), pvQuality,
               pvT),
        number(QStringLiteral("battery_voltage"), QStringLiteral("battery"), battery,
               quint16(battery * 10), Quality::Good, t),
        number(QStringLiteral("battery_soc"), QStringLiteral("battery"), 80, 80, Quality::Good, t),
        number(QStringLiteral("load_voltage"), QStringLiteral("load"), 12.1, 121, Quality::Good, t),
    };
}

} // namespace

class TestLiveValuesModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void groupsInOrder();
    void oneDataChangedPerCycle_data();
    void oneDataChangedPerCycle();
    void staleRowsDistinguishable();
    void newFieldSetResets();
    void searchFilter_data();
    void searchFilter();
};

void TestLiveValuesModel::groupsInOrder() {
    LiveValuesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.update(cycle(14.4, 20.0), 1000);
    // battery header, 2 battery rows, pv header, pv row, load header, load row.
    QCOMPARE(model.rowCount(), 7);
    QVERIFY(model.index(0, 0).data(LiveValuesModel::IsGroupRole).toBool());
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("Battery"));
    QCOMPARE(model.index(3, 0).data().toString(), QStringLiteral("Solar (PV)"));
    QCOMPARE(model.index(5, 0).data().toString(), QStringLiteral("Load"));
    QCOMPARE(model.rowOfKey(QStringLiteral("battery_voltage")), 1);
    QCOMPARE(model.index(1, LiveValuesModel::ValueColumn).data().toString(),
             QStringLiteral("14.4"));
    QCOMPARE(model.index(1, LiveValuesModel::UnitColumn).data().toString(), QStringLiteral("V"));
    QCOMPARE(model.index(1, LiveValuesModel::RawColumn).data().toString(),
             QStringLiteral("0x0090"));
}

void TestLiveValuesModel::oneDataChangedPerCycle_data() {
    QTest::addColumn<double>("battery");
    QTest::addColumn<double>("pv");
    QTest::addColumn<int>("expectedSignals");
    QTest::addColumn<int>("expectedFirstRow");
    QTest::addColumn<int>("expectedLastRow");
    QTest::newRow("nothing changed") << 14.4 << 20.0 << 0 << -1 << -1;
    QTest::newRow("battery changed") << 14.5 << 20.0 << 1 << 1 << 1;
    QTest::newRow("battery and pv changed") << 14.5 << 21.0 << 1 << 1 << 4;
}

void TestLiveValuesModel::oneDataChangedPerCycle() {
    QFETCH(double, battery);
    QFETCH(double, pv);
    QFETCH(int, expectedSignals);
    QFETCH(int, expectedFirstRow);
    QFETCH(int, expectedLastRow);
    LiveValuesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.update(cycle(14.4, 20.0), 1000);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.update(cycle(battery, pv, Quality::Good, 2000, 2000), 2000);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(changed.size(), expectedSignals);
    if (expectedSignals) {
        QCOMPARE(changed.first().at(0).toModelIndex().row(), expectedFirstRow);
        QCOMPARE(changed.first().at(1).toModelIndex().row(), expectedLastRow);
    }
}

void TestLiveValuesModel::staleRowsDistinguishable() {
    LiveValuesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.update(cycle(14.4, 20.0), 1000);
    // The PV block timed out: the session repeats the last good value, marked Stale.
    model.update(cycle(14.4, 20.0, Quality::Stale, 13000, 1000), 13000);
    const int pvRow = model.rowOfKey(QStringLiteral("pv_voltage"));
    const int batteryRow = model.rowOfKey(QStringLiteral("battery_voltage"));
    QVERIFY(model.index(pvRow, 0).data(LiveValuesModel::StaleRole).toBool());
    QVERIFY(!model.index(batteryRow, 0).data(LiveValuesModel::StaleRole).toBool());
    QCOMPARE(model.index(pvRow, LiveValuesModel::QualityColumn).data().toString(),
             QStringLiteral("stale"));
    QCOMPARE(model.index(pvRow, LiveValuesModel::AgeColumn).data().toString(),
             QStringLiteral("stale, 12 s"));
    QCOMPARE(model.index(pvRow, 0).data(LiveValuesModel::AgeRole).toLongLong(), 12000);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.refreshAges(75000);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.index(pvRow, LiveValuesModel::AgeColumn).data().toString(),
             QStringLiteral("stale, 74 s"));
}

void TestLiveValuesModel::newFieldSetResets() {
    LiveValuesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.update(cycle(14.4, 20.0), 1000);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    DecodedValues other{
        number(QStringLiteral("ac_output_voltage"), QStringLiteral("ac"), 230, 2300)};
    model.update(other, 2000);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.rowOfKey(QStringLiteral("battery_voltage")), -1);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestLiveValuesModel::searchFilter_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("expectedRows");
    QTest::newRow("empty shows all") << QString() << 7;
    QTest::newRow("field key") << QStringLiteral("soc") << 2;     // battery header + soc
    QTest::newRow("group title") << QStringLiteral("solar") << 2; // pv header + pv row
    QTest::newRow("voltage in three groups") << QStringLiteral("voltage") << 6;
    QTest::newRow("no match") << QStringLiteral("zzz") << 0;
}

void TestLiveValuesModel::searchFilter() {
    QFETCH(QString, text);
    QFETCH(int, expectedRows);
    LiveValuesModel model;
    LiveValuesFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.update(cycle(14.4, 20.0), 1000);
    filter.setSearchText(text);
    QCOMPARE(filter.rowCount(), expectedRows);
}

QTEST_GUILESS_MAIN(TestLiveValuesModel)
#include "tst_livevaluesmodel.moc"
