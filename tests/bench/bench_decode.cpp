// Decode throughput: parseResponse + RegisterDecoder::decodeBlock over the real frames of
// tests/data/frames.json, on one core. Goal: >= 2 million frames/s in a Release build.
//   cmake --build build/release --target bench_decode && build/release/tests/bench/bench_decode

#include "modbus/modbusframe.h"
#include "registers/registerdecoder.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
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

    // A large batch: the real frames repeated, decoded in order (as a session would).
    const int rounds = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 40000;
    qint64 frames = 0;
    qint64 values = 0;
    QElapsedTimer timer;
    timer.start();
    for (int r = 0; r < rounds; ++r) {
        for (const Case &c : cases) {
            const modbus::Response response = modbus::parseResponse(c.frame, c.request);
            const DecodedValues decoded =
                RegisterDecoder::decodeBlock(*c.map, {c.request.start, response.words, r});
            values += decoded.size();
            ++frames;
        }
    }
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    std::printf("bench_decode: %lld frames (%zu distinct real frames), %lld values in %.3f s\n",
                frames, cases.size(), values, seconds);
    std::printf("bench_decode: %.0f frames/s, %.0f values/s on one core\n",
                static_cast<double>(frames) / seconds, static_cast<double>(values) / seconds);
    return 0;
}
