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

// `changing`: every reply has new words (worst case for decoding); otherwise the words repeat
// as a steady battery's do between polls.
QByteArray synthesise(qint64 targetBytes, bool changing) {
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
                    words[i] = static_cast<quint16>((changing ? tick : 0) + i);
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

double cpuSeconds() {
    return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

// Wall-clock time on a shared machine includes other processes; CPU time is what the import
// itself costs. Both are printed.
void report(QTextStream &out, const char *what, double mb, double wallS, double cpuS,
            const QString &detail) {
    out << what << QString::number(mb / wallS, 'f', 1) << " MB/s wall, "
        << QString::number(mb / cpuS, 'f', 1) << " MB/s CPU (" << detail << ", "
        << QString::number(wallS, 'f', 2) << " s)\n";
    out.flush();
}

bool measureImport(QTextStream &out, const char *what, const QByteArray &capture) {
    const double mb = static_cast<double>(capture.size()) / (1024.0 * 1024.0);
    // The full import as `blupow-cli import` does it, decoding every exchange (streamed, so the
    // decoded values of a 200 MB capture need not fit in memory at once).
    const CaptureImporter importer(RegisterMaps::builtIn());
    qsizetype values = 0;
    QElapsedTimer timer;
    timer.start();
    const double cpu = cpuSeconds();
    const auto imported =
        importer.importData(capture, [&](const CapturedExchange &e) { values += e.values.size(); });
    report(out, what, mb, static_cast<double>(timer.nsecsElapsed()) / 1e9, cpuSeconds() - cpu,
           QStringLiteral("%1 exchanges, %2 values").arg(imported.summary.exchanges).arg(values));
    return imported.ok;
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
    bool ok = true;
    {
        const QByteArray capture = synthesise(megabytes * 1024 * 1024, true);
        const double mb = static_cast<double>(capture.size()) / (1024.0 * 1024.0);
        out << "capture: " << QString::number(mb, 'f', 1)
            << " MB synthesised in memory (two batteries, 20-byte notifications)\n";

        // 1. btsnoop -> HCI -> ATT -> Modbus pairing, no register maps.
        QElapsedTimer timer;
        timer.start();
        const double cpu = cpuSeconds();
        qsizetype exchanges = 0;
        const auto extracted =
            ConversationExtractor::extract(capture, [&](CapturedExchange &&) { ++exchanges; });
        report(out, "parse + pair:                       ", mb,
               static_cast<double>(timer.nsecsElapsed()) / 1e9, cpuSeconds() - cpu,
               QStringLiteral("%1 exchanges, %2 records").arg(exchanges).arg(extracted.records));
        ok = ok && extracted.ok;

        // 2. Decoded, every reply with new words: the decoder's worst case.
        ok = measureImport(out, "import + decode, words always change: ", capture) && ok;
    }
    // 3. Decoded, the words repeating between polls as a steady battery's do.
    ok = measureImport(out, "import + decode, steady values:       ",
                       synthesise(megabytes * 1024 * 1024, false)) &&
         ok;
    return ok ? 0 : 1;
}
