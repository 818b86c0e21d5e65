// The System overview offscreen over the simulated system behind one dongle (docs/system.md):
// the tiles show the numbers summarizeSystem gives, the bank table marks the weak pack in text
// as well as colour, an active alarm is in red with its meaning, an absent part says so, and
// the main window brings the panel forward without taking the keyboard.
// BLUPOW_SYSTEM_SCREENSHOT=FILE saves the panel (docs/system.png).
#include "../simtesthelpers.h"
#include "alarms/alarmtracker.h"
#include "capturecontroller.h"
#include "chartpanel.h"
#include "device/devicesession.h"
#include "devicespanel.h"
#include "framespanel.h"
#include "linkhealthpanel.h"
#include "livevaluespanel.h"
#include "mainwindow.h"
#include "models/banktablemodel.h"
#include "models/devicelistmodel.h"
#include "models/framelogmodel.h"
#include "models/livevaluesmodel.h"
#include "registerconsole.h"
#include "registers/registerdecoder.h"
#include "sim/simulateddevices.h"
#include "systemoverviewpanel.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QTabBar>
#include <QTableView>
#include <QTest>

using namespace blupow;
using namespace Qt::StringLiterals;

namespace {

struct Rig {
    std::unique_ptr<SimulatedTransport> transport;
    std::unique_ptr<DeviceSession> session;

    bool create(const QString &model) {
        transport = SimulatedDevices::makeTransport(model, testing::builtInMaps());
        if (!transport)
            return false;
        transport->setLatency(SimulatedTransport::Latency::fast());
        DeviceSession::Options o;
        o.pollIntervalMs = 100;
        o.requestTimeoutMs = testing::kNeverRacedTimeoutMs;
        o.probeTimeoutMs = 300; // the empty slave ids of the probe pass answer nothing
        session = std::make_unique<DeviceSession>(transport.get(), testing::builtInMaps(), o);
        return true;
    }

    // Polling, and every slave read at least once.
    bool poll() {
        int cycles = 0;
        QObject::connect(session.get(), &DeviceSession::slaveValuesUpdated, transport.get(),
                         [&cycles](const DeviceIdentity &, const DecodedValues &) { ++cycles; });
        session->start();
        const bool ok = QTest::qWaitFor(
            [&] {
                const auto slaves = session->slaves();
                return !slaves.isEmpty() && cycles >= 2 * slaves.size() &&
                       std::all_of(slaves.cbegin(), slaves.cend(), [this](const auto &s) {
                           return session->isSlaveOnline(s.slave);
                       });
            },
            60000);
        QObject::disconnect(session.get(), &DeviceSession::slaveValuesUpdated, transport.get(),
                            nullptr);
        return ok;
    }
};

QString watts(const std::optional<double> &w) {
    return w ? QStringLiteral("%1 W").arg(*w, 0, 'f', 0) : u"— W"_s;
}

} // namespace

class TestSystemOverview : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void wholeSystem();
    void oneControllerAlone();
    void windowBringsItForward();
};

void TestSystemOverview::wholeSystem() {
    Rig rig;
    QVERIFY(rig.create(u"system"_s));
    QVERIFY(rig.poll());
    AlarmTracker alarms;
    SystemOverviewPanel panel(&alarms);
    QAbstractItemModelTester tester(panel.bankModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    panel.resize(1280, 640);
    panel.show();
    panel.setSession(rig.session.get());
    const SystemSummary &s = panel.summary();
    QCOMPARE(s.controllers, 1);
    QCOMPARE(s.inverters, 1);
    QCOMPARE(s.batteries.size(), 4);
    // The big numbers are the summary's, as it is drawn.
    QVERIFY(s.bankSoc);
    QCOMPARE(panel.tileValue(u"bank"_s)->text(), QStringLiteral("%1 %").arg(*s.bankSoc, 0, 'f', 0));
    QCOMPARE(panel.tileValue(u"pv"_s)->text(), watts(s.pvPower));
    QCOMPARE(panel.tileValue(u"loads"_s)->text(), watts(s.acLoadPower));
    QVERIFY(panel.flow(u"charge"_s)->text().endsWith(watts(s.chargePower)));
    QVERIFY(panel.tileValue(u"loads"_s)->font().pointSizeF() >
            2 * panel.font().pointSizeF()); // readable across the room
    QCOMPARE(panel.alarmsLabel()->text(), u"No active alarm."_s);

    // The weak pack at 0x33 is marked in its text, not by colour alone.
    const BankTableModel *bank = panel.bankModel();
    QCOMPARE(bank->rowCount(), 4);
    QVERIFY(panel.bankTable()->isVisible());
    const QString weakSoc = bank->index(3, BankTableModel::Soc).data().toString();
    QVERIFY2(weakSoc.startsWith(u"⚠ "), qPrintable(weakSoc));
    QVERIFY(bank->index(3, BankTableModel::Soc).data(BankTableModel::OutlierRole).toBool());
    QVERIFY(bank->index(3, BankTableModel::Spread).data().toString().startsWith(u"⚠ 0.200"));
    QVERIFY(!bank->index(0, BankTableModel::Soc).data().toString().contains(u"⚠"));
    QVERIFY(bank->index(3, BankTableModel::Battery).data().toString().startsWith(u"0x33"));
    QVERIFY(bank->index(3, BankTableModel::Battery)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(u"cells 0.200 V apart"));

    // An alarm of one pack: in red, with its meaning, until it clears.
    const RegisterMap *map = testing::builtInMaps().find(Family::Battery);
    const FieldDef *status = map->field(u"status_1");
    QVERIFY(status && !status->alarms.isEmpty());
    const AlarmCondition &condition = status->alarms.first();
    const DecodedValue word =
        RegisterDecoder::decodeField(*status, {quint16(1u << condition.bit)}, 1);
    alarms.update(s.batteries.at(3).id, s.batteries.at(3).title, map->fields(), {word},
                  QDateTime::currentDateTime());
    QVERIFY2(panel.alarmsLabel()->text().contains(condition.meaning),
             qPrintable(panel.alarmsLabel()->text()));
    QVERIFY(panel.alarmsLabel()->text().startsWith(u"⚠ "));
    QVERIFY(panel.alarmsLabel()->styleSheet().contains(u"#b00020"));

    if (const QByteArray file = qgetenv("BLUPOW_SYSTEM_SCREENSHOT"); !file.isEmpty()) {
        QTest::qWait(300); // the chart's scene is drawn from the event loop
        QVERIFY(panel.grab().save(QString::fromLocal8Bit(file)));
        qInfo() << "wrote" << file;
    }
    rig.session->stop();
}

void TestSystemOverview::oneControllerAlone() {
    Rig rig;
    QVERIFY(rig.create(u"controller"_s));
    QVERIFY(rig.poll());
    SystemOverviewPanel panel(nullptr);
    panel.show();
    panel.setSession(rig.session.get());
    QCOMPARE(panel.tileValue(u"inverter"_s)->text(), u"—"_s);
    QCOMPARE(panel.findChild<QLabel *>(u"inverterDetail"_s)->text(), u"not connected"_s);
    QCOMPARE(panel.flow(u"loads"_s)->text(), u"→\n— W"_s); // never "0 W"
    // The bank as the controller reads it; no battery to list.
    QVERIFY(panel.summary().bankVoltage);
    QVERIFY(panel.tileValue(u"bank"_s)->text().endsWith(u" %"));
    QVERIFY(!panel.bankTable()->isVisible());
    rig.session->stop();
}

void TestSystemOverview::windowBringsItForward() {
    const RegisterMaps maps = RegisterMaps::builtIn();
    DeviceListModel devices;
    LiveValuesModel live;
    FrameLogModel frames;
    ConnectionManager connections{{}, maps, {}};
    CaptureController captures{&connections, maps};
    auto *system = new SystemOverviewPanel(nullptr);
    MainWindow window{{new DevicesPanel(&devices), new LiveValuesPanel(&live), new ChartPanel,
                       new FramesPanel(&frames), new LinkHealthPanel, new RegisterConsole, nullptr,
                       nullptr, captures.openAction(), captures.recordAction(), nullptr, nullptr,
                       nullptr, nullptr, nullptr, system}};
    window.resize(1400, 900);
    window.showWithLayout({}, {}); // a first start: the default layout
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QDockWidget *dock = window.dock(u"systemDock"_s);
    QVERIFY(dock);
    QVERIFY(window.focusAction(u"systemDock"_s));
    QCOMPARE(window.focusAction(u"systemDock"_s)->shortcut(), QKeySequence(u"Alt+8"_s));
    // Tabbed behind the chart until a link has several devices.
    const auto currentTab = [&window] {
        for (const QTabBar *bar : window.findChildren<QTabBar *>()) {
            for (int i = 0; i < bar->count(); ++i)
                if (bar->tabText(i) == u"System")
                    return bar->tabText(bar->currentIndex());
        }
        return u"(no tab named System)"_s;
    };
    QTRY_COMPARE(currentTab(), u"Chart"_s);
    // The live values' search, in the centre: always on screen.
    auto *search = window.panels().liveValues->findChild<QLineEdit *>();
    QVERIFY(search);
    search->setFocus();
    QTRY_VERIFY(search->hasFocus());
    window.bringForward(u"systemDock"_s);
    QTRY_COMPARE(currentTab(), u"System"_s);
    QVERIFY(search->hasFocus()); // the keyboard stays where it was
}

QTEST_MAIN(TestSystemOverview)
#include "tst_systemoverview.moc"
