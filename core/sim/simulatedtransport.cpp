#include "simulatedtransport.h"

#include "logging.h"
#include "modbus/modbusframe.h"

#include <QDateTime>
#include <QMetaEnum>

#include <algorithm>
#include <cmath>

namespace blupow {

namespace {
constexpr int kFaultKinds = 5;
}

SimulatedTransport::SimulatedTransport(DeviceSimulator simulator, QObject *parent)
    : SimulatedTransport(std::vector<DeviceSimulator>{}, simulator.scenario().advertisedName,
                         simulator.scenario().id, parent) {
    m_bus.push_back(std::move(simulator));
}

SimulatedTransport::SimulatedTransport(std::vector<DeviceSimulator> bus, QString name, QString id,
                                       QObject *parent)
    : Transport(parent)
    , m_bus(std::move(bus))
    , m_name(std::move(name))
    , m_id(std::move(id))
    , m_injected(kFaultKinds, 0)
    , m_random(QRandomGenerator::global()->generate()) {
    m_clock.start();
    m_epochBase = QDateTime::currentMSecsSinceEpoch();
    for (QTimer *t : {&m_openTimer, &m_closeTimer, &m_deliveryTimer}) {
        t->setSingleShot(true);
        t->setTimerType(Qt::PreciseTimer); // the latency model is in milliseconds
    }
    connect(&m_openTimer, &QTimer::timeout, this, &SimulatedTransport::finishOpen);
    connect(&m_closeTimer, &QTimer::timeout, this, [this] { setState(State::Closed); });
    connect(&m_deliveryTimer, &QTimer::timeout, this, &SimulatedTransport::deliverDue);
}

SimulatedTransport::~SimulatedTransport() = default;

QString SimulatedTransport::peerName() const {
    return m_name;
}

QString SimulatedTransport::peerAddress() const {
    return QStringLiteral("sim:") + m_id;
}

DeviceSimulator *SimulatedTransport::simulatorAt(quint8 slave) {
    const auto it = std::find_if(m_bus.begin(), m_bus.end(),
                                 [slave](const DeviceSimulator &d) { return d.slave() == slave; });
    return it == m_bus.end() ? nullptr : &*it;
}

std::optional<QByteArray> SimulatedTransport::answer(const QByteArray &frame, qint64 atMs) {
    if (m_bus.size() == 1)
        return m_bus.front().handleRequest(frame, atMs);
    // Every slave hears the request; the ones not addressed stay silent. Several answering at
    // once (0xFF) drive the bus together: the receiver sees the bits of all of them (a wired
    // OR here), a frame no CRC survives.
    std::optional<QByteArray> heard;
    for (DeviceSimulator &device : m_bus) {
        const auto reply = device.handleRequest(frame, atMs);
        if (!reply)
            continue;
        if (!heard) {
            heard = reply;
            continue;
        }
        if (reply->size() > heard->size())
            heard->append(reply->sliced(heard->size()));
        for (qsizetype i = 0; i < reply->size(); ++i)
            (*heard)[i] = static_cast<char>((*heard)[i] | reply->at(i));
    }
    return heard;
}

double SimulatedTransport::nowMs() const {
    return static_cast<double>(m_clock.nsecsElapsed()) / 1e6;
}

qint64 SimulatedTransport::epochAt(double clockMs) const {
    return m_epochBase + static_cast<qint64>(std::llround(clockMs));
}

qint64 SimulatedTransport::nowEpochMs() const {
    return epochAt(nowMs());
}

QString SimulatedTransport::faultKindName(FaultKind kind) {
    return QString::fromLatin1(QMetaEnum::fromType<FaultKind>().valueToKey(static_cast<int>(kind)))
        .toLower();
}

std::optional<SimulatedTransport::Fault> SimulatedTransport::parseFault(QStringView spec,
                                                                        QString *error) {
    const auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    Fault f;
    if (const qsizetype at = spec.indexOf(u'@'); at >= 0) {
        bool ok = false;
        const uint slave = spec.sliced(at + 1).toString().toUInt(&ok, 0);
        if (!ok || slave < 1 || slave > 247)
            return fail(QStringLiteral("fault '%1': '@' wants a slave id 1-247 (0x33 or 51)")
                            .arg(spec.toString()));
        f.slave = static_cast<quint8>(slave);
        spec = spec.first(at);
    }
    const qsizetype colon = spec.indexOf(u':');
    const QStringView kindText = colon < 0 ? spec : spec.first(colon);
    const QStringView rateText = colon < 0 ? QStringView() : spec.sliced(colon + 1);
    bool known = false;
    const auto meta = QMetaEnum::fromType<FaultKind>();
    for (int i = 0; i < meta.keyCount(); ++i) {
        if (kindText.compare(QLatin1String(meta.key(i)), Qt::CaseInsensitive) == 0) {
            f.kind = static_cast<FaultKind>(meta.value(i));
            known = true;
        }
    }
    if (!known)
        return fail(QStringLiteral("unknown fault '%1' (drop, corrupt, delay, disconnect, refuse)")
                        .arg(kindText.toString()));
    if (colon >= 0 && rateText.isEmpty())
        return fail(QStringLiteral("fault '%1': missing value after ':'").arg(spec.toString()));
    bool ok = true;
    const double rate = rateText.isEmpty() ? -1 : rateText.toDouble(&ok);
    if (!ok || (!rateText.isEmpty() && (!std::isfinite(rate) || rate <= 0)))
        return fail(QStringLiteral("fault '%1': '%2' is not a positive number")
                        .arg(spec.toString(), rateText.toString()));
    if (f.kind == FaultKind::Refuse) {
        f.seconds = rate < 0 ? 5.0 : rate;
        return f;
    }
    if (rate < 0) {
        f.probability = f.kind == FaultKind::Disconnect ? 0.02 : 0.1;
    } else if (rateText.contains(u'.') || rate < 1) {
        if (rate > 1)
            return fail(
                QStringLiteral("fault '%1': a probability must be at most 1").arg(spec.toString()));
        f.probability = rate;
    } else {
        f.remaining = static_cast<int>(rate);
    }
    return f;
}

void SimulatedTransport::addFault(const Fault &fault) {
    m_faults.append(fault);
    if (fault.kind == FaultKind::Refuse)
        m_lockoutPending = true;
}

void SimulatedTransport::clearFaults() {
    m_faults.clear();
    m_lockoutUntilMs = -1;
}

quint64 SimulatedTransport::faultsInjected(FaultKind kind) const {
    return m_injected.value(static_cast<int>(kind));
}

bool SimulatedTransport::strikes(Fault &fault) {
    bool hit = false;
    if (fault.remaining > 0) {
        --fault.remaining;
        hit = true;
    } else if (fault.remaining < 0 && fault.probability > 0) {
        hit = m_random.generateDouble() < fault.probability;
    }
    if (hit)
        ++m_injected[static_cast<int>(fault.kind)];
    return hit;
}

void SimulatedTransport::setState(State state) {
    if (m_state == state)
        return;
    m_state = state;
    qCDebug(lcSim) << "sim" << m_id << "state" << state;
    Q_EMIT stateChanged(state);
}

void SimulatedTransport::open() {
    if (m_state == State::Opening || m_state == State::Open)
        return;
    m_closeTimer.stop();
    setState(State::Opening);
    m_openTimer.start(m_latency.openMs);
}

void SimulatedTransport::finishOpen() {
    const double now = nowMs();
    const auto refuse = std::find_if(m_faults.cbegin(), m_faults.cend(),
                                     [](const Fault &f) { return f.kind == FaultKind::Refuse; });
    if (refuse != m_faults.cend() && m_lockoutPending) {
        // A failed connect locks the peer out for a while (docs/protocol.md 2.3): model the first
        // attempt failing and every attempt during the lockout being refused.
        m_lockoutPending = false;
        m_lockoutUntilMs = now + refuse->seconds * 1000.0;
        ++m_injected[static_cast<int>(FaultKind::Refuse)];
    }
    if (now < m_lockoutUntilMs) {
        Q_EMIT errorOccurred(Error::ConnectionRefused,
                             QStringLiteral("connection refused (simulated lockout, %1 s left)")
                                 .arg((m_lockoutUntilMs - now) / 1000.0, 0, 'f', 1));
        setState(State::Closed);
        return;
    }
    m_wireFreeMs = now;
    setState(State::Open);
}

void SimulatedTransport::close() {
    if (m_state == State::Closed || m_state == State::Closing)
        return;
    m_openTimer.stop();
    m_deliveryTimer.stop();
    m_events.clear(); // in-flight notifications die with the link
    setState(State::Closing);
    m_closeTimer.start(m_latency.closeMs);
}

bool SimulatedTransport::write(const QByteArray &frame) {
    if (m_state != State::Open) {
        Q_EMIT errorOccurred(Error::WriteFailed,
                             QStringLiteral("write while the link is not open"));
        return false;
    }
    const double now = nowMs();
    Q_EMIT bytesWritten(frame, epochAt(now));

    // The request crosses the UART after whatever is still on it (half duplex, in order).
    const double requestEnd =
        std::max(now, m_wireFreeMs) + static_cast<double>(frame.size()) * m_latency.byteTimeMs;
    std::optional<QByteArray> reply = answer(frame, epochAt(requestEnd));
    if (!reply) {
        m_wireFreeMs = requestEnd;
        return true;
    }

    double replyStart = requestEnd + m_latency.processingMs;
    int dropChunk = -1;
    const auto addressed = static_cast<quint8>(frame.isEmpty() ? 0 : frame.at(0));
    for (Fault &f : m_faults) {
        if (f.slave && *f.slave != addressed)
            continue;
        switch (f.kind) {
        case FaultKind::Drop:
            if (strikes(f))
                dropChunk = static_cast<int>(m_random.bounded(static_cast<int>(
                    (reply->size() + m_latency.chunkSize - 1) / m_latency.chunkSize)));
            break;
        case FaultKind::Corrupt:
            if (strikes(f)) {
                const auto at = m_random.bounded(static_cast<int>(reply->size()));
                (*reply)[at] =
                    static_cast<char>((*reply)[at] ^ static_cast<char>(1 + m_random.bounded(255)));
            }
            break;
        case FaultKind::Delay:
            if (strikes(f))
                replyStart += m_faultDelayMs;
            break;
        case FaultKind::Disconnect:
            if (strikes(f)) {
                m_wireFreeMs = replyStart;
                schedule(Event{replyStart, Event::Kind::LinkLost, {}});
                return true;
            }
            break;
        case FaultKind::Refuse:
            break;
        }
    }

    // The bridge forwards a notification as soon as it holds a chunk's last byte.
    const auto size = static_cast<int>(reply->size());
    for (int offset = 0, index = 0; offset < size; offset += m_latency.chunkSize, ++index) {
        const int length = std::min(m_latency.chunkSize, size - offset);
        double due = replyStart + (offset + length) * m_latency.byteTimeMs;
        due = std::max(due, m_lastNotifyMs + m_latency.notificationIntervalMs);
        m_lastNotifyMs = due;
        if (index == dropChunk)
            continue;
        schedule(Event{due, Event::Kind::Chunk, reply->mid(offset, length)});
    }
    m_wireFreeMs = replyStart + size * m_latency.byteTimeMs;
    return true;
}

void SimulatedTransport::schedule(Event event) {
    const auto pos = std::upper_bound(m_events.begin(), m_events.end(), event.dueMs,
                                      [](double due, const Event &e) { return due < e.dueMs; });
    m_events.insert(pos, std::move(event));
    armDeliveryTimer();
}

void SimulatedTransport::armDeliveryTimer() {
    if (m_events.empty()) {
        m_deliveryTimer.stop();
        return;
    }
    const double wait = m_events.front().dueMs - nowMs();
    m_deliveryTimer.start(std::max(0, static_cast<int>(std::ceil(wait))));
}

void SimulatedTransport::deliverDue() {
    // Emitting may make the session write (more events) or close (no events): re-check each time.
    while (!m_events.empty() && m_state == State::Open &&
           m_events.front().dueMs <= nowMs() + 0.05) {
        Event e = std::move(m_events.front());
        m_events.pop_front();
        if (e.kind == Event::Kind::LinkLost) {
            dropLink(Error::ConnectionLost, QStringLiteral("link lost (simulated disconnect)"));
            return;
        }
        Q_EMIT bytesReceived(e.bytes, epochAt(e.dueMs));
    }
    if (m_state == State::Open)
        armDeliveryTimer();
}

void SimulatedTransport::dropLink(Error error, const QString &message) {
    m_events.clear();
    m_deliveryTimer.stop();
    m_lockoutPending = true; // after a drop, a Refuse fault locks out the reconnect
    Q_EMIT errorOccurred(error, message);
    setState(State::Closed);
}

} // namespace blupow
