#include "historyrecorder.h"

#include "historywriter.h"

#include <QDateTime>

namespace blupow {

HistoryRecorder::HistoryRecorder(QObject *parent)
    : QObject(parent) {
    qRegisterMetaType<HistoryBatch>();
    qRegisterMetaType<HistoryEvent>();
    m_thread.setObjectName(QStringLiteral("history-writer"));
    m_flushTimer.setInterval(kFlushMs);
    m_pruneTimer.setInterval(kPruneMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &HistoryRecorder::flush);
    connect(&m_pruneTimer, &QTimer::timeout, this, &HistoryRecorder::pruneRequested);
}

HistoryRecorder::~HistoryRecorder() {
    stop();
}

void HistoryRecorder::start(const QString &path) {
    stop();
    m_path = path;
    m_writer = new HistoryWriter;
    m_writer->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_writer, &QObject::deleteLater);
    connect(this, &HistoryRecorder::openRequested, m_writer, &HistoryWriter::open);
    connect(this, &HistoryRecorder::batchReady, m_writer, &HistoryWriter::write);
    connect(this, &HistoryRecorder::eventReady, m_writer, &HistoryWriter::writeEvent);
    connect(this, &HistoryRecorder::pruneRequested, m_writer, &HistoryWriter::prune);
    connect(this, &HistoryRecorder::closeRequested, m_writer, &HistoryWriter::close);
    connect(m_writer, &HistoryWriter::opened, this, &HistoryRecorder::opened);
    connect(m_writer, &HistoryWriter::failed, this, &HistoryRecorder::failed);
    connect(m_writer, &HistoryWriter::written, this, &HistoryRecorder::written);
    m_thread.start(QThread::LowPriority);
    Q_EMIT openRequested(path);
    m_flushTimer.start();
    m_pruneTimer.start();
}

void HistoryRecorder::stop() {
    if (!m_thread.isRunning())
        return;
    flush();
    m_flushTimer.stop();
    m_pruneTimer.stop();
    Q_EMIT closeRequested();
    // quit() from here ends the writer's loop without running what is still queued to it (the
    // last events and batch were lost now and then); queued behind them, it runs after them.
    QMetaObject::invokeMethod(
        m_writer, [] { QThread::currentThread()->quit(); }, Qt::QueuedConnection);
    m_thread.wait();
    m_writer = nullptr;
}

void HistoryRecorder::record(const QString &device, const QString &title,
                             const DecodedValues &values) {
    if (!m_thread.isRunning())
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const DecodedValue &v : values) {
        if (!v.isNumeric() || v.quality != Quality::Good)
            continue;
        m_pending.append({device, title, v.key, v.label, v.unit, v.decimals,
                          v.timestampMs > 0 ? v.timestampMs : now, v.value.toDouble()});
    }
    if (m_pending.size() >= kMaxBatch)
        flush();
}

void HistoryRecorder::recordEvent(const HistoryEvent &event) {
    if (m_thread.isRunning())
        Q_EMIT eventReady(event);
}

void HistoryRecorder::flush() {
    if (m_pending.isEmpty() || !m_thread.isRunning())
        return;
    Q_EMIT batchReady(m_pending);
    m_pending.clear();
}

void HistoryRecorder::setFlushInterval(int ms) {
    m_flushTimer.setInterval(ms);
}

} // namespace blupow
