// Decode throughput: parseResponse + RegisterDecoder::decodeBlock over the real frames of
// tests/data/frames.json, on one core. Goal: >= 2 million frames/s in a Release build.
//   cmake --build build/release --target bench_decode && build/release/tests/bench/bench_decode
// The optional argument is the number of rounds over the frames (default 40000). Instructions per
// frame, repeatable on a busy machine: run under `valgrind --tool=callgrind` with 2000 and with 0
// rounds and divide the difference of the totals by 2000 x the distinct frames.

#include "modbus/modbusframe.h"
#include "registers/registerdecoder.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <ctime>
#include <vector>

using namespace blupow;

namespace {

struct Case {
    const RegisterMap *map;
    QByteArray frame;
    modbus::Request request;
};

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    const RegisterMaps maps = RegisterMaps::builtIn();
    QFile file(QStringLiteral(BLUPOW_TEST_DATA_DIR "/frames.json"));
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "bench_decode: cannot read %s\n", qPrintable(file.fileName()));
        return 1;
    }
    std::vector<Case> cases;
    for (const QJsonValue item : QJsonDocument::fromJson(file.readAll())
                                     .object()
                                     .value(QLatin1String("frames"))
                                     .toArray()) {
        const QJsonObject v = item.toObject();
        const auto family = familyFromName(v.value(QLatin1String("family")).toString());
        const RegisterMap *map =
            family ? maps.find(*family, v.value(QLatin1String("variant")).toString()) : nullptr;
        if (!map || !map->isModbus() || v.contains(QLatin1String("error")))
            continue;
        const auto start = static_cast<quint16>(v.value(QLatin1String("start")).toInt());
        const auto count = static_cast<quint16>(v.value(QLatin1String("count")).toInt());
        cases.push_back({map, *modbus::fromHex(v.value(QLatin1String("hex")).toString()),
                         modbus::Request::read(modbus::kBroadcastSlave, start, count)});
    }
    if (cases.empty()) {
        std::fprintf(stderr, "bench_decode: no frames\n");
        return 1;
    }

    // A large batch: the real frames repeated, decoded in order (as a session would). Every value
    // is read back (quality, raw words, the cooked number) so nothing can be optimised away.
    const int rounds = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 40000;
    qint64 frames = 0;
    qint64 values = 0;
    qint64 good = 0;
    qint64 rawWords = 0;
    double sum = 0;
    QElapsedTimer timer;
    timer.start();
    const std::clock_t cpuStart = std::clock();
    for (int r = 0; r < rounds; ++r) {
        for (const Case &c : cases) {
            const modbus::Response response = modbus::parseResponse(c.frame, c.request);
            const DecodedValues decoded =
                RegisterDecoder::decodeBlock(*c.map, {c.request.start, response.words, r});
            for (const DecodedValue &v : decoded) {
                good += v.quality == Quality::Good ? 1 : 0;
                rawWords += v.raw.size();
                if (v.isNumeric())
                    sum += *static_cast<const double *>(v.value.constData());
            }
            values += decoded.size();
            ++frames;
        }
    }
    const double cpuSeconds = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    const auto perSecond = [](qint64 n, double s) {
        return s > 0 ? static_cast<double>(n) / s : 0;
    };
    std::printf("bench_decode: %lld frames (%zu distinct real frames), %lld values (%lld good, "
                "%lld raw words, sum %.6g)\n",
                frames, cases.size(), values, good, rawWords, sum);
    // CPU time is what one core spent; on a shared machine the wall clock also counts the time
    // other processes held the core.
    std::printf("bench_decode: %.3f s CPU: %.0f frames/s, %.0f values/s on one core\n", cpuSeconds,
                perSecond(frames, cpuSeconds), perSecond(values, cpuSeconds));
    std::printf("bench_decode: %.3f s wall clock: %.0f frames/s, %.0f values/s\n", seconds,
                perSecond(frames, seconds), perSecond(values, seconds));
    return 0;
}
