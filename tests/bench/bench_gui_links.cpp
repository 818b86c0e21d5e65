// bench_gui_links: what the GUI costs with several devices linked at once (issue 17.6): the real
// `blupow` offscreen, linked with --connect to 1 and then 3 simulated devices at the dongle-like
// latency, polling at 1 Hz, every panel and the chart live. With several devices the System
// overview comes forward over the chart's tab, so the 3 links run twice: in that default layout,
// and in one where the overview floats beside the window and the chart stays drawn. Prints CPU
// (% of one core) and resident memory from /proc; asserts nothing.
//
//   bench_gui_links [--seconds S]     (default 60 per run, after 8 s to connect and settle)
//   bench_gui_links --layout FILE     writes the floating-overview settings to FILE and exits (to
//                                     look at it: blupow --settings FILE --screenshot ...)

#include "benchprocess.h"
#include "capturecontroller.h"
#include "chartpanel.h"
#include "device/connectionmanager.h"
#include "devicespanel.h"
#include "framespanel.h"
#include "linkhealthpanel.h"
#include "livevaluespanel.h"
#include "mainwindow.h"
#include "models/devicelistmodel.h"
#include "models/framelogmodel.h"
#include "models/livevaluesmodel.h"
#include "preferences/appsettings.h"
#include "registerconsole.h"
#include "settingspanel.h"
#include "systemoverviewpanel.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSettings>
#include <QTemporaryDir>
#include <QTextStream>

using namespace blupow;
using namespace blupow::bench;

namespace {

// A saved layout (the settings' window state) with the System overview floating: the chart keeps
// its tab in view when the overview comes forward.
void saveLayoutWithOverviewFloating(const QString &settingsFile) {
    DeviceListModel devices;
    LiveValuesModel live;
    FrameLogModel frames;
    ConnectionManager connections({}, RegisterMaps::builtIn(), {});
    CaptureController captures(&connections, RegisterMaps::builtIn());
    MainWindow::Panels panels{
        new DevicesPanel(&devices), new LiveValuesPanel(&live), new ChartPanel,
        new FramesPanel(&frames),   new LinkHealthPanel,        new RegisterConsole,
        new SettingsPanel};
    panels.openCapture = captures.openAction();
    panels.record = captures.recordAction();
    panels.system = new SystemOverviewPanel(nullptr);
    MainWindow window(panels);
    window.showWithLayout({}, {});
    window.dock(QStringLiteral("systemDock"))->setFloating(true);
    window.dock(QStringLiteral("chartDock"))->raise();
    QSettings qs(settingsFile, QSettings::IniFormat);
    AppSettings settings(qs);
    settings.setWindowGeometry(window.saveGeometry());
    settings.setWindowState(window.saveState());
    settings.sync();
}

void run(const QStringList &devices, int seconds, QTextStream &out, bool overviewFloating = false) {
    QTemporaryDir tmp;
    const QString settingsFile = tmp.path() + QStringLiteral("/blupow.ini");
    if (overviewFloating)
        saveLayoutWithOverviewFloating(settingsFile);
    QStringList args{QStringLiteral("--settings"), settingsFile};
    for (const QString &device : devices)
        args << QStringLiteral("--connect") << device;
    QProcess gui;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    gui.setProcessEnvironment(env);
    gui.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    gui.setStandardOutputFile(QProcess::nullDevice());
    gui.start(QStringLiteral(BLUPOW_GUI), args);
    if (!gui.waitForStarted(10000)) {
        out << "blupow did not start\n";
        return;
    }
    // Connect, identify, fill the panels; the first chart repaints are not the steady state.
    spin([] { return false; }, 8000);
    const Footprint f = measure(gui.processId(), seconds);
    out << QStringLiteral("blupow, %1 simulated link(s) at 1 Hz (%2)%8 over %3 s: CPU %4 % of one "
                          "core (%5 s CPU), VmRSS median %6 MiB (max %7 MiB)\n")
               .arg(devices.size())
               .arg(devices.join(QStringLiteral(", ")))
               .arg(f.wallS, 0, 'f', 1)
               .arg(f.cpuPercent(), 0, 'f', 2)
               .arg(f.cpuS, 0, 'f', 2)
               .arg(f.medianRssKb / 1024.0, 0, 'f', 1)
               .arg(static_cast<double>(f.maxRssKb) / 1024.0, 0, 'f', 1)
               .arg(overviewFloating ? QStringLiteral(", overview floating, chart in view")
                                     : QString());
    out.flush();
    gui.terminate();
    if (!gui.waitForFinished(15000))
        gui.kill();
}

} // namespace

int main(int argc, char *argv[]) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QTextStream out(stdout);
    if (const qsizetype i = app.arguments().indexOf(QStringLiteral("--layout"));
        i > 0 && i + 1 < app.arguments().size()) {
        saveLayoutWithOverviewFloating(app.arguments().at(i + 1));
        return 0;
    }
    const int seconds = static_cast<int>(
        numberArgument(app.arguments(), QStringLiteral("--seconds"), 60, {1, 86400}));
    run({QStringLiteral("sim:inverter")}, seconds, out);
    const QStringList three{QStringLiteral("sim:controller"), QStringLiteral("sim:battery"),
                            QStringLiteral("sim:inverter")};
    run(three, seconds, out);
    run(three, seconds, out, true);
    return 0;
}
