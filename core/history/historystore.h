#pragma once

#include "historytypes.h"

#include <QHash>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace blupow {

// The history file: every good numeric value of every device, in SQLite (docs/history.md).
// Raw samples at 1 Hz (one per series and second; a faster poll keeps the last of each second)
// for kRawKeepMs, and minute aggregates (min/mean/max/count, an hour per row) for kMinuteKeepMs.
// Minutes are rolled up from the raw samples in the same transaction as the samples they cover,
// so a killed process never leaves the two disagreeing; prune() then drops raw samples past
// their age in small transactions.
//
// One object is one connection, usable on the thread that opened it only (a QSqlDatabase
// connection is per thread): the writer and the reader each own one. WAL journal mode lets the
// reader read while the writer writes, and synchronous=NORMAL loses at most the last
// transactions on power loss, never the file's integrity.
class HistoryStore {
public:
    static constexpr int kSchemaVersion = 1;
    // PRAGMA application_id: "BluH". A file without it is not ours and is never written to.
    static constexpr qint32 kApplicationId = 0x426c7548;
    static constexpr qint64 kRawKeepMs = 48LL * 3600 * 1000;
    static constexpr qint64 kMinuteKeepMs = 366LL * 24 * 3600 * 1000;

    enum class Mode { ReadWrite, ReadOnly };

    HistoryStore();
    ~HistoryStore();
    HistoryStore(const HistoryStore &) = delete;
    HistoryStore &operator=(const HistoryStore &) = delete;

    // Opens (ReadWrite: creates) the file. Refuses, with a sentence in `error`, a file that is not
    // SQLite, an SQLite file that is not a BluPow history, and one from a newer BluPow.
    bool open(const QString &path, Mode mode, QString *error = nullptr);
    void close();
    [[nodiscard]] bool isOpen() const;
    [[nodiscard]] QString path() const { return m_path; }
    [[nodiscard]] QString lastError() const { return m_error; }

    // One transaction: the samples, their series, and the minutes they complete. Samples
    // older than the raw retention are dropped (their minutes may be gone already).
    bool append(const HistoryBatch &batch);
    bool appendEvent(const HistoryEvent &event);
    // Drops raw samples older than kRawKeepMs before `nowMs` (once rolled into minutes) and
    // minutes older than kMinuteKeepMs: at most `maxTransactions` small transactions (an hour
    // of one series each). True when work remains.
    bool prune(qint64 nowMs, int maxTransactions = 50);

    [[nodiscard]] QList<HistorySeriesInfo> series();
    [[nodiscard]] std::optional<HistorySeriesInfo> findSeries(const QString &device,
                                                              const QString &field);
    // At most about `buckets` points in [fromMs, toMs]: raw samples when they are finer than a
    // bucket and still kept, else minutes; several per bucket are merged (min of the minimums,
    // weighted mean, max of the maximums). buckets <= 0: every point at its stored resolution.
    [[nodiscard]] HistorySeriesData read(const HistorySeriesInfo &series, qint64 fromMs,
                                         qint64 toMs, int buckets);
    [[nodiscard]] QList<HistoryEvent> events(qint64 fromMs, qint64 toMs);

    // Counts for tests, `history list` and the benchmark.
    [[nodiscard]] qint64 rawSampleCount();
    [[nodiscard]] qint64 minuteBlockCount();
    // Where the minutes end: raw samples from here on are not rolled up yet.
    [[nodiscard]] qint64 rolledUntilMs();

private:
    bool fail(const QString &message);
    bool openConnection(const QString &path, Mode mode);
    bool createSchema();
    bool checkSchema();
    std::optional<qint64> seriesId(const HistorySample &sample, int *decimals);
    bool rollUp(qint64 fromS, qint64 toS);
    class PointSink;
    void readRaw(const HistorySeriesInfo &series, qint64 fromS, qint64 toS, PointSink &out);
    void readMinutes(const HistorySeriesInfo &series, qint64 fromS, qint64 toS, PointSink &out);
    [[nodiscard]] qint64 stateValue(const QString &key, qint64 fallback);

    QString m_connection;
    QString m_path;
    QString m_error;
    struct SeriesKey {
        qint64 id;
        int decimals;
    };
    QHash<QString, SeriesKey> m_seriesIds; // "device\x1ffield"
};

} // namespace blupow
