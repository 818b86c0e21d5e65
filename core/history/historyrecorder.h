#pragma once

#include "historytypes.h"
#include "registers/decodedvalue.h"

#include <QObject>
#include <QThread>
#include <QTimer>

namespace blupow {

class HistoryWriter;

// Records polled values into the history file (docs/history.md): the front the GUI and the CLI
// call on their own thread. Only Good numeric values are kept (a stale or invalid one is a gap,
// never history). Samples are gathered here and handed, every kFlushMs or every kMaxBatch
// samples, to a HistoryWriter in a thread of its own as one transaction; a killed process loses
// at most that batch. Raw samples past their age are pruned every kPruneMs.
class HistoryRecorder : public QObject {
    Q_OBJECT

public:
    static constexpr int kFlushMs = 5000;
    static constexpr int kMaxBatch = 4000;
    static constexpr int kPruneMs = 10 * 60 * 1000;

    explicit HistoryRecorder(QObject *parent = nullptr);
    // Writes what is pending and waits for the writer to commit it.
    ~HistoryRecorder() override;

    // Opens (or creates) the file in the writer thread: opened() or failed() follows.
    void start(const QString &path);
    // Flushes, closes the file and ends the thread (blocks for the last commit).
    void stop();
    [[nodiscard]] bool isRunning() const { return m_thread.isRunning(); }
    [[nodiscard]] QString path() const { return m_path; }

    // `device` is the stable id (DeviceIdentity::deviceId()), `title` the name shown.
    void record(const QString &device, const QString &title, const DecodedValues &values);
    void recordEvent(const HistoryEvent &event);
    // Hands what is pending to the writer now.
    void flush();
    void setFlushInterval(int ms);

    [[nodiscard]] qint64 pendingSamples() const { return m_pending.size(); }

Q_SIGNALS:
    void opened(const QString &path);
    void failed(const QString &error);
    // A batch was committed.
    void written(qint64 samples);

    // To the writer (queued).
    void openRequested(const QString &path);
    void batchReady(const blupow::HistoryBatch &batch);
    void eventReady(const blupow::HistoryEvent &event);
    void pruneRequested();
    void closeRequested();

private:
    QThread m_thread;
    HistoryWriter *m_writer = nullptr; // lives in m_thread; deleted when it finishes
    HistoryBatch m_pending;
    QString m_path;
    QTimer m_flushTimer;
    QTimer m_pruneTimer;
};

} // namespace blupow
