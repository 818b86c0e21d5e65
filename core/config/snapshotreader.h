#pragma once

#include "config/snapshot.h"
#include "device/blockreader.h"

#include <QObject>
#include <QPointer>

namespace blupow {

class DeviceSession;

// Reads a Snapshot through a polling session: every Once and Demand block of the device's map
// (BlockReader: one one-off read each, queued behind the poll), decoded with the same map.
//   Idle --start()--> Reading --all blocks answered--> Done  (finished)
//                             --a block times out---> Failed (failed, with the device's answer)
class SnapshotReader : public QObject {
    Q_OBJECT

public:
    using State = BlockReader::State;

    // `session` must outlive the reader.
    explicit SnapshotReader(DeviceSession *session, QObject *parent = nullptr);
    ~SnapshotReader() override;

    // False, with `error`, when the session has not identified the device yet.
    bool start(QString *error);
    void setBlockTimeoutMs(int ms) { m_reader.setBlockTimeoutMs(ms); }

    [[nodiscard]] State state() const { return m_reader.state(); }
    [[nodiscard]] const Snapshot &snapshot() const { return m_snapshot; }
    // Blocks the device refused with an exception (left out of the snapshot), one line each.
    [[nodiscard]] const QStringList &skippedBlocks() const { return m_reader.skipped(); }

Q_SIGNALS:
    void finished(const blupow::Snapshot &snapshot);
    void failed(const QString &message);

private:
    QPointer<DeviceSession> m_session;
    BlockReader m_reader;
    Snapshot m_snapshot;
};

} // namespace blupow
