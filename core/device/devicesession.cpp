#include "devicesession.h"

#include "devicesession_p.h"
#include "logging.h"

#include <algorithm>

namespace blupow {

namespace {

constexpr int kMaxDesyncReconnects = 3; // immediate reconnects before backing off instead

QString hexSlave(quint8 slave) {
    return QStringLiteral("0x%1").arg(slave, 2, 16, QLatin1Char('0'));
}

} // namespace

QString sessionStateName(DeviceSession::State state) {
    // In the order of the enum.
    static const char *const names[] = {"idle",    "connecting",  "identifying",
                                        "polling", "backing off", "stopped"};
    const auto i = static_cast<std::size_t>(state);
    return i < std::size(names) ? QString::fromLatin1(names[i]) : QStringLiteral("unknown");
}

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
    link.open();
}

void DeviceSessionPrivate::onOpened() {
    client.linkOpened();
    for (Slave &slave : slaves) {
        slave.poll.restartOnce();
        slave.silent = false;
    }
    current = 0;
    const QString why =
        identity ? QStringLiteral("link open; %1 at %2 already identified, reading identity blocks")
                       .arg(identity->model, hexSlave(identity->slave))
        : identifier ? QStringLiteral("link open; resuming identification")
                     : QStringLiteral("link open; identifying");
    if (!identity && !identifier) {
        const Identifier::Config config{options.family,
                                        options.variant,
                                        options.slave,
                                        std::min(options.probeTimeoutMs, options.requestTimeoutMs),
                                        options.requestTimeoutMs,
                                        options.allSlaves};
        identifier.emplace(&maps, transport->peerName(), transport->peerAddress(), config);
    }
    setState(DeviceSession::State::Identifying, why);
    proceed();
}

void DeviceSessionPrivate::linkLost(const QString &reason) {
    client.cancel(reason);
    // A slave whose cycle was running reports what it read; the others lose their Good values.
    std::vector<bool> running;
    for (const Slave &slave : slaves)
        running.push_back(cycleActive && slave.poll.active());
    if (cycleActive)
        finishCycle(false);
    for (std::size_t i = 0; i < slaves.size(); ++i) {
        if (!running.at(i) && slaves.at(i).poll.markAllStale())
            emitValues(slaves.at(i));
    }
    enterBackoff(reason);
}

void DeviceSessionPrivate::halt() {
    pollTimer.stop();
    backoffTimer.stop();
    for (Slave &slave : slaves) {
        slave.poll.abandon();
        setSlaveOnline(slave, false);
    }
    cycleActive = false;
    cycleDue = false;
    setAvailability(false);
}

void DeviceSessionPrivate::dropLink(const QString &reason) {
    client.cancel(reason);
    halt();
    link.close();
}

void DeviceSessionPrivate::enterBackoff(const QString &reason) {
    dropLink(reason);
    const int delay = backoff.next();
    setState(DeviceSession::State::BackingOff,
             QStringLiteral("%1; reconnecting in %2 ms (attempt %3)")
                 .arg(reason)
                 .arg(delay)
                 .arg(backoff.attempt()));
    Q_EMIT q->backoffScheduled(delay, backoff.attempt());
    backoffTimer.start(delay);
}

void DeviceSessionPrivate::reconnectNow(const QString &reason) {
    // The link is healthy but may hold a late reply no request can be told apart from: a new
    // connection is the one sure way to discard it (renogy-ble does the same).
    if (++desyncReconnects > kMaxDesyncReconnects) {
        enterBackoff(reason + QStringLiteral(" (repeatedly)"));
        return;
    }
    dropLink(reason);
    ++reconnects;
    beginConnect(reason + QStringLiteral("; reconnecting to discard late replies"));
}

void DeviceSessionPrivate::ask(const modbus::Request &request, Asker who, int timeoutMs,
                               int retries, quint64 id) {
    asker = who;
    client.send(request, timeoutMs, retries, id);
}

void DeviceSessionPrivate::proceed() {
    if (client.busy())
        return;
    if (state == DeviceSession::State::Identifying) {
        if (!identity) {
            if (!identifier->finished()) {
                const auto step = identifier->next();
                ask(step->request, Asker::Identification, step->timeoutMs, 0);
                return;
            }
            if (!identifier->succeeded()) {
                const QString why = identifier->failure();
                identifier.reset();
                enterBackoff(QStringLiteral("identification failed: %1").arg(why));
                return;
            }
            adoptIdentities();
            if (!identity)
                return;
        }
        for (; current < slaves.size(); ++current) {
            if (const auto once = slaves.at(current).poll.nextOnce()) {
                ask(*once, Asker::OnceBlock, options.requestTimeoutMs, options.maxRetries);
                return;
            }
        }
        backoff.reset();
        qsizetype blocks = 0;
        for (const Slave &slave : slaves)
            blocks += slave.poll.blocksPerCycle();
        // Only what stays true while polling: the identity has its own place in every view,
        // and the interval can change underneath (setPollInterval) without a new state.
        setState(DeviceSession::State::Polling,
                 slaves.size() == 1 ? QStringLiteral("%1 blocks per cycle").arg(blocks)
                                    : QStringLiteral("%1 blocks per cycle from %2 slaves")
                                          .arg(blocks)
                                          .arg(slaves.size()));
        setAvailability(true);
        startCycle();
        return;
    }
    if (state != DeviceSession::State::Polling)
        return;
    if (cycleActive) {
        // The slaves in turn, each its whole cycle: still one request in flight on the link.
        for (; current < slaves.size(); ++current) {
            Slave &slave = slaves.at(current);
            if (!slave.poll.active())
                continue;
            if (const auto block = slave.poll.next()) {
                ask(*block, Asker::CycleBlock, options.requestTimeoutMs, requestRetries());
                return;
            }
            endSlaveCycle(slave);
            if (state != DeviceSession::State::Polling)
                return;
        }
        finishCycle(true);
        if (state != DeviceSession::State::Polling)
            return;
        // Cycles back to back (an interval shorter than a cycle, as with a bank behind one BT-2)
        // still leave one request on demand its turn between two of them: without it the
        // register console, a settings write or a log read would wait forever.
        if (cycleDue && onDemand.empty()) {
            startCycle();
            return;
        }
    } else if (cycleDue) {
        startCycle(); // the cycle that waited for the request on demand just answered
        return;
    }
    if (!onDemand.empty()) {
        const auto &o = onDemand.front();
        // Never retried: a write whose echo was lost is verified by reading back.
        ask(o.request(o.target.value_or(identity->slave)), Asker::OnDemand,
            options.requestTimeoutMs, 0, o.id);
    }
}

void DeviceSessionPrivate::onExchange(const Exchange &ex) {
    if (ex.outcome == Exchange::Outcome::Ok)
        desyncReconnects = 0;
    // Off the queue before anyone hears of it: a listener may queue the next one from its slot.
    if (ex.outcome != Exchange::Outcome::Cancelled && asker == Asker::OnDemand)
        onDemand.popIf(ex.id);
    const bool answered =
        ex.outcome != Exchange::Outcome::Timeout && ex.outcome != Exchange::Outcome::Cancelled;
    if (answered && slaves.size() > 1 && slaveAt(ex.request.slave)) {
        // Several slaves: what one answered proves nothing about another, and a resync probe
        // goes to one that answers (a silent slave must not make the link look desynchronised).
        for (Slave &slave : slaves) {
            if (slave.identity.slave == ex.request.slave)
                slave.poll.heard();
        }
        if (ex.outcome == Exchange::Outcome::Ok)
            client.setProbeSlave(ex.request.slave);
    } else if (answered && slaves.size() == 1) {
        slaves.front().poll.heard();
    }
    Q_EMIT q->exchangeFinished(ex);
}

void DeviceSessionPrivate::onFinished(const Exchange &ex) {
    if (ex.outcome == Exchange::Outcome::Cancelled) {
        // A read on demand is simply sent again on the next link; a write that went out is not:
        // whether the device applied it is unknown, and only a read-back may tell.
        const bool sentWrite = ex.sentMs != 0 && !onDemand.empty() && onDemand.front().isWrite();
        if (asker == Asker::OnDemand && sentWrite && onDemand.popIf(ex.id))
            Q_EMIT q->writeFinished(ex.id, false, ex.error);
        return;
    }
    switch (asker) {
    case Asker::Identification:
        if (identifier)
            identifier->handle(ex);
        break;
    case Asker::OnceBlock:
        slaves.at(current).poll.handleOnce(ex);
        break;
    case Asker::CycleBlock: {
        Slave &slave = slaves.at(current);
        slave.poll.handle(ex);
        // A slave silent in its last cycle is given up on again at its first unanswered block.
        if (slave.silent && ex.outcome == Exchange::Outcome::Timeout &&
            !slave.poll.heardThisCycle())
            endSlaveCycle(slave);
        break;
    }
    case Asker::OnDemand:
        if (ex.request.function != modbus::FunctionCode::ReadHoldingRegisters)
            Q_EMIT q->writeFinished(ex.id, ex.outcome == Exchange::Outcome::Ok, ex.error);
        else if (ex.outcome == Exchange::Outcome::Ok)
            Q_EMIT q->registersRead(ex.id, ex.request.start, ex.response.words);
        break;
    }
}

void DeviceSessionPrivate::adoptIdentities() {
    const QList<DeviceIdentity> found = identifier->identities();
    std::deque<Slave> adopted;
    for (const DeviceIdentity &id : found) {
        const RegisterMap *chosen = maps.find(id.family, id.variant);
        if (!chosen) {
            enterBackoff(QStringLiteral("no register map for %1").arg(familyName(id.family)));
            return;
        }
        Slave &slave = adopted.emplace_back();
        slave.identity = id;
        slave.poll.setMap(chosen, id.slave);
    }
    for (const modbus::Request &r : identifier->answered()) {
        for (const DeviceIdentity &id : found) {
            // 0xFF was answered by this device alone only when it is the only one.
            if (r.slave == id.slave || (r.slave == modbus::kBroadcastSlave && found.size() == 1))
                client.rememberAnswered(modbus::Request::read(id.slave, r.start, r.count));
        }
    }
    client.setProbeSlave(found.first().slave);
    identifier.reset();
    slaves = std::move(adopted);
    current = 0;
    identity = found.first();
    for (const DeviceIdentity &id : found)
        qCDebug(lcSession).noquote() << "identified" << familyName(id.family) << id.model << "at"
                                     << hexSlave(id.slave) << ":" << id.how;
    Q_EMIT q->identified(found.first());
    Q_EMIT q->slavesIdentified(found);
}

void DeviceSessionPrivate::startCycle() {
    cycleDue = false;
    cycleActive = true;
    current = 0;
    for (Slave &slave : slaves)
        slave.poll.begin();
    cycleClock.start();
    // The interval runs from the start of one cycle to the start of the next.
    pollTimer.start(options.pollIntervalMs);
    proceed();
}

void DeviceSessionPrivate::endSlaveCycle(Slave &slave) {
    const bool heard = slave.poll.end();
    const bool polls = slave.poll.blocksPerCycle() > 0;
    if (slaves.size() > 1)
        slave.silent = polls && !heard;
    emitValues(slave);
    setSlaveOnline(slave, heard || !polls);
}

void DeviceSessionPrivate::emitValues(const Slave &slave) {
    if (&slave == focused())
        Q_EMIT q->valuesUpdated(slave.poll.values());
    Q_EMIT q->slaveValuesUpdated(slave.identity, slave.poll.values());
}

void DeviceSessionPrivate::setSlaveOnline(Slave &slave, bool isOnline) {
    if (slave.online == isOnline)
        return;
    slave.online = isOnline;
    Q_EMIT q->slaveAvailabilityChanged(slave.identity, isOnline);
}

const DeviceSessionPrivate::Slave *DeviceSessionPrivate::focused() const {
    if (const Slave *chosen = focus ? slaveAt(*focus) : nullptr)
        return chosen;
    return slaves.empty() ? nullptr : &slaves.front();
}

const DeviceSessionPrivate::Slave *DeviceSessionPrivate::slaveAt(quint8 id) const {
    const auto it = std::find_if(slaves.cbegin(), slaves.cend(),
                                 [id](const Slave &s) { return s.identity.slave == id; });
    return it == slaves.cend() ? nullptr : &*it;
}

int DeviceSessionPrivate::requestRetries() const {
    return current < slaves.size() && slaves.at(current).silent ? 0 : options.maxRetries;
}

void DeviceSessionPrivate::finishCycle(bool mayDeclareDead) {
    lastCycleMs = static_cast<double>(cycleClock.nsecsElapsed()) / 1e6;
    bool heard = false;
    qsizetype blocks = 0;
    for (Slave &slave : slaves) {
        if (slave.poll.active())
            endSlaveCycle(slave);
        heard = heard || slave.poll.heardThisCycle();
        blocks += slave.poll.blocksPerCycle();
    }
    cycleActive = false;
    Q_EMIT q->statisticsChanged(statistics());
    if (mayDeclareDead && !heard && state == DeviceSession::State::Polling && blocks > 0)
        linkLost(QStringLiteral("no reply to any request of a poll cycle"));
}

quint64 DeviceSessionPrivate::queue(OnDemandQueue::Item item) {
    item.id = client.reserveId();
    if (const Slave *target = focused())
        item.target = target->identity.slave;
    onDemand.push(item);
    if (state == DeviceSession::State::Polling)
        proceed();
    return item.id;
}

LinkStatistics DeviceSessionPrivate::statistics() const {
    LinkStatistics s = client.statistics();
    s.reconnects = reconnects;
    s.cycles = slaves.empty() ? 0 : slaves.front().poll.cycles();
    s.invalidValues = 0;
    for (const Slave &slave : slaves)
        s.invalidValues += slave.poll.invalidValues();
    s.lastCycleMs = lastCycleMs;
    s.rssi = transport->rssi();
    return s;
}

DeviceSession::DeviceSession(std::unique_ptr<Transport> transport, RegisterMaps maps,
                             Options options, QObject *parent)
    : DeviceSession(transport.get(), std::move(maps), std::move(options), parent) {
    transport->setParent(nullptr);
    d->ownedTransport = std::move(transport);
}

DeviceSession::DeviceSession(Transport *transport, RegisterMaps maps, Options options,
                             QObject *parent)
    : QObject(parent)
    , d(std::make_unique<DeviceSessionPrivate>(this, transport, std::move(maps),
                                               std::move(options))) {
    qRegisterMetaType<DecodedValues>();
    qRegisterMetaType<Exchange>();
    qRegisterMetaType<LinkStatistics>();
    qRegisterMetaType<DeviceIdentity>();

    connect(&d->client, &ModbusClient::exchangeFinished, this,
            [this](const Exchange &ex) { d->onExchange(ex); });
    connect(&d->client, &ModbusClient::finished, this,
            [this](const Exchange &ex) { d->onFinished(ex); });
    connect(&d->client, &ModbusClient::idle, this, [this] { d->proceed(); });
    connect(&d->client, &ModbusClient::desynchronised, this,
            [this](const QString &why) { d->reconnectNow(why); });
    connect(&d->client, &ModbusClient::writeFailed, this,
            [this](const QString &why) { d->linkLost(why); });
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
        ++d->reconnects;
        d->beginConnect(QStringLiteral("backoff over"));
    });
    connect(&d->link, &LinkKeeper::opened, this, [this] { d->onOpened(); });
    connect(&d->link, &LinkKeeper::failed, this,
            [this](const QString &why) { d->enterBackoff(why); });
    connect(&d->link, &LinkKeeper::lost, this, [this](const QString &why) { d->linkLost(why); });
}

DeviceSession::~DeviceSession() {
    // The private part goes first; a transport that is not ours must not call back meanwhile.
    if (d->transport)
        disconnect(d->transport, nullptr, this, nullptr);
}

void DeviceSession::start() {
    if (d->state != State::Idle && d->state != State::Stopped)
        return;
    d->backoff.reset();
    d->beginConnect(QStringLiteral("started"));
}

void DeviceSession::stop() {
    if (d->state == State::Stopped || d->state == State::Idle) {
        d->setState(State::Stopped, QStringLiteral("stopped"));
        return;
    }
    const QString why = QStringLiteral("session stopped");
    d->dropLink(why);
    for (const auto &o : d->onDemand.takeAll()) {
        Exchange ex;
        ex.id = o.id;
        ex.request = o.request(
            o.target.value_or(d->identity ? d->identity->slave : modbus::kBroadcastSlave));
        ex.outcome = Exchange::Outcome::Cancelled;
        ex.error = why;
        Q_EMIT exchangeFinished(ex);
        if (o.isWrite())
            Q_EMIT writeFinished(o.id, false, why);
    }
    d->setState(State::Stopped, QStringLiteral("stopped"));
}

DeviceSession::State DeviceSession::state() const {
    return d->state;
}

const DeviceSession::Options &DeviceSession::options() const {
    return d->options;
}

void DeviceSession::setPollInterval(int ms) {
    ms = std::max(0, ms);
    if (ms == d->options.pollIntervalMs)
        return;
    d->options.pollIntervalMs = ms;
    Q_EMIT pollIntervalChanged(ms);
}

std::optional<DeviceIdentity> DeviceSession::identity() const {
    const auto *focused = d->focused();
    return focused ? std::optional<DeviceIdentity>(focused->identity) : d->identity;
}

const RegisterMap *DeviceSession::map() const {
    const auto *focused = d->focused();
    return focused ? focused->poll.map() : nullptr;
}

DecodedValues DeviceSession::currentValues() const {
    const auto *focused = d->focused();
    return focused ? focused->poll.values() : DecodedValues();
}

bool DeviceSession::setFocus(quint8 slave) {
    const auto *chosen = d->slaveAt(slave);
    if (!chosen)
        return false;
    if (d->focused() == chosen) {
        d->focus = slave;
        return true;
    }
    d->focus = slave;
    Q_EMIT focusChanged(chosen->identity);
    return true;
}

QList<DeviceIdentity> DeviceSession::slaves() const {
    QList<DeviceIdentity> out;
    for (const auto &slave : d->slaves)
        out.append(slave.identity);
    return out;
}

const RegisterMap *DeviceSession::map(quint8 slave) const {
    const auto *s = d->slaveAt(slave);
    return s ? s->poll.map() : nullptr;
}

DecodedValues DeviceSession::currentValues(quint8 slave) const {
    const auto *s = d->slaveAt(slave);
    return s ? s->poll.values() : DecodedValues();
}

bool DeviceSession::isSlaveOnline(quint8 slave) const {
    const auto *s = d->slaveAt(slave);
    return s && s->online;
}

LinkStatistics DeviceSession::statistics() const {
    return d->statistics();
}

Transport *DeviceSession::transport() const {
    return d->transport;
}

quint64 DeviceSession::readRegisters(quint16 start, quint16 count) {
    return d->queue(OnDemandQueue::read(0, start, count));
}

quint64 DeviceSession::writeRegisters(quint16 start, const QList<quint16> &words,
                                      modbus::FunctionCode fn) {
    const auto item = OnDemandQueue::write(0, start, words, fn);
    return item ? d->queue(*item) : 0;
}

} // namespace blupow
