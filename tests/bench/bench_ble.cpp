// bench_ble: BleTransport with the real Qt Bluetooth classes against the fake bluetoothd with a
// dongle-like latency profile (80 ms before the first notification of an answer, 30 ms between
// 20-byte notifications; docs/protocol.md 3.5 reports 70-120 ms for a DCC30S behind a BT-2).
//
// It starts its own private bus + fake (tests/fakebluez/run-fake.sh), then measures:
//   - first complete reading: from process start (minus the fake's own start-up) to the last
//     reply of the first full poll cycle of the controller map (BlueZ not yet knowing the device,
//     so including the short look-up scan, connect, GATT discovery and enabling notifications);
//   - the poll cycle: the controller map's cycle requests back to back, N cycles.
// Each figure is printed beside the floor the latency profile sets for the same requests.
//
//   bench_ble [--cycles N] [--response-delay-ms MS] [--chunk-delay-ms MS]
// Goals (issue 4): cycle <= 1.10 x floor; first complete reading within 0.6 s.

#include "ble/bletransport.h"
#include "modbus/framereassembler.h"
#include "modbus/modbusframe.h"
#include "registers/registermap.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <cstdio>

using namespace blupow;

namespace {
// The fake's defaults (fake_bluetoothd.py): look-up scan sees the device after 100 ms, Connect
// takes 50 ms, ServicesResolved 20 ms later.
constexpr int kFakeAdvDelayMs = 100;
constexpr int kFakeConnectMs = 50;
constexpr int kFakeResolveMs = 20;
const QString kAddress = QStringLiteral("60:98:66:ED:FC:11");

int chunksOf(int bytes) {
    return (bytes + 19) / 20;
}
} // namespace

int main(int argc, char *argv[]) {
    QElapsedTimer sinceStart;
    sinceStart.start();
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const QStringList args = app.arguments();
    auto intArg = [&](const QString &name, int fallback) {
        const auto i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.at(i + 1).toInt() : fallback;
    };
    const int cycles = intArg(QStringLiteral("--cycles"), 20);
    const int firstMs = intArg(QStringLiteral("--response-delay-ms"), 80);
    const int chunkMs = intArg(QStringLiteral("--chunk-delay-ms"), 30);

    // --- the fake, on its own bus, before Qt touches D-Bus ------------------------------------
    QElapsedTimer fakeStart;
    fakeStart.start();
    QTemporaryDir state;
    const QString runner = QStringLiteral(BLUPOW_SOURCE_DIR "/tests/fakebluez/run-fake.sh");
    QProcess start;
    start.start(runner, {QStringLiteral("start"), state.path(),
                         QStringLiteral("--response-delay-ms"), QString::number(firstMs),
                         QStringLiteral("--chunk-delay-ms"), QString::number(chunkMs)});
    if (!start.waitForFinished(20000) || start.exitCode() != 0) {
        std::fprintf(stderr, "bench_ble: could not start the fake: %s\n",
                     start.readAllStandardError().constData());
        return 1;
    }
    const qint64 fakeStartupMs = fakeStart.elapsed();
    qputenv("DBUS_SYSTEM_BUS_ADDRESS",
            QByteArray("unix:path=") + QFile::encodeName(state.path()) + "/system_bus_socket");
    auto stopFake = [&] { QProcess::execute(runner, {QStringLiteral("stop"), state.path()}); };

    // --- the requests: the controller map's poll cycle -----------------------------------------
    const RegisterMaps maps = RegisterMaps::builtIn();
    const RegisterMap *map = maps.find(Family::Controller);
    if (!map) {
        std::fprintf(stderr, "bench_ble: no controller map in this build\n");
        stopFake();
        return 1;
    }
    QList<modbus::Request> plan;
    double cycleFloorMs = 0;
    for (const auto &block : map->readPlan(PollClass::Cycle)) {
        plan.append(modbus::Request::read(0xFF, block.start, block.count));
        const int length = modbus::expectedResponseLength(plan.last());
        cycleFloorMs += firstMs + (chunksOf(length) - 1) * chunkMs;
    }

    BleTransport::Options options;
    BleTransport transport(kAddress, QStringLiteral("BT-TH-66EDFC11"), options);
    modbus::FrameReassembler reassembler;
    qsizetype next = 0;
    int cyclesDone = 0;
    qint64 firstReadingMs = -1;
    QElapsedTimer cycleTimer;
    QList<double> cycleMs;
    int errors = 0;

    auto sendNext = [&] {
        if (next == 0) {
            cycleTimer.start();
        }
        reassembler.expect(plan.at(next));
        transport.write(modbus::buildRequest(plan.at(next)));
    };
    QObject::connect(&transport, &Transport::bytesReceived, &app,
                     [&](const QByteArray &chunk, qint64) {
                         const auto result = reassembler.feed(chunk);
                         if (!result.frame) {
                             return;
                         }
                         if (!modbus::parseResponse(*result.frame, plan.at(next)).ok()) {
                             ++errors;
                         }
                         if (++next < plan.size()) {
                             sendNext();
                             return;
                         }
                         next = 0;
                         if (firstReadingMs < 0) {
                             firstReadingMs = sinceStart.elapsed() - fakeStartupMs;
                         } else {
                             cycleMs.append(double(cycleTimer.nsecsElapsed()) / 1e6);
                         }
                         if (++cyclesDone > cycles) {
                             transport.close();
                             return;
                         }
                         sendNext();
                     });
    QObject::connect(&transport, &Transport::stateChanged, &app, [&](Transport::State s) {
        if (s == Transport::State::Open) {
            sendNext();
        } else if (s == Transport::State::Closed) {
            app.quit();
        }
    });
    QObject::connect(&transport, &Transport::errorOccurred, &app,
                     [&](Transport::Error, const QString &message) {
                         std::fprintf(stderr, "bench_ble: %s\n", qPrintable(message));
                         ++errors;
                     });
    transport.open();
    app.exec();
    stopFake();

    if (cycleMs.isEmpty() || firstReadingMs < 0) {
        std::fprintf(stderr, "bench_ble: no complete reading\n");
        return 1;
    }
    std::sort(cycleMs.begin(), cycleMs.end());
    const double median = cycleMs.at(cycleMs.size() / 2);
    const double p95 =
        cycleMs.at(std::min<qsizetype>(cycleMs.size() - 1, cycleMs.size() * 95 / 100));
    const double firstFloorMs = kFakeAdvDelayMs + kFakeConnectMs + kFakeResolveMs + cycleFloorMs;
    out << "bench_ble: controller map, " << plan.size() << " requests per cycle, latency profile "
        << firstMs << " ms to the first notification, " << chunkMs << " ms between notifications\n";
    out << QStringLiteral(
               "  poll cycle     median %1 ms  p95 %2 ms  max %3 ms   floor %4 ms   ratio %5 "
               "(goal <= 1.10)\n")
               .arg(median, 0, 'f', 1)
               .arg(p95, 0, 'f', 1)
               .arg(cycleMs.last(), 0, 'f', 1)
               .arg(cycleFloorMs, 0, 'f', 1)
               .arg(median / cycleFloorMs, 0, 'f', 3);
    out << QStringLiteral(
               "  first reading  %1 ms from process start (fake start-up of %2 ms excluded)   "
               "floor %3 ms (scan %4 + connect %5 + resolve %6 + one cycle)   goal <= 600 ms\n")
               .arg(firstReadingMs)
               .arg(fakeStartupMs)
               .arg(firstFloorMs, 0, 'f', 0)
               .arg(kFakeAdvDelayMs)
               .arg(kFakeConnectMs)
               .arg(kFakeResolveMs);
    out << "  cycles " << cycleMs.size() << ", errors " << errors << '\n';
    return errors == 0 ? 0 : 1;
}
