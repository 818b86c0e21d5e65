#include "sessionpublisher.h"

#include "device/devicesession.h"
#include "logging.h"
#include "mqtt/bridgesessionlink.h"
#include "sim/simulateddevices.h"

namespace blupow {

QString publisherStateName(SessionPublisher::State state) {
    switch (state) {
    case SessionPublisher::State::Stopped:
        return QStringLiteral("not publishing");
    case SessionPublisher::State::Connecting:
        return QStringLiteral("connecting to the broker");
    case SessionPublisher::State::Publishing:
        return QStringLiteral("publishing");
    case SessionPublisher::State::Stopping:
        return QStringLiteral("stopping");
    }
    return QStringLiteral("unknown");
}

SessionPublisher::SessionPublisher(QObject *parent)
    : QObject(parent) {}

SessionPublisher::~SessionPublisher() = default;

void SessionPublisher::start(const MqttClient::Options &client, const MqttBridge::Options &bridge) {
    if (m_bridge)
        return;
    m_lastError.clear();
    qCInfo(lcMqtt).noquote() << "publishing to" << MqttClient::describe(client);
    m_bridge = std::make_unique<MqttBridge>(client, bridge);
    MqttClient *mqtt = m_bridge->client();
    connect(mqtt, &MqttClient::connected, this, [this] { setState(State::Publishing); });
    connect(mqtt, &MqttClient::errorOccurred, this,
            [this](MqttClient::Error, const QString &message) {
                m_lastError = message;
                // The bridge keeps retrying with backoff; say why it is not publishing yet.
                if (m_state != State::Stopping)
                    setState(State::Connecting, message);
            });
    connect(mqtt, &MqttClient::disconnected, this, [this] {
        if (m_state == State::Publishing)
            setState(State::Connecting, QStringLiteral("connection to the broker lost"));
    });
    connect(m_bridge.get(), &MqttBridge::stopped, this, [this] {
        // Deferred: this runs inside the bridge's own signal.
        m_bridge.release()->deleteLater();
        m_linked.clear();
        m_waiting.clear();
        setState(State::Stopped);
    });
    link();
    setState(State::Connecting);
    m_bridge->start();
}

void SessionPublisher::stop() {
    if (!m_bridge || m_state == State::Stopping)
        return;
    setState(State::Stopping);
    m_bridge->stop();
}

void SessionPublisher::setPollInterval(int ms) {
    if (m_bridge)
        m_bridge->setPollInterval(ms);
}

void SessionPublisher::setSession(DeviceSession *session) {
    m_sessions.clear();
    if (session)
        m_sessions.append(session);
    link();
}

void SessionPublisher::addSession(DeviceSession *session) {
    if (!session || m_sessions.contains(session))
        return;
    m_sessions.append(session);
    linkOne(session);
    updateWithheld();
}

void SessionPublisher::removeSession(DeviceSession *session) {
    m_sessions.removeAll(session);
    m_waiting.removeAll(session);
    m_withheld.removeAll(session);
    updateWithheld();
}

void SessionPublisher::setPublishSimulated(bool publish) {
    if (publish == m_publishSimulated)
        return;
    m_publishSimulated = publish;
    if (publish)
        link();
}

void SessionPublisher::link() {
    for (QList<QPointer<DeviceSession>> *list : {&m_sessions, &m_linked, &m_waiting, &m_withheld})
        list->removeAll(nullptr);
    m_withheld.clear();
    for (const QPointer<DeviceSession> &session : std::as_const(m_sessions))
        linkOne(session);
    updateWithheld();
}

void SessionPublisher::linkOne(DeviceSession *session) {
    if (!m_bridge || m_linked.contains(session) || m_waiting.contains(session))
        return;
    const auto identity = session->identity();
    if (!identity) {
        // Whether the device is simulated is known once it has identified.
        m_waiting.append(session);
        connect(
            session, &DeviceSession::identified, this,
            [this, s = QPointer<DeviceSession>(session)] {
                m_waiting.removeAll(s);
                if (s && m_sessions.contains(s)) {
                    linkOne(s);
                    updateWithheld();
                }
            },
            Qt::SingleShotConnection);
        return;
    }
    if (SimulatedDevices::isSimulatedAddress(identity->address) && !m_publishSimulated) {
        qCInfo(lcMqtt).noquote() << "not publishing the simulated" << identity->name;
        if (!m_withheld.contains(session))
            m_withheld.append(session);
        return;
    }
    m_withheld.removeAll(session);
    m_linked.append(session);
    // A session that identified before publishing started will not say so again: announced now.
    linkSessionToBridge(session, m_bridge.get());
}

void SessionPublisher::updateWithheld() {
    QStringList names;
    for (const QPointer<DeviceSession> &session : std::as_const(m_withheld)) {
        if (!session || !m_sessions.contains(session))
            continue;
        const auto identity = session->identity();
        if (identity)
            names.append(identity->name.isEmpty() ? identity->address : identity->name);
    }
    const QString reason =
        names.isEmpty()
            ? QString()
            : QStringLiteral("%1 %2 simulated and %3 not published (allow simulated devices to "
                             "publish %4, named SIMULATED in Home Assistant)")
                  .arg(names.join(QStringLiteral(", ")),
                       names.size() == 1 ? QStringLiteral("is") : QStringLiteral("are"),
                       names.size() == 1 ? QStringLiteral("is") : QStringLiteral("are"),
                       names.size() == 1 ? QStringLiteral("it") : QStringLiteral("them"));
    if (reason == m_withheldReason)
        return;
    m_withheldReason = reason;
    Q_EMIT stateChanged(m_state, reason.isEmpty() ? m_lastError : reason);
}

void SessionPublisher::setState(State state, const QString &message) {
    if (state == m_state && message.isEmpty())
        return;
    m_state = state;
    // A withheld device stays in the message until something more pressing replaces it.
    Q_EMIT stateChanged(state, message.isEmpty() ? m_withheldReason : message);
}

} // namespace blupow
