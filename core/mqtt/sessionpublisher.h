#pragma once

#include "mqtt/mqttbridge.h"
#include "mqtt/mqttclient.h"

#include <QObject>
#include <QPointer>

#include <memory>

namespace blupow {

class DeviceSession;

// "Publish to Home Assistant" for an interactive app: one bridge that follows whichever session
// is current (the user may switch devices while publishing), started and stopped with one click.
class SessionPublisher : public QObject {
    Q_OBJECT

public:
    enum class State { Stopped, Connecting, Publishing, Stopping };
    Q_ENUM(State)

    explicit SessionPublisher(QObject *parent = nullptr);
    ~SessionPublisher() override;

    void start(const MqttClient::Options &client, const MqttBridge::Options &bridge);
    // Publishes `offline`, disconnects (bounded by the bridge), then Stopped.
    void stop();
    void setSession(blupow::DeviceSession *session);
    // While publishing: the bridge announces the new expire_after (MqttBridge::setPollInterval).
    void setPollInterval(int ms);
    // Simulated devices reach the broker only when this is set (off by default): a simulated
    // inverter must not appear in Home Assistant as if it were equipment. Published, it is
    // named "SIMULATED ..." there (HaDiscovery).
    void setPublishSimulated(bool publish);
    [[nodiscard]] bool publishesSimulated() const { return m_publishSimulated; }
    // Why the current device is not being published (a simulated one); empty otherwise.
    [[nodiscard]] QString withheldReason() const { return m_withheld; }
    // What to show beside the state: the last broker error, else why a device is withheld.
    [[nodiscard]] QString message() const {
        return m_lastError.isEmpty() ? m_withheld : m_lastError;
    }

    [[nodiscard]] State state() const { return m_state; }
    // The last broker error while connecting or publishing; empty when fine.
    [[nodiscard]] QString lastError() const { return m_lastError; }
    [[nodiscard]] MqttBridge *bridge() const { return m_bridge.get(); }

Q_SIGNALS:
    void stateChanged(blupow::SessionPublisher::State state, const QString &message);

private:
    void link();
    void setState(State state, const QString &message = {});
    void setWithheld(const QString &reason);

    std::unique_ptr<MqttBridge> m_bridge;
    QPointer<DeviceSession> m_session;
    State m_state = State::Stopped;
    QString m_lastError;
    bool m_publishSimulated = false;
    QString m_withheld;
    QMetaObject::Connection m_linkOnIdentify; // until the session says what it is
};

[[nodiscard]] QString publisherStateName(SessionPublisher::State state);

} // namespace blupow
