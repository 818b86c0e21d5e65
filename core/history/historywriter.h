#pragma once

#include "historystore.h"

#include <QObject>

namespace blupow {

// The writing end of the history file, living in HistoryRecorder's thread with its own
// connection: every batch it receives (queued) is one transaction, so the GUI or the poll loop
// never waits for the disk.
class HistoryWriter : public QObject {
    Q_OBJECT

public:
    explicit HistoryWriter(QObject *parent = nullptr);

public Q_SLOTS:
    void open(const QString &path);
    void write(const blupow::HistoryBatch &batch);
    void writeEvent(const blupow::HistoryEvent &event);
    // Bounded work; queues itself again while raw samples past their age remain.
    void prune();
    void close();

Q_SIGNALS:
    void opened(const QString &path);
    void failed(const QString &error);
    void written(qint64 samples);

private:
    HistoryStore m_store;
    bool m_failedOnce = false;
};

} // namespace blupow
