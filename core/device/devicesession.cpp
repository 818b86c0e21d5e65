#include "devicesession.h"

#include "device/identify.h"
#include "logging.h"
#include "modbus/framereassembler.h"
#include "registers/registerdecoder.h"
#include "transport/transport.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QMetaEnum>
#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <deque>

namespace blupow {

namespace {

constexpr int kStatisticsWindow = 100;      // "success rate over the last 100 requests"
constexpr int kMaxResyncFailures = 3;       // unanswered resync probes before the link is reset
constexpr int kMaxDesyncReconnects = 3;     // immediate reconnects before backing off instead
constexpr int kSilentCyclesToSkip = 2;      // a block silent this many cycles in a row is skipped
constexpr int kSilentBlockRetryCycles = 20; // ...and tried again every this many cycles

qint64 nowEpochMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

QString hexSlave(quint8 slave) {
    return QStringLiteral("0x%1").arg(slave, 2, 16, QLatin1Char('0'));
}

} // namespace

QString sessionStateName(DeviceSession::State state) {
    switch (state) {
    case DeviceSession::State::Idle:
        return QStringLiteral("idle");
    case DeviceSession::State::Connecting:
        return QStringLiteral("connecting");
    case DeviceSession::State::Identifying:
        return QStringLiteral("identifying");
    case DeviceSession::State::Polling:
        return QStringLiteral("polling");
    case DeviceSession::State::BackingOff:
        return QStringLiteral("backing off");
    case DeviceSession::State::Stopped:
        return QStringLiteral("stopped");
    }
    return QStringLiteral("unknown");
}

class DeviceSessionPrivate {
public:
    enum class Purpose { Identify, Once, Cycle, Resync, OneOff };

    // What a reply to a request looks like to the reassembler: a read reply carries no register
    // address, only the slave, the function and the byte count (protocol.md 3.4).
    struct Signature {
        quint8 slave = 0;
        modbus::FunctionCode function = modbus::FunctionCode::ReadHoldingRegisters;
        quint16 count = 0;
    };

    struct Pending {
        Exchange exchange;
        Purpose purpose = Purpose::Cycle;
        QElapsedTimer clock;
    };

    struct OneOff {
        quint64 id = 0;
        quint16 start = 0;
        quint16 count = 0;
        modbus::FunctionCode function = modbus::FunctionCode::ReadHoldingRegisters;
        QList<quint16> words; // written values (writes only)

        [[nodiscard]] modbus::Request request(quint8 slave) const {
            switch (function) {
            case modbus::FunctionCode::WriteSingleRegister:
                return modbus::Request::writeSingle(slave, start, words.value(0));
            case modbus::FunctionCode::WriteMultipleRegisters:
                return modbus::Request::writeMultiple(slave, start, words);
            case modbus::FunctionCode::ReadHoldingRegisters:
                break;
            }
            return modbus::Request::read(slave, start, count);
        }
    };

    DeviceSessionPrivate(DeviceSession *session, Transport *link, RegisterMaps registerMaps,
                         DeviceSession::Options opts);

    // transitions
    void setState(DeviceSession::State next, const QString &reason);
    void beginConnect(const QString &reason);
    void onOpened();
    void linkLost(const QString &reason);
    void enterBackoff(const QString &reason);
    void reconnectNow(const QString &reason);
    void setAvailability(bool online);

    // requests
    void proceed();
    void afterExchange();
    bool sendChecked(const modbus::Request &request, Purpose purpose, int timeoutMs,
                     quint64 id = 0);
    void send(const modbus::Request &request, Purpose purpose, int timeoutMs, quint64 id = 0);
    void onBytes(const QByteArray &chunk, qint64 timestampMs);
    void onRequestTimeout();
    void complete(Exchange::Outcome outcome, const QString &error);
    void cancelPending(const QString &why);
    [[nodiscard]] bool collides(const modbus::Request &request) const;
    [[nodiscard]] std::optional<modbus::Request> resyncProbe() const;
    void rememberAnswered(const modbus::Request &request);

    // identification and polling
    void adoptIdentity();
    void startCycle();
    void finishCycle(bool mayDeclareDead);
    void markAllStale();
    [[nodiscard]] DecodedValue neverReadValue(const FieldDef &field) const;
    [[nodiscard]] int computeBackoffMs(int attempt);
    void record(const Exchange &exchange);

    DeviceSession *q;
    Transport *transport;
    RegisterMaps maps;
    DeviceSession::Options options;
    DeviceSession::State state = DeviceSession::State::Idle;

    QTimer connectTimer; // guards an open() that never completes
    QTimer requestTimer; // per-request timeout
    QTimer gapTimer;     // optional pause between requests (inverters: 0.3 s, protocol.md 3.5)
    QTimer pollTimer;    // start of the next poll cycle
    QTimer backoffTimer; // reconnect after a loss

    std::optional<Identifier> identifier;
    std::optional<DeviceIdentity> identity;
    const RegisterMap *map = nullptr;
    QList<ReadBlock> oncePlan;
    QList<ReadBlock> cyclePlan;

    modbus::FrameReassembler reassembler;
    std::optional<Pending> pending;
    QList<Signature> unsettled; // requests whose reply may still arrive (timed out / untrusted)
    QList<modbus::Request> knownGood; // reads this device answered: resync probe targets
    int resyncFailures = 0;
    int desyncReconnects = 0;
    bool openWhenClosed = false;

    qsizetype onceIndex = 0;
    int onceAttempt = 0;
    QList<RegisterBlock> onceBlocks;

    bool cycleActive = false;
    bool cycleDue = false;
    qsizetype cycleIndex = 0;
    int blockAttempt = 0;
    bool cycleHeardDevice = false;
    QList<RegisterBlock> cycleBlocks;
    QHash<quint16, int> silentBlocks; // block start -> cycles in a row it got no answer
    QList<quint16> silentThisCycle;
    QElapsedTimer cycleClock;

    std::deque<OneOff> oneOffs;
    quint64 nextId = 0;
    bool completing = false; // inside complete(): queued one-offs wait for afterExchange()

    QHash<QString, DecodedValue> lastValues;
    DecodedValues current;

    LinkStatistics stats;
    std::deque<bool> outcomes;
    std::deque<double> roundTrips;

    int backoffAttempt = 0;
    bool online = false;
    QString lastTransportError;
    QRandomGenerator random;
};

DeviceSessionPrivate::DeviceSessionPrivate(DeviceSession *session, Transport *link,
                                           RegisterMaps registerMaps, DeviceSession::Options opts)
    : q(session)
    , transport(link)
    , maps(std::move(registerMaps))
    , options(std::move(opts))
    , random(options.randomSeed ? options.randomSeed : QRandomGenerator::global()->generate()) {
    for (QTimer *t : {&connectTimer, &requestTimer, &gapTimer, &backoffTimer, &pollTimer})
        t->setSingleShot(true);
    // The poll interval is the cycle period; a coarse timer's 5 % slack would drift it.
    pollTimer.setTimerType(Qt::PreciseTimer);
    requestTimer.setTimerType(Qt::PreciseTimer);
}

// ---- transitions ---------------------------------------------------------------------------

void DeviceSessionPrivate::setState(DeviceSession::State next, const QString &reason) {
    if (state == next && next != DeviceSession::State::BackingOff)
        return;
    qCDebug(lcSession).noquote() << transport->peerName() << sessionStateName(state) << "->"
                                 << sessionStateName(next) << ":" << reason;
    state = next;
    Q_EMIT q->stateChanged(next, reason);
}

void DeviceSessionPrivate::setAvailability(bool isOnline) {
    if (online == isOnline)
        return;
    online = isOnline;
    Q_EMIT q->availabilityChanged(isOnline);
}

void DeviceSessionPrivate::beginConnect(const QString &reason) {
    setState(DeviceSession::State::Connecting, reason);
    connectTimer.start(options.connectTimeoutMs);
    switch (transport->state()) {
    case Transport::State::Open:
        onOpened();
        break;
    case Transport::State::Closed:
        openWhenClosed = false;
        transport->open();
        break;
    case Transport::State::Closing:
        openWhenClosed = true; // reopen once the old link is really gone
        break;
    case Transport::State::Opening:
        break;
    }
}

void DeviceSessionPrivate::onOpened() {
    connectTimer.stop();
    // A new link carries nothing from the old one: late replies died with it (protocol.md 3.4).
    stats.droppedBytes += static_cast<quint64>(reassembler.reset().size());
    unsettled.clear();
    resyncFailures = 0;
    onceIndex = 0;
    onceAttempt = 0;
    onceBlocks.clear();
    if (!identity && !identifier) {
        Identifier::Config config;
        config.family = options.family;
        config.variant = options.variant;
        config.slave = options.slave;
        config.probeTimeoutMs = std::min(options.probeTimeoutMs, options.requestTimeoutMs);
        config.readTimeoutMs = options.requestTimeoutMs;
        identifier.emplace(&maps, transport->peerName(), transport->peerAddress(), config);
        setState(DeviceSession::State::Identifying, QStringLiteral("link open; identifying"));
    } else if (!identity) {
        setState(DeviceSession::State::Identifying,
                 QStringLiteral("link open; resuming identification"));
    } else {
        setState(DeviceSession::State::Identifying,
                 QStringLiteral("link open; %1 at %2 already identified, reading identity blocks")
                     .arg(identity->model, hexSlave(identity->slave)));
    }
    proceed();
}

void DeviceSessionPrivate::linkLost(const QString &reason) {
    cancelPending(reason);
    if (cycleActive) {
        cycleActive = false;
        finishCycle(false);
    } else {
        markAllStale();
    }
    enterBackoff(reason);
}

void DeviceSessionPrivate::enterBackoff(const QString &reason) {
    cancelPending(reason);
    requestTimer.stop();
    gapTimer.stop();
    pollTimer.stop();
    connectTimer.stop();
    cycleActive = false;
    cycleDue = false;
    setAvailability(false);
    if (transport->state() != Transport::State::Closed)
        transport->close();
    ++backoffAttempt;
    const int delay = computeBackoffMs(backoffAttempt);
    setState(DeviceSession::State::BackingOff,
             QStringLiteral("%1; reconnecting in %2 ms (attempt %3)")
                 .arg(reason)
                 .arg(delay)
                 .arg(backoffAttempt));
    Q_EMIT q->backoffScheduled(delay, backoffAttempt);
    backoffTimer.start(delay);
}

void DeviceSessionPrivate::reconnectNow(const QString &reason) {
    // Used when the link is healthy but may hold a late reply that no request can be told apart
    // from: a new connection is the one sure way to discard it (renogy-ble does the same, 3.4).
    if (++desyncReconnects > kMaxDesyncReconnects) {
        enterBackoff(reason + QStringLiteral(" (repeatedly)"));
        return;
    }
    cancelPending(reason);
    requestTimer.stop();
    gapTimer.stop();
    pollTimer.stop();
    cycleActive = false;
    cycleDue = false;
    setAvailability(false);
    ++stats.reconnects;
    if (transport->state() != Transport::State::Closed)
        transport->close();
    beginConnect(reason + QStringLiteral("; reconnecting to discard late replies"));
}

int DeviceSessionPrivate::computeBackoffMs(int attempt) {
    // Exponential (initial x 2^(n-1), capped) with +-jitter so that several bridges that lost the
    // same device do not reconnect in lockstep.
    const double base =
        std::min(static_cast<double>(options.backoffMaxMs),
                 options.backoffInitialMs * std::pow(2.0, std::min(attempt - 1, 30)));
    const double jitter = options.backoffJitter * (2.0 * random.generateDouble() - 1.0);
    return static_cast<int>(std::lround(std::max(0.0, base * (1.0 + jitter))));
}

// ---- requests ------------------------------------------------------------------------------

bool DeviceSessionPrivate::collides(const modbus::Request &request) const {
    // The reassembler accepts a reply by slave (any for 0xFF), function and byte count. A reply
    // still owed to an unsettled request with the same signature would be taken for this one's.
    return std::any_of(unsettled.cbegin(), unsettled.cend(), [&](const Signature &u) {
        const bool slaveMatch = u.slave == request.slave || u.slave == modbus::kBroadcastSlave ||
                                request.slave == modbus::kBroadcastSlave;
        if (!slaveMatch || u.function != request.function)
            return false;
        return request.function != modbus::FunctionCode::ReadHoldingRegisters ||
               u.count == request.count;
    });
}

std::optional<modbus::Request> DeviceSessionPrivate::resyncProbe() const {
    if (!identity)
        return std::nullopt;
    for (const modbus::Request &good : knownGood) {
        for (quint16 k = 1; k <= good.count; ++k) {
            const auto probe = modbus::Request::read(identity->slave, good.start, k);
            if (!collides(probe))
                return probe;
        }
    }
    return std::nullopt;
}

void DeviceSessionPrivate::rememberAnswered(const modbus::Request &request) {
    if (request.function != modbus::FunctionCode::ReadHoldingRegisters)
        return;
    const bool known =
        std::any_of(knownGood.cbegin(), knownGood.cend(), [&](const modbus::Request &r) {
            return r.start == request.start && r.count == request.count;
        });
    if (!known)
        knownGood.append(request);
}

bool DeviceSessionPrivate::sendChecked(const modbus::Request &request, Purpose purpose,
                                       int timeoutMs, quint64 id) {
    if (!collides(request)) {
        send(request, purpose, timeoutMs, id);
        return true;
    }
    // LATE REPLIES (protocol.md 3.4, open question B.17): a read reply does not echo its register,
    // so after a timeout the late answer to request A would be accepted as the answer to the next
    // request B if B has the same slave and count - and its words would be decoded as B's fields.
    // Instead of B we send a resync probe: a read this device has answered before whose count
    // differs from every unsettled request. The reassembler drops any late reply (wrong byte
    // count), and since the device and the BT-2 answer strictly in order, once the probe's own
    // reply arrives every older reply has either arrived (and been dropped) or is lost for good.
    // Only then is B sent. Without a usable probe (identification, before anything answered),
    // reconnecting is the only safe way.
    if (resyncFailures < kMaxResyncFailures) {
        if (const auto probe = resyncProbe()) {
            qCDebug(lcSession) << "resync probe" << probe->start << "x" << probe->count << "before"
                               << request.start << "x" << request.count;
            send(*probe, Purpose::Resync, options.requestTimeoutMs);
            return false;
        }
    }
    reconnectNow(resyncFailures >= kMaxResyncFailures
                     ? QStringLiteral("resync probes unanswered")
                     : QStringLiteral("desynchronised after a silent request"));
    return false;
}

void DeviceSessionPrivate::send(const modbus::Request &request, Purpose purpose, int timeoutMs,
                                quint64 id) {
    Pending p;
    p.purpose = purpose;
    p.exchange.id = id ? id : ++nextId;
    p.exchange.request = request;
    p.exchange.requestFrame = modbus::buildRequest(request);
    p.exchange.sentMs = nowEpochMs();
    p.exchange.outcome = Exchange::Outcome::Timeout;
    p.exchange.dropped = reassembler.expect(request);
    stats.droppedBytes += static_cast<quint64>(p.exchange.dropped.size());
    p.clock.start();
    pending = std::move(p);
    ++stats.requests;
    requestTimer.start(timeoutMs);
    if (!transport->write(pending->exchange.requestFrame))
        linkLost(QStringLiteral("write failed: link not open"));
}

void DeviceSessionPrivate::onBytes(const QByteArray &chunk, qint64 timestampMs) {
    const modbus::FrameReassembler::Result result = reassembler.feed(chunk);
    stats.droppedBytes += static_cast<quint64>(result.dropped.size());
    if (!pending)
        return; // unsolicited (nothing expected): counted as dropped above
    pending->exchange.dropped.append(result.dropped);
    if (!result.frame)
        return;
    Exchange &ex = pending->exchange;
    ex.responseFrame = *result.frame;
    ex.receivedMs = timestampMs;
    ex.roundTripMs = static_cast<double>(pending->clock.nsecsElapsed()) / 1e6;
    ex.response = modbus::parseResponse(*result.frame, ex.request);
    if (ex.response.ok())
        complete(Exchange::Outcome::Ok, {});
    else if (ex.response.error == modbus::ResponseError::Exception)
        complete(Exchange::Outcome::Exception, modbus::describe(ex.response, *result.frame));
    else
        complete(Exchange::Outcome::Error, modbus::describe(ex.response, *result.frame));
}

void DeviceSessionPrivate::onRequestTimeout() {
    if (!pending)
        return;
    const QByteArray partial = reassembler.reset();
    stats.droppedBytes += static_cast<quint64>(partial.size());
    pending->exchange.dropped.append(partial);
    const modbus::Request &r = pending->exchange.request;
    unsettled.append(Signature{r.slave, r.function, r.count});
    complete(Exchange::Outcome::Timeout,
             QStringLiteral("no reply within %1 ms").arg(requestTimer.interval()));
}

void DeviceSessionPrivate::cancelPending(const QString &why) {
    if (!pending)
        return;
    requestTimer.stop();
    Exchange ex = pending->exchange;
    const Purpose purpose = pending->purpose;
    pending.reset();
    stats.droppedBytes += static_cast<quint64>(reassembler.reset().size());
    ex.outcome = Exchange::Outcome::Cancelled;
    ex.error = why;
    Q_EMIT q->exchangeFinished(ex);
    // A one-off read is simply sent again on the next link; a write is not: whether the device
    // applied it is unknown, and only a read-back may tell (protocol.md 8.2).
    const bool isWrite = ex.request.function != modbus::FunctionCode::ReadHoldingRegisters;
    if (purpose == Purpose::OneOff && isWrite && !oneOffs.empty() && oneOffs.front().id == ex.id) {
        oneOffs.pop_front();
        Q_EMIT q->writeFinished(ex.id, false, why);
    }
}

void DeviceSessionPrivate::record(const Exchange &ex) {
    switch (ex.outcome) {
    case Exchange::Outcome::Timeout:
        ++stats.timeouts;
        break;
    case Exchange::Outcome::Exception:
        ++stats.exceptions;
        break;
    case Exchange::Outcome::Error:
        if (ex.response.error == modbus::ResponseError::BadCrc)
            ++stats.crcErrors;
        else
            ++stats.protocolErrors;
        break;
    case Exchange::Outcome::Ok:
    case Exchange::Outcome::Cancelled:
        break;
    }
    // A device that answers, even with an exception, is a working link.
    outcomes.push_back(ex.outcome == Exchange::Outcome::Ok ||
                       ex.outcome == Exchange::Outcome::Exception);
    while (outcomes.size() > kStatisticsWindow)
        outcomes.pop_front();
    stats.successRate = static_cast<double>(std::count(outcomes.cbegin(), outcomes.cend(), true)) /
                        static_cast<double>(outcomes.size());
    if (!ex.responseFrame.isEmpty()) {
        stats.lastRoundTripMs = ex.roundTripMs;
        roundTrips.push_back(ex.roundTripMs);
        while (roundTrips.size() > kStatisticsWindow)
            roundTrips.pop_front();
        double sum = 0;
        for (const double r : roundTrips)
            sum += r;
        stats.meanRoundTripMs = sum / static_cast<double>(roundTrips.size());
    }
}

void DeviceSessionPrivate::complete(Exchange::Outcome outcome, const QString &error) {
    requestTimer.stop();
    Pending done = std::move(*pending);
    pending.reset();
    Exchange &ex = done.exchange;
    ex.outcome = outcome;
    ex.error = error;
    const modbus::Request &req = ex.request;

    if (outcome == Exchange::Outcome::Ok) {
        // In order: this reply proves every older one has arrived or never will.
        unsettled.clear();
        resyncFailures = 0;
        desyncReconnects = 0;
        rememberAnswered(req);
    } else if (outcome == Exchange::Outcome::Exception && collides(req)) {
        // An exception frame carries no byte count: it may be the late answer to an unsettled
        // request. Do not trust it, and this request's own reply may still be on its way.
        unsettled.append(Signature{req.slave, req.function, req.count});
        ex.error += QStringLiteral(" (may be a late reply to an earlier request)");
    }
    record(ex);
    if (outcome != Exchange::Outcome::Ok)
        qCDebug(lcSession).noquote() << "request" << req.start << "x" << req.count << "to"
                                     << hexSlave(req.slave) << ":" << ex.error;
    // Done before anyone hears of it: a listener may queue the next one-off from its slot.
    if (done.purpose == Purpose::OneOff && !oneOffs.empty() && oneOffs.front().id == ex.id)
        oneOffs.pop_front();
    // Listeners that queue requests from their slots must not send them from inside this
    // function (a second request in flight, the inter-request gap skipped): afterExchange does.
    completing = true;
    Q_EMIT q->exchangeFinished(ex);
    if (outcome != Exchange::Outcome::Timeout)
        cycleHeardDevice = true;

    const bool retryable =
        outcome == Exchange::Outcome::Timeout || outcome == Exchange::Outcome::Error;
    switch (done.purpose) {
    case Purpose::Identify:
        if (identifier)
            identifier->handle(ex);
        break;
    case Purpose::Resync:
        if (outcome != Exchange::Outcome::Ok)
            ++resyncFailures;
        break;
    case Purpose::Once:
        if (outcome == Exchange::Outcome::Ok) {
            onceBlocks.append(RegisterBlock{req.start, ex.response.words, ex.receivedMs});
        } else if (retryable && onceAttempt < options.maxRetries) {
            ++onceAttempt;
            break;
        }
        ++onceIndex;
        onceAttempt = 0;
        break;
    case Purpose::Cycle:
        if (outcome == Exchange::Outcome::Ok) {
            cycleBlocks.append(RegisterBlock{req.start, ex.response.words, ex.receivedMs});
            silentBlocks.remove(req.start);
        } else if (retryable && blockAttempt < options.maxRetries) {
            ++blockAttempt;
            break;
        } else if (outcome == Exchange::Outcome::Timeout) {
            silentThisCycle.append(req.start);
        }
        ++cycleIndex;
        blockAttempt = 0;
        break;
    case Purpose::OneOff:
        if (req.function != modbus::FunctionCode::ReadHoldingRegisters)
            Q_EMIT q->writeFinished(ex.id, outcome == Exchange::Outcome::Ok, ex.error);
        else if (outcome == Exchange::Outcome::Ok)
            Q_EMIT q->registersRead(ex.id, req.start, ex.response.words);
        break;
    }
    completing = false;
    afterExchange();
}

void DeviceSessionPrivate::afterExchange() {
    if (state != DeviceSession::State::Identifying && state != DeviceSession::State::Polling)
        return;
    if (options.interRequestGapMs > 0)
        gapTimer.start(options.interRequestGapMs);
    else
        proceed();
}

void DeviceSessionPrivate::proceed() {
    if (pending || gapTimer.isActive())
        return;
    if (state == DeviceSession::State::Identifying) {
        if (!identity) {
            if (!identifier->finished()) {
                const auto step = identifier->next();
                sendChecked(step->request, Purpose::Identify, step->timeoutMs);
                return;
            }
            if (!identifier->succeeded()) {
                const QString why = identifier->failure();
                identifier.reset();
                enterBackoff(QStringLiteral("identification failed: %1").arg(why));
                return;
            }
            adoptIdentity();
            if (!identity)
                return;
        }
        if (onceIndex < oncePlan.size()) {
            const ReadBlock &b = oncePlan.at(onceIndex);
            sendChecked(modbus::Request::read(identity->slave, b.start, b.count), Purpose::Once,
                        options.requestTimeoutMs);
            return;
        }
        backoffAttempt = 0;
        // Only what stays true while polling: the identity has its own place in every view,
        // and the interval can change underneath (setPollInterval) without a new state.
        setState(DeviceSession::State::Polling,
                 QStringLiteral("%1 blocks per cycle").arg(cyclePlan.size()));
        setAvailability(true);
        startCycle();
        return;
    }
    if (state != DeviceSession::State::Polling)
        return;
    // Some models never answer some blocks (G6 DC-DC at 0x0120, RIV4835 at 4311: open question
    // B.19, E.33). Silence is only known after the timeout, so such a block would cost every cycle
    // (1 + maxRetries) timeouts and a resync; after a few silent cycles it is skipped (its fields
    // stay Stale) and tried again now and then in case it was the link, not the model.
    while (cycleActive && cycleIndex < cyclePlan.size() &&
           silentBlocks.value(cyclePlan.at(cycleIndex).start) >= kSilentCyclesToSkip &&
           stats.cycles % kSilentBlockRetryCycles != 0)
        ++cycleIndex;
    if (cycleActive && cycleIndex < cyclePlan.size()) {
        const ReadBlock &b = cyclePlan.at(cycleIndex);
        sendChecked(modbus::Request::read(identity->slave, b.start, b.count), Purpose::Cycle,
                    options.requestTimeoutMs);
        return;
    }
    if (cycleActive) {
        cycleActive = false;
        finishCycle(true);
        if (state != DeviceSession::State::Polling)
            return;
        if (cycleDue) {
            startCycle();
            return;
        }
    }
    if (!oneOffs.empty()) {
        const OneOff &o = oneOffs.front();
        sendChecked(o.request(identity->slave), Purpose::OneOff, options.requestTimeoutMs, o.id);
        return;
    }
}

// ---- identification and polling -------------------------------------------------------------

void DeviceSessionPrivate::adoptIdentity() {
    DeviceIdentity found = identifier->identity();
    const RegisterMap *chosen = maps.find(found.family, found.variant);
    if (!chosen) {
        enterBackoff(QStringLiteral("no register map for %1").arg(familyName(found.family)));
        return;
    }
    for (const modbus::Request &r : identifier->answered()) {
        if (r.slave == found.slave || r.slave == modbus::kBroadcastSlave)
            rememberAnswered(modbus::Request::read(found.slave, r.start, r.count));
    }
    identifier.reset();
    map = chosen;
    oncePlan = map->readPlan(PollClass::Once);
    cyclePlan = map->readPlan(PollClass::Cycle);
    identity = found;
    qCDebug(lcSession).noquote() << "identified" << familyName(found.family) << found.model << "at"
                                 << hexSlave(found.slave) << ":" << found.how;
    Q_EMIT q->identified(found);
}

void DeviceSessionPrivate::startCycle() {
    cycleActive = true;
    cycleDue = false;
    cycleIndex = 0;
    blockAttempt = 0;
    cycleHeardDevice = false;
    cycleBlocks.clear();
    silentThisCycle.clear();
    cycleClock.start();
    // The interval runs from the start of one cycle to the start of the next.
    pollTimer.start(options.pollIntervalMs);
    proceed();
}

DecodedValue DeviceSessionPrivate::neverReadValue(const FieldDef &field) const {
    DecodedValue v;
    v.key = field.key;
    v.label = field.label;
    v.unit = field.unit;
    v.group = field.group;
    v.reg = field.reg;
    v.wordCount = field.words;
    v.decimals = field.decimals;
    v.quality = Quality::Stale;
    v.note = QStringLiteral("not read yet");
    return v;
}

void DeviceSessionPrivate::finishCycle(bool mayDeclareDead) {
    ++stats.cycles;
    stats.lastCycleMs = static_cast<double>(cycleClock.nsecsElapsed()) / 1e6;
    stats.rssi = transport->rssi();

    QList<RegisterBlock> blocks = onceBlocks;
    blocks.append(cycleBlocks);
    const DecodedValues decoded =
        map ? RegisterDecoder::decodeCycle(*map, blocks) : DecodedValues();
    QHash<QString, DecodedValue> fresh;
    for (const DecodedValue &v : decoded)
        fresh.insert(v.key, v);

    current.clear();
    if (map) {
        for (const FieldDef &f : map->fields()) {
            const auto it = fresh.constFind(f.key);
            if (it != fresh.constEnd()) {
                lastValues.insert(f.key, *it);
                current.append(*it);
                continue;
            }
            if (f.poll == PollClass::Demand)
                continue; // settings are read on demand, not reported per cycle
            const auto last = lastValues.constFind(f.key);
            if (last == lastValues.constEnd()) {
                current.append(neverReadValue(f));
                continue;
            }
            // Not read in this cycle: the last value with its old timestamp, never as fresh.
            DecodedValue stale = *last;
            if (stale.quality == Quality::Good)
                stale.quality = Quality::Stale;
            current.append(stale);
        }
    }
    Q_EMIT q->valuesUpdated(current);
    Q_EMIT q->statisticsChanged(stats);

    // Silence counts against a block only when the device answered other blocks of the cycle: a
    // dead link is not a property of the model.
    if (cycleHeardDevice) {
        for (const quint16 start : std::as_const(silentThisCycle)) {
            if (++silentBlocks[start] == kSilentCyclesToSkip)
                qCInfo(lcSession) << "block at" << start << "unanswered in" << kSilentCyclesToSkip
                                  << "cycles: skipped, tried again every" << kSilentBlockRetryCycles
                                  << "cycles; its values stay stale";
        }
    }
    if (mayDeclareDead && !cycleHeardDevice && state == DeviceSession::State::Polling &&
        !cyclePlan.isEmpty())
        linkLost(QStringLiteral("no reply to any request of a poll cycle"));
}

void DeviceSessionPrivate::markAllStale() {
    if (current.isEmpty())
        return;
    for (DecodedValue &v : current) {
        if (v.quality == Quality::Good)
            v.quality = Quality::Stale;
    }
    Q_EMIT q->valuesUpdated(current);
}

// ---- DeviceSession -----------------------------------------------------------------------------

DeviceSession::DeviceSession(Transport *transport, RegisterMaps maps, Options options,
                             QObject *parent)
    : QObject(parent)
    , d(std::make_unique<DeviceSessionPrivate>(this, transport, std::move(maps),
                                               std::move(options))) {
    qRegisterMetaType<DecodedValues>();
    qRegisterMetaType<Exchange>();
    qRegisterMetaType<LinkStatistics>();
    qRegisterMetaType<DeviceIdentity>();

    connect(&d->requestTimer, &QTimer::timeout, this, [this] { d->onRequestTimeout(); });
    connect(&d->gapTimer, &QTimer::timeout, this, [this] { d->proceed(); });
    connect(&d->pollTimer, &QTimer::timeout, this, [this] {
        if (d->state != State::Polling)
            return;
        if (d->cycleActive) {
            d->cycleDue = true; // overrun: the next cycle starts right after this one
            return;
        }
        d->startCycle();
    });
    connect(&d->backoffTimer, &QTimer::timeout, this, [this] {
        ++d->stats.reconnects;
        d->beginConnect(QStringLiteral("backoff over"));
    });
    connect(&d->connectTimer, &QTimer::timeout, this, [this] {
        if (d->state == State::Connecting)
            d->enterBackoff(QStringLiteral("connection attempt timed out after %1 ms")
                                .arg(d->options.connectTimeoutMs));
    });

    connect(transport, &Transport::bytesReceived, this,
            [this](const QByteArray &chunk, qint64 t) { d->onBytes(chunk, t); });
    connect(transport, &Transport::errorOccurred, this,
            [this](Transport::Error error, const QString &message) {
                d->lastTransportError = message;
                qCDebug(lcSession) << "transport error" << error << message;
                if (error == Transport::Error::ConnectionLost &&
                    (d->state == State::Identifying || d->state == State::Polling))
                    d->linkLost(message);
            });
    connect(transport, &Transport::stateChanged, this, [this](Transport::State s) {
        switch (s) {
        case Transport::State::Open:
            if (d->state == State::Connecting)
                d->onOpened();
            break;
        case Transport::State::Closed:
            if (d->state == State::Connecting) {
                if (d->openWhenClosed) {
                    d->openWhenClosed = false;
                    d->transport->open();
                } else {
                    d->enterBackoff(d->lastTransportError.isEmpty()
                                        ? QStringLiteral("connection failed")
                                        : d->lastTransportError);
                }
            } else if (d->state == State::Identifying || d->state == State::Polling) {
                d->linkLost(d->lastTransportError.isEmpty() ? QStringLiteral("link closed")
                                                            : d->lastTransportError);
            }
            d->lastTransportError.clear();
            break;
        case Transport::State::Opening:
        case Transport::State::Closing:
            break;
        }
    });
}

DeviceSession::~DeviceSession() {
    // Timers and the private part go first; the transport is not ours but must not call back.
    if (d->transport)
        disconnect(d->transport, nullptr, this, nullptr);
}

void DeviceSession::start() {
    if (d->state != State::Idle && d->state != State::Stopped)
        return;
    d->backoffAttempt = 0;
    d->beginConnect(QStringLiteral("started"));
}

void DeviceSession::stop() {
    if (d->state == State::Stopped || d->state == State::Idle) {
        d->setState(State::Stopped, QStringLiteral("stopped"));
        return;
    }
    for (QTimer *t :
         {&d->connectTimer, &d->requestTimer, &d->gapTimer, &d->pollTimer, &d->backoffTimer})
        t->stop();
    d->cancelPending(QStringLiteral("session stopped"));
    while (!d->oneOffs.empty()) {
        const auto o = d->oneOffs.front();
        d->oneOffs.pop_front();
        Exchange ex;
        ex.id = o.id;
        ex.request = o.request(d->identity ? d->identity->slave : modbus::kBroadcastSlave);
        ex.outcome = Exchange::Outcome::Cancelled;
        ex.error = QStringLiteral("session stopped");
        Q_EMIT exchangeFinished(ex);
        if (o.function != modbus::FunctionCode::ReadHoldingRegisters)
            Q_EMIT writeFinished(o.id, false, ex.error);
    }
    d->cycleActive = false;
    d->setAvailability(false);
    if (d->transport->state() != Transport::State::Closed)
        d->transport->close();
    d->setState(State::Stopped, QStringLiteral("stopped"));
}

DeviceSession::State DeviceSession::state() const {
    return d->state;
}

const DeviceSession::Options &DeviceSession::options() const {
    return d->options;
}

void DeviceSession::setPollInterval(int ms) {
    d->options.pollIntervalMs = std::max(0, ms);
}

std::optional<DeviceIdentity> DeviceSession::identity() const {
    return d->identity;
}

const RegisterMap *DeviceSession::map() const {
    return d->map;
}

DecodedValues DeviceSession::currentValues() const {
    return d->current;
}

LinkStatistics DeviceSession::statistics() const {
    LinkStatistics s = d->stats;
    s.rssi = d->transport->rssi();
    return s;
}

Transport *DeviceSession::transport() const {
    return d->transport;
}

quint64 DeviceSession::readRegisters(quint16 start, quint16 count) {
    const quint64 id = ++d->nextId;
    d->oneOffs.push_back(DeviceSessionPrivate::OneOff{id, start, count, {}, {}});
    if (d->state == State::Polling && !d->completing)
        d->proceed();
    return id;
}

quint64 DeviceSession::writeRegisters(quint16 start, const QList<quint16> &words,
                                      modbus::FunctionCode fn) {
    const bool valid = !words.isEmpty() && words.size() <= modbus::kMaxWriteCount &&
                       (fn == modbus::FunctionCode::WriteMultipleRegisters ||
                        (fn == modbus::FunctionCode::WriteSingleRegister && words.size() == 1));
    if (!valid)
        return 0;
    const quint64 id = ++d->nextId;
    d->oneOffs.push_back(
        DeviceSessionPrivate::OneOff{id, start, static_cast<quint16>(words.size()), fn, words});
    if (d->state == State::Polling && !d->completing)
        d->proceed();
    return id;
}

} // namespace blupow
