#pragma once

#include "sim/devicesimulator.h"
#include "transport/transport.h"

#include <QElapsedTimer>
#include <QList>
#include <QRandomGenerator>
#include <QTimer>

#include <deque>
#include <optional>

namespace blupow {

// A Transport that runs a DeviceSimulator behind a modelled BT-2 link: requests and replies cross
// a 9600-baud UART (8N1: 10 bits, 1.04 ms per byte), the reply comes back in 20-byte notifications
// (one bytesReceived per chunk, docs/protocol.md 3.4) no closer together than the notification
// interval, and the link is strictly in order (a reply that is late holds back the next one, as a
// half-duplex RS485 bus does). Everything runs on QTimers: no sleeps, no threads.
//
// Faults are injected per reply (see Fault) so tests and `blupow-cli --fault` can prove that the
// session recovers from each way a real link misbehaves.
//
// A system (Scenario::members) puts several simulators behind the one UART, as on an RS485 bus:
// each answers only its own slave id, the others stay silent; a request to 0xFF is answered by
// all of them at once, and the replies collide into one damaged frame (docs/protocol.md 4).
class SimulatedTransport : public Transport {
    Q_OBJECT

public:
    struct Latency {
        double byteTimeMs = 10.0 * 1000.0 / 9600.0; // one byte on the UART at 9600 baud, 8N1
        double processingMs = 0;                    // device think time between request and reply
        double notificationIntervalMs = 7.5;        // minimum BLE connection interval
        int chunkSize = 20;                         // ATT MTU 23 - 3 (docs/protocol.md 3.4)
        int openMs = 150;
        int closeMs = 20;

        static Latency bt2() { return {}; }
        // For tests: the same shape (chunks, ordering) with almost no waiting.
        static Latency fast() { return Latency{0.02, 0, 0, 20, 2, 1}; }
        // Modelled wire time of one exchange: the physical floor any client can reach.
        [[nodiscard]] double airtimeMs(int requestBytes, int replyBytes) const {
            return (requestBytes + replyBytes) * byteTimeMs + processingMs;
        }
    };

    enum class FaultKind {
        Drop,       // one notification of a reply is lost
        Corrupt,    // one byte of a reply is changed (the CRC catches it)
        Delay,      // the reply is held back by delayMs, past the session's timeout
        Disconnect, // the link drops instead of answering
        Refuse,     // connection attempts are refused for `seconds` (the BT-2 lockout)
    };
    Q_ENUM(FaultKind)

    // KIND[:RATE][@SLAVE]. RATE in (0, 1) or written with a decimal point is a probability per
    // reply; an integer N >= 1 means "the next N replies" (deterministic, for tests). For refuse,
    // RATE is the lockout in seconds (default 5). Without RATE: probability 0.1 (disconnect 0.02).
    // @SLAVE (0x33 or 51) limits it to the replies of that slave (one battery of a system).
    struct Fault {
        FaultKind kind = FaultKind::Drop;
        double probability = 0;
        int remaining = -1; // >= 0: count mode, replies still to affect
        double seconds = 0; // refuse: lockout length
        std::optional<quint8> slave = std::nullopt;
    };
    static std::optional<Fault> parseFault(QStringView spec, QString *error);
    [[nodiscard]] static QString faultKindName(FaultKind kind);

    explicit SimulatedTransport(DeviceSimulator simulator, QObject *parent = nullptr);
    // A system: several simulators behind one dongle called `name`, at "sim:<id>".
    SimulatedTransport(std::vector<DeviceSimulator> bus, QString name, QString id,
                       QObject *parent = nullptr);
    ~SimulatedTransport() override;

    void open() override;
    void close() override;
    bool write(const QByteArray &frame) override;

    [[nodiscard]] State state() const override { return m_state; }
    [[nodiscard]] QString peerName() const override;
    [[nodiscard]] QString peerAddress() const override;
    [[nodiscard]] int rssi() const override { return -62; }

    void setLatency(const Latency &latency) { m_latency = latency; }
    [[nodiscard]] const Latency &latency() const { return m_latency; }
    void addFault(const Fault &fault);
    void clearFaults();
    [[nodiscard]] const QList<Fault> &faults() const { return m_faults; }
    // How far a Delay fault holds a reply back; make it longer than the session's timeout.
    void setFaultDelayMs(int ms) { m_faultDelayMs = ms; }
    void setSeed(quint32 seed) { m_random.seed(seed); }
    [[nodiscard]] quint64 faultsInjected(FaultKind kind) const;

    // The first (the only one, unless a system).
    [[nodiscard]] DeviceSimulator &simulator() { return m_bus.front(); }
    [[nodiscard]] const DeviceSimulator &simulator() const { return m_bus.front(); }
    [[nodiscard]] std::vector<DeviceSimulator> &simulators() { return m_bus; }
    // The simulator answering `slave`; nullptr when none does.
    [[nodiscard]] DeviceSimulator *simulatorAt(quint8 slave);
    // The transport's clock in epoch ms (what bytesReceived timestamps and the simulator use).
    [[nodiscard]] qint64 nowEpochMs() const;

private:
    struct Event {
        enum class Kind { Chunk, LinkLost };
        double dueMs = 0; // on m_clock
        Kind kind = Kind::Chunk;
        QByteArray bytes;
    };

    void setState(State state);
    void finishOpen();
    void deliverDue();
    void schedule(Event event);
    void armDeliveryTimer();
    void dropLink(Error error, const QString &message);
    [[nodiscard]] double nowMs() const;
    [[nodiscard]] qint64 epochAt(double clockMs) const;
    [[nodiscard]] bool strikes(Fault &fault);
    [[nodiscard]] std::optional<QByteArray> answer(const QByteArray &frame, qint64 atMs);

    std::vector<DeviceSimulator> m_bus; // never empty
    QString m_name;
    QString m_id;
    Latency m_latency;
    State m_state = State::Closed;
    QList<Fault> m_faults;
    QList<quint64> m_injected;
    int m_faultDelayMs = 2500;
    QRandomGenerator m_random;
    QElapsedTimer m_clock;
    qint64 m_epochBase = 0;

    QTimer m_openTimer;     // connection setup time
    QTimer m_closeTimer;    // disconnect completion
    QTimer m_deliveryTimer; // next scheduled notification or link loss
    std::deque<Event> m_events;
    double m_wireFreeMs = 0; // the UART is busy until then (half duplex, in order)
    double m_lastNotifyMs = -1e9;
    double m_lockoutUntilMs = -1;
    bool m_lockoutPending = true; // the next open arms the Refuse lockout
};

} // namespace blupow
