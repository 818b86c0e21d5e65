#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

namespace blupow {

// The one seam between the protocol and a link: Bluetooth LE, the built-in simulator, or a
// recording played back. A transport moves bytes and reports link state; it never interprets
// Modbus (README, Architecture). The session above it does not know which one it drives;
// app/*/main.cpp chooses.
class Transport : public QObject {
    Q_OBJECT

public:
    enum class State { Closed, Opening, Open, Closing };
    Q_ENUM(State)

    enum class Error {
        None,
        AdapterUnavailable, // no Bluetooth adapter, or BlueZ not running
        AdapterPoweredOff,
        PermissionDenied,
        DeviceNotFound,
        ConnectionRefused, // includes the lockout after a failed connect
        ConnectionLost,    // link dropped while open
        ServiceMissing,    // the Renogy GATT services or characteristics are not there
        WriteFailed,
        Unknown,
    };
    Q_ENUM(Error)

    explicit Transport(QObject *parent = nullptr);
    ~Transport() override;

    // Asynchronous: Opening, then Open, or errorOccurred() followed by Closed. Never blocks.
    virtual void open() = 0;
    // Asynchronous as well; ends in Closed. Bytes still in flight are discarded.
    virtual void close() = 0;
    // Sends one request frame. Returns false (and emits errorOccurred) when not Open.
    virtual bool write(const QByteArray &frame) = 0;

    [[nodiscard]] virtual State state() const = 0;
    // What identifies the peer: the advertised name ("BTRIC134000035", "BT-TH-66EDFC11") and
    // address. The session uses the name to guess the family before reading model registers.
    [[nodiscard]] virtual QString peerName() const = 0;
    [[nodiscard]] virtual QString peerAddress() const = 0;
    // Received signal strength in dBm, or 0 when the transport has none.
    [[nodiscard]] virtual int rssi() const { return 0; }

    // Every chunk received and frame written is numbered in the order it happened on this link.
    // The numbering is connected first, so it runs before any other slot sees the signal: a tap
    // attached to a running session (the recorder) can put a chunk before the request that the
    // session sent from inside its handler of that chunk, which millisecond timestamps cannot.
    [[nodiscard]] quint64 sequenceOfLastWrite() const { return m_lastWrite; }
    [[nodiscard]] quint64 sequenceOfLastChunk() const { return m_lastChunk; }

Q_SIGNALS:
    // Raw chunks exactly as they arrived (one BLE notification each); timestamps are ms since
    // the epoch so the frame log and recordings can show wall-clock time.
    void bytesReceived(const QByteArray &chunk, qint64 timestampMs);
    void bytesWritten(const QByteArray &frame, qint64 timestampMs);
    void stateChanged(blupow::Transport::State state);
    void errorOccurred(blupow::Transport::Error error, const QString &message);

private:
    quint64 m_sequence = 0;
    quint64 m_lastWrite = 0;
    quint64 m_lastChunk = 0;
};

} // namespace blupow
