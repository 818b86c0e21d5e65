// Import throughput: a large btsnoop capture synthesised in memory (a battery polled through a
// BT-2 as the vendor app does: 5042 x6, 5104 x28, 5000 x34, replies in 20-byte notifications,
// one HCI event per write as a phone logs them), then parsed and paired, then also decoded with
// the register maps. Prints MB/s; the goal is >= 100 MB/s for the import.
//
//   bench_import [MEGABYTES]   (default 200)

#include "capture/btsnoopwriter.h"
#include "capture/captureimporter.h"
#include "capture/conversationextractor.h"
#include "modbus/modbusframe.h"
#include "registers/registermap.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <ctime>

using namespace blupow;
using namespace blupow::capture;

namespace {

QByteArray synthesise(qint64 targetBytes) {
    QByteArray f = BtsnoopWriter::fileHeader();
    f.reserve(targetBytes + 4096);
    BtsnoopWriter::appendRenogyDiscovery(f, 0);
    const QByteArray completed = QByteArray::fromHex("04130501400001 00");
    struct Block {
        quint16 start;
        quint16 count;
    };
    const Block blocks[] = {{5042, 6}, {5104, 28}, {5000, 34}};
    qint64 t = 1'700'000'000'000'000;
    quint16 tick = 0;
    while (f.size() < targetBytes) {
        for (quint8 slave : {quint8{0x30}, quint8{0x31}}) {
            for (const Block &b : blocks) {
                QList<quint16> words(b.count);
                for (int i = 0; i < b.count; ++i)
                    words[i] = static_cast<quint16>(tick + i);
                ++tick;
                BtsnoopWriter::appendAttWrite(f, t,
                                              modbus::buildReadRequest(slave, b.start, b.count));
                BtsnoopWriter::appendRecord(f, completed, kFlagReceived | kFlagCommandOrEvent,
                                            t + 1000);
                const QByteArray reply = modbus::buildReadResponse(slave, words);
                for (qsizetype at = 0; at < reply.size(); at += 20) {
                    t += 7500;
                    BtsnoopWriter::appendAttNotification(f, t, reply.mid(at, 20));
                }
                t += 100'000;
            }
        }
    }
    return f;
}

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const qint64 megabytes = argc > 1 ? QByteArray(argv[1]).toLongLong() : 200;
    if (megabytes <= 0) {
        out << "usage: bench_import [MEGABYTES]\n";
        return 2;
    }
    QElapsedTimer timer;
    timer.start();
    const QByteArray capture = synthesise(megabytes * 1024 * 1024);
    const double mb = static_cast<double>(capture.size()) / (1024.0 * 1024.0);
    out << "synthesised " << QString::number(mb, 'f', 1) << " MB in " << timer.elapsed() << " ms\n";

    // 1. btsnoop -> HCI -> ATT -> Modbus pairing (both passes: handle search and pairing).
    // Wall-clock time on a shared machine includes other processes; CPU time is what the import
    // itself costs. Both are printed.
    const auto cpuSeconds = [] { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; };
    timer.restart();
    double cpu = cpuSeconds();
    qsizetype exchanges = 0;
    const auto extracted =
        ConversationExtractor::extract(capture, [&](CapturedExchange &&) { ++exchanges; });
    const double extractS = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    const double extractCpu = cpuSeconds() - cpu;
    out << "parse + pair:         " << QString::number(mb / extractS, 'f', 1) << " MB/s wall, "
        << QString::number(mb / extractCpu, 'f', 1) << " MB/s CPU (" << exchanges << " exchanges, "
        << extracted.records << " records, " << QString::number(extractS, 'f', 2) << " s)\n";

    // 2. The full import as `blupow-cli import` does it, decoding every exchange (streamed, so
    // the decoded values of a 200 MB capture need not fit in memory at once).
    const CaptureImporter importer(RegisterMaps::builtIn());
    qsizetype values = 0;
    timer.restart();
    cpu = cpuSeconds();
    const auto imported =
        importer.importData(capture, [&](const CapturedExchange &e) { values += e.values.size(); });
    const double importS = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    const double importCpu = cpuSeconds() - cpu;
    out << "import with decoding: " << QString::number(mb / importS, 'f', 1) << " MB/s wall, "
        << QString::number(mb / importCpu, 'f', 1) << " MB/s CPU (" << imported.summary.exchanges
        << " exchanges, " << values << " values, " << QString::number(importS, 'f', 2) << " s)\n";
    return imported.ok && extracted.ok ? 0 : 1;
}
