#include "historystore.h"

#include "historyblock.h"
#include "logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

#include <atomic>
#include <cmath>
#include <map>

namespace blupow {

namespace {

constexpr QChar kKeySeparator(0x1f);
constexpr qint64 kHourS = 3600;
constexpr qint64 kMinuteS = 60;
// Samples of the newest seconds may still be on their way from another device's batch: a
// minute is rolled up once this long has passed after it.
constexpr qint64 kRollDelayS = 10;

QString nextConnectionName() {
    static std::atomic<quint64> counter{0};
    return QStringLiteral("blupow-history-%1").arg(++counter);
}

double power10(int decimals) {
    return std::pow(10.0, std::clamp(decimals, 0, 6));
}

// A null QString binds as SQL NULL, which the NOT NULL columns would refuse (and INSERT OR
// IGNORE would then silently skip the row).
QString text(const QString &s) {
    return s.isNull() ? QStringLiteral("") : s;
}

qint64 floorDiv(qint64 a, qint64 b) {
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

bool exec(QSqlQuery &query) {
    if (query.exec())
        return true;
    qCWarning(lcHistory) << "history:" << query.lastError().text();
    return false;
}

bool exec(const QSqlDatabase &db, const QString &sql, QString *error = nullptr) {
    QSqlQuery query(db);
    if (query.exec(sql))
        return true;
    if (error)
        *error = query.lastError().text();
    qCWarning(lcHistory) << "history:" << sql << query.lastError().text();
    return false;
}

// One series' rows between two times, in time order.
bool execRange(QSqlQuery &query, const QString &sql, qint64 series, qint64 from, qint64 to) {
    query.setForwardOnly(true);
    query.prepare(sql);
    query.addBindValue(series);
    query.addBindValue(from);
    query.addBindValue(to);
    return exec(query);
}

} // namespace

// Points as they are read, merged on the fly into equal time slices of [from, to] when there
// are buckets: a year of minutes (525 600 per series) is never held in memory for a chart.
class HistoryStore::PointSink {
public:
    PointSink(QList<HistoryPoint> &out, qint64 fromMs, qint64 toMs, int buckets)
        : m_out(out)
        , m_from(fromMs)
        , m_width(buckets > 0 ? double(toMs - fromMs + 1) / buckets : 0) {}

    void add(const HistoryPoint &p) {
        if (m_width <= 0) {
            m_out.append(p);
            return;
        }
        const auto bucket = static_cast<qint64>(double(p.timeMs - m_from) / m_width);
        if (m_out.isEmpty() || bucket != m_bucket) {
            close();
            m_out.append(p);
            m_sum = p.mean * double(p.count);
            m_bucket = bucket;
            return;
        }
        HistoryPoint &b = m_out.last();
        b.min = std::min(b.min, p.min);
        b.max = std::max(b.max, p.max);
        b.count += p.count;
        m_sum += p.mean * double(p.count);
        m_merged = true;
    }
    // The open bucket's mean; call once the last point is in.
    void close() {
        if (m_width > 0 && !m_out.isEmpty())
            m_out.last().mean = m_sum / double(m_out.last().count);
    }
    [[nodiscard]] bool merged() const { return m_merged; }
    [[nodiscard]] qint64 widthMs() const { return static_cast<qint64>(m_width); }

private:
    QList<HistoryPoint> &m_out;
    qint64 m_from;
    double m_width;
    qint64 m_bucket = -1;
    double m_sum = 0;
    bool m_merged = false;
};

QList<qsizetype> historyGaps(const QList<HistoryPoint> &points, qint64 stepMs, double factor) {
    QList<qsizetype> gaps;
    const auto limit = static_cast<qint64>(double(std::max<qint64>(stepMs, 1000)) * factor);
    for (qsizetype i = 1; i < points.size(); ++i) {
        if (points.at(i).timeMs - points.at(i - 1).timeMs > limit)
            gaps.append(i);
    }
    return gaps;
}

HistoryStore::HistoryStore()
    : m_connection(nextConnectionName()) {}

HistoryStore::~HistoryStore() {
    close();
}

bool HistoryStore::fail(const QString &message) {
    m_error = message;
    qCWarning(lcHistory).noquote() << message;
    return false;
}

bool HistoryStore::isOpen() const {
    return QSqlDatabase::contains(m_connection) &&
           QSqlDatabase::database(m_connection, false).isOpen();
}

void HistoryStore::close() {
    m_seriesIds.clear();
    if (!QSqlDatabase::contains(m_connection))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

bool HistoryStore::open(const QString &path, Mode mode, QString *error) {
    close();
    m_path = path;
    m_error.clear();
    const auto done = [&](bool ok) {
        if (!ok) {
            if (error)
                *error = m_error;
            close();
        }
        return ok;
    };
    const QFileInfo info(path);
    if (info.exists() && info.size() > 0) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return done(fail(QStringLiteral("cannot read %1: %2").arg(path, file.errorString())));
        if (file.read(16) != QByteArray("SQLite format 3\0", 16))
            return done(
                fail(QStringLiteral("%1 is not a BluPow history file (not SQLite)").arg(path)));
    } else if (mode == Mode::ReadOnly) {
        return done(fail(QStringLiteral("no history file at %1").arg(path)));
    } else if (!QDir().mkpath(info.absolutePath())) {
        return done(fail(QStringLiteral("cannot create the folder of %1").arg(path)));
    }
    return done(openConnection(path, mode));
}

bool HistoryStore::openConnection(const QString &path, Mode mode) {
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    if (!db.isValid())
        return fail(QStringLiteral("the Qt SQLite driver is missing (libqt6sql6-sqlite)"));
    db.setDatabaseName(path);
    db.setConnectOptions(mode == Mode::ReadOnly
                             ? QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000")
                             : QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open())
        return fail(QStringLiteral("cannot open %1: %2").arg(path, db.lastError().text()));
    if (!checkSchema())
        return false;
    if (mode == Mode::ReadWrite) {
        // WAL: the chart reads while the recorder writes; NORMAL: a commit is durable once the
        // WAL is synced at checkpoint, and the file is never corrupt (sqlite.org/wal.html).
        if (!exec(db, QStringLiteral("PRAGMA journal_mode=WAL")) ||
            !exec(db, QStringLiteral("PRAGMA synchronous=NORMAL")))
            return fail(QStringLiteral("cannot set up %1: %2").arg(path, db.lastError().text()));
    }
    return true;
}

bool HistoryStore::checkSchema() {
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA application_id")) || !query.next())
        return fail(QStringLiteral("%1 is not a BluPow history file: %2")
                        .arg(m_path, query.lastError().text()));
    const qint64 appId = query.value(0).toLongLong();
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
        return fail(QStringLiteral("%1: %2").arg(m_path, query.lastError().text()));
    const int version = query.value(0).toInt();
    if (!query.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")) || !query.next())
        return fail(QStringLiteral("%1: %2").arg(m_path, query.lastError().text()));
    const qint64 objects = query.value(0).toLongLong();
    if (appId == 0 && version == 0 && objects == 0) {
        if (db.connectOptions().contains(QLatin1String("READONLY")))
            return fail(QStringLiteral("%1 is an empty file, not a BluPow history").arg(m_path));
        return createSchema();
    }
    if (appId != kApplicationId)
        return fail(
            QStringLiteral("%1 is an SQLite file but not a BluPow history file").arg(m_path));
    if (version > kSchemaVersion)
        return fail(QStringLiteral("%1 was written by a newer BluPow (history format %2; this "
                                   "version reads up to %3)")
                        .arg(m_path)
                        .arg(version)
                        .arg(kSchemaVersion));
    if (version < 1)
        return fail(
            QStringLiteral("%1 is a damaged BluPow history file (no format version)").arg(m_path));
    return true;
}

bool HistoryStore::createSchema() {
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    const QStringList statements{
        QStringLiteral("PRAGMA page_size=4096"),
        QStringLiteral("CREATE TABLE series(id INTEGER PRIMARY KEY, device TEXT NOT NULL, "
                       "field TEXT NOT NULL, title TEXT NOT NULL DEFAULT '', label TEXT NOT NULL "
                       "DEFAULT '', unit TEXT NOT NULL DEFAULT '', decimals INTEGER NOT NULL, "
                       "UNIQUE(device, field))"),
        // t in seconds, v in the series' integer units: SQLite stores both in 1 to 4 bytes.
        QStringLiteral("CREATE TABLE raw(series INTEGER NOT NULL, t INTEGER NOT NULL, v INTEGER "
                       "NOT NULL, PRIMARY KEY(series, t)) WITHOUT ROWID"),
        QStringLiteral("CREATE TABLE minute(series INTEGER NOT NULL, hour INTEGER NOT NULL, data "
                       "BLOB NOT NULL, PRIMARY KEY(series, hour)) WITHOUT ROWID"),
        QStringLiteral("CREATE TABLE event(t INTEGER NOT NULL, device TEXT NOT NULL, kind TEXT "
                       "NOT NULL, text TEXT NOT NULL)"),
        QStringLiteral("CREATE INDEX event_t ON event(t)"),
        QStringLiteral("CREATE TABLE state(key TEXT PRIMARY KEY, value INTEGER NOT NULL)"),
        QStringLiteral("PRAGMA application_id=%1").arg(kApplicationId),
        QStringLiteral("PRAGMA user_version=%1").arg(kSchemaVersion),
    };
    if (!db.transaction())
        return fail(QStringLiteral("cannot create %1: %2").arg(m_path, db.lastError().text()));
    for (const QString &sql : statements) {
        QString error;
        if (!exec(db, sql, &error)) {
            db.rollback();
            return fail(QStringLiteral("cannot create %1: %2").arg(m_path, error));
        }
    }
    if (!db.commit())
        return fail(QStringLiteral("cannot create %1: %2").arg(m_path, db.lastError().text()));
    return true;
}

qint64 HistoryStore::stateValue(const QString &key, qint64 fallback) {
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT value FROM state WHERE key = ?"));
    query.addBindValue(key);
    if (exec(query) && query.next())
        return query.value(0).toLongLong();
    return fallback;
}

qint64 HistoryStore::rolledUntilMs() {
    return stateValue(QStringLiteral("rolled_until"), 0) * 1000;
}

std::optional<qint64> HistoryStore::seriesId(const HistorySample &sample, int *decimals) {
    const QString key = sample.device + kKeySeparator + sample.field;
    if (const auto it = m_seriesIds.constFind(key); it != m_seriesIds.constEnd()) {
        *decimals = it->decimals;
        return it->id;
    }
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT OR IGNORE INTO series(device, field, title, label, unit, "
                                  "decimals) VALUES(?, ?, ?, ?, ?, ?)"));
    insert.addBindValue(text(sample.device));
    insert.addBindValue(text(sample.field));
    insert.addBindValue(text(sample.title));
    insert.addBindValue(text(sample.label));
    insert.addBindValue(text(sample.unit));
    insert.addBindValue(std::clamp(sample.decimals, 0, 6));
    if (!exec(insert))
        return std::nullopt;
    QSqlQuery select(db);
    select.prepare(
        QStringLiteral("SELECT id, decimals FROM series WHERE device = ? AND field = ?"));
    select.addBindValue(text(sample.device));
    select.addBindValue(text(sample.field));
    if (!exec(select) || !select.next()) {
        m_error = QStringLiteral("no series for %1 %2").arg(sample.device, sample.field);
        return std::nullopt;
    }
    const SeriesKey found{select.value(0).toLongLong(), select.value(1).toInt()};
    m_seriesIds.insert(key, found);
    *decimals = found.decimals;
    return found.id;
}

bool HistoryStore::append(const HistoryBatch &batch) {
    if (!isOpen())
        return fail(QStringLiteral("history file not open"));
    if (batch.isEmpty())
        return true;
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction())
        return fail(QStringLiteral("history: %1").arg(db.lastError().text()));
    const auto abort = [&](const QString &why) {
        db.rollback();
        m_seriesIds.clear(); // ids created in the rolled-back transaction are gone
        return fail(QStringLiteral("history: cannot write %1: %2").arg(m_path, why));
    };
    qint64 newestS = std::numeric_limits<qint64>::min();
    for (const HistorySample &s : batch)
        newestS = std::max(newestS, floorDiv(s.timeMs, 1000));
    const qint64 oldestKeptS = newestS - kRawKeepMs / 1000;
    qint64 minS = std::numeric_limits<qint64>::max();
    QSqlQuery insert(db);
    // The last reading of a second wins: raw history is 1 Hz whatever the poll rate.
    insert.prepare(QStringLiteral("INSERT OR REPLACE INTO raw(series, t, v) VALUES(?, ?, ?)"));
    for (const HistorySample &s : batch) {
        const qint64 t = floorDiv(s.timeMs, 1000);
        if (!std::isfinite(s.value) || t < oldestKeptS)
            continue;
        int decimals = 0;
        const auto id = seriesId(s, &decimals);
        if (!id)
            return abort(m_error);
        insert.bindValue(0, *id);
        insert.bindValue(1, t);
        insert.bindValue(2, static_cast<qint64>(std::llround(s.value * power10(decimals))));
        if (!exec(insert))
            return abort(insert.lastError().text());
        minS = std::min(minS, t);
    }
    if (minS != std::numeric_limits<qint64>::max()) {
        const qint64 rolled = stateValue(QStringLiteral("rolled_until"), 0);
        const qint64 toS = floorDiv(newestS - kRollDelayS, kMinuteS) * kMinuteS;
        const qint64 minuteOfFirst = floorDiv(minS, kMinuteS) * kMinuteS;
        const qint64 fromS = rolled == 0 ? minuteOfFirst : std::min(rolled, minuteOfFirst);
        if (toS > fromS && !rollUp(std::max(fromS, toS - kRawKeepMs / 1000), toS))
            return abort(db.lastError().text());
    }
    if (!db.commit())
        return abort(db.lastError().text());
    return true;
}

bool HistoryStore::rollUp(qint64 fromS, qint64 toS) {
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    // Per series and minute, straight from the primary key's order.
    QSqlQuery aggregate(db);
    aggregate.setForwardOnly(true);
    if (!aggregate.prepare(QStringLiteral(
            "SELECT series, t / 60, min(v), avg(v), max(v), count(*) FROM raw "
            "WHERE series IN (SELECT id FROM series) AND t >= ? AND t < ? GROUP BY series, t / 60 "
            "ORDER BY series, t / 60")))
        return false;
    aggregate.addBindValue(fromS);
    aggregate.addBindValue(toS);
    if (!exec(aggregate))
        return false;
    // series -> hour -> minutes replacing the stored ones
    std::map<std::pair<qint64, qint64>, QList<MinuteAggregate>> fresh;
    while (aggregate.next()) {
        const qint64 series = aggregate.value(0).toLongLong();
        const qint64 minuteS = aggregate.value(1).toLongLong() * kMinuteS;
        const qint64 hour = floorDiv(minuteS, kHourS) * kHourS;
        fresh[{series, hour}].append(
            {static_cast<int>((minuteS - hour) / kMinuteS), aggregate.value(2).toLongLong(),
             std::llround(aggregate.value(3).toDouble() * 10), aggregate.value(4).toLongLong(),
             aggregate.value(5).toLongLong()});
    }
    QSqlQuery load(db);
    load.prepare(QStringLiteral("SELECT data FROM minute WHERE series = ? AND hour = ?"));
    QSqlQuery store(db);
    store.prepare(
        QStringLiteral("INSERT OR REPLACE INTO minute(series, hour, data) VALUES(?, ?, ?)"));
    for (const auto &[key, minutes] : fresh) {
        load.bindValue(0, key.first);
        load.bindValue(1, key.second);
        if (!exec(load))
            return false;
        std::map<int, MinuteAggregate> merged;
        if (load.next()) {
            // A damaged block is replaced by what the raw samples still say.
            for (const MinuteAggregate &m :
                 decodeMinuteBlock(load.value(0).toByteArray()).value_or(QList<MinuteAggregate>{}))
                merged[m.minute] = m;
        }
        load.finish();
        for (const MinuteAggregate &m : minutes)
            merged[m.minute] = m;
        QList<MinuteAggregate> sorted;
        sorted.reserve(static_cast<qsizetype>(merged.size()));
        for (const auto &[minute, m] : merged)
            sorted.append(m);
        store.bindValue(0, key.first);
        store.bindValue(1, key.second);
        store.bindValue(2, encodeMinuteBlock(sorted));
        if (!exec(store))
            return false;
    }
    QSqlQuery state(db);
    state.prepare(QStringLiteral("INSERT OR REPLACE INTO state(key, value) VALUES('rolled_until', "
                                 "max(?, coalesce((SELECT value FROM state WHERE key = "
                                 "'rolled_until'), 0)))"));
    state.addBindValue(toS);
    return exec(state);
}

bool HistoryStore::appendEvent(const HistoryEvent &event) {
    if (!isOpen())
        return fail(QStringLiteral("history file not open"));
    QSqlQuery insert(QSqlDatabase::database(m_connection, false));
    insert.prepare(QStringLiteral("INSERT INTO event(t, device, kind, text) VALUES(?, ?, ?, ?)"));
    insert.addBindValue(event.timeMs);
    insert.addBindValue(text(event.device));
    insert.addBindValue(text(event.kind));
    insert.addBindValue(text(event.text));
    if (!exec(insert))
        return fail(
            QStringLiteral("history: cannot write %1: %2").arg(m_path, insert.lastError().text()));
    return true;
}

bool HistoryStore::prune(qint64 nowMs, int maxTransactions) {
    if (!isOpen())
        return false;
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    // Raw samples go only once their minutes exist.
    const qint64 cutoffS =
        std::min(floorDiv(nowMs - kRawKeepMs, 1000), stateValue(QStringLiteral("rolled_until"), 0));
    const qint64 minuteCutoffS = floorDiv(nowMs - kMinuteKeepMs, 1000 * kHourS) * kHourS;
    QSqlQuery oldest(db);
    oldest.setForwardOnly(true);
    oldest.prepare(QStringLiteral("SELECT s.id, (SELECT min(t) FROM raw WHERE series = s.id) FROM "
                                  "series s"));
    if (!exec(oldest))
        return false;
    QList<std::pair<qint64, qint64>> work; // series, its oldest raw second
    while (oldest.next()) {
        if (!oldest.value(1).isNull() && oldest.value(1).toLongLong() < cutoffS)
            work.append({oldest.value(0).toLongLong(), oldest.value(1).toLongLong()});
    }
    oldest.finish();
    int transactions = 0;
    QSqlQuery remove(db);
    remove.prepare(QStringLiteral("DELETE FROM raw WHERE series = ? AND t < ?"));
    for (auto &[series, from] : work) {
        while (from < cutoffS) {
            if (transactions++ >= maxTransactions)
                return true;
            const qint64 to = std::min(cutoffS, from + kHourS);
            db.transaction();
            remove.bindValue(0, series);
            remove.bindValue(1, to);
            if (!exec(remove) || !db.commit()) {
                db.rollback();
                return false;
            }
            from = to;
        }
    }
    if (transactions++ >= maxTransactions)
        return true;
    QSqlQuery removeMinutes(db);
    removeMinutes.prepare(QStringLiteral("DELETE FROM minute WHERE hour < ?"));
    removeMinutes.addBindValue(minuteCutoffS);
    exec(removeMinutes);
    return false;
}

QList<HistorySeriesInfo> HistoryStore::series() {
    QList<HistorySeriesInfo> out;
    if (!isOpen())
        return out;
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.setForwardOnly(true);
    // The first and last sample: the oldest minute block or raw sample, the newest raw sample
    // or minute block (each an index look-up, not a scan).
    if (!query.exec(
            QStringLiteral("SELECT s.id, s.device, s.title, s.field, s.label, s.unit, s.decimals, "
                           "(SELECT min(hour) FROM minute WHERE series = s.id), "
                           "(SELECT min(t) FROM raw WHERE series = s.id), "
                           "(SELECT max(t) FROM raw WHERE series = s.id), "
                           "(SELECT max(hour) FROM minute WHERE series = s.id) "
                           "FROM series s ORDER BY s.device, s.field")))
        return out;
    while (query.next()) {
        HistorySeriesInfo info;
        info.id = query.value(0).toLongLong();
        info.device = query.value(1).toString();
        info.title = query.value(2).toString();
        info.field = query.value(3).toString();
        info.label = query.value(4).toString();
        info.unit = query.value(5).toString();
        info.decimals = query.value(6).toInt();
        qint64 first = std::numeric_limits<qint64>::max();
        for (int column : {7, 8}) {
            if (!query.value(column).isNull())
                first = std::min(first, query.value(column).toLongLong());
        }
        qint64 last = std::numeric_limits<qint64>::min();
        if (!query.value(9).isNull())
            last = query.value(9).toLongLong();
        else if (!query.value(10).isNull())
            last = query.value(10).toLongLong() + kHourS - 1;
        if (!query.value(7).isNull() && first == query.value(7).toLongLong()) {
            // The oldest hour's first minute, not the hour's start.
            QSqlQuery block(QSqlDatabase::database(m_connection, false));
            block.prepare(QStringLiteral("SELECT data FROM minute WHERE series = ? AND hour = ?"));
            block.addBindValue(info.id);
            block.addBindValue(first);
            if (exec(block) && block.next()) {
                const auto minutes = decodeMinuteBlock(block.value(0).toByteArray());
                if (minutes && !minutes->isEmpty())
                    first += minutes->first().minute * kMinuteS;
            }
        }
        info.firstMs = first == std::numeric_limits<qint64>::max() ? 0 : first * 1000;
        info.lastMs = last == std::numeric_limits<qint64>::min() ? 0 : last * 1000;
        out.append(info);
    }
    return out;
}

std::optional<HistorySeriesInfo> HistoryStore::findSeries(const QString &device,
                                                          const QString &field) {
    for (const HistorySeriesInfo &info : series()) {
        if (info.device == device && info.field == field)
            return info;
    }
    return std::nullopt;
}

void HistoryStore::readRaw(const HistorySeriesInfo &series, qint64 fromS, qint64 toS,
                           PointSink &out) {
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (!execRange(query,
                   QStringLiteral("SELECT t, v FROM raw WHERE series = ? AND t >= ? AND t <= ? "
                                  "ORDER BY t"),
                   series.id, fromS, toS))
        return;
    const double scale = power10(series.decimals);
    while (query.next()) {
        const double v = double(query.value(1).toLongLong()) / scale;
        out.add({query.value(0).toLongLong() * 1000, v, v, v, 1});
    }
}

void HistoryStore::readMinutes(const HistorySeriesInfo &series, qint64 fromS, qint64 toS,
                               PointSink &out) {
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (!execRange(query,
                   QStringLiteral("SELECT hour, data FROM minute WHERE series = ? AND hour >= ? "
                                  "AND hour <= ? ORDER BY hour"),
                   series.id, floorDiv(fromS, kHourS) * kHourS, toS))
        return;
    const double scale = power10(series.decimals);
    while (query.next()) {
        const qint64 hour = query.value(0).toLongLong();
        const auto minutes = decodeMinuteBlock(query.value(1).toByteArray());
        if (!minutes) {
            qCWarning(lcHistory) << "history: damaged minute block" << series.field << hour;
            continue;
        }
        for (const MinuteAggregate &m : *minutes) {
            const qint64 t = hour + m.minute * kMinuteS;
            if (t < fromS || t > toS)
                continue;
            out.add({t * 1000, double(m.min) / scale, double(m.mean10) / (scale * 10),
                     double(m.max) / scale, m.count});
        }
    }
}

HistorySeriesData HistoryStore::read(const HistorySeriesInfo &series, qint64 fromMs, qint64 toMs,
                                     int buckets) {
    HistorySeriesData data;
    data.info = series;
    if (!isOpen() || toMs < fromMs)
        return data;
    const qint64 fromS = floorDiv(fromMs, 1000);
    const qint64 toS = floorDiv(toMs, 1000);
    const qint64 rolledS = stateValue(QStringLiteral("rolled_until"), 0);
    QSqlQuery oldest(QSqlDatabase::database(m_connection, false));
    oldest.prepare(QStringLiteral("SELECT (SELECT min(t) FROM raw WHERE series = ?), "
                                  "(SELECT min(hour) FROM minute WHERE series = ?)"));
    oldest.addBindValue(series.id);
    oldest.addBindValue(series.id);
    qint64 oldestRawS = std::numeric_limits<qint64>::max();
    qint64 firstHourS = std::numeric_limits<qint64>::max();
    if (exec(oldest) && oldest.next()) {
        if (!oldest.value(0).isNull())
            oldestRawS = oldest.value(0).toLongLong();
        if (!oldest.value(1).isNull())
            firstHourS = oldest.value(1).toLongLong();
    }
    oldest.finish();
    // Raw samples are complete from `fromS` on when none were pruned before it: the oldest kept
    // is older, or no minute predates the hour of the oldest kept.
    const bool rawComplete =
        oldestRawS <= fromS || (oldestRawS != std::numeric_limits<qint64>::max() &&
                                firstHourS >= floorDiv(oldestRawS, kHourS) * kHourS);
    // Raw where a bucket is finer than a minute and the samples are still kept; otherwise the
    // minutes, and raw samples only after the newest rolled-up minute.
    const bool rawFine = buckets <= 0 || (toMs - fromMs) / buckets < kMinuteS * 1000;
    PointSink sink(data.points, fromMs, toMs, buckets);
    if (rawFine && rawComplete) {
        readRaw(series, fromS, toS, sink);
        data.stepMs = 1000;
    } else {
        const qint64 minutesEnd = rolledS > 0 ? std::min(toS, rolledS - 1) : fromS - 1;
        if (minutesEnd >= fromS)
            readMinutes(series, fromS, minutesEnd, sink);
        readRaw(series, std::max(fromS, rolledS), toS, sink);
        data.aggregated = true;
        data.stepMs = kMinuteS * 1000;
    }
    sink.close();
    if (sink.merged()) {
        data.aggregated = true;
        data.stepMs = std::max(data.stepMs, sink.widthMs());
    }
    return data;
}

QList<HistoryEvent> HistoryStore::events(qint64 fromMs, qint64 toMs) {
    QList<HistoryEvent> out;
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.setForwardOnly(true);
    query.prepare(QStringLiteral(
        "SELECT t, device, kind, text FROM event WHERE t >= ? AND t <= ? ORDER BY t"));
    query.addBindValue(fromMs);
    query.addBindValue(toMs);
    if (!exec(query))
        return out;
    while (query.next())
        out.append({query.value(0).toLongLong(), query.value(1).toString(),
                    query.value(2).toString(), query.value(3).toString()});
    return out;
}

qint64 HistoryStore::rawSampleCount() {
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    return query.exec(QStringLiteral("SELECT count(*) FROM raw")) && query.next()
               ? query.value(0).toLongLong()
               : -1;
}

qint64 HistoryStore::minuteBlockCount() {
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    return query.exec(QStringLiteral("SELECT count(*) FROM minute")) && query.next()
               ? query.value(0).toLongLong()
               : -1;
}

} // namespace blupow
