#pragma once

#include "historytypes.h"

#include <QObject>
#include <QThread>

#include <atomic>
#include <memory>
#include <utility>

namespace blupow {

// Reads the history file off the caller's thread (the chart never queries SQLite on the GUI
// thread): requests are queued to a thread with its own read-only connection, and results come
// back as signals. A load superseded by a newer one before it started is skipped, so panning
// fast does not pile up queries.
class HistoryReader : public QObject {
    Q_OBJECT

public:
    using SeriesKey = std::pair<QString, QString>; // device id, field key

    explicit HistoryReader(QObject *parent = nullptr);
    ~HistoryReader() override;

    // The file to read; an empty path turns reading off.
    void setPath(const QString &path);
    [[nodiscard]] QString path() const { return m_path; }

    // seriesListed() follows.
    void listSeries();
    // loaded() follows with this request's number (unless a newer load overtook it).
    quint64 load(const QList<SeriesKey> &series, qint64 fromMs, qint64 toMs, int buckets);

Q_SIGNALS:
    void seriesListed(const QList<blupow::HistorySeriesInfo> &series, const QString &error);
    void loaded(quint64 request, const QList<blupow::HistorySeriesData> &data,
                const QString &error);

private:
    QThread m_thread;
    QObject *m_worker; // lives in m_thread, owns the connection
    QString m_path;
    quint64 m_requests = 0;
    std::shared_ptr<std::atomic<quint64>> m_latest = std::make_shared<std::atomic<quint64>>(0);
};

} // namespace blupow
