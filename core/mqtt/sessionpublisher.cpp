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
    m_session = session;
    setWithheld({});
    link();
}

void SessionPublisher::setPublishSimulated(bool publish) {
    if (publish == m_publishSimulated)
        return;
    m_publishSimulated = publish;
    if (publish && !m_withheld.isEmpty()) {
        setWithheld({});
        link();
    }
}

void SessionPublisher::link() {
    disconnect(m_linkOnIdentify);
    if (!m_bridge || !m_session)
        return;
    const auto identity = m_session->identity();
    if (!identity) {
        // Whether the device is simulated is known once it has identified.
        m_linkOnIdentify = connect(m_session, &DeviceSession::identified, this,
                                   &SessionPublisher::link, Qt::SingleShotConnection);
        return;
    }
    if (SimulatedDevices::isSimulatedAddress(identity->address) && !m_publishSimulated) {
        qCInfo(lcMqtt).noquote() << "not publishing the simulated" << identity->name;
        setWithheld(QStringLiteral("%1 is simulated and is not published (allow simulated "
                                   "devices to publish it, named SIMULATED in Home Assistant)")
                        .arg(identity->name.isEmpty() ? identity->address : identity->name));
        return;
    }
    // A session that identified before publishing started will not say so again: announced now.
    linkSessionToBridge(m_session, m_bridge.get());
}

void SessionPublisher::setWithheld(const QString &reason) {
    if (reason == m_withheld)
        return;
    m_withheld = reason;
    Q_EMIT stateChanged(m_state, reason.isEmpty() ? m_lastError : reason);
}

void SessionPublisher::setState(State state, const QString &message) {
    if (state == m_state && message.isEmpty())
        return;
    m_state = state;
    // A withheld device stays in the message until something more pressing replaces it.
    Q_EMIT stateChanged(state, message.isEmpty() ? m_withheld : message);
}

} // namespace blupow
