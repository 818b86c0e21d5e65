#include "historywriter.h"

#include <QDateTime>

namespace blupow {

HistoryWriter::HistoryWriter(QObject *parent)
    : QObject(parent) {}

void HistoryWriter::open(const QString &path) {
    QString error;
    if (!m_store.open(path, HistoryStore::Mode::ReadWrite, &error)) {
        Q_EMIT failed(error);
        return;
    }
    Q_EMIT opened(path);
    prune();
}

void HistoryWriter::write(const HistoryBatch &batch) {
    if (!m_store.isOpen())
        return;
    if (!m_store.append(batch)) {
        // One report per failure streak (a full disk fails every batch).
        if (!m_failedOnce)
            Q_EMIT failed(m_store.lastError());
        m_failedOnce = true;
        return;
    }
    m_failedOnce = false;
    Q_EMIT written(batch.size());
}

void HistoryWriter::writeEvent(const HistoryEvent &event) {
    if (m_store.isOpen() && !m_store.appendEvent(event))
        Q_EMIT failed(m_store.lastError());
}

void HistoryWriter::prune() {
    if (!m_store.isOpen())
        return;
    // Small steps, each its own transaction, with batches free to come in between.
    if (m_store.prune(QDateTime::currentMSecsSinceEpoch(), 20))
        QMetaObject::invokeMethod(this, &HistoryWriter::prune, Qt::QueuedConnection);
}

void HistoryWriter::close() {
    m_store.close();
}

} // namespace blupow
