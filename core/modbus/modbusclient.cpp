#include "modbusclient.h"

#include "logging.h"
#include "transport/transport.h"

#include <QDateTime>
#include <QPointer>

#include <algorithm>
#include <utility>

namespace blupow {

namespace {

constexpr int kStatisticsWindow = 100; // "success rate over the last 100 requests"
constexpr int kMaxResyncFailures = 3;  // unanswered resync probes before asking for a new link

} // namespace

ModbusClient::ModbusClient(Transport *transport, Timing timing, QObject *parent)
    : QObject(parent)
    , m_transport(transport)
    , m_timing(timing) {
    m_requestTimer.setObjectName(QStringLiteral("modbusRequestTimer"));
    m_gapTimer.setObjectName(QStringLiteral("modbusGapTimer"));
    m_requestTimer.setSingleShot(true);
    m_requestTimer.setTimerType(Qt::PreciseTimer);
    m_gapTimer.setSingleShot(true);
    connect(&m_requestTimer, &QTimer::timeout, this, &ModbusClient::onTimeout);
    connect(&m_gapTimer, &QTimer::timeout, this, &ModbusClient::proceed);
    connect(transport, &Transport::bytesReceived, this, &ModbusClient::onBytes);
}

ModbusClient::~ModbusClient() = default;

quint64 ModbusClient::send(const modbus::Request &request, int timeoutMs, int retries, quint64 id) {
    Q_ASSERT(!busy());
    m_held = Held{request, id ? id : ++m_lastId, timeoutMs, std::max(0, retries)};
    const quint64 sent = m_held->id;
    proceed();
    return sent;
}

bool ModbusClient::busy() const {
    return m_pending || m_held || m_gapTimer.isActive() || m_finishing;
}

void ModbusClient::linkOpened() {
    ++m_epoch;
    m_stats.droppedBytes += static_cast<quint64>(m_reassembler.reset().size());
    m_unsettled.clear();
    m_resyncFailures = 0;
}

void ModbusClient::cancel(const QString &why) {
    ++m_epoch;
    m_requestTimer.stop();
    m_gapTimer.stop();
    std::optional<Pending> inFlight = std::exchange(m_pending, std::nullopt);
    std::optional<Held> held = std::exchange(m_held, std::nullopt);
    if (inFlight) {
        m_stats.droppedBytes += static_cast<quint64>(m_reassembler.reset().size());
        inFlight->exchange.outcome = Exchange::Outcome::Cancelled;
        inFlight->exchange.error = why;
        Q_EMIT exchangeFinished(inFlight->exchange);
    }
    if (!held)
        return;
    if (inFlight && !inFlight->probe) {
        Q_EMIT finished(inFlight->exchange);
        return;
    }
    // Never written on this attempt: it waited behind a resync probe or the gap.
    Exchange ex;
    ex.id = held->id;
    ex.request = held->request;
    ex.requestFrame = modbus::buildRequest(held->request);
    ex.outcome = Exchange::Outcome::Cancelled;
    ex.error = why;
    Q_EMIT finished(ex);
}

void ModbusClient::rememberAnswered(const modbus::Request &request) {
    if (request.function != modbus::FunctionCode::ReadHoldingRegisters)
        return;
    const bool known =
        std::any_of(m_answered.cbegin(), m_answered.cend(), [&](const modbus::Request &r) {
            return r.slave == request.slave && r.start == request.start && r.count == request.count;
        });
    if (!known)
        m_answered.append(request);
}

bool ModbusClient::collides(const modbus::Request &request, bool anyCount) const {
    // The reassembler accepts a reply by slave (any for 0xFF), function and byte count. A reply
    // still owed to an unsettled request with the same signature would be taken for this one's.
    return std::any_of(m_unsettled.cbegin(), m_unsettled.cend(), [&](const Signature &u) {
        const bool slaveMatch = u.slave == request.slave || u.slave == modbus::kBroadcastSlave ||
                                request.slave == modbus::kBroadcastSlave;
        if (!slaveMatch || u.function != request.function)
            return false;
        return anyCount || request.function != modbus::FunctionCode::ReadHoldingRegisters ||
               u.count == request.count;
    });
}

std::optional<modbus::Request> ModbusClient::resyncProbe() const {
    if (!m_probeSlave)
        return std::nullopt;
    for (const modbus::Request &good : m_answered) {
        // A read another slave answered may be an exception here (several slaves on one link).
        if (good.slave != *m_probeSlave)
            continue;
        for (quint16 k = 1; k <= good.count; ++k) {
            const auto probe = modbus::Request::read(*m_probeSlave, good.start, k);
            if (!collides(probe))
                return probe;
        }
    }
    return std::nullopt;
}

void ModbusClient::proceed() {
    if (m_pending || m_gapTimer.isActive() || m_finishing)
        return;
    if (!m_held) {
        Q_EMIT idle();
        return;
    }
    if (!collides(m_held->request)) {
        write(m_held->request, m_held->id, m_held->timeoutMs, false);
        return;
    }
    if (m_resyncFailures < kMaxResyncFailures) {
        if (const auto probe = resyncProbe()) {
            qCDebug(lcModbus) << "resync probe" << probe->start << "x" << probe->count << "before"
                              << m_held->request.start << "x" << m_held->request.count;
            write(*probe, ++m_lastId, m_timing.requestTimeoutMs, true);
            return;
        }
    }
    Q_EMIT desynchronised(m_resyncFailures >= kMaxResyncFailures
                              ? QStringLiteral("resync probes unanswered")
                              : QStringLiteral("desynchronised after a silent request"));
}

void ModbusClient::write(const modbus::Request &request, quint64 id, int timeoutMs, bool probe) {
    Pending p;
    p.probe = probe;
    p.exchange.id = id;
    p.exchange.request = request;
    p.exchange.requestFrame = modbus::buildRequest(request);
    p.exchange.sentMs = QDateTime::currentMSecsSinceEpoch();
    p.exchange.outcome = Exchange::Outcome::Timeout;
    p.exchange.dropped = m_reassembler.expect(request);
    m_stats.droppedBytes += static_cast<quint64>(p.exchange.dropped.size());
    p.clock.start();
    m_pending = std::move(p);
    ++m_stats.requests;
    m_requestTimer.start(timeoutMs);
    if (!m_transport->write(m_pending->exchange.requestFrame))
        Q_EMIT writeFailed(QStringLiteral("write failed: link not open"));
}

void ModbusClient::onBytes(const QByteArray &chunk, qint64 timestampMs) {
    const modbus::FrameReassembler::Result result = m_reassembler.feed(chunk);
    m_stats.droppedBytes += static_cast<quint64>(result.dropped.size());
    if (!m_pending)
        return; // unsolicited (nothing expected): counted as dropped above
    m_pending->exchange.dropped.append(result.dropped);
    if (!result.frame)
        return;
    Exchange &ex = m_pending->exchange;
    if (m_pending->suspect) {
        // The exception before this reply was an older request's: this one is the answer.
        ex.dropped.append(ex.responseFrame);
        m_stats.droppedBytes += static_cast<quint64>(ex.responseFrame.size());
        m_pending->suspect = false;
    }
    ex.responseFrame = *result.frame;
    ex.receivedMs = timestampMs;
    ex.roundTripMs = static_cast<double>(m_pending->clock.nsecsElapsed()) / 1e6;
    ex.response = modbus::parseResponse(*result.frame, ex.request);
    if (ex.response.error == modbus::ResponseError::Exception && !m_pending->probe &&
        !m_pending->waited && collides(ex.request, true)) {
        // An exception carries no byte count: this one may be the late answer to an unsettled
        // request of the same slave and function. The device answers in order, so if it is, this
        // request's own answer follows: wait for it until the timeout, and only then take the
        // exception (as a possibly late one).
        m_pending->suspect = m_pending->waited = true;
        ex.dropped.append(m_reassembler.expect(ex.request));
        return;
    }
    if (ex.response.ok())
        complete(Exchange::Outcome::Ok, {});
    else if (ex.response.error == modbus::ResponseError::Exception)
        complete(Exchange::Outcome::Exception, modbus::describe(ex.response, *result.frame));
    else
        complete(Exchange::Outcome::Error, modbus::describe(ex.response, *result.frame));
}

void ModbusClient::onTimeout() {
    if (!m_pending)
        return;
    // Bytes of a reply cut short are dropped with the request: the rest of it, should it come,
    // cannot start a reply to the next one.
    const QByteArray partial = m_reassembler.reset();
    m_stats.droppedBytes += static_cast<quint64>(partial.size());
    m_pending->exchange.dropped.append(partial);
    if (m_pending->suspect) {
        complete(Exchange::Outcome::Exception,
                 modbus::describe(m_pending->exchange.response, m_pending->exchange.responseFrame));
        return;
    }
    const modbus::Request &r = m_pending->exchange.request;
    m_unsettled.append(Signature{r.slave, r.function, r.count});
    complete(Exchange::Outcome::Timeout,
             QStringLiteral("no reply within %1 ms").arg(m_requestTimer.interval()));
}

void ModbusClient::complete(Exchange::Outcome outcome, const QString &error) {
    m_requestTimer.stop();
    Pending done = std::move(*m_pending);
    m_pending.reset();
    Exchange &ex = done.exchange;
    ex.outcome = outcome;
    ex.error = error;
    const modbus::Request &req = ex.request;

    if (outcome == Exchange::Outcome::Ok) {
        // In order: this reply proves every older one has arrived or never will.
        m_unsettled.clear();
        m_resyncFailures = 0;
        rememberAnswered(req);
    } else if (outcome == Exchange::Outcome::Exception && collides(req, true)) {
        // An exception frame carries no byte count: it may be the late answer to any unsettled
        // request of the same slave and function. Do not trust it: this request's own reply may
        // still be on its way.
        m_unsettled.append(Signature{req.slave, req.function, req.count});
        ex.error += QStringLiteral(" (may be a late reply to an earlier request)");
    }
    record(ex);
    if (outcome != Exchange::Outcome::Ok)
        qCDebug(lcModbus).noquote()
            << "request" << req.start << "x" << req.count << "to"
            << QStringLiteral("0x%1").arg(req.slave, 2, 16, QLatin1Char('0')) << ":" << ex.error;

    bool settled = false;
    if (done.probe) {
        if (outcome != Exchange::Outcome::Ok)
            ++m_resyncFailures;
    } else if (m_held && m_held->id == ex.id) {
        const bool retryable =
            outcome == Exchange::Outcome::Timeout || outcome == Exchange::Outcome::Error;
        if (retryable && m_held->retriesLeft > 0)
            --m_held->retriesLeft;
        else
            settled = true;
    }
    if (settled)
        m_held.reset();
    // Listeners that send from their slots would put a second request in flight or skip the gap:
    // busy() holds them off until idle().
    m_finishing = true;
    const quint64 epoch = m_epoch;
    QPointer<ModbusClient> self(this);
    Q_EMIT exchangeFinished(ex);
    if (settled && self)
        Q_EMIT finished(ex);
    if (!self)
        return;
    m_finishing = false;
    // After a cancel from a listener (link lost, reconnected) no gap is owed to this link.
    if (epoch == m_epoch)
        settle();
    else
        proceed();
}

void ModbusClient::settle() {
    // Never from inside the notification that ended the exchange, even without a gap: whoever
    // listens to the transport after the client (a recorder attached to a running session) hears
    // the reply before the request it led to.
    m_gapTimer.start(std::max(0, m_timing.interRequestGapMs));
}

void ModbusClient::record(const Exchange &ex) {
    switch (ex.outcome) {
    case Exchange::Outcome::Timeout:
        ++m_stats.timeouts;
        break;
    case Exchange::Outcome::Exception:
        ++m_stats.exceptions;
        break;
    case Exchange::Outcome::Error:
        if (ex.response.error == modbus::ResponseError::BadCrc)
            ++m_stats.crcErrors;
        else
            ++m_stats.protocolErrors;
        break;
    case Exchange::Outcome::Ok:
    case Exchange::Outcome::Cancelled:
        break;
    }
    // A device that answers, even with an exception, is a working link.
    m_outcomes.push_back(ex.outcome == Exchange::Outcome::Ok ||
                         ex.outcome == Exchange::Outcome::Exception);
    while (m_outcomes.size() > kStatisticsWindow)
        m_outcomes.pop_front();
    m_stats.successRate =
        static_cast<double>(std::count(m_outcomes.cbegin(), m_outcomes.cend(), true)) /
        static_cast<double>(m_outcomes.size());
    if (!ex.responseFrame.isEmpty()) {
        m_stats.lastRoundTripMs = ex.roundTripMs;
        m_roundTrips.push_back(ex.roundTripMs);
        while (m_roundTrips.size() > kStatisticsWindow)
            m_roundTrips.pop_front();
        double sum = 0;
        for (const double r : m_roundTrips)
            sum += r;
        m_stats.meanRoundTripMs = sum / static_cast<double>(m_roundTrips.size());
    }
}

} // namespace blupow
