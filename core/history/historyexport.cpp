#include "historyexport.h"

#include "historystore.h"

#include <QBuffer>
#include <QDateTime>
#include <QIODevice>

#include <map>

namespace blupow {

namespace {

constexpr qint64 kMinuteMs = 60 * 1000;
constexpr qint64 kHourMs = 60 * kMinuteMs;

// RFC 4180: a field holding a comma, quote or line break is quoted, quotes doubled.
QString csvField(const QString &text) {
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) &&
        !text.contains(QLatin1Char('\n')))
        return text;
    return QLatin1Char('"') + QString(text).replace(QLatin1Char('"'), QStringLiteral("\"\"")) +
           QLatin1Char('"');
}

QString columnName(const HistorySeriesInfo &s, const QString &suffix) {
    QString name = s.device + QLatin1Char('/') + s.field;
    if (!suffix.isEmpty())
        name += QLatin1Char(' ') + suffix;
    if (!s.unit.isEmpty())
        name += QStringLiteral(" (%1)").arg(s.unit);
    return csvField(name);
}

QString timeText(qint64 ms, bool utc) {
    return utc ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate)
               : QDateTime::fromMSecsSinceEpoch(ms)
                     .toOffsetFromUtc(QDateTime::fromMSecsSinceEpoch(ms).offsetFromUtc())
                     .toString(Qt::ISODate);
}

} // namespace

QList<HistorySeriesInfo> selectHistorySeries(const QList<HistorySeriesInfo> &all,
                                             const QStringList &fields, QString *error) {
    if (fields.isEmpty())
        return all;
    QList<HistorySeriesInfo> out;
    for (const QString &wanted : fields) {
        const qsizetype slash = wanted.indexOf(QLatin1Char('/'));
        const QString device = slash < 0 ? QString() : wanted.left(slash);
        const QString field = slash < 0 ? wanted : wanted.mid(slash + 1);
        bool found = false;
        for (const HistorySeriesInfo &s : all) {
            if (s.field == field && (device.isEmpty() || s.device == device)) {
                found = true;
                const bool seen = std::any_of(out.cbegin(), out.cend(),
                                              [&](const auto &o) { return o.id == s.id; });
                if (!seen)
                    out.append(s);
            }
        }
        if (!found) {
            if (error)
                *error = QStringLiteral("the history holds no field '%1' (see `history list`)")
                             .arg(wanted);
            return {};
        }
    }
    return out;
}

qint64 exportHistoryCsv(HistoryStore &store, const HistoryExportOptions &options, QIODevice &out,
                        QString *error) {
    QString why;
    const QList<HistorySeriesInfo> series =
        selectHistorySeries(store.series(), options.fields, &why);
    if (series.isEmpty()) {
        if (error)
            *error = why.isEmpty() ? QStringLiteral("the history file holds no series") : why;
        return -1;
    }
    const bool minutes = options.resolution == HistoryExportOptions::Resolution::Minute ||
                         (options.resolution == HistoryExportOptions::Resolution::Auto &&
                          options.toMs - options.fromMs > HistoryStore::kRawKeepMs);
    QStringList header{QStringLiteral("time")};
    for (const HistorySeriesInfo &s : series) {
        if (minutes)
            header << columnName(s, QStringLiteral("mean")) << columnName(s, QStringLiteral("min"))
                   << columnName(s, QStringLiteral("max"));
        else
            header << columnName(s, {});
    }
    const auto write = [&](const QString &line) {
        const QByteArray bytes = line.toUtf8() + '\n';
        if (out.write(bytes) != bytes.size()) {
            if (error)
                *error = out.errorString();
            return false;
        }
        return true;
    };
    if (!write(header.join(QLatin1Char(','))))
        return -1;
    qint64 rows = 0;
    // Slices aligned on minutes: a day of minutes, or an hour of raw samples, in memory at once.
    const qint64 slice = minutes ? 24 * kHourMs : kHourMs;
    const qint64 start = options.fromMs - (options.fromMs % kMinuteMs + kMinuteMs) % kMinuteMs;
    for (qint64 from = start; from <= options.toMs; from += slice) {
        const qint64 to = std::min(options.toMs, from + slice - 1);
        const qint64 lo = std::max(from, options.fromMs);
        // time -> one cell group per series
        std::map<qint64, QList<QStringList>> table;
        for (qsizetype i = 0; i < series.size(); ++i) {
            const HistorySeriesInfo &s = series.at(i);
            const HistorySeriesData data = store.read(s, lo, to, 0);
            // Raw samples and stored minutes alike become one aggregate per minute.
            std::map<qint64, HistoryPoint> perMinute;
            for (const HistoryPoint &p : data.points) {
                if (p.timeMs < lo || p.timeMs > options.toMs)
                    continue;
                if (!minutes) {
                    auto &row = table[p.timeMs];
                    row.resize(series.size());
                    row[i] = {QString::number(p.mean, 'f', s.decimals)};
                    continue;
                }
                const qint64 t = p.timeMs - (p.timeMs % kMinuteMs + kMinuteMs) % kMinuteMs;
                auto [it, fresh] = perMinute.try_emplace(t, p);
                HistoryPoint &m = it->second;
                if (fresh) {
                    m.mean = p.mean * double(p.count);
                    continue;
                }
                m.min = std::min(m.min, p.min);
                m.max = std::max(m.max, p.max);
                m.mean += p.mean * double(p.count);
                m.count += p.count;
            }
            for (const auto &[t, m] : perMinute) {
                auto &row = table[t];
                row.resize(series.size());
                row[i] = {QString::number(m.mean / double(m.count), 'f', s.decimals + 1),
                          QString::number(m.min, 'f', s.decimals),
                          QString::number(m.max, 'f', s.decimals)};
            }
        }
        for (const auto &[t, cells] : table) {
            QStringList line{timeText(t, options.utc)};
            for (qsizetype i = 0; i < series.size(); ++i) {
                const QStringList &group = cells.at(i);
                if (group.isEmpty())
                    for (int c = 0; c < (minutes ? 3 : 1); ++c)
                        line << QString();
                else
                    line << group;
            }
            if (!write(line.join(QLatin1Char(','))))
                return -1;
            ++rows;
        }
    }
    return rows;
}

QByteArray exportDeviceHistoryCsv(const QString &path, const QString &device, qint64 fromMs,
                                  qint64 toMs, QString *error) {
    HistoryStore store;
    if (!store.open(path, HistoryStore::Mode::ReadOnly, error))
        return {};
    HistoryExportOptions options;
    options.fromMs = fromMs;
    options.toMs = toMs;
    options.utc = true;
    for (const HistorySeriesInfo &s : store.series()) {
        if (s.device == device && s.lastMs >= fromMs && s.firstMs <= toMs)
            options.fields.append(s.device + QLatin1Char('/') + s.field);
    }
    if (options.fields.isEmpty()) {
        if (error)
            *error = QStringLiteral("%1 holds nothing of %2 in that range").arg(path, device);
        return {};
    }
    QBuffer out;
    out.open(QIODevice::WriteOnly);
    if (exportHistoryCsv(store, options, out, error) < 0)
        return {};
    return out.data();
}

} // namespace blupow
