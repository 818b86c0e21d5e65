#pragma once

#include "config/snapshot.h"
#include "registers/registerdecoder.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace blupow {

class DeviceSession;
struct Exchange;

// Reads a Snapshot through a polling session: every Once and Demand block of the device's map,
// one one-off read each (queued behind the poll), decoded with the same map.
//   Idle --start()--> Reading --all blocks answered--> Done  (finished)
//                             --a block times out---> Failed (failed, with the device's answer)
class SnapshotReader : public QObject {
    Q_OBJECT

public:
    enum class State { Idle, Reading, Done, Failed };
    Q_ENUM(State)

    // `session` must outlive the reader.
    explicit SnapshotReader(DeviceSession *session, QObject *parent = nullptr);
    ~SnapshotReader() override;

    // False, with `error`, when the session has not identified the device yet.
    bool start(QString *error);
    void setBlockTimeoutMs(int ms) { m_blockTimer.setInterval(ms); }

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] const Snapshot &snapshot() const { return m_snapshot; }
    // Blocks the device refused with an exception (left out of the snapshot), one line each.
    [[nodiscard]] const QStringList &skippedBlocks() const { return m_skipped; }

Q_SIGNALS:
    void finished(const blupow::Snapshot &snapshot);
    void failed(const QString &message);

private:
    void readNext();
    void onExchange(const Exchange &exchange);
    void fail(const QString &message);

    QPointer<DeviceSession> m_session;
    State m_state = State::Idle;
    QList<ReadBlock> m_plan;
    qsizetype m_index = 0;
    quint64 m_awaitId = 0;
    QList<RegisterBlock> m_blocks;
    QStringList m_skipped;
    Snapshot m_snapshot;
    QTimer m_blockTimer; // bounds each block (link lost and not coming back)
};

} // namespace blupow
