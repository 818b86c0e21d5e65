// The panels driven offscreen against the built-in simulator: the whole stack from simulated
// BLE notifications to widgets, no Bluetooth needed.

#include "../simtesthelpers.h"
#include "capture/replaytransport.h"
#include "capturecontroller.h"
#include "chartpanel.h"
#include "device/connectionmanager.h"
#include "devicespanel.h"
#include "framespanel.h"
#include "hexview.h"
#include "linkhealthpanel.h"
#include "livevaluedelegate.h"
#include "livevaluespanel.h"
#include "mainwindow.h"
#include "models/devicelistmodel.h"
#include "models/framelogfiltermodel.h"
#include "models/framelogmodel.h"
#include "models/livevaluesmodel.h"
#include "mqtt/sessionpublisher.h"
#include "numberfield.h"
#include "registerconsole.h"
#include "settingspanel.h"
#include "sim/scenarios.h"
#include "sim/simulateddevices.h"
#include "sim/simulatedtransport.h"
#include "writeflow.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QDateTimeAxis>
#include <QDir>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QGraphicsScene>
#include <QGraphicsTextItem>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLegend>
#include <QLineEdit>
#include <QLineSeries>
#include <QListWidget>
#include <QMenu>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QStatusBar>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeView>
#include <QValueAxis>

#include <cmath>
#include <limits>

using namespace blupow;

namespace {

constexpr int kWaitMs = 15000;

// Everything main.cpp builds, with a fast simulated link.
struct Rig {
    RegisterMaps maps = RegisterMaps::builtIn();
    DeviceListModel devices;
    LiveValuesModel live;
    FrameLogModel frames;
    std::unique_ptr<ConnectionManager> connections;
    DevicesPanel devicesPanel{&devices};
    LiveValuesPanel livePanel{&live};
    FramesPanel framesPanel{&frames};
    ChartPanel chart;
    LinkHealthPanel link;
    RegisterConsole console;
    SettingsPanel settings;
    // Every confirmation the panels ask for, answered with `answer` (no dialog offscreen).
    QStringList asked;
    bool answer = true;

    Rig() {
        connections = testing::fastSimulatedConnections(maps, 200);
        QObject::connect(connections.get(), &ConnectionManager::sessionChanged, &livePanel,
                         &LiveValuesPanel::setSession);
        QObject::connect(connections.get(), &ConnectionManager::sessionChanged, &framesPanel,
                         &FramesPanel::setSession);
        QObject::connect(connections.get(), &ConnectionManager::sessionChanged, &chart,
                         &ChartPanel::setSession);
        QObject::connect(connections.get(), &ConnectionManager::sessionChanged, &link,
                         &LinkHealthPanel::setSession);
        QObject::connect(connections.get(), &ConnectionManager::sessionChanged, &console,
                         &RegisterConsole::setSession);
        QObject::connect(connections.get(), &ConnectionManager::sessionChanged, &settings,
                         &SettingsPanel::setSession);
        const auto confirm = [this](const QString &title, const QString &text,
                                    const QString &details,
                                    const std::function<void(bool)> &reply) {
            asked.append(title + QLatin1Char('\n') + text + QLatin1Char('\n') + details);
            reply(answer);
        };
        settings.writeFlow()->setConfirm(confirm);
        console.writeFlow()->setConfirm(confirm);
        QObject::connect(&devicesPanel, &DevicesPanel::connectRequested, connections.get(),
                         &ConnectionManager::connectTo);
        for (const DiscoveredDevice &d : SimulatedDevices::all())
            devices.addOrUpdate(d);
    }

    void connectTo(const QString &model) {
        devicesPanel.selectAddress(QStringLiteral("sim:") + model);
        devicesPanel.connectAction()->trigger();
    }
};

// A battery voltage once a second for `seconds` seconds from `t0`, as a session reports it.
// A battery voltage at 1 Hz from t0 for `seconds`: a saw tooth from 13 V up by `step` a second.
void feedVolts(ChartPanel &chart, qint64 t0, int seconds, double step = 0.1) {
    DecodedValue v;
    v.key = QStringLiteral("battery_voltage");
    v.unit = QStringLiteral("V");
    for (int s = 0; s <= seconds; ++s) {
        v.value = 13.0 + (s % 10) * step;
        v.timestampMs = t0 + s * 1000LL;
        chart.appendValues({v});
    }
}

// The GUI's window with every panel, unconnected.
struct Window {
    DeviceListModel devices;
    LiveValuesModel live;
    FrameLogModel frames;
    ConnectionManager connections{{}, RegisterMaps::builtIn(), {}};
    CaptureController captures{&connections, RegisterMaps::builtIn()};
    QAction *publish = new QAction(QStringLiteral("Publish"));
    MainWindow window{{new DevicesPanel(&devices), new LiveValuesPanel(&live), new ChartPanel,
                       new FramesPanel(&frames), new LinkHealthPanel, new RegisterConsole,
                       new SettingsPanel, publish, captures.openAction(), captures.recordAction()}};

    Window() { publish->setParent(&window); }

    [[nodiscard]] QMap<QString, QSize> dockSizes() const {
        QMap<QString, QSize> out;
        // A dock tabbed behind another keeps a stale size that nobody sees.
        for (const char *name : {"devicesDock", "linkHealthDock", "chartDock", "framesDock"}) {
            if (!window.dock(QLatin1String(name))->visibleRegion().isEmpty())
                out.insert(QLatin1String(name), window.dock(QLatin1String(name))->size());
        }
        return out;
    }
};

} // namespace

class TestPanels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void simulatedDevicesListed();
    void connectShowsValues_data();
    void connectShowsValues();
    void selectedFrameIsAnnotated();
    void frameDetailReadable_data();
    void frameDetailReadable();
    void frameFiltersAndExport();
    void chartGetsPoints();
    void chartTimeLabelsFit();
    void chartStartsAtTheFirstSample_data();
    void chartStartsAtTheFirstSample();
    void chartBreaksAtGaps_data();
    void chartBreaksAtGaps();
    void chartTicksAreRound_data();
    void chartTicksAreRound();
    void chartUnitLabelsKeepTheirText_data();
    void chartUnitLabelsKeepTheirText();
    void chartTimeLabelsCarryTheDate_data();
    void chartTimeLabelsCarryTheDate();
    void chartReadoutAtTheCursor();
    void chartExportsThePlottedRange();
    void chartFieldsGroupedByDevice();
    void registerConsoleReads();
    void staleValuesMarked();
    void pollIntervalControl();
    void searchAndCopy();
    void liveValuesFitTheirPanel();
    void liveValuesKeepValueAndUnit_data();
    void liveValuesKeepValueAndUnit();
    void defaultLayoutGivesValuesTheRoom_data();
    void defaultLayoutGivesValuesTheRoom();
    void linkHealthNotClipped_data();
    void linkHealthNotClipped();
    void backgroundWorkInStatusBar_data();
    void backgroundWorkInStatusBar();
    void simulatedDeviceMarked_data();
    void simulatedDeviceMarked();
    void mainWindowShortcuts_data();
    void mainWindowShortcuts();
    void panelShortcutsRaiseAndFocus_data();
    void panelShortcutsRaiseAndFocus();
    void layoutSurvivesARestart();
    void nothingLeaksToTheNextSource_data();
    void nothingLeaksToTheNextSource();
    void settingsPanelListsWritableFields_data();
    void settingsPanelListsWritableFields();
    void settingsPanelWritesAfterConfirmation_data();
    void settingsPanelWritesAfterConfirmation();
    void settingsPanelLoadSwitch();
    void expertModeRawWrite();
    void openCaptureRejects_data();
    void openCaptureRejects();
};

void TestPanels::simulatedDevicesListed() {
    Rig rig;
    QCOMPARE(rig.devicesPanel.view()->model()->rowCount(), scenarios::names().size());
    QVERIFY(rig.devicesPanel.connectAction()->isEnabled());
    QSignalSpy requested(&rig.devicesPanel, &DevicesPanel::connectRequested);
    rig.devicesPanel.selectAddress(QStringLiteral("sim:battery"));
    rig.devicesPanel.connectAction()->trigger();
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.first().first().value<DiscoveredDevice>().simulatorModel,
             QStringLiteral("battery"));
    rig.devicesPanel.setScanning(true);
    QVERIFY(!rig.devicesPanel.scanAction()->isEnabled());

    // At a dock's width every column is in view (the family guess gives way, whole in its
    // tooltip), and the connected device stands out in bold.
    rig.devices.setConnectedAddress(QStringLiteral("sim:battery"));
    rig.devicesPanel.resize(360, 300);
    rig.devicesPanel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&rig.devicesPanel));
    QCoreApplication::processEvents();
    QTableView *view = rig.devicesPanel.view();
    QVERIFY2(view->horizontalHeader()->length() <= view->viewport()->width(),
             qPrintable(QStringLiteral("%1 > %2")
                            .arg(view->horizontalHeader()->length())
                            .arg(view->viewport()->width())));
    const int battery = rig.devices.rowOf(QStringLiteral("sim:battery"));
    const QModelIndex family = view->model()->index(battery, DeviceListModel::FamilyColumn);
    QCOMPARE(family.data(Qt::ToolTipRole), family.data(Qt::DisplayRole));
    // The view's own delegate, through its protected initStyleOption (a virtual call).
    struct Access : QStyledItemDelegate {
        using QStyledItemDelegate::initStyleOption;
    };
    const auto fontOf = [view](int row) {
        const auto *delegate = qobject_cast<QStyledItemDelegate *>(view->itemDelegate());
        QStyleOptionViewItem option;
        (delegate->*(&Access::initStyleOption))(&option, view->model()->index(row, 0));
        return option.font;
    };
    QVERIFY(fontOf(battery).bold());
    QVERIFY(!fontOf(battery == 0 ? 1 : 0).bold());
}

void TestPanels::connectShowsValues_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("key");
    QTest::newRow("inverter") << QStringLiteral("inverter") << QStringLiteral("ac_output_voltage");
    QTest::newRow("controller") << QStringLiteral("controller") << QStringLiteral("pv_voltage");
}

void TestPanels::connectShowsValues() {
    QFETCH(QString, model);
    QFETCH(QString, key);
    Rig rig;
    rig.connectTo(model);
    QVERIFY(rig.connections->session());
    QTRY_VERIFY_WITH_TIMEOUT(rig.live.rowOfKey(key) >= 0, kWaitMs);
    const int row = rig.live.rowOfKey(key);
    bool numeric = false;
    rig.live.index(row, LiveValuesModel::ValueColumn).data().toString().toDouble(&numeric);
    QVERIFY(numeric);
    QVERIFY(!rig.live.index(row, 0).data(LiveValuesModel::StaleRole).toBool());
    QTRY_VERIFY_WITH_TIMEOUT(
        rig.link.text(QStringLiteral("state")).startsWith(QLatin1String("polling")), kWaitMs);
    QVERIFY(rig.link.text(QStringLiteral("requests")).toInt() > 0);
    QVERIFY(rig.link.statusSummary()->text().contains(QLatin1String("polling")));
    // The state says only what stays true while polling: the interval has its own control and
    // can change without a new state (it once read "every 200 ms" after a change to 5 s), and
    // the model has its own row.
    rig.connections->setPollInterval(5000);
    const QString state = rig.link.text(QStringLiteral("state"));
    QVERIFY2(!state.contains(QLatin1String(" ms")), qPrintable(state));
    const QString device = rig.connections->session()->identity()->model;
    QVERIFY2(rig.link.statusSummary()->text().count(device) == 1,
             qPrintable(rig.link.statusSummary()->text()));
}

void TestPanels::selectedFrameIsAnnotated() {
    Rig rig;
    rig.connectTo(QStringLiteral("controller"));
    QTRY_VERIFY_WITH_TIMEOUT(rig.live.rowOfKey(QStringLiteral("battery_voltage")) >= 0, kWaitMs);
    QVERIFY(rig.framesPanel.selectLatest(FrameRecord::Direction::Rx));
    const ByteAnnotations annotations = rig.framesPanel.selectedAnnotations();
    QVERIFY(annotations.size() > 4);
    QCOMPARE(rig.framesPanel.annotationTable()->rowCount(), annotations.size());
    QCOMPARE(annotations.first().title, QStringLiteral("slave id"));
    QCOMPARE(annotations.last().title, QStringLiteral("CRC"));
    QVERIFY(annotations.last().ok);
    // At least one register is named by the map, with its cooked value.
    const auto named =
        std::find_if(annotations.cbegin(), annotations.cend(), [](const ByteAnnotation &a) {
            return !a.key.isEmpty() && !a.value.isEmpty();
        });
    QVERIFY(named != annotations.cend());
    // Hovering (here: choosing) a value row lights exactly its bytes.
    const int row = static_cast<int>(named - annotations.cbegin());
    rig.framesPanel.highlightAnnotation(row);
    QCOMPARE(rig.framesPanel.hexView()->highlightOffset(), named->offset);
    QCOMPARE(rig.framesPanel.hexView()->highlightLength(), named->length);
    rig.framesPanel.highlightAnnotation(-1);
    QCOMPARE(rig.framesPanel.hexView()->highlightOffset(), -1);
}

void TestPanels::frameDetailReadable_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QSize>("size"); // the frames dock in the default layout
    QTest::newRow("controller, 1366x768") << QStringLiteral("controller") << QSize(930, 230);
    QTest::newRow("inverter, 1024x700") << QStringLiteral("inverter") << QSize(650, 230);
    QTest::newRow("battery, tall dock") << QStringLiteral("battery") << QSize(500, 600);
}

// The annotation table shows at least six rows in a dock-sized panel; an OK line's note names
// its fields; the identification probes, logged before the map was known, are annotated by it.
void TestPanels::frameDetailReadable() {
    QFETCH(QString, model);
    QFETCH(QSize, size);
    Rig rig;
    rig.connectTo(model);
    // Two poll cycles and more, so that the longest block's reply is among the frames.
    QTRY_VERIFY_WITH_TIMEOUT(rig.live.rowCount() > 0 && rig.frames.rowCount() >= 24, kWaitMs);
    rig.framesPanel.resize(size);
    rig.framesPanel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&rig.framesPanel));
    // The frame with the most annotations: the longest reply, whose hex lines took the table's
    // room in a narrow panel.
    QTableWidget *table = rig.framesPanel.annotationTable();
    QTableView *log = rig.framesPanel.view();
    int chosen = -1;
    int most = 0;
    for (int row = 0; row < log->model()->rowCount(); ++row) {
        log->setCurrentIndex(log->model()->index(row, 0));
        if (table->rowCount() > most) {
            most = table->rowCount();
            chosen = row;
        }
    }
    QVERIFY(chosen >= 0);
    log->setCurrentIndex(log->model()->index(chosen, 0));
    QCoreApplication::processEvents();
    QVERIFY(table->rowCount() >= 6);
    const int rowHeight = table->rowHeight(0);
    QVERIFY2(table->viewport()->height() >= 6 * rowHeight,
             qPrintable(QStringLiteral("%1 px for rows of %2 px")
                            .arg(table->viewport()->height())
                            .arg(rowHeight)));
    // No hex line is cut off: what does not fit scrolls.
    const HexView *hex = rig.framesPanel.hexView();
    QVERIFY2(
        hex->height() >= hex->sizeHint().height(),
        qPrintable(QStringLiteral("%1 of %2 px").arg(hex->height()).arg(hex->sizeHint().height())));

    for (int row = 0; row < rig.frames.rowCount(); ++row) {
        const QModelIndex status = rig.frames.index(row, FrameLogModel::StatusColumn);
        if (status.data(FrameLogModel::IsErrorRole).toBool())
            continue;
        const QString note = rig.frames.index(row, FrameLogModel::NoteColumn).data().toString();
        QVERIFY2(!note.isEmpty(), qPrintable(QString::number(row)));
        const FrameRecord *record = rig.frames.record(row);
        if (record->direction != FrameRecord::Direction::Rx)
            continue;
        // Every good reply, the probes included, has its words named by the map.
        const ByteAnnotations annotations = record->annotations();
        QVERIFY2(std::any_of(annotations.cbegin(), annotations.cend(),
                             [](const ByteAnnotation &a) { return !a.key.isEmpty(); }),
                 qPrintable(QStringLiteral("line %1: %2").arg(row).arg(note)));
    }
}

void TestPanels::frameFiltersAndExport() {
    Rig rig;
    rig.connectTo(QStringLiteral("inverter"));
    QTRY_VERIFY_WITH_TIMEOUT(rig.frames.rowCount() >= 6, kWaitMs);
    rig.framesPanel.pauseAction()->setChecked(true);
    const int frozen = rig.frames.rowCount();
    // Frames keep arriving while paused, held back rather than shown or lost.
    QTRY_VERIFY_WITH_TIMEOUT(rig.frames.pendingCount() >= 4, kWaitMs);
    QCOMPARE(rig.frames.rowCount(), frozen);

    FrameLogFilterModel *filter = rig.framesPanel.filterModel();
    filter->setShowRx(false);
    for (int r = 0; r < filter->rowCount(); ++r)
        QCOMPARE(filter->index(r, FrameLogModel::DirectionColumn).data().toString(),
                 QStringLiteral("TX"));
    const int txRows = filter->rowCount();

    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("frames.csv"));
    QVERIFY(rig.framesPanel.exportTo(csv, FramesPanel::ExportFormat::Csv));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines =
        QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), txRows + 1);
    QVERIFY(lines.at(1).contains(QLatin1String(",TX,")));

    const QString text = dir.filePath(QStringLiteral("frames.txt"));
    filter->setShowRx(true);
    QVERIFY(rig.framesPanel.exportTo(text, FramesPanel::ExportFormat::Text));
    QFile textFile(text);
    QVERIFY(textFile.open(QIODevice::ReadOnly | QIODevice::Text));
    QVERIFY(textFile.readAll().contains("CRC"));
    QVERIFY(!rig.framesPanel.exportTo(dir.filePath(QStringLiteral("no/such/dir/x.csv")),
                                      FramesPanel::ExportFormat::Csv));
}

void TestPanels::chartGetsPoints() {
    Rig rig;
    rig.chart.resize(800, 500);
    rig.chart.setChosenFields({QStringLiteral("battery_voltage")});
    rig.chart.setWindowSeconds(60);
    rig.connectTo(QStringLiteral("controller"));
    QTRY_VERIFY_WITH_TIMEOUT(rig.chart.recordedSamples(QStringLiteral("battery_voltage")) >= 3,
                             kWaitMs);
    rig.chart.refresh();
    QVERIFY(rig.chart.seriesPointCount(QStringLiteral("battery_voltage")) >= 3);
    QCOMPARE(rig.chart.seriesPointCount(QStringLiteral("pv_voltage")), -1); // recorded, not plotted
    QVERIFY(rig.chart.recordedSamples(QStringLiteral("pv_voltage")) > 0);

    // One axis per unit: the two voltages share one, the power gets its own, each scaled to its
    // own data (13 V would be a flat line on a 0-400 W axis).
    rig.chart.setChosenFields({QStringLiteral("battery_voltage"), QStringLiteral("pv_voltage"),
                               QStringLiteral("pv_power")});
    QTRY_VERIFY_WITH_TIMEOUT(rig.chart.recordedSamples(QStringLiteral("pv_power")) >= 3, kWaitMs);
    rig.chart.refresh();
    QCOMPARE(rig.chart.valueAxes().size(), 2);
    QValueAxis *volts = rig.chart.valueAxis(QStringLiteral("battery_voltage"));
    QValueAxis *watts = rig.chart.valueAxis(QStringLiteral("pv_power"));
    QVERIFY(volts && watts && volts != watts);
    QCOMPARE(rig.chart.valueAxis(QStringLiteral("pv_voltage")), volts);
    QCOMPARE(volts->titleText(), QStringLiteral("V"));
    QCOMPARE(watts->titleText(), QStringLiteral("W"));
    QVERIFY2(volts->min() >= 0 && volts->max() < 60,
             qPrintable(QStringLiteral("%1..%2").arg(volts->min()).arg(volts->max())));
    QCOMPARE(volts->alignment() == Qt::AlignLeft, watts->alignment() != Qt::AlignLeft);

    // The field list is the legend: each plotted field carries its series' colour, distinct from
    // the others; the rest carry none. Qt's legend is hidden, so the plot keeps the space.
    QVERIFY(!rig.chart.chartView()->chart()->legend()->isVisible());
    QSet<QRgb> colours;
    for (int i = 0; i < rig.chart.fieldList()->count(); ++i) {
        const QListWidgetItem *item = rig.chart.fieldList()->item(i);
        const QString key = item->data(Qt::UserRole).toString();
        const auto colour = item->data(ChartPanel::kSwatchRole).value<QColor>();
        const bool plotted = rig.chart.chosenFields().contains(key);
        QVERIFY2(colour.isValid() == plotted && item->icon().isNull() != plotted, qPrintable(key));
        if (plotted)
            colours.insert(colour.rgb());
    }
    QCOMPARE(colours.size(), 3);

    QSignalSpy chosen(&rig.chart, &ChartPanel::chosenFieldsChanged);
    rig.chart.setChosenFields({});
    rig.chart.refresh();
    QCOMPARE(rig.chart.seriesPointCount(QStringLiteral("battery_voltage")), -1);
    QVERIFY(rig.chart.valueAxes().isEmpty()); // an axis goes with its last series
    QVERIFY(chosen.isEmpty());                // choosing in code is not a user's change
    for (int i = 0; i < rig.chart.fieldList()->count(); ++i)
        QVERIFY(rig.chart.fieldList()->item(i)->icon().isNull());
    // The filter narrows the list to matching fields by label or key; ticked ones stay.
    QListWidget *list = rig.chart.fieldList();
    const auto visible = [list] {
        QStringList out;
        for (int i = 0; i < list->count(); ++i) {
            const QString key = list->item(i)->data(Qt::UserRole).toString();
            if (!list->item(i)->isHidden() && !key.isEmpty()) // a device's heading stays
                out.append(key);
        }
        return out;
    };
    const qsizetype all = visible().size();
    rig.chart.setChosenFields({QStringLiteral("pv_power")});
    rig.chart.fieldFilter()->setText(QStringLiteral("VOLT"));
    const QStringList matching = visible();
    QVERIFY(matching.contains(QStringLiteral("battery_voltage")));
    QVERIFY(matching.contains(QStringLiteral("pv_power"))); // ticked
    QVERIFY2(matching.size() < all, qPrintable(matching.join(QLatin1Char(' '))));
    for (const QString &key : matching)
        QVERIFY2(key.contains(QLatin1String("volt")) || key == QLatin1String("pv_power"),
                 qPrintable(key));
    rig.chart.fieldFilter()->clear();
    QCOMPARE(visible().size(), all);
    rig.chart.setChosenFields({});
    chosen.clear();

    // The fields sit under their device's heading, which is no field to tick.
    const QListWidgetItem *heading = rig.chart.fieldList()->item(0);
    QVERIFY(heading->data(Qt::UserRole).toString().isEmpty());
    QVERIFY2(heading->text().contains(QLatin1String("RNG-CTRL")), qPrintable(heading->text()));
    QVERIFY(!(heading->flags() & Qt::ItemIsUserCheckable));
    QCOMPARE(rig.chart.devices().size(), 1);

    // A tick by the user: one change, though the swatch then changes the item a second time.
    QListWidgetItem *first = rig.chart.fieldList()->item(1);
    first->setCheckState(Qt::Checked);
    QCOMPARE(chosen.size(), 1);
    QVERIFY(!first->icon().isNull());
}

// Six "HH:mm:ss" labels under a narrow plot overlap, and Qt Charts then hides every one of them.
void TestPanels::chartTimeLabelsFit() {
    ChartPanel chart;
    chart.setChosenFields({QStringLiteral("battery_voltage")});
    feedVolts(chart, 1'700'000'000'000, 9);
    chart.resize(1200, 500);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    const auto tickCount = [&chart](int width) {
        chart.resize(width, 500);
        QCoreApplication::processEvents();
        chart.refresh();
        QCoreApplication::processEvents();
        chart.refresh(); // the first may still see the old plot area
        const QList<QAbstractAxis *> axes = chart.chartView()->chart()->axes(Qt::Horizontal);
        return axes.isEmpty() ? -1 : qobject_cast<QDateTimeAxis *>(axes.first())->tickCount();
    };
    QCOMPARE(tickCount(1200), 6);
    const int narrow = tickCount(380);
    QVERIFY2(narrow >= 2 && narrow < 6, qPrintable(QString::number(narrow)));
    const QDateTimeAxis *x =
        qobject_cast<QDateTimeAxis *>(chart.chartView()->chart()->axes(Qt::Horizontal).first());
    const int labelWidth =
        QFontMetrics(x->labelsFont()).horizontalAdvance(x->min().toString(x->format()));
    QVERIFY2(chart.chartView()->chart()->plotArea().width() / (narrow - 1) > labelWidth,
             "neighbouring time labels do not overlap");
}

void TestPanels::chartStartsAtTheFirstSample_data() {
    QTest::addColumn<int>("recordedS");
    QTest::addColumn<int>("expectedSpanS");
    QTest::newRow("a minute into a 10 min window: that minute") << 60 << 60;
    QTest::newRow("two seconds in: the narrowest span") << 2 << 10;
    QTest::newRow("a window and more: the window") << 900 << 600;
}

void TestPanels::chartStartsAtTheFirstSample() {
    QFETCH(int, recordedS);
    QFETCH(int, expectedSpanS);
    ChartPanel chart;
    chart.setWindowSeconds(600);
    chart.setChosenFields({QStringLiteral("battery_voltage")});
    const qint64 t0 = 1'700'000'000'000;
    feedVolts(chart, t0, recordedS);
    chart.refresh();
    const auto *x =
        qobject_cast<QDateTimeAxis *>(chart.chartView()->chart()->axes(Qt::Horizontal).first());
    QCOMPARE(x->max().toMSecsSinceEpoch(), t0 + recordedS * 1000LL);
    QCOMPARE(x->min().msecsTo(x->max()), expectedSpanS * 1000LL);
    QVERIFY(chart.seriesPointCount(QStringLiteral("battery_voltage")) > 1);
}

// A stretch without samples (a link lost, values not read) breaks the line instead of being
// drawn across as if values had been there; a missed cycle or two does not.
void TestPanels::chartBreaksAtGaps_data() {
    QTest::addColumn<int>("gapSeconds");
    QTest::addColumn<int>("runs");
    QTest::newRow("no gap") << 1 << 1;
    QTest::newRow("two cycles missed") << 3 << 1;
    QTest::newRow("link lost for 30 s") << 31 << 2;
}

void TestPanels::chartBreaksAtGaps() {
    QFETCH(int, gapSeconds);
    QFETCH(int, runs);
    ChartPanel chart;
    const QString key = QStringLiteral("battery_voltage");
    chart.setChosenFields({key});
    // A flat line at 13 V: joined across the gap, it would cross the gap's middle.
    const qint64 t0 = 1'700'000'000'000;
    feedVolts(chart, t0, 30, 0.0);
    feedVolts(chart, t0 + (30 + gapSeconds) * 1000LL, 30, 0.0);
    chart.resize(700, 400);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.refresh();
    QCoreApplication::processEvents();
    chart.refresh();
    QCOMPARE(chart.seriesRuns(key), runs);
    QCOMPARE(chart.seriesPointCount(key), 62);
    // The pixel in the middle of the gap, on the line's level, has the line's colour only when
    // the line is joined there.
    const qint64 middle = t0 + 30'000 + gapSeconds * 500LL;
    QChart *c = chart.chartView()->chart();
    QAbstractSeries *series = c->series().constFirst();
    const QPointF at = c->mapToPosition(QPointF(static_cast<double>(middle), 13.0), series);
    const QImage image = chart.chartView()->grab().toImage();
    const QPoint pixel = chart.chartView()->mapFromScene(c->mapToScene(at));
    const QColor line = static_cast<QLineSeries *>(series)->color();
    bool drawn = false;
    for (int dy = -1; dy <= 1; ++dy)
        drawn = drawn || image.pixelColor(pixel + QPoint(0, dy)) == line;
    QCOMPARE(drawn, runs == 1);
}

void TestPanels::chartTicksAreRound_data() {
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<int>("height");
    // The power axis read 423, 312, 201, 91, -20.
    QTest::newRow("inverter power, dock") << -9.0 << 412.0 << 300;
    QTest::newRow("battery volts, tall") << 12.93 << 13.87 << 700;
    QTest::newRow("flat line, short") << 230.0 << 230.0 << 220;
}

// Every value-axis label is a whole number of a round step (1, 2 or 5 x 10^n), with no more
// decimals than the step needs, and the data is inside the axis.
void TestPanels::chartTicksAreRound() {
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(int, height);
    ChartPanel chart;
    chart.setChosenFields({QStringLiteral("ac_output_power")});
    DecodedValue v;
    v.key = QStringLiteral("ac_output_power");
    v.unit = QStringLiteral("W");
    const qint64 t0 = 1'700'000'000'000;
    for (int s = 0; s <= 60; ++s) {
        v.value = lo + (hi - lo) * (s % 7) / 6.0;
        v.timestampMs = t0 + s * 1000LL;
        chart.appendValues({v});
    }
    chart.resize(700, height);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.refresh();
    QCoreApplication::processEvents();
    chart.refresh(); // the first may still see the old plot area
    const QValueAxis *axis = chart.valueAxis(v.key);
    QVERIFY(axis);
    QVERIFY2(axis->min() <= lo && axis->max() >= hi,
             qPrintable(QStringLiteral("%1..%2").arg(axis->min()).arg(axis->max())));
    QVERIFY(axis->tickCount() >= 3);
    const double step = (axis->max() - axis->min()) / (axis->tickCount() - 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(step)));
    const double mantissa = step / magnitude;
    QVERIFY2(std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 ||
                 std::abs(mantissa - 5) < 1e-6,
             qPrintable(QStringLiteral("step %1").arg(step)));
    for (int i = 0; i < axis->tickCount(); ++i) {
        const double tick = axis->min() + i * step;
        QVERIFY2(std::abs(tick / step - std::round(tick / step)) < 1e-6,
                 qPrintable(QStringLiteral("tick %1 of step %2").arg(tick).arg(step)));
    }
    const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
    // As many decimals as the step needs, and the unit on every label.
    QCOMPARE(axis->labelFormat(), QStringLiteral("%.%1f W").arg(decimals));
}

void TestPanels::chartUnitLabelsKeepTheirText_data() {
    QTest::addColumn<QString>("unit");
    QTest::newRow("degrees") << QStringLiteral("°C");
    QTest::newRow("percent") << QStringLiteral("%");
    QTest::newRow("volts") << QStringLiteral("V");
}

// The labels as drawn (the scene's text items), not the format: Qt Charts' printf path turned
// "°C" into mojibake and needed '%' doubled.
void TestPanels::chartUnitLabelsKeepTheirText() {
    QFETCH(QString, unit);
    ChartPanel chart;
    chart.setChosenFields({QStringLiteral("t")});
    DecodedValue v;
    v.key = QStringLiteral("t");
    v.unit = unit;
    const qint64 t0 = 1'700'000'000'000;
    for (int s = 0; s <= 30; ++s) {
        v.value = 20.0 + s % 5;
        v.timestampMs = t0 + s * 1000LL;
        chart.appendValues({v});
    }
    chart.resize(700, 400);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.refresh();
    QCoreApplication::processEvents();
    chart.refresh();
    const auto labels = [&] {
        QStringList out;
        const QList<QGraphicsItem *> items = chart.chartView()->scene()->items();
        for (const QGraphicsItem *item : items) {
            if (const auto *text = dynamic_cast<const QGraphicsTextItem *>(item))
                out.append(text->toPlainText());
        }
        return out;
    };
    static const QRegularExpression number(QStringLiteral("^-?\\d+(\\.\\d+)? "));
    const auto labelled = [&] {
        const QStringList all = labels();
        return std::any_of(all.cbegin(), all.cend(), [&](const QString &l) {
            return l.contains(number) && l.endsWith(QLatin1Char(' ') + unit);
        });
    };
    QTRY_VERIFY2_WITH_TIMEOUT(labelled(), qPrintable(labels().join(QLatin1Char('|'))), 60000);
    for (const QString &l : labels()) {
        QVERIFY2(!l.contains(QChar::ReplacementCharacter) && !l.contains(QStringLiteral("Â")) &&
                     !l.contains(QStringLiteral("%%")),
                 qPrintable(l));
    }
}

void TestPanels::chartTimeLabelsCarryTheDate_data() {
    QTest::addColumn<int>("window");
    QTest::addColumn<bool>("dated");
    QTest::newRow("10 min") << 600 << false;
    QTest::newRow("6 h") << 6 * 3600 << false;
    QTest::newRow("24 h") << 24 * 3600 << true;
}

// In a full 24 h window both ends read the same clock time; the labels then carry the date, so
// the two ends read apart.
void TestPanels::chartTimeLabelsCarryTheDate() {
    QFETCH(int, window);
    QFETCH(bool, dated);
    ChartPanel chart;
    chart.setWindowSeconds(window);
    chart.setChosenFields({QStringLiteral("battery_voltage")});
    DecodedValue v;
    v.key = QStringLiteral("battery_voltage");
    v.unit = QStringLiteral("V");
    const qint64 t0 = 1'700'000'000'000;
    // A sample a minute over a day and a bit: every window is full.
    for (int m = 0; m <= 25 * 60; ++m) {
        v.value = 13.0;
        v.timestampMs = t0 + m * 60'000LL;
        chart.appendValues({v});
    }
    chart.refresh();
    const auto *x =
        qobject_cast<QDateTimeAxis *>(chart.chartView()->chart()->axes(Qt::Horizontal).first());
    QCOMPARE(x->min().msecsTo(x->max()), window * 1000LL);
    const QString first = x->min().toString(x->format());
    const QString last = x->max().toString(x->format());
    QCOMPARE(first != last, true);
    QCOMPARE(x->format().contains(QLatin1String("MMM")), dated);
}

// The read-out names every plotted series' value at the cursor (the nearest sample), set by the
// mouse over the plot or by the arrow keys on the focused plot.
void TestPanels::chartReadoutAtTheCursor() {
    ChartPanel chart;
    chart.setWindowSeconds(60);
    chart.setChosenFields({QStringLiteral("battery_voltage"), QStringLiteral("pv_power")});
    const qint64 t0 = 1'700'000'000'000;
    for (int s = 0; s <= 60; ++s) {
        DecodedValue volts;
        volts.key = QStringLiteral("battery_voltage");
        volts.label = QStringLiteral("Battery voltage");
        volts.unit = QStringLiteral("V");
        volts.decimals = 1;
        volts.value = 12.0 + s / 10.0;
        volts.timestampMs = t0 + s * 1000LL;
        DecodedValue watts = volts;
        watts.key = QStringLiteral("pv_power");
        watts.label = QStringLiteral("PV power");
        watts.unit = QStringLiteral("W");
        watts.decimals = 0;
        watts.value = double(s * 10);
        watts.timestampMs = volts.timestampMs + 200;
        chart.appendValues({volts, watts});
    }
    chart.resize(800, 400);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.refresh();
    QVERIFY(!chart.hasCursor());
    QVERIFY(chart.readout().isEmpty());

    chart.setCursorTime(t0 + 20'400); // nearest: volts at 20 s, watts at 20.2 s
    QStringList lines = chart.readout().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 3);
    QVERIFY2(lines.contains(QStringLiteral("Battery voltage 14.0 V")),
             qPrintable(lines.join(QLatin1Char('|'))));
    QVERIFY2(lines.contains(QStringLiteral("PV power 200 W")),
             qPrintable(lines.join(QLatin1Char('|'))));
    QVERIFY(chart.readoutLabel()->isVisible());

    // The mouse: the middle of the plot is the middle of the plotted minute.
    QChartView *view = chart.chartView();
    const QRectF area = view->chart()->plotArea();
    const QPoint middle = view->mapFromScene(view->chart()->mapToScene(area.center()));
    QTest::mouseMove(view->viewport(), middle);
    QTRY_VERIFY(std::abs(chart.cursorTime() - (t0 + 30'000)) < 1000);
    // Watts were sampled at 0.2 s past each second.
    const auto watts = 10 * qRound(double(chart.cursorTime() - t0 - 200) / 1000);
    QVERIFY2(chart.readout().contains(QStringLiteral("PV power %1 W").arg(watts)),
             qPrintable(chart.readout()));

    // The keyboard: End goes to the newest time, Left steps back, Esc hides.
    view->setFocus();
    QTest::keyClick(view, Qt::Key_End);
    QCOMPARE(chart.cursorTime(), chart.plottedTo());
    QTest::keyClick(view, Qt::Key_Left);
    QVERIFY(chart.cursorTime() < chart.plottedTo());
    QTest::keyClick(view, Qt::Key_Escape);
    QVERIFY(!chart.hasCursor());
    QVERIFY(!chart.readoutLabel()->isVisible());
}

// The CSV holds exactly the plotted range of the plotted fields, one column each with its unit;
// the PNG is the chart as shown; nothing to export or a bad path is refused with a reason.
void TestPanels::chartExportsThePlottedRange() {
    ChartPanel chart;
    chart.setWindowSeconds(60);
    chart.setChosenFields({QStringLiteral("battery_voltage")});
    const qint64 t0 = 1'700'000'000'000;
    feedVolts(chart, t0, 120); // two minutes; the window shows the last one
    DecodedValue amps;
    amps.key = QStringLiteral("battery_current");
    amps.label = QStringLiteral("Battery current");
    amps.unit = QStringLiteral("A");
    amps.value = -1.5;
    amps.timestampMs = t0 + 100'500;
    chart.appendValues({amps});
    chart.resize(600, 400);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.refresh();

    QTemporaryDir dir;
    QString error;
    QVERIFY(!chart.exportCsv(dir.filePath(QStringLiteral("no/such/dir/chart.csv")), &error));
    QVERIFY2(error.contains(QLatin1String("no/such/dir")), qPrintable(error));
    chart.setChosenFields({QStringLiteral("battery_voltage"), QStringLiteral("battery_current")});
    const QString csv = dir.filePath(QStringLiteral("chart.csv"));
    QVERIFY2(chart.exportCsv(csv, &error), qPrintable(error));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines =
        QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.first(), QStringLiteral("time,battery_voltage (V),Battery current (A)"));
    QCOMPARE(lines.size(), 1 + 61 + 1); // 60 s of volts at both ends inclusive, and one current
    QCOMPARE(lines.at(1), QStringLiteral("2023-11-14T22:14:20.000Z,13,"));
    QVERIFY(lines.contains(QStringLiteral("2023-11-14T22:15:00.500Z,,-1.5")));
    QCOMPARE(lines.last(), QStringLiteral("2023-11-14T22:15:20.000Z,13,"));

    const QString png = dir.filePath(QStringLiteral("chart.png"));
    QVERIFY2(chart.exportPng(png, &error), qPrintable(error));
    QImage image(png);
    QCOMPARE(image.size(), chart.chartView()->size() * chart.devicePixelRatioF());

    chart.setChosenFields({});
    QVERIFY(!chart.exportCsv(csv, &error));
    QVERIFY2(error.contains(QLatin1String("tick")), qPrintable(error));
}

// Two devices (the slaves of a capture) each get a section; a field ticked is plotted for both,
// and read apart; a device whose link is down is marked, its history kept.
void TestPanels::chartFieldsGroupedByDevice() {
    ChartPanel chart;
    chart.setChosenFields({QStringLiteral("battery_voltage")});
    const qint64 t0 = 1'700'000'000'000;
    for (const QString &device : {QStringLiteral("Battery 0x30"), QStringLiteral("Battery 0x31")}) {
        DecodedValue volts;
        volts.key = QStringLiteral("battery_voltage");
        volts.label = QStringLiteral("Battery voltage");
        volts.unit = QStringLiteral("V");
        volts.decimals = 1;
        DecodedValue soc = volts;
        soc.key = QStringLiteral("state_of_charge");
        soc.label = QStringLiteral("State of charge");
        soc.unit = QStringLiteral("%");
        for (int s = 0; s < 10; ++s) {
            volts.value = device.endsWith(QLatin1Char('0')) ? 13.0 : 13.5;
            volts.timestampMs = soc.timestampMs = t0 + s * 1000LL;
            soc.value = 80.0;
            chart.appendDeviceValues(device, {volts, soc});
        }
    }
    QCOMPARE(chart.devices(),
             QStringList({QStringLiteral("Battery 0x30"), QStringLiteral("Battery 0x31")}));
    QListWidget *list = chart.fieldList();
    QStringList shown;
    for (int i = 0; i < list->count(); ++i)
        shown.append(list->item(i)->text());
    QCOMPARE(shown,
             QStringList({QStringLiteral("Battery 0x30"), QStringLiteral("Battery voltage (V)"),
                          QStringLiteral("State of charge (%)"), QStringLiteral("Battery 0x31"),
                          QStringLiteral("Battery voltage (V)"),
                          QStringLiteral("State of charge (%)")}));
    chart.refresh();
    int plotted = 0;
    for (int i = 0; i < list->count(); ++i)
        plotted += list->item(i)->data(ChartPanel::kSwatchRole).value<QColor>().isValid();
    QCOMPARE(plotted, 2);
    chart.setCursorTime(t0 + 5000);
    const QString readout = chart.readout();
    QVERIFY2(readout.contains(QLatin1String("Battery 0x30: Battery voltage 13.0 V")) &&
                 readout.contains(QLatin1String("Battery 0x31: Battery voltage 13.5 V")),
             qPrintable(readout));

    // Unticking one unticks the field for both devices (the chosen fields are keys).
    QSignalSpy chosen(&chart, &ChartPanel::chosenFieldsChanged);
    list->item(1)->setCheckState(Qt::Unchecked);
    QCOMPARE(chosen.size(), 1);
    QCOMPARE(list->item(4)->checkState(), Qt::Unchecked);
    QCOMPARE(chart.seriesPointCount(QStringLiteral("battery_voltage")), -1);

    chart.setDeviceConnected(QStringLiteral("Battery 0x31"), false);
    QVERIFY(!chart.isDeviceConnected(QStringLiteral("Battery 0x31")));
    QVERIFY(chart.isDeviceConnected(QStringLiteral("Battery 0x30")));
    QVERIFY2(list->item(3)->text().contains(QLatin1String("disconnected")),
             qPrintable(list->item(3)->text()));
    QVERIFY(list->item(4)->data(Qt::ForegroundRole).isValid());
    QVERIFY(!list->item(1)->data(Qt::ForegroundRole).isValid());
    QCOMPARE(chart.recordedSamples(QStringLiteral("battery_voltage")), 10); // history kept
    // New values from it: connected again.
    DecodedValue volts;
    volts.key = QStringLiteral("battery_voltage");
    volts.value = 13.4;
    volts.timestampMs = t0 + 20'000;
    chart.appendDeviceValues(QStringLiteral("Battery 0x31"), {volts});
    QVERIFY(chart.isDeviceConnected(QStringLiteral("Battery 0x31")));
    QCOMPARE(list->item(3)->text(), QStringLiteral("Battery 0x31"));
}

void TestPanels::registerConsoleReads() {
    Rig rig;
    rig.connectTo(QStringLiteral("inverter"));
    QTRY_VERIFY_WITH_TIMEOUT(rig.connections->session()->map() != nullptr, kWaitMs);
    // Read as it opens: the start follows the device (an inverter has nothing at the
    // controller's 0x0100 and would answer with an exception).
    QCOMPARE(rig.console.startEdit()->text(), QStringLiteral("0x0fa0"));
    rig.console.read();
    QTRY_VERIFY_WITH_TIMEOUT(!rig.console.statusText().startsWith(QLatin1String("Reading")),
                             kWaitMs);
    QVERIFY2(rig.console.statusText().startsWith(QLatin1String("Read 8 registers")),
             qPrintable(rig.console.statusText()));
    // A start someone typed is theirs: the next device does not replace it.
    rig.console.startEdit()->clear();
    QTest::keyClicks(rig.console.startEdit(), QStringLiteral("0x0100"));
    rig.connectTo(QStringLiteral("controller"));
    QTRY_COMPARE_WITH_TIMEOUT(rig.connections->session()->identity().has_value(), true, kWaitMs);
    QCOMPARE(rig.console.startEdit()->text(), QStringLiteral("0x0100"));
    rig.connectTo(QStringLiteral("inverter"));
    QTRY_COMPARE_WITH_TIMEOUT(rig.connections->session()->identity().has_value(), true, kWaitMs);
    rig.console.setRange(4000, 10);
    rig.console.read();
    QTRY_COMPARE_WITH_TIMEOUT(rig.console.table()->rowCount(), 10, kWaitMs);
    QCOMPARE(rig.console.table()->item(0, 0)->text(), QStringLiteral("4000 (0x0fa0)"));
    QVERIFY(rig.console.table()->item(0, 3)->text().contains(QLatin1String("ac_input_voltage")));
    QVERIFY(rig.console.statusText().startsWith(QLatin1String("Read 10 registers")));
}

void TestPanels::pollIntervalControl() {
    LinkHealthPanel panel;
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy changed(&panel, &LinkHealthPanel::pollIntervalChanged);
    panel.setPollInterval(5000);
    NumberField *field = panel.pollIntervalBox();
    QCOMPARE(field->value(), std::optional<double>(5.0));
    QVERIFY(changed.isEmpty()); // showing the setting is not changing it
    field->selectAll();
    QTest::keyClicks(field, QStringLiteral("2.5"));
    QTest::keyClick(field, Qt::Key_Return);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().first().toInt(), 2500);
    // Faster than a BT-2 can answer, or not a number: kept as typed, explained, not applied (a
    // spin box made 0.01 into 0.2 and 99999 into 9999 without a word).
    for (const QString &typed :
         {QStringLiteral("0.01"), QStringLiteral("99999"), QStringLiteral("nan")}) {
        field->selectAll();
        QTest::keyClicks(field, typed);
        QTest::keyClick(field, Qt::Key_Return);
        QCOMPARE(field->text(), typed);
        QVERIFY2(field->error().contains(QLatin1String("from 0.2 to 3600")),
                 qPrintable(field->error()));
    }
    QCOMPARE(changed.size(), 1);
}

void TestPanels::staleValuesMarked() {
    LiveValuesModel model;
    DecodedValue good;
    good.key = QStringLiteral("battery_voltage");
    good.group = QStringLiteral("battery");
    good.value = 14.4;
    good.timestampMs = 1000;
    DecodedValue stale = good;
    stale.key = QStringLiteral("pv_voltage");
    stale.group = QStringLiteral("pv");
    stale.quality = Quality::Stale;
    model.update({good, stale}, 11000);
    QStyleOptionViewItem option;
    QStyleOptionViewItem goodOption;
    struct Probe : LiveValueDelegate {
        using LiveValueDelegate::initStyleOption;
    } probe;
    probe.initStyleOption(&option, model.index(model.rowOfKey(QStringLiteral("pv_voltage")),
                                               LiveValuesModel::ValueColumn));
    probe.initStyleOption(&goodOption,
                          model.index(model.rowOfKey(QStringLiteral("battery_voltage")),
                                      LiveValuesModel::ValueColumn));
    QVERIFY(option.font.italic());
    QVERIFY(!goodOption.font.italic());
    QVERIFY(option.palette.color(QPalette::Text) != goodOption.palette.color(QPalette::Text));
    QCOMPARE(model.index(model.rowOfKey(QStringLiteral("pv_voltage")), LiveValuesModel::AgeColumn)
                 .data()
                 .toString(),
             QStringLiteral("stale, 10 s"));
}

void TestPanels::searchAndCopy() {
    Rig rig;
    rig.connectTo(QStringLiteral("controller"));
    QTRY_VERIFY_WITH_TIMEOUT(rig.live.rowOfKey(QStringLiteral("battery_voltage")) >= 0, kWaitMs);
    rig.livePanel.setSearchText(QStringLiteral("battery_voltage"));
    QTreeView *view = rig.livePanel.view();
    QVERIFY(view->model()->rowCount() >= 2);
    QVERIFY(view->model()->rowCount() < rig.live.rowCount());
    view->selectAll();
    const QString copied = rig.livePanel.selectedText();
    QVERIFY2(copied.contains(QLatin1String("Battery voltage\t")), qPrintable(copied));
    QVERIFY(copied.contains(QLatin1String("\tV\t")));
    rig.livePanel.copyAction()->trigger();
}

// A model name's eight raw words once widened the Raw column until age and quality left the
// panel; now they are elided in the column and whole in its tooltip.
void TestPanels::liveValuesFitTheirPanel() {
    LiveValuesModel model;
    DecodedValue name;
    name.key = QStringLiteral("model");
    name.label = QStringLiteral("Model");
    name.group = QStringLiteral("identity");
    name.value = QStringLiteral("RIV1230RCH-SPS");
    name.raw = {0x2020, 0x5249, 0x5631, 0x3233, 0x3052, 0x4348, 0x2d53, 0x5053};
    name.wordCount = 8;
    name.timestampMs = 1000;
    DecodedValue volts;
    volts.key = QStringLiteral("battery_voltage");
    volts.label = QStringLiteral("Battery voltage");
    volts.group = QStringLiteral("battery");
    volts.unit = QStringLiteral("V");
    volts.value = 14.4;
    volts.decimals = 1;
    volts.raw = {0x0090};
    volts.timestampMs = 1000;
    model.update({name, volts}, 2000);

    LiveValuesPanel panel(&model);
    panel.resize(560, 400);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QCoreApplication::processEvents();
    const QHeaderView *header = panel.view()->header();
    QVERIFY2(header->length() <= panel.view()->viewport()->width(),
             qPrintable(QStringLiteral("%1 > %2")
                            .arg(header->length())
                            .arg(panel.view()->viewport()->width())));
    const int oneWord = panel.view()->fontMetrics().horizontalAdvance(volts.rawHex());
    QVERIFY(header->sectionSize(LiveValuesModel::RawColumn) > oneWord);
    const QString tip =
        model.index(model.rowOfKey(QStringLiteral("model")), LiveValuesModel::RawColumn)
            .data(Qt::ToolTipRole)
            .toString();
    QVERIFY2(tip.contains(name.rawHex()), qPrintable(tip));
}

void TestPanels::liveValuesKeepValueAndUnit_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("width");
    QTest::newRow("battery, narrow") << QStringLiteral("battery") << 300;
    QTest::newRow("battery, default") << QStringLiteral("battery") << 620;
    QTest::newRow("dcc, narrow") << QStringLiteral("dcc") << 320;
    QTest::newRow("dcc, 1366 layout") << QStringLiteral("dcc") << 560;
    QTest::newRow("inverter, narrow") << QStringLiteral("inverter") << 280;
}

// Whatever the width, every value and its unit are whole and in view; the labels give way,
// elided in the middle so that fields sharing a first word still read apart.
void TestPanels::liveValuesKeepValueAndUnit() {
    QFETCH(QString, model);
    QFETCH(int, width);
    Rig rig;
    rig.connectTo(model);
    QTRY_VERIFY_WITH_TIMEOUT(rig.live.rowCount() > 4 &&
                                 rig.live.index(1, LiveValuesModel::ValueColumn).data() !=
                                     QStringLiteral("—"),
                             kWaitMs);
    QTreeView *view = rig.livePanel.view();
    rig.livePanel.resize(width, 500);
    rig.livePanel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&rig.livePanel));
    QCoreApplication::processEvents();
    const QHeaderView *header = view->header();
    const int viewport = view->viewport()->width();
    const QFontMetrics fm(view->font());
    QVERIFY(!header->isSectionHidden(LiveValuesModel::ValueColumn));
    QVERIFY(!header->isSectionHidden(LiveValuesModel::UnitColumn));
    for (int c = 0; c < LiveValuesModel::ColumnCount; ++c) {
        if (!header->isSectionHidden(c))
            QVERIFY2(
                header->sectionViewportPosition(c) + header->sectionSize(c) <= viewport,
                qPrintable(QStringLiteral("column %1 ends at %2, viewport %3")
                               .arg(c)
                               .arg(header->sectionViewportPosition(c) + header->sectionSize(c))
                               .arg(viewport)));
    }
    QHash<QString, QString> shownAs; // elided label -> full label
    const int textMargins =
        2 * (view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + 1);
    for (int row = 0; row < view->model()->rowCount(); ++row) {
        const QModelIndex field = view->model()->index(row, LiveValuesModel::FieldColumn);
        if (field.data(LiveValuesModel::IsGroupRole).toBool())
            continue;
        for (int c : {int(LiveValuesModel::ValueColumn), int(LiveValuesModel::UnitColumn)}) {
            const QModelIndex index = view->model()->index(row, c);
            const QString text = index.data().toString();
            if (c == LiveValuesModel::ValueColumn &&
                !index.data(LiveValuesModel::NumericRole).isValid())
                continue; // a long text (a fault list) may give way; its tooltip has it whole
            QVERIFY2(
                header->sectionSize(c) > fm.horizontalAdvance(text),
                qPrintable(QStringLiteral("%1 in %2 px").arg(text).arg(header->sectionSize(c))));
        }
        const QString label = field.data().toString();
        const QString elided =
            fm.elidedText(label, view->textElideMode(),
                          header->sectionSize(LiveValuesModel::FieldColumn) - textMargins);
        QVERIFY2(!shownAs.contains(elided) || shownAs.value(elided) == label,
                 qPrintable(QStringLiteral("'%1' and '%2' both read '%3'")
                                .arg(label, shownAs.value(elided), elided)));
        shownAs.insert(elided, label);
    }
}

void TestPanels::defaultLayoutGivesValuesTheRoom_data() {
    QTest::addColumn<QSize>("size");
    QTest::addColumn<int>("minValuesPercent");
    QTest::newRow("1024x700") << QSize(1024, 700) << 50;
    QTest::newRow("1366x768") << QSize(1366, 768) << 40;
    QTest::newRow("1600x1000") << QSize(1600, 1000) << 40;
}

// On a first start the values are the widest thing in the window (they were ~130 px at 1024).
void TestPanels::defaultLayoutGivesValuesTheRoom() {
    QFETCH(QSize, size);
    QFETCH(int, minValuesPercent);
    Window w;
    w.window.resize(size);
    w.window.showWithLayout({}, {});
    QVERIFY(QTest::qWaitForWindowExposed(&w.window));
    QCoreApplication::processEvents();
    const int values = w.window.centralWidget()->width();
    QVERIFY2(values * 100 >= w.window.width() * minValuesPercent,
             qPrintable(QStringLiteral("values %1 of %2 px").arg(values).arg(w.window.width())));
    for (const char *name : {"devicesDock", "chartDock"}) {
        QDockWidget *dock = w.window.dock(QLatin1String(name));
        const Qt::DockWidgetArea area = w.window.dockWidgetArea(dock);
        if (area == Qt::LeftDockWidgetArea || area == Qt::RightDockWidgetArea) // beside the values
            QVERIFY2(values > dock->width(), qPrintable(QStringLiteral("%1: %2 px, values %3 px")
                                                            .arg(QLatin1String(name))
                                                            .arg(dock->width())
                                                            .arg(values)));
    }
    QVERIFY2(w.window.centralWidget()->height() >= w.window.height() / 3,
             qPrintable(QString::number(w.window.centralWidget()->height())));
}

void TestPanels::linkHealthNotClipped_data() {
    // The dock in the default layout, in average characters and lines of the font (measured on
    // the Xvfb screenshots: the offscreen platform's smaller font leaves more room in pixels).
    QTest::addColumn<int>("columns");
    QTest::addColumn<int>("lines");
    QTest::newRow("1024x700") << 38 << 16;
    QTest::newRow("1366x768") << 42 << 19;
    QTest::newRow("a tall dock") << 42 << 40;
}

// Every Link health value is shown whole, every wrapped line of it: in the 1024x700 layout the
// form squeezed its rows and cut "polling (5 blocks per cycle)" to its first line. Rows that do
// not fit the dock's height scroll.
void TestPanels::linkHealthNotClipped() {
    QFETCH(int, columns);
    QFETCH(int, lines);
    LinkHealthPanel link;
    link.showState(DeviceSession::State::Polling, QStringLiteral("5 blocks per cycle"));
    DeviceIdentity identity;
    identity.family = Family::Inverter;
    identity.model = QStringLiteral("RIV1230RCH-SPS");
    identity.slave = 0x20;
    link.showIdentity(identity);
    LinkStatistics stats;
    stats.requests = 44;
    stats.lastRoundTripMs = 66;
    stats.meanRoundTripMs = 47;
    stats.successRate = 1.0;
    stats.cycles = 7;
    stats.lastCycleMs = 279;
    link.showStatistics(stats);
    const QFontMetrics fm(link.font());
    link.resize(fm.averageCharWidth() * columns, fm.lineSpacing() * lines);
    link.show();
    QVERIFY(QTest::qWaitForWindowExposed(&link));
    QCoreApplication::processEvents();
    for (const char *name : {"state", "device", "rtt", "success", "cycle", "rssi"}) {
        const auto *value = link.findChild<QLabel *>(QLatin1String(name));
        QVERIFY2(value, name);
        QVERIFY2(value->height() >= value->heightForWidth(value->width()),
                 qPrintable(QStringLiteral("%1: '%2' needs %3 px at %4 px wide, has %5")
                                .arg(QLatin1String(name), value->text())
                                .arg(value->heightForWidth(value->width()))
                                .arg(value->width())
                                .arg(value->height())));
    }
}

void TestPanels::backgroundWorkInStatusBar_data() {
    QTest::addColumn<int>("state"); // SessionPublisher::State
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("shows"); // empty: nothing shown
    QTest::newRow("stopped") << int(SessionPublisher::State::Stopped) << QString() << QString();
    QTest::newRow("publishing") << int(SessionPublisher::State::Publishing) << QString()
                                << QStringLiteral("publishing");
    QTest::newRow("broker lost") << int(SessionPublisher::State::Connecting)
                                 << QStringLiteral("connection to the broker lost")
                                 << QStringLiteral("broker lost");
}

// Publishing and recording show in the status bar as they change; the publishing state opens
// the publish dialog when clicked.
void TestPanels::backgroundWorkInStatusBar() {
    QFETCH(int, state);
    QFETCH(QString, message);
    QFETCH(QString, shows);
    Window w;
    SessionPublisher publisher;
    w.window.setPublisher(&publisher);
    w.window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w.window));
    Q_EMIT publisher.stateChanged(static_cast<SessionPublisher::State>(state), message);
    QToolButton *status = w.window.publishingStatus();
    QCOMPARE(status->isVisible(), !shows.isEmpty());
    if (!shows.isEmpty()) {
        QVERIFY2(status->text().contains(shows), qPrintable(status->text()));
        QSignalSpy opened(w.publish, &QAction::triggered);
        status->click();
        QCOMPARE(opened.size(), 1);
    }
    // As in main.cpp.
    QObject::connect(&w.captures, &CaptureController::recordingChanged, &w.window,
                     [&w](bool on) { w.window.setRecording(on, w.captures.recordingPath()); });
    QVERIFY(!w.window.recordingStatus()->isVisible());
    QTemporaryDir dir;
    for (const bool fromStatusBar : {false, true}) {
        const QString path = dir.filePath(QStringLiteral("session%1.btsnoop").arg(fromStatusBar));
        QVERIFY(w.captures.startRecording(path));
        QToolButton *recording = w.window.recordingStatus();
        QVERIFY(recording->isVisible());
        // The indicator leads to the recording: its menu stops it and shows where it goes.
        QVERIFY(recording->menu());
        QVERIFY(recording->menu()->actions().contains(w.window.stopRecordingAction()));
        QVERIFY(recording->menu()->actions().contains(w.window.showRecordingAction()));
        QVERIFY(w.window.showRecordingAction()->isEnabled());
        QCOMPARE(w.window.showRecordingAction()->toolTip(), QDir::toNativeSeparators(path));
        QVERIFY2(recording->toolTip().contains(QDir::toNativeSeparators(path)),
                 qPrintable(recording->toolTip()));
        if (fromStatusBar)
            w.window.stopRecordingAction()->trigger();
        else
            w.captures.stopRecording();
        QVERIFY(!w.captures.isRecording());
        QVERIFY(!w.window.recordingStatus()->isVisible());
        QVERIFY(!w.window.showRecordingAction()->isEnabled());
    }
}

void TestPanels::simulatedDeviceMarked_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("simulated");
    QTest::newRow("simulated inverter") << QStringLiteral("BTRIC-SIM-INV") << true;
    QTest::newRow("real inverter") << QStringLiteral("BTRIC134000035") << false;
}

// Simulated data never passes for real: title, a banner over the values and the status bar.
void TestPanels::simulatedDeviceMarked() {
    QFETCH(QString, name);
    QFETCH(bool, simulated);
    Window w;
    w.window.showDevice(QStringLiteral("earlier device"), !simulated); // nothing carries over
    w.window.showDevice(name, simulated);
    w.window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w.window));
    QVERIFY(w.window.windowTitle().contains(name));
    QCOMPARE(w.window.windowTitle().contains(QLatin1String("SIMULATED")), simulated);
    QCOMPARE(w.window.simulatedBanner()->isVisible(), simulated);
    QCOMPARE(w.window.isShowingSimulated(), simulated);
    bool inStatusBar = false;
    for (const QLabel *label : w.window.statusBar()->findChildren<QLabel *>())
        inStatusBar |= label->isVisible() && label->text() == QLatin1String("SIMULATED");
    QCOMPARE(inStatusBar, simulated);
    if (simulated)
        QVERIFY(w.window.simulatedBanner()->text().contains(QLatin1String("simulator")));
}

void TestPanels::mainWindowShortcuts_data() {
    QTest::addColumn<QString>("action");
    QTest::addColumn<QKeySequence>("keys");
    QTest::newRow("scan") << QStringLiteral("scan") << QKeySequence(Qt::Key_F5);
    QTest::newRow("connect") << QStringLiteral("connect")
                             << QKeySequence(Qt::CTRL | Qt::Key_Return);
    QTest::newRow("search") << QStringLiteral("find") << QKeySequence(QKeySequence::Find);
    QTest::newRow("quit") << QStringLiteral("quit") << QKeySequence(Qt::CTRL | Qt::Key_Q);
    QTest::newRow("open capture") << QStringLiteral("open capture")
                                  << QKeySequence(Qt::CTRL | Qt::Key_O);
    QTest::newRow("frames panel") << QStringLiteral("framesDock")
                                  << QKeySequence(Qt::ALT | Qt::Key_4);
    QTest::newRow("settings panel")
        << QStringLiteral("settingsDock") << QKeySequence(Qt::ALT | Qt::Key_6);
}

void TestPanels::mainWindowShortcuts() {
    QFETCH(QString, action);
    QFETCH(QKeySequence, keys);
    Window w;
    const MainWindow &window = w.window;
    const MainWindow::Panels &p = window.panels();
    QAction *a = nullptr;
    if (action == QLatin1String("scan"))
        a = p.devices->scanAction();
    else if (action == QLatin1String("connect"))
        a = p.devices->connectAction();
    else if (action == QLatin1String("find"))
        a = p.liveValues->findAction();
    else if (action == QLatin1String("quit"))
        a = window.quitAction();
    else if (action == QLatin1String("open capture"))
        a = w.captures.openAction();
    else
        a = window.focusAction(action);
    QVERIFY(a);
    QCOMPARE(a->shortcut(), keys);
    for (const char *dock : {"devicesDock", "linkHealthDock", "chartDock", "framesDock",
                             "registersDock", "settingsDock"})
        QVERIFY2(window.dock(QLatin1String(dock)), dock);
    QVERIFY(window.centralWidget()->isAncestorOf(p.liveValues));
}

void TestPanels::panelShortcutsRaiseAndFocus_data() {
    QTest::addColumn<int>("digit");
    QTest::addColumn<QString>("dock");
    const char *docks[] = {"devicesDock", "linkHealthDock", "chartDock",
                           "framesDock",  "registersDock",  "settingsDock"};
    for (int digit = 1; digit <= 6; ++digit)
        QTest::newRow(docks[digit - 1]) << digit << QString::fromLatin1(docks[digit - 1]);
}

// Alt+digit brings its panel forward and gives it the keyboard, pressed once or twice: as the
// dock's toggle it hid a panel that was in view, and left a tabbed one behind its siblings.
void TestPanels::panelShortcutsRaiseAndFocus() {
    QFETCH(int, digit);
    QFETCH(QString, dock);
    Window w;
    w.window.showWithLayout({}, {});
    QVERIFY(QTest::qWaitForWindowExposed(&w.window));
    QApplication::setActiveWindow(&w.window);
    QDockWidget *target = w.window.dock(dock);
    for (int press = 0; press < 2; ++press) {
        QTest::keySequence(&w.window,
                           QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_0 + digit)));
        QCoreApplication::processEvents();
        QVERIFY2(target->isVisible(), qPrintable(QStringLiteral("press %1").arg(press + 1)));
        QVERIFY(!target->visibleRegion().isEmpty()); // raised, not behind a tab sibling
        QWidget *focus = QApplication::focusWidget();
        QVERIFY2(focus && target->isAncestorOf(focus),
                 focus ? focus->metaObject()->className() : "no focus");
    }
}

// The dock sizes of one run come back in the next; before they were restored ahead of show(),
// Qt 6 gave every second start other sizes (and saved those).
void TestPanels::layoutSurvivesARestart() {
    QByteArray geometry;
    QByteArray state;
    QMap<QString, QSize> first;
    {
        Window w;
        w.window.showWithLayout({}, {}); // first start: the default layout
        QVERIFY(QTest::qWaitForWindowExposed(&w.window));
        QCoreApplication::processEvents();
        first = w.dockSizes();
        geometry = w.window.saveGeometry();
        state = w.window.saveState();
    }
    QVERIFY(first.contains(QStringLiteral("devicesDock")));
    Window again;
    again.window.showWithLayout(geometry, state);
    QVERIFY(QTest::qWaitForWindowExposed(&again.window));
    QCoreApplication::processEvents();
    const QMap<QString, QSize> second = again.dockSizes();

    for (auto it = first.cbegin(); it != first.cend(); ++it) {
        QVERIFY2(second.contains(it.key()), qPrintable(it.key()));
        const QSize b = second.value(it.key());
        QVERIFY2(std::abs(b.width() - it->width()) <= 2 && std::abs(b.height() - it->height()) <= 2,
                 qPrintable(QStringLiteral("%1: %2x%3, then %4x%5")
                                .arg(it.key())
                                .arg(it->width())
                                .arg(it->height())
                                .arg(b.width())
                                .arg(b.height())));
    }
}

void TestPanels::nothingLeaksToTheNextSource_data() {
    QTest::addColumn<QString>("next"); // a simulated model, or empty to disconnect
    QTest::newRow("another device") << QStringLiteral("battery");
    QTest::newRow("disconnect") << QString();
}

// Frames, chart fields and register words of one device never show under the next, nor after
// a disconnect: each panel starts empty and says what it waits for or what to do.
void TestPanels::nothingLeaksToTheNextSource() {
    QFETCH(QString, next);
    Rig rig;
    rig.connectTo(QStringLiteral("controller"));
    QTRY_VERIFY_WITH_TIMEOUT(rig.chart.fieldList()->count() > 0 && rig.frames.rowCount() > 0 &&
                                 rig.connections->session()->map(),
                             kWaitMs);
    rig.console.setRange(0x0100, 4);
    rig.console.read();
    QTRY_VERIFY2_WITH_TIMEOUT(rig.console.table()->rowCount() > 0,
                              qPrintable(rig.console.statusText()), kWaitMs);

    if (next.isEmpty())
        rig.connections->disconnectDevice();
    else
        rig.connectTo(next);
    QCOMPARE(rig.frames.rowCount(), 0);
    QCOMPARE(rig.chart.fieldList()->count(), 0);
    QCOMPARE(rig.console.table()->rowCount(), 0);
    QCOMPARE(rig.live.rowCount(), 0);
    for (QWidget *panel : std::initializer_list<QWidget *>{&rig.framesPanel, &rig.chart,
                                                           &rig.console, &rig.livePanel}) {
        const auto *hint = panel->findChild<QLabel *>(QString(), Qt::FindChildrenRecursively);
        QVERIFY(hint);
        bool shown = false;
        for (const QLabel *label : panel->findChildren<QLabel *>()) {
            if (label->inherits("blupow::EmptyHint") && !label->isHidden()) {
                shown = true;
                QVERIFY2(next.isEmpty() == label->text().contains(QLatin1String("Not connected")),
                         qPrintable(label->text()));
            }
        }
        QVERIFY2(shown, panel->metaObject()->className());
    }
}

void TestPanels::settingsPanelListsWritableFields_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("allowedHas");
    QTest::addColumn<bool>("loadSwitch");
    QTest::newRow("controller") << "controller"
                                << "float_voltage"
                                << "to" << true;
    QTest::newRow("inverter") << "inverter"
                              << "output_priority"
                              << "(SBU)" << false;
    QTest::newRow("dcc") << "dcc"
                         << "charging_current_limit"
                         << "to" << false;
}

void TestPanels::settingsPanelListsWritableFields() {
    QFETCH(QString, model);
    QFETCH(QString, key);
    QFETCH(QString, allowedHas);
    QFETCH(bool, loadSwitch);
    Rig rig;
    rig.connectTo(model);
    QTRY_VERIFY_WITH_TIMEOUT(!rig.settings.currentText(key).isEmpty() &&
                                 rig.settings.currentText(key) != QLatin1String("…"),
                             kWaitMs);
    const RegisterMap *map = rig.connections->session()->map();
    QStringList writable;
    for (const FieldDef &f : map->fields()) {
        if (f.writable)
            writable.append(f.key);
    }
    QCOMPARE(rig.settings.keys(), writable); // only writable fields, every one of them
    const int row = rig.settings.rowOf(key);
    QVERIFY(
        rig.settings.table()->item(row, SettingsPanel::AllowedColumn)->text().contains(allowedHas));
    QCOMPARE(rig.settings.hasLoadSwitch(), loadSwitch);
    // Locked at first: nothing can be typed in.
    QVERIFY(rig.settings.isLocked());
    QVERIFY(!rig.settings.table()->cellWidget(row, SettingsPanel::NewColumn)->isEnabled());
    QVERIFY(!rig.settings.setNewValue(key, 1));
    QVERIFY(rig.settings.changedKeys().isEmpty());
}

void TestPanels::settingsPanelWritesAfterConfirmation_data() {
    QTest::addColumn<bool>("confirm");
    QTest::newRow("confirmed") << true;
    QTest::newRow("declined") << false;
}

void TestPanels::settingsPanelWritesAfterConfirmation() {
    QFETCH(bool, confirm);
    Rig rig;
    rig.answer = confirm;
    rig.connectTo(QStringLiteral("controller"));
    const QString key = QStringLiteral("float_voltage");
    QTRY_COMPARE_WITH_TIMEOUT(rig.settings.currentText(key), QStringLiteral("13.6 V"), kWaitMs);
    QVERIFY(!rig.settings.setNewValue(key, 14.1)); // locked
    rig.settings.setLocked(false);
    QVERIFY(!rig.settings.setNewValue(key, 17.5)); // outside the documented range
    QVERIFY(rig.settings.setNewValue(key, 14.1));
    QCOMPARE(rig.settings.changedKeys(), QStringList{key});
    QSignalSpy done(rig.settings.writeFlow(), &WriteFlow::finished);
    rig.settings.apply();
    QVERIFY(done.wait(kWaitMs));
    QCOMPARE(rig.asked.size(), 1);
    // The person saw the exact frame and the change before anything was sent.
    QVERIFY2(rig.asked.first().contains(QLatin1String("13.6 V [0x0088] -> 14.1 V [0x008d]")),
             qPrintable(rig.asked.first()));
    QVERIFY2(rig.asked.first().contains(QLatin1String("frame: 01 06 e0 09 00 8d ae 6d")),
             qPrintable(rig.asked.first()));
    QCOMPARE(done.first().at(0).toBool(), confirm);
    // After any write, declined or not, the panel shows what the device holds, read anew.
    QTRY_VERIFY_WITH_TIMEOUT(rig.settings.statusText().contains(QLatin1String("read at")), kWaitMs);
    QCOMPARE(rig.settings.currentText(key),
             confirm ? QStringLiteral("14.1 V") : QStringLiteral("13.6 V"));
    QVERIFY2(rig.settings.statusText().startsWith(confirm ? QLatin1String("Done")
                                                          : QLatin1String("Not done")),
             qPrintable(rig.settings.statusText()));
    // Written: the editor shows the device's new value. Declined: the edit is still there.
    QCOMPARE(rig.settings.changedKeys(), confirm ? QStringList{} : QStringList{key});
    QCOMPARE(rig.settings.editorText(key), QStringLiteral("14.1"));
}

void TestPanels::settingsPanelLoadSwitch() {
    Rig rig;
    rig.connectTo(QStringLiteral("controller"));
    QTRY_VERIFY_WITH_TIMEOUT(
        rig.settings.hasLoadSwitch() &&
            !rig.settings.currentText(QStringLiteral("float_voltage")).isEmpty(),
        kWaitMs);
    rig.settings.switchLoad(false); // locked: ignored
    QVERIFY(rig.asked.isEmpty());
    rig.settings.setLocked(false);
    for (bool on : {false, true}) {
        QSignalSpy done(rig.settings.writeFlow(), &WriteFlow::finished);
        rig.settings.switchLoad(on);
        QVERIFY(done.wait(kWaitMs));
        QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
        QVERIFY(rig.asked.last().contains(QLatin1String("load output")));
        QVERIFY2(rig.settings.statusText().contains(QLatin1String("verified")),
                 qPrintable(rig.settings.statusText()));
    }
}

void TestPanels::expertModeRawWrite() {
    Rig rig;
    rig.connectTo(QStringLiteral("controller"));
    QTRY_VERIFY_WITH_TIMEOUT(rig.connections->session()->map() != nullptr, kWaitMs);
    // Off by default; declining the warning leaves it off.
    QVERIFY(!rig.console.isExpertMode());
    QVERIFY(!rig.console.wordsEdit()->isVisibleTo(&rig.console));
    rig.answer = false;
    rig.console.setExpertMode(true);
    QCOMPARE(rig.asked.size(), 1);
    QVERIFY(rig.asked.first().contains(QLatin1String("damage a battery")));
    QVERIFY(!rig.console.isExpertMode());
    rig.answer = true;
    rig.console.setExpertMode(true);
    QVERIFY(rig.console.isExpertMode());
    QVERIFY(rig.console.wordsEdit()->isVisibleTo(&rig.console));

    // A raw word at the start register: previewed, confirmed, read back, then shown.
    rig.console.setRange(0xE009, 1);
    rig.console.wordsEdit()->setText(QStringLiteral("0x008D"));
    QSignalSpy done(rig.console.writeFlow(), &WriteFlow::finished);
    rig.console.writeRaw();
    QVERIFY(done.wait(kWaitMs));
    QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
    QVERIFY(rig.asked.last().contains(QLatin1String("raw register 0xE009")));
    QTRY_COMPARE_WITH_TIMEOUT(rig.console.table()->rowCount(), 1, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(rig.console.table()->item(0, 2)->text(), QStringLiteral("0x008d"),
                              kWaitMs);
    QVERIFY2(rig.console.statusText().startsWith(QLatin1String("Written and read back")),
             qPrintable(rig.console.statusText()));

    // Still refused, before anything is sent: bad words, and the policy's registers.
    const int asked = static_cast<int>(rig.asked.size());
    rig.console.wordsEdit()->setText(QStringLiteral("70000"));
    rig.console.writeRaw();
    QVERIFY(rig.console.statusText().contains(QLatin1String("0..65535")));
    QCOMPARE(RegisterConsole::parseWords(QStringLiteral("0x10, 20 0x0a")),
             std::optional<QList<quint16>>(QList<quint16>{16, 20, 10}));

    // A new connection turns expert mode off again.
    rig.connectTo(QStringLiteral("inverter"));
    QTRY_VERIFY_WITH_TIMEOUT(!rig.console.isExpertMode(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(
        rig.connections->session() && rig.connections->session()->map() != nullptr, kWaitMs);
    rig.console.setExpertMode(true);
    rig.console.setRange(4417, 1);
    rig.console.wordsEdit()->setText(QStringLiteral("1"));
    rig.console.writeRaw();
    QVERIFY2(rig.console.statusText().contains(QLatin1String("never written")),
             qPrintable(rig.console.statusText()));
    QCOMPARE(rig.asked.size(), asked + 1); // only the expert-mode warning, no write preview
}

void TestPanels::openCaptureRejects_data() {
    QTest::addColumn<QByteArray>("content"); // empty: no file at all
    QTest::addColumn<bool>("create");
    QTest::newRow("missing file") << QByteArray() << false;
    QTest::newRow("empty file") << QByteArray() << true;
    QTest::newRow("not a btsnoop file") << QByteArray("hello, not a capture\n") << true;
}

void TestPanels::openCaptureRejects() {
    QFETCH(QByteArray, content);
    QFETCH(bool, create);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.btsnoop"));
    if (create) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }
    Rig rig;
    rig.connectTo(QStringLiteral("battery"));
    DeviceSession *live = rig.connections->session();
    CaptureController captures(rig.connections.get(), rig.maps);
    QSignalSpy errors(&captures, &CaptureController::errorOccurred);
    QSignalSpy opened(&captures, &CaptureController::captureOpened);
    QVERIFY(captures.openCapture(path));
    QVERIFY(!captures.openCapture(path)); // one import at a time
    QCOMPARE(errors.size(), 1);
    QVERIFY(errors.first().first().toString().contains(QLatin1String("still importing")));
    errors.clear();
    QTRY_VERIFY_WITH_TIMEOUT(!captures.isImporting(), kWaitMs);
    QCOMPARE(errors.size(), 1);
    QVERIFY(opened.isEmpty());
    const QString message = errors.first().first().toString();
    QVERIFY(message.contains(QLatin1String("bad.btsnoop")));
    QVERIFY(!message.contains(QLatin1Char('\n')));
    // The connection that was active stays.
    QCOMPARE(rig.connections->session(), live);
}

QTEST_MAIN(TestPanels)
#include "tst_panels.moc"
