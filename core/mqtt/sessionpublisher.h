#pragma once

#include "mqtt/mqttbridge.h"
#include "mqtt/mqttclient.h"

#include <QObject>
#include <QPointer>

#include <memory>

namespace blupow {

class DeviceSession;

// "Publish to Home Assistant" for an interactive app: one bridge that publishes every open link's
// devices (the user may connect and disconnect devices while publishing), started and stopped
// with one click.
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
    // The one session to publish (replacing those followed), or none.
    void setSession(blupow::DeviceSession *session);
    // One more link's devices to publish; removeSession(): its link closed (its devices go
    // offline in Home Assistant as the session stops).
    void addSession(blupow::DeviceSession *session);
    void removeSession(blupow::DeviceSession *session);
    // While publishing: the bridge announces the new expire_after (MqttBridge::setPollInterval).
    void setPollInterval(int ms);
    // Simulated devices reach the broker only when this is set (off by default): a simulated
    // inverter must not appear in Home Assistant as if it were equipment. Published, it is
    // named "SIMULATED ..." there (HaDiscovery).
    void setPublishSimulated(bool publish);
    [[nodiscard]] bool publishesSimulated() const { return m_publishSimulated; }
    // Why a device is not being published (a simulated one); empty otherwise.
    [[nodiscard]] QString withheldReason() const { return m_withheldReason; }
    // What to show beside the state: the last broker error, else why a device is withheld.
    [[nodiscard]] QString message() const {
        return m_lastError.isEmpty() ? m_withheldReason : m_lastError;
    }

    [[nodiscard]] State state() const { return m_state; }
    // The last broker error while connecting or publishing; empty when fine.
    [[nodiscard]] QString lastError() const { return m_lastError; }
    [[nodiscard]] MqttBridge *bridge() const { return m_bridge.get(); }

Q_SIGNALS:
    void stateChanged(blupow::SessionPublisher::State state, const QString &message);

private:
    void link();
    void linkOne(DeviceSession *session);
    void setState(State state, const QString &message = {});
    void updateWithheld();

    std::unique_ptr<MqttBridge> m_bridge;
    QList<QPointer<DeviceSession>> m_sessions;
    QList<QPointer<DeviceSession>> m_linked;   // to the bridge running now
    QList<QPointer<DeviceSession>> m_waiting;  // until the session says what it is
    QList<QPointer<DeviceSession>> m_withheld; // simulated, not published
    State m_state = State::Stopped;
    QString m_lastError;
    bool m_publishSimulated = false;
    QString m_withheldReason;
};

[[nodiscard]] QString publisherStateName(SessionPublisher::State state);

} // namespace blupow
