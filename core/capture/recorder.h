#pragma once

#include "capture/framerecord.h"
#include "modbus/exchange.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <limits>
#include <memory>

class QIODevice;

namespace blupow {

class Transport;

namespace capture {

// Records what a transport writes and receives, chunk by chunk with its timestamp, as a btsnoop
// file (datalink 1002 with synthesised HCI ACL + L2CAP + ATT on the BT-2's usual handles 0x001D
// and 0x002E): Wireshark opens it, `blupow-cli import` reads it back, `--replay` plays it. Each
// chunk is written and flushed as it happens (a write at the latest one event-loop turn later),
// so a session killed with Ctrl+C keeps its file.
//
// Records go to the file in time order even when the recorder was attached to a running session:
// then the session sees each notification before the recorder does and may send its next request
// from inside that handler, so the recorder hears the write before the chunk that caused it.
// Writes therefore wait for the end of the event-loop turn, and a chunk overtakes every waiting
// write of its link that came after it in the link's own numbering
// (Transport::sequenceOfLastChunk): a write can be a reaction to a chunk, never its cause.
// Timestamps cannot decide that order: a fast link answers within the millisecond of its request.
class Recorder : public QObject {
    Q_OBJECT

public:
    explicit Recorder(QObject *parent = nullptr);
    ~Recorder() override;

    // Creates (truncates) `path` and writes the header and a synthesised GATT discovery.
    bool start(const QString &path, QString *error);
    // The same on a device the caller owns (a QBuffer in tests); it must stay alive until stop().
    bool start(QIODevice *device, QString *error);
    // Records the transport's bytesWritten / bytesReceived until stop() or its destruction.
    void attach(Transport *transport);
    void stop();

    [[nodiscard]] bool isRecording() const { return m_device != nullptr; }
    [[nodiscard]] qsizetype chunksRecorded() const { return m_chunks; }
    [[nodiscard]] QString path() const { return m_path; }

    // The frame log exported as btsnoop: each exchange's request at its send time and its reply
    // at its receive time, in one notification (the chunking is not kept in an Exchange).
    [[nodiscard]] static QByteArray exportExchanges(const QList<Exchange> &exchanges);
    // The frames panel's log as btsnoop: TX lines as writes, RX and discarded lines as
    // notifications, each at its own time.
    [[nodiscard]] static QByteArray exportFrames(const QList<FrameRecord> &frames);

Q_SIGNALS:
    // Writing failed (disk full, file removed); recording stops.
    void errorOccurred(const QString &message);

private:
    struct PendingWrite {
        QByteArray frame;
        qint64 timestampMs = 0;
        const Transport *link = nullptr;
        quint64 sequence = 0; // on its link
    };

    void record(const QByteArray &chunk, qint64 timestampMs, bool received);
    // Written and, for a file, flushed: false when either failed.
    static bool writeOut(QIODevice *device, const QByteArray &bytes);
    [[nodiscard]] QString failureMessage() const;
    // Writes the waiting writes in order, up to the first one that `link` made after its chunk
    // number `chunkSequence` (all of them by default).
    void flushWrites(const Transport *link = nullptr,
                     quint64 chunkSequence = std::numeric_limits<quint64>::max());

    std::unique_ptr<QIODevice> m_ownedDevice;
    QIODevice *m_device = nullptr;
    QList<QPointer<Transport>> m_transports;
    QString m_path;
    qsizetype m_chunks = 0;
    QList<PendingWrite> m_pendingWrites;
    QTimer m_flushTimer; // zero interval: the end of the current event-loop turn
};

} // namespace capture
} // namespace blupow
