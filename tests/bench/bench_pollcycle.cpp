// Time of one full poll cycle through DeviceSession and the simulator with the default BT-2
// latency model (9600-baud UART behind BLE, 20-byte notifications), beside the modelled
// physical limit: the sum of request and reply airtime of every block of the cycle. Also the
// CPU time the session, reassembler, decoder and simulator spend per cycle. A system (several
// slaves behind one dongle) is measured as one cycle over every slave; "bank" is its four
// batteries alone.
//
//   build/release/tests/bench/bench_pollcycle [cycles]

#include "device/devicesession.h"
#include "sim/scenarios.h"
#include "sim/simulateddevices.h"
#include "sim/simulatedtransport.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTextStream>
#include <QTimer>

#include <ctime>
#include <memory>

using namespace blupow;

namespace {

double cpuMs() {
    return 1000.0 * static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

struct Result {
    QString model;
    int slaves = 0;
    int blocks = 0;
    double limitMs = 0;
    double meanCycleMs = 0;
    double bestCycleMs = 0;
    double cpuPerCycleMs = 0;
    bool ok = false;
};

// `transport` holds one simulated device or a system (several slaves behind one dongle): the
// limit is the airtime of every block of every slave, the cycle the time to read them all.
Result measure(const QString &label, std::unique_ptr<SimulatedTransport> transport,
               const RegisterMaps &maps, int cycles) {
    Result r;
    r.model = label;
    if (!transport)
        return r;
    const SimulatedTransport::Latency latency = SimulatedTransport::Latency::bt2();
    transport->setLatency(latency);
    for (const DeviceSimulator &device : transport->simulators()) {
        const QList<ReadBlock> plan = device.map().readPlan(PollClass::Cycle);
        r.blocks += static_cast<int>(plan.size());
        for (const ReadBlock &b : plan) {
            if (device.scenario().isSilent(b.start, b.count))
                return r; // a model that never answers a block measures timeouts, not the link
            r.limitMs += latency.airtimeMs(8, 5 + 2 * b.count);
        }
    }
    r.slaves = static_cast<int>(transport->simulators().size());

    DeviceSession::Options options;
    options.pollIntervalMs = 0; // back to back: the cycle time is all there is
    DeviceSession session(transport.get(), maps, options);
    int seen = 0;
    double sum = 0;
    double best = 1e9;
    double cpuStart = 0;
    QObject::connect(
        &session, &DeviceSession::statisticsChanged, &session, [&](const LinkStatistics &s) {
            if (s.cycles < 2) { // the first cycle follows identification; measure from the next
                cpuStart = cpuMs();
                return;
            }
            sum += s.lastCycleMs;
            best = std::min(best, s.lastCycleMs);
            if (++seen == cycles) {
                r.cpuPerCycleMs = (cpuMs() - cpuStart) / cycles;
                session.stop();
                QCoreApplication::exit(0);
            }
        });
    QTimer guard;
    guard.setSingleShot(true);
    QObject::connect(&guard, &QTimer::timeout, &session, [] { QCoreApplication::exit(1); });
    guard.start(120000);
    session.start();
    r.ok = QCoreApplication::exec() == 0;
    r.meanCycleMs = seen ? sum / seen : 0;
    r.bestCycleMs = best;
    return r;
}

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    const int cycles = argc > 1 ? std::max(1, QString::fromLocal8Bit(argv[1]).toInt()) : 20;
    const RegisterMaps maps = RegisterMaps::builtIn();
    QTextStream out(stdout);
    out << "bench_pollcycle: " << cycles << " back-to-back cycles per model, BT-2 latency model ("
        << QString::number(SimulatedTransport::Latency::bt2().byteTimeMs, 'f', 3)
        << " ms/byte, 20-byte notifications, >= 7.5 ms apart)\n";
    out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8\n")
               .arg(QStringLiteral("model"), -12)
               .arg(QStringLiteral("slaves"), 7)
               .arg(QStringLiteral("blocks"), 7)
               .arg(QStringLiteral("limit ms"), 10)
               .arg(QStringLiteral("mean ms"), 10)
               .arg(QStringLiteral("best ms"), 10)
               .arg(QStringLiteral("mean/limit"), 11)
               .arg(QStringLiteral("cpu ms/cycle"), 13);
    bool allOk = true;
    const auto report = [&](const Result &r) {
        if (!r.ok) {
            out << QStringLiteral("%1 (skipped: no register map, or a block it never answers)\n")
                       .arg(r.model, -12);
            return;
        }
        const double ratio = r.meanCycleMs / r.limitMs;
        allOk = allOk && ratio <= 1.10;
        out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8\n")
                   .arg(r.model, -12)
                   .arg(r.slaves, 7)
                   .arg(r.blocks, 7)
                   .arg(r.limitMs, 10, 'f', 1)
                   .arg(r.meanCycleMs, 10, 'f', 1)
                   .arg(r.bestCycleMs, 10, 'f', 1)
                   .arg(ratio, 11, 'f', 3)
                   .arg(r.cpuPerCycleMs, 13, 'f', 3);
        out.flush();
    };
    for (const QString &model : scenarios::names())
        report(measure(model, SimulatedDevices::makeTransport(model, maps), maps, cycles));
    // The four-battery bank of the system alone: four slaves behind one link.
    if (const auto system = scenarios::byName(u"system")) {
        std::vector<DeviceSimulator> bank;
        for (const Scenario &member : system->members) {
            if (const RegisterMap *map = maps.find(member.family, member.variant);
                map && member.family == Family::Battery)
                bank.emplace_back(*map, member, QDateTime::currentMSecsSinceEpoch());
        }
        report(measure(QStringLiteral("bank"),
                       std::make_unique<SimulatedTransport>(std::move(bank), system->advertisedName,
                                                            QStringLiteral("bank")),
                       maps, cycles));
    }
    out << (allOk ? "goal met: every mean cycle <= 1.10 x the modelled limit\n"
                  : "GOAL MISSED: a mean cycle is above 1.10 x the modelled limit\n");
    return 0;
}
