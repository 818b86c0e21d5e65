// The history file's costs (issue 18.1, docs/history.md):
//  1. recording 5 devices x 40 fields at 1 Hz: CPU time per second of data, as % of one core
//     (goal < 1 %), through HistoryStore::append() in 5 s batches as the writer thread does;
//  2. the size of a year of one device (40 fields): 48 h of raw samples recorded, the rest of
//     the year as minute blocks inserted directly (a year of real time is not waited for);
//  3. opening the last year of 4 fields for the chart and turning it into chart points
//     (goal < 300 ms).
//
//   build/release/tests/bench/bench_history [--keep FILE]
// --keep writes the year's file there (the history screenshot draws from it).

#include "history/historyblock.h"
#include "history/historystore.h"
#include "models/timeseriesbuffer.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>

#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>

using namespace blupow;

namespace {

constexpr int kFields = 40;
constexpr qint64 kHourMs = 3600 * 1000;

double processCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// A solar day: PV power a half sine from 6 to 18 h, battery voltage following it with noise,
// a slow temperature, a counter, and constant settings; what a controller's 40 fields look like.
double fieldValue(int field, qint64 tMs, quint32 &noise) {
    noise = noise * 1664525u + 1013904223u;
    const double jitter = double(noise >> 8) / double(1u << 24) - 0.5;
    const double hour = double((tMs / 1000) % 86400) / 3600.0;
    const double sun = hour > 6 && hour < 18 ? std::sin((hour - 6) / 12 * M_PI) : 0.0;
    switch (field % 8) {
    case 0:
        return std::round(sun * 400 + (sun > 0 ? jitter * 20 : 0)); // W
    case 1:
        return 12.8 + sun * 1.6 + jitter * 0.1; // V
    case 2:
        return sun * 30 + (sun > 0 ? jitter : 0); // A
    case 3:
        return 20 + 8 * std::sin(hour / 24 * 2 * M_PI); // °C
    case 4:
        return std::floor(double(tMs / 1000 % 86400) / 3600.0) * 100; // Wh today
    case 5:
        return 65 + sun * 30; // %
    default:
        return 14.4; // a setting
    }
}

// What a controller calls its fields: 5 kinds (and their units) repeated, and settings.
QString fieldName(int field) {
    static const std::array kNames{
        "pv_power",         "battery_voltage", "charging_current", "controller_temperature",
        "generation_today", "battery_soc",     "boost_voltage",    "float_voltage"};
    const QString name = QString::fromLatin1(kNames.at(static_cast<size_t>(field % 8)));
    return field < 8 ? name : QStringLiteral("%1_%2").arg(name).arg(field / 8);
}

QString fieldUnit(int field) {
    static const std::array kUnits{"W", "V", "A", "°C", "Wh", "%", "V", "V"};
    return QString::fromUtf8(kUnits.at(static_cast<size_t>(field % 8)));
}

// Device 0 is the simulated controller (its id and title), so the screenshot's live session
// and the year drawn from the file are one device.
QString deviceId(int device) {
    return device == 0 ? QStringLiteral("sim_controller") : QStringLiteral("device_%1").arg(device);
}

HistoryBatch batch(int devices, qint64 fromMs, int seconds, quint32 &noise) {
    HistoryBatch b;
    b.reserve(devices * kFields * seconds);
    for (int s = 0; s < seconds; ++s) {
        const qint64 t = fromMs + s * 1000LL;
        for (int d = 0; d < devices; ++d) {
            for (int f = 0; f < kFields; ++f)
                b.append({deviceId(d),
                          d == 0 ? QStringLiteral("RNG-CTRL-RVR40 (BT-TH-66EDFC11)")
                                 : QStringLiteral("Device %1").arg(d),
                          fieldName(f), fieldName(f), fieldUnit(f), f % 8 == 1 ? 2 : 1, t,
                          fieldValue(f, t, noise)});
        }
    }
    return b;
}

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const QStringList args = QCoreApplication::arguments();
    const qsizetype keep = args.indexOf(QStringLiteral("--keep"));
    QTemporaryDir dir;
    quint32 noise = 12345;
    const qint64 now = QDateTime::currentMSecsSinceEpoch() / kHourMs * kHourMs;

    // 1. Five devices at 1 Hz, ten minutes of data in 5 s batches.
    {
        HistoryStore store;
        QString error;
        if (!store.open(dir.filePath(QStringLiteral("rate.sqlite")), HistoryStore::Mode::ReadWrite,
                        &error)) {
            out << "cannot open: " << error << '\n';
            return 1;
        }
        constexpr int kSeconds = 600;
        QList<HistoryBatch> batches;
        for (int s = 0; s < kSeconds; s += 5)
            batches.append(batch(5, now - kSeconds * 1000LL + s * 1000LL, 5, noise));
        const double cpu0 = processCpuMs();
        QElapsedTimer wall;
        wall.start();
        for (const HistoryBatch &b : std::as_const(batches))
            store.append(b);
        const double cpuMs = processCpuMs() - cpu0;
        out << QStringLiteral("insert: 5 devices x %1 fields at 1 Hz, %2 s of data in 5 s batches: "
                              "%3 ms CPU (%4 ms wall) = %5 % of one core\n")
                   .arg(kFields)
                   .arg(kSeconds)
                   .arg(cpuMs, 0, 'f', 0)
                   .arg(wall.elapsed())
                   .arg(cpuMs / (kSeconds * 1000.0) * 100, 0, 'f', 3);
    }

    // 2. A year of one device.
    const QString yearPath = keep >= 0 && keep + 1 < args.size()
                                 ? args.at(keep + 1)
                                 : dir.filePath(QStringLiteral("year.sqlite"));
    QFile::remove(yearPath);
    QElapsedTimer build;
    build.start();
    {
        HistoryStore store;
        if (!store.open(yearPath, HistoryStore::Mode::ReadWrite))
            return 1;
        // The newest 48 h recorded as the writer would (rolled into minutes as it goes).
        const qint64 rawFrom = now - HistoryStore::kRawKeepMs;
        for (qint64 t = rawFrom; t < now; t += kHourMs)
            store.append(batch(1, t, 3600, noise));
        // The older 363 days as minute blocks, in the integer units the store keeps.
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bench"));
        db.setDatabaseName(yearPath);
        db.open();
        QSqlQuery ids(db);
        ids.exec(QStringLiteral("SELECT id, field, decimals FROM series"));
        QList<std::tuple<qint64, int, int>> series;
        QHash<QString, int> index;
        for (int f = 0; f < kFields; ++f)
            index.insert(fieldName(f), f);
        while (ids.next())
            series.append({ids.value(0).toLongLong(), index.value(ids.value(1).toString()),
                           ids.value(2).toInt()});
        db.transaction();
        QSqlQuery insert(db);
        insert.prepare(QStringLiteral("INSERT INTO minute(series, hour, data) VALUES(?, ?, ?)"));
        const qint64 yearFrom = now - 365 * 24 * kHourMs;
        for (qint64 hour = yearFrom; hour < rawFrom; hour += kHourMs) {
            for (const auto &[id, field, decimals] : series) {
                const double scale = std::pow(10.0, decimals);
                QList<MinuteAggregate> minutes;
                for (int m = 0; m < 60; ++m) {
                    double lo = 1e300, hi = -1e300, sum = 0;
                    for (int s = 0; s < 60; s += 10) { // 6 draws per minute stand for 60
                        const double v = fieldValue(field, hour + m * 60000LL + s * 1000LL, noise);
                        lo = std::min(lo, v);
                        hi = std::max(hi, v);
                        sum += v;
                    }
                    minutes.append({m, std::llround(lo * scale), std::llround(sum / 6 * scale * 10),
                                    std::llround(hi * scale), 60});
                }
                insert.bindValue(0, id);
                insert.bindValue(1, hour / 1000);
                insert.bindValue(2, encodeMinuteBlock(minutes));
                insert.exec();
            }
        }
        db.commit();
        QSqlQuery(db).exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("bench"));
    const double mb = double(QFileInfo(yearPath).size()) / 1e6;
    out << QStringLiteral(
               "size: a year of one device x %1 fields (48 h raw + 363 days of minutes): "
               "%2 MB (built in %3 s)\n")
               .arg(kFields)
               .arg(mb, 0, 'f', 1)
               .arg(double(build.elapsed()) / 1000.0, 0, 'f', 1);

    // 3. The chart's last year of 4 fields: read, bucket to ~700 columns, into chart rings.
    {
        HistoryStore store;
        store.open(yearPath, HistoryStore::Mode::ReadOnly);
        const double openCpu0 = processCpuMs();
        QElapsedTimer open;
        open.start();
        const QList<HistorySeriesInfo> all = store.series();
        const qint64 listMs = open.elapsed();
        qsizetype points = 0;
        QList<QPointF> chart;
        for (int f = 0; f < 4; ++f) {
            const HistorySeriesData data =
                store.read(all.at(f), now - 365 * 24 * kHourMs, now, 683);
            TimeSeriesBuffer buffer(static_cast<int>(2 * data.points.size() + 2));
            for (const HistoryPoint &p : data.points) {
                buffer.append(p.timeMs, p.min);
                buffer.append(p.timeMs + 1, p.max);
            }
            buffer.window(now - 365 * 24 * kHourMs, now, 683, chart);
            points += chart.size();
        }
        out << QStringLiteral("open: the last year of 4 fields as chart points: %1 ms wall, %2 ms "
                              "CPU (series list %3 ms), %4 points\n")
                   .arg(open.elapsed())
                   .arg(processCpuMs() - openCpu0, 0, 'f', 0)
                   .arg(listMs)
                   .arg(points);
    }
    return 0;
}
