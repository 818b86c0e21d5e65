// bench_gui_links: what the GUI costs with several devices linked at once (issue 17.6): the real
// `blupow` offscreen, linked with --connect to 1 and then 3 simulated devices at the dongle-like
// latency, polling at 1 Hz, every panel and the chart live. Prints CPU (% of one core) and
// resident memory from /proc; asserts nothing.
//
//   bench_gui_links [--seconds S]     (default 60 per run, after 8 s to connect and settle)

#include "benchprocess.h"

#include <QCoreApplication>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTextStream>

using namespace blupow::bench;

namespace {

void run(const QStringList &devices, int seconds, QTextStream &out) {
    QTemporaryDir tmp;
    QStringList args{QStringLiteral("--settings"), tmp.path() + QStringLiteral("/blupow.ini")};
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
    out << QStringLiteral("blupow, %1 simulated link(s) at 1 Hz (%2) over %3 s: CPU %4 % of one "
                          "core (%5 s CPU), VmRSS median %6 MiB (max %7 MiB)\n")
               .arg(devices.size())
               .arg(devices.join(QStringLiteral(", ")))
               .arg(f.wallS, 0, 'f', 1)
               .arg(f.cpuPercent(), 0, 'f', 2)
               .arg(f.cpuS, 0, 'f', 2)
               .arg(f.medianRssKb / 1024.0, 0, 'f', 1)
               .arg(static_cast<double>(f.maxRssKb) / 1024.0, 0, 'f', 1);
    out.flush();
    gui.terminate();
    if (!gui.waitForFinished(15000))
        gui.kill();
}

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const int seconds = static_cast<int>(
        numberArgument(app.arguments(), QStringLiteral("--seconds"), 60, {1, 86400}));
    run({QStringLiteral("sim:inverter")}, seconds, out);
    run({QStringLiteral("sim:controller"), QStringLiteral("sim:battery"),
         QStringLiteral("sim:inverter")},
        seconds, out);
    return 0;
}
