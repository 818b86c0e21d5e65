#pragma once

// The private part of DeviceSession (core/device/devicesession.cpp), apart so that its jobs can
// be read at a glance: the state and the connection here, the rest in the parts below.

#include "device/backoff.h"
#include "device/devicesession.h"
#include "device/identify.h"
#include "device/linkkeeper.h"
#include "device/ondemandqueue.h"
#include "device/pollcycle.h"
#include "modbus/modbusclient.h"
#include "transport/transport.h"

#include <QElapsedTimer>
#include <QTimer>

#include <deque>
#include <memory>
#include <optional>

namespace blupow {

// The supervisor: owns the state, the connection and its backoff, and decides what to ask next.
// Sending, timeouts, retries and late replies are the ModbusClient's; which block to read and the
// values are the PollCycle's; identification is the Identifier's (docs/session.md).
class DeviceSessionPrivate {
public:
    // Who asked for the request the client holds.
    enum class Asker { Identification, OnceBlock, CycleBlock, OnDemand };

    // One identified slave of the link (several behind a BT-2 or hub, docs/session.md): its own
    // identity, its own poll and its own availability; the link, the client and the timers are
    // shared, so there is still one request in flight.
    struct Slave {
        DeviceIdentity identity;
        PollCycle poll;
        bool online = false;
        // Its last cycle got no answer: its next cycle asks once, without retries, before
        // giving up on it again, so a silent slave does not cost the others its timeouts.
        bool silent = false;
    };

    DeviceSessionPrivate(DeviceSession *session, Transport *peer, RegisterMaps registerMaps,
                         DeviceSession::Options opts)
        : q(session)
        , transport(peer)
        , maps(std::move(registerMaps))
        , options(std::move(opts))
        , link(transport, options.connectTimeoutMs)
        , client(transport, {options.requestTimeoutMs, options.interRequestGapMs})
        , backoff(options.backoffInitialMs, options.backoffMaxMs, options.backoffJitter,
                  options.randomSeed) {
        for (QTimer *t : {&backoffTimer, &pollTimer})
            t->setSingleShot(true);
        // The poll interval is the cycle period; a coarse timer's 5 % slack would drift it.
        pollTimer.setTimerType(Qt::PreciseTimer);
    }

    void setState(DeviceSession::State next, const QString &reason);
    void setAvailability(bool online);
    void beginConnect(const QString &reason);
    void onOpened();
    void linkLost(const QString &reason);
    void halt(); // no timer, no request, no cycle: the common part of every way out of a link
    void dropLink(const QString &reason); // halt() and close the transport
    void enterBackoff(const QString &reason);
    void reconnectNow(const QString &reason);

    void proceed();
    void ask(const modbus::Request &request, Asker who, int timeoutMs, int retries, quint64 id = 0);
    void onExchange(const Exchange &exchange);
    void onFinished(const Exchange &exchange);
    void adoptIdentities();
    void startCycle();
    void endSlaveCycle(Slave &slave);
    void finishCycle(bool mayDeclareDead);
    void emitValues(const Slave &slave);
    void setSlaveOnline(Slave &slave, bool isOnline);
    [[nodiscard]] const Slave *slaveAt(quint8 id) const;
    [[nodiscard]] int requestRetries() const;
    quint64 queue(OnDemandQueue::Item item); // a read or write on demand; returns its id
    [[nodiscard]] LinkStatistics statistics() const;

    DeviceSession *q;
    std::unique_ptr<Transport> ownedTransport; // declared first: the last to go
    Transport *transport;
    RegisterMaps maps;
    DeviceSession::Options options;
    DeviceSession::State state = DeviceSession::State::Idle;

    QTimer pollTimer;    // start of the next poll cycle
    QTimer backoffTimer; // reconnect after a loss

    LinkKeeper link;
    ModbusClient client;
    Asker asker = Asker::CycleBlock;
    std::optional<Identifier> identifier;
    std::optional<DeviceIdentity> identity; // the first slave's (the only one's, most often)
    std::optional<quint8> focus;            // DeviceSession::setFocus(); the first slave if none
    // Every identified slave, in probe order; never empty once identified. A deque: a slave's
    // address is handed to its PollCycle's users while others are appended.
    std::deque<Slave> slaves;
    std::size_t current = 0; // the slave whose cycle (or once blocks) is being read
    bool cycleActive = false;
    bool cycleDue = false; // the poll timer fired during a cycle: the next starts right after it
    QElapsedTimer cycleClock;
    double lastCycleMs = 0;
    OnDemandQueue onDemand;
    [[nodiscard]] const Slave *focused() const;

    int desyncReconnects = 0;
    Backoff backoff;
    quint64 reconnects = 0;
    bool online = false;
};

} // namespace blupow
