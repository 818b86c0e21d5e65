#pragma once

#include "modbus/exchange.h"
#include "modbus/framereassembler.h"
#include "modbus/linkstatistics.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>

#include <deque>
#include <optional>

namespace blupow {

class Transport;

// The request side of a Modbus RTU link over one transport: exactly one request in flight, a
// timeout per request, retries, and recovery from late replies. It knows nothing about devices,
// maps or polling; the session decides what to ask and hears what came of it.
//
// LATE REPLIES (docs/session.md, "Late replies"): a read reply does not echo its register, so the
// late reply to a timed-out request A would be accepted as the reply to the next request B when B
// has the same slave, function and count. The client keeps the signatures of such unsettled
// requests and never sends a request that matches one. It sends a resync probe first: a read the
// device answered before whose count matches no unsettled request. The reassembler drops a late
// reply of another length, and since the device and the BT-2 answer strictly in order, once the
// probe is answered every older reply has arrived or never will. Without a usable probe it asks
// for a new link (desynchronised()), the one sure way to discard what is still on its way.
//
// After an exchange the next request goes on a later turn of the event loop (after the gap, if
// any), never from inside the transport's bytesReceived(): everything on the wire is heard in the
// order it happened by whoever listens to the transport, before or after the client.
class ModbusClient : public QObject {
    Q_OBJECT

public:
    struct Timing {
        int requestTimeoutMs = 2000; // resync probes (a request says its own timeout)
        int interRequestGapMs = 0;   // extra pause after every exchange (inverters need 0.3 s)
    };

    ModbusClient(Transport *transport, Timing timing, QObject *parent = nullptr);
    ~ModbusClient() override;

    // The caller's next request: sent now, or after the resync probes it needs. Retried up to
    // `retries` times on a timeout or a malformed reply (an exception is an answer). Answered once
    // by finished(). Only when idle(); returns the exchange id (`id` when not 0).
    quint64 send(const modbus::Request &request, int timeoutMs, int retries = 0, quint64 id = 0);
    // A request is in flight, held for a probe, or the gap after the last exchange is running;
    // also while finished() is being emitted, so a request queued from a slot waits for idle().
    [[nodiscard]] bool busy() const;
    // A request is on the wire, waiting for its reply.
    [[nodiscard]] bool inFlight() const { return m_pending.has_value(); }
    // Ids shared with requests queued above the client (one-offs), so that every exchange has one.
    [[nodiscard]] quint64 reserveId() { return ++m_lastId; }

    // A new link carries nothing from the old one: late replies died with it.
    void linkOpened();
    // Ends the request in flight (finished() with Cancelled) without sending anything more.
    void cancel(const QString &why);

    // The slave the resync probes go to (the identified device; of several on one link, one that
    // answers); no probes without it. A probe is a read this slave answered.
    void setProbeSlave(std::optional<quint8> slave) { m_probeSlave = slave; }
    // A read a device answered (identification learns some before the client could).
    void rememberAnswered(const modbus::Request &request);

    [[nodiscard]] const Timing &timing() const { return m_timing; }
    // Request counters, round trips and dropped bytes; the session adds its own fields.
    [[nodiscard]] const LinkStatistics &statistics() const { return m_stats; }

Q_SIGNALS:
    // Every exchange on the wire, each attempt and each resync probe included (the frame log).
    void exchangeFinished(const blupow::Exchange &exchange);
    // The outcome of the caller's request after its retries, or Cancelled. A request cancelled
    // before it was ever written has sentMs == 0.
    void finished(const blupow::Exchange &exchange);
    // Nothing in flight and the gap is over: the next request may go.
    void idle();
    // A held request cannot be told apart from a late reply and no probe can settle it.
    void desynchronised(const QString &reason);
    // The transport refused the write (the link is not open).
    void writeFailed(const QString &reason);

private:
    struct Signature {
        quint8 slave = 0;
        modbus::FunctionCode function = modbus::FunctionCode::ReadHoldingRegisters;
        quint16 count = 0;
    };
    struct Held {
        modbus::Request request;
        quint64 id = 0;
        int timeoutMs = 0;
        int retriesLeft = 0;
    };
    struct Pending {
        Exchange exchange;
        bool probe = false;
        bool suspect = false; // the reply so far is an exception that may be a late one
        bool waited = false;  // ...and one was waited past already: the next reply is taken
        QElapsedTimer clock;
    };

    void proceed();
    void write(const modbus::Request &request, quint64 id, int timeoutMs, bool probe);
    void onBytes(const QByteArray &chunk, qint64 timestampMs);
    void onTimeout();
    void complete(Exchange::Outcome outcome, const QString &error);
    void record(const Exchange &exchange);
    void settle();
    // `anyCount`: for an exception reply, which carries no byte count.
    [[nodiscard]] bool collides(const modbus::Request &request, bool anyCount = false) const;
    [[nodiscard]] std::optional<modbus::Request> resyncProbe() const;

    Transport *m_transport;
    Timing m_timing;
    // Children with names, so that a test can expire a request on purpose instead of racing
    // the clock (tests/tst_modbusclient.cpp).
    QTimer m_requestTimer{this};
    QTimer m_gapTimer{this};
    modbus::FrameReassembler m_reassembler;
    std::optional<Pending> m_pending;
    std::optional<Held> m_held;
    bool m_finishing = false;
    QList<Signature> m_unsettled;      // requests whose reply may still arrive
    QList<modbus::Request> m_answered; // reads the device answered: probe targets
    std::optional<quint8> m_probeSlave;
    int m_resyncFailures = 0;
    quint64 m_epoch = 0; // changes on cancel() and linkOpened(): what was in progress is over
    quint64 m_lastId = 0;

    LinkStatistics m_stats;
    std::deque<bool> m_outcomes;
    std::deque<double> m_roundTrips;
};

} // namespace blupow
