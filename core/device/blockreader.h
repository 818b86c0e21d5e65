#pragma once

#include "registers/registerdecoder.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>

namespace blupow {

class DeviceSession;
struct Exchange;

// Reads a list of blocks through a polling session, one one-off read at a time: each waits behind
// the poll in the session's queue, so the link still carries one request at a time. A snapshot
// of the settings and a device log are both read this way.
//   Idle --start()--> Reading --every block answered or refused--> Done   (finished)
//                             --a block times out or fails--------> Failed (failed)
// A block the device refuses with an exception is left out and named in skipped(): a model that
// lacks it says 0x02 (docs/protocol.md 5.3), which is an answer, not a broken link.
class BlockReader : public QObject {
    Q_OBJECT

public:
    enum class State { Idle, Reading, Done, Failed };
    Q_ENUM(State)

    // `session` must outlive the reader.
    explicit BlockReader(DeviceSession *session, QObject *parent = nullptr);
    ~BlockReader() override;

    // False, with `error`, while a read is under way. An empty plan finishes at once.
    bool start(const QList<ReadBlock> &plan, QString *error);
    void setBlockTimeoutMs(int ms) { m_blockTimer.setInterval(ms); }

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] const QList<RegisterBlock> &blocks() const { return m_blocks; }
    // The blocks the device refused, one line each ("61440 x10: illegal data address").
    [[nodiscard]] const QStringList &skipped() const { return m_skipped; }

Q_SIGNALS:
    void progress(int done, int total);
    void finished();
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
    QTimer m_blockTimer; // bounds each block (link lost and not coming back)
};

} // namespace blupow
