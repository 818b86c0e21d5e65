// The Device Logs panel offscreen against the simulator (docs/logs.md): it offers the logs of the
// connected device's map, reads one only when asked, shows the rows (empty fault slots hidden
// unless asked for) and draws the chosen column as bars; with no device, or a device that keeps
// no log, it says so. BLUPOW_LOGS_SCREENSHOT=FILE saves the panel after the read (docs/logs.png).
#include "../configrig.h"
#include "devicelogspanel.h"
#include "models/devicelogmodel.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QCheckBox>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QTest>

using namespace blupow;
using namespace Qt::StringLiterals;

namespace {

int columnOf(const DeviceLogModel *model, const QString &key) {
    for (int c = 0; c < model->columnCount(); ++c)
        if (const FieldDef *f = model->fieldAt(c); f && f->key == key)
            return c;
    return -1;
}

void choose(DeviceLogsPanel &panel, const QString &key) {
    const int i = panel.logChoice()->findData(key);
    QVERIFY2(i >= 0, qPrintable(key));
    panel.logChoice()->setCurrentIndex(i);
}

} // namespace

class TestDeviceLogsPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void saysWhatItNeeds();
    void readsFaultRecordsOnlyWhenAsked();
    void drawsTheChosenColumn();
    void deviceWithoutLogs();
};

void TestDeviceLogsPanel::saysWhatItNeeds() {
    DeviceLogsPanel panel;
    panel.show();
    QCOMPARE(panel.logChoice()->count(), 0);
    QVERIFY(!panel.readButton()->isEnabled());
    const auto hint = panel.table()->viewport()->findChild<QLabel *>();
    QVERIFY(hint);
    QVERIFY(hint->isVisible());
    QCOMPARE(hint->text(), u"Connect to a device to read the logs it keeps."_s);
}

void TestDeviceLogsPanel::readsFaultRecordsOnlyWhenAsked() {
    BLUPOW_REQUIRE_RIG(rig, "inverter");
    DeviceLogsPanel panel;
    QAbstractItemModelTester tester(panel.model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    panel.resize(1100, 600);
    panel.show();
    panel.setSession(rig.session.get());
    QCOMPARE(panel.logChoice()->count(), 2);
    QVERIFY(panel.readButton()->isEnabled());
    choose(panel, u"fault_history"_s);
    // Nothing is asked of the device until Read.
    QCOMPARE(panel.model()->rowCount(), 0);
    QVERIFY(panel.status()->text().contains(u"4600 + n"));

    panel.readButton()->click();
    QVERIFY(!panel.readButton()->isEnabled()); // one read at a time
    QTRY_VERIFY_WITH_TIMEOUT(panel.model()->hasLog(), 30000);
    QVERIFY(panel.readButton()->isEnabled());
    QVERIFY2(panel.status()->text().startsWith(u"Read 16 rows"),
             qPrintable(panel.status()->text()));
    // The scenario's three faults; the 13 unused slots are hidden and can be shown.
    QCOMPARE(panel.model()->rowCount(), 3);
    const int fault = columnOf(panel.model(), u"fault_code"_s);
    QVERIFY(fault > 0);
    QCOMPARE(panel.model()->index(0, 0).data().toString(), u"Record 1"_s);
    QCOMPARE(panel.model()->index(0, fault).data().toString(), u"mains_lost"_s);
    QCOMPARE(panel.model()->index(2, fault).data().toString(), u"inverter_overload"_s);
    const int minute = columnOf(panel.model(), u"minute"_s);
    QCOMPARE(panel.model()->index(1, minute).data().toString(), u"47"_s);
    panel.findChild<QCheckBox *>(u"deviceLogHideEmpty"_s)->click();
    QCOMPARE(panel.model()->rowCount(), 16);
    QCOMPARE(panel.model()->index(15, fault).data().toString(), u"none"_s);
    // No numeric column but the time words: the fault code is never drawn as a bar.
    QVERIFY(panel.chartedColumn() != fault);
}

void TestDeviceLogsPanel::drawsTheChosenColumn() {
    BLUPOW_REQUIRE_RIG(rig, "inverter");
    DeviceLogsPanel panel;
    panel.resize(1100, 600);
    panel.show();
    panel.setSession(rig.session.get());
    choose(panel, u"energy_last_7_days"_s);
    panel.readButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(panel.model()->hasLog(), 30000);
    QCOMPARE(panel.model()->rowCount(), 7);
    QCOMPARE(panel.model()->index(0, 0).data().toString(), u"Yesterday"_s);
    const QDate yesterday = panel.model()->log().readAt.date().addDays(-1);
    QCOMPARE(panel.model()->index(0, 1).data().toString(), yesterday.toString(Qt::ISODate));
    QCOMPARE(panel.model()->headerData(1, Qt::Horizontal, Qt::DisplayRole).toString(), u"Date"_s);

    // The first numeric column is drawn; a click on another column's header draws that one,
    // oldest day on the left.
    QCOMPARE(panel.chartedColumn(), columnOf(panel.model(), u"pv_generation"_s));
    const int load = columnOf(panel.model(), u"load_consumption"_s);
    QCOMPARE(panel.model()->headerData(load, Qt::Horizontal, Qt::DisplayRole).toString(),
             u"Load consumption (kWh)"_s);
    QTest::mouseClick(panel.table()->horizontalHeader()->viewport(), Qt::LeftButton, {},
                      QPoint(panel.table()->horizontalHeader()->sectionViewportPosition(load) + 5,
                             panel.table()->horizontalHeader()->height() / 2));
    QCOMPARE(panel.chartedColumn(), load);
    QCOMPARE(panel.chart()->title(), u"Load consumption (kWh)"_s);
    const auto series = panel.chart()->series();
    QCOMPARE(series.size(), 1);
    const auto *bars = qobject_cast<QBarSeries *>(series.first());
    QVERIFY(bars);
    QCOMPARE(bars->barSets().first()->count(), 7);
    // resources/sim/scenarios.json: yesterday's 9.5 kWh on the right, four days ago's 9.1 in the
    // middle.
    QCOMPARE(bars->barSets().first()->at(6), 9.5);
    QCOMPARE(bars->barSets().first()->at(3), 9.1);
    if (const QByteArray file = qgetenv("BLUPOW_LOGS_SCREENSHOT"); !file.isEmpty()) {
        QTest::qWait(300); // the chart's scene is drawn from the event loop
        QVERIFY(panel.grab().save(QString::fromLocal8Bit(file)));
        qInfo() << "wrote" << file;
    }
}

void TestDeviceLogsPanel::deviceWithoutLogs() {
    BLUPOW_REQUIRE_RIG(rig, "battery");
    DeviceLogsPanel panel;
    panel.show();
    panel.setSession(rig.session.get());
    QCOMPARE(panel.logChoice()->count(), 0);
    QVERIFY(!panel.readButton()->isEnabled());
    const auto hint = panel.table()->viewport()->findChild<QLabel *>();
    QVERIFY(hint);
    QVERIFY2(hint->text().endsWith(u"keeps no log that BluPow can read."_s),
             qPrintable(hint->text()));
    // Leaving the device: back to asking for one.
    panel.setSession(nullptr);
    QCOMPARE(hint->text(), u"Connect to a device to read the logs it keeps."_s);
}

QTEST_MAIN(TestDeviceLogsPanel)
#include "tst_devicelogspanel.moc"
