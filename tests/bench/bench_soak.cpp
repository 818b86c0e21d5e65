// bench_soak: does `blupow-cli monitor` or `blupow-cli bridge` grow while it runs with faults?
// Both poll a simulated inverter side by side with drops, corrupt replies, delays and
// disconnects, time-accelerated: they poll every 5/X s instead of every 5 s and the simulator's
// clock runs X times faster. A simulated hour is 720 poll cycles (one per 5 s), counted from
// monitor's output lines and the bridge's state messages, since a cycle with faults may take
// longer than the accelerated interval. VmRSS is sampled once a second after a warm-up; the
// least-squares slope over the cycle count is reported as MiB per simulated hour. Prints
// figures; asserts nothing.
//
//   bench_soak [--seconds S] [--speedup X]   (defaults 180 s, 50x: the bridge polls at most
//                                             every 0.1 s)

#include "benchprocess.h"
#include "mqtt/mqttclient.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTextStream>

#include <memory>
#include <vector>

using namespace blupow;
using namespace blupow::bench;

namespace {

struct Child {
    QString name;
    std::unique_ptr<QProcess> process;
    qint64 cycles = 0;
    QList<double> cycleAt; // the cycle count at each sample
    QList<double> rssKb;
};

// Least-squares slope of y over x.
double slope(const QList<double> &x, const QList<double> &y) {
    const auto n = static_cast<double>(x.size());
    if (n < 2)
        return 0;
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (qsizetype i = 0; i < x.size(); ++i) {
        sx += x.at(i);
        sy += y.at(i);
        sxx += x.at(i) * x.at(i);
        sxy += x.at(i) * y.at(i);
    }
    const double d = n * sxx - sx * sx;
    return d == 0 ? 0 : (n * sxy - sx * sy) / d;
}

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const QStringList args = app.arguments();
    const int seconds =
        static_cast<int>(numberArgument(args, QStringLiteral("--seconds"), 180, {10, 86400}));
    // The bridge polls at most every 0.1 s: 50x its default 5 s.
    const double speedup = numberArgument(args, QStringLiteral("--speedup"), 50, {1, 50});
    const double intervalS = 5.0 / speedup; // the bridge's and monitor's default is 5 s

    QTemporaryDir tmp;
    const QString dir = tmp.path() + QStringLiteral("/broker");
    if (!brokerScript(QStringLiteral(BLUPOW_MQTT_BROKER_SCRIPT), QStringLiteral("start"), dir)) {
        out << "could not start mosquitto\n";
        return 1;
    }
    const QStringList device{QStringLiteral("--simulate=inverter"),
                             QStringLiteral("--sim-speed"),
                             QString::number(speedup),
                             QStringLiteral("--interval"),
                             QString::number(intervalS),
                             QStringLiteral("--request-timeout"),
                             QStringLiteral("300"),
                             QStringLiteral("--fault"),
                             QStringLiteral("drop:0.05"),
                             QStringLiteral("--fault"),
                             QStringLiteral("corrupt:0.03"),
                             QStringLiteral("--fault"),
                             QStringLiteral("delay:0.02"),
                             QStringLiteral("--fault"),
                             QStringLiteral("disconnect:0.005")};
    std::vector<Child> children;
    children.push_back({QStringLiteral("monitor"), std::make_unique<QProcess>(), 0, {}, {}});
    children.push_back({QStringLiteral("bridge"), std::make_unique<QProcess>(), 0, {}, {}});
    // One line per finished cycle from monitor; one state message per cycle from the bridge.
    QProcess *monitor = children[0].process.get();
    QObject::connect(monitor, &QProcess::readyReadStandardOutput, monitor, [&children, monitor] {
        children[0].cycles += monitor->readAllStandardOutput().count('\n');
    });
    MqttClient::Options subscriberOptions;
    subscriberOptions.port = readPort(dir);
    MqttClient subscriber(subscriberOptions);
    QObject::connect(&subscriber, &MqttClient::connected, &subscriber,
                     [&subscriber] { subscriber.subscribe(QStringLiteral("renogy/+/state")); });
    QObject::connect(&subscriber, &MqttClient::messageReceived, &subscriber,
                     [&children] { ++children[1].cycles; });
    subscriber.connectToBroker();
    children[0].process->start(QStringLiteral(BLUPOW_CLI),
                               QStringList{QStringLiteral("monitor")} + device);
    children[1].process->start(
        QStringLiteral(BLUPOW_CLI),
        QStringList{QStringLiteral("bridge"), QStringLiteral("--mqtt-host"),
                    QStringLiteral("127.0.0.1"), QStringLiteral("--mqtt-port"),
                    QString::number(readPort(dir)), QStringLiteral("--host-id"),
                    QStringLiteral("benchsoak"), QStringLiteral("--energy-file"),
                    tmp.filePath(QStringLiteral("energy.json"))} +
            device);
    children[1].process->setStandardOutputFile(QProcess::nullDevice());
    for (Child &c : children) {
        if (!c.process->waitForStarted(10000)) {
            out << c.name << ": blupow-cli did not start\n";
            return 1;
        }
    }
    // Identification, the first cycles and the allocator's first arenas are not growth.
    spin([] { return false; }, 10000);
    const qint64 startCycles[2] = {children[0].cycles, children[1].cycles};
    for (int i = 0; i < seconds; ++i) {
        spin([] { return false; }, 1000);
        for (Child &c : children) {
            if (c.process->state() != QProcess::Running)
                continue;
            c.cycleAt.append(static_cast<double>(c.cycles));
            c.rssKb.append(static_cast<double>(sample(c.process->processId()).rssKb));
        }
    }
    constexpr double kCyclesPerSimHour = 720;
    out << QStringLiteral("%1 s at %2x (poll every %3 s for 5 s simulated), faults drop 5 %, "
                          "corrupt 3 %, delay 2 %, disconnect 0.5 %\n")
               .arg(seconds)
               .arg(speedup)
               .arg(intervalS);
    for (std::size_t i = 0; i < children.size(); ++i) {
        Child &c = children[i];
        if (c.rssKb.size() < 2) {
            out << c.name << ": exited early (" << c.process->exitCode() << ")\n";
            continue;
        }
        const double cycles = static_cast<double>(c.cycles - startCycles[i]);
        const double kbPerCycle = slope(c.cycleAt, c.rssKb);
        out << QStringLiteral("blupow-cli %1: %2 cycles (%3 simulated hours), VmRSS %4 -> %5 "
                              "MiB, growth %6 MiB per simulated hour\n")
                   .arg(c.name)
                   .arg(cycles)
                   .arg(cycles / kCyclesPerSimHour, 0, 'f', 2)
                   .arg(c.rssKb.first() / 1024.0, 0, 'f', 1)
                   .arg(c.rssKb.last() / 1024.0, 0, 'f', 1)
                   .arg(kbPerCycle * kCyclesPerSimHour / 1024.0, 0, 'f', 3);
        c.process->terminate();
        c.process->waitForFinished(15000);
    }
    brokerScript(QStringLiteral(BLUPOW_MQTT_BROKER_SCRIPT), QStringLiteral("stop"), dir);
    return 0;
}
