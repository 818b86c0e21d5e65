#pragma once

#include "device/deviceidentity.h"
#include "modbus/linkstatistics.h"
#include "mqtt/energycounterguard.h"
#include "mqtt/energyintegrator.h"
#include "mqtt/energystore.h"
#include "mqtt/hadiscovery.h"
#include "mqtt/mqttclient.h"
#include "registers/decodedvalue.h"
#include "registers/registermap.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace blupow {

// Publishes devices to Home Assistant (docs/ha-mqtt.md §1 layout). Owns its MqttClient so the last
// will is always the bridge's `offline`. Devices are fed through the device* slots, which
// linkSessionToBridge() (bridgesessionlink.h) connects to a DeviceSession's signals; tests feed
// them directly.
//
// On every (re)connect, and a random 0.2-2 s after Home Assistant's birth message, it publishes
// in this order: bridge `online`, the retained discovery configs, each device's retained
// availability, then the latest state of each device if it is still fresh. Before a device's first
// announcement on a connection it looks for configs the other discovery layout left on the broker
// (the user switched --legacy-discovery): it subscribes to those topics, then publishes a marker
// to its own sync topic; the marker coming back means the broker has delivered every retained
// config it holds for them. Any it found get the migrate_discovery handshake (docs/ha-mqtt.md §10).
// While the broker is
// away only the latest state per device is kept (bounded memory), and a state older than one
// poll interval is dropped rather than published late as if it were new.
class MqttBridge : public QObject {
    Q_OBJECT

public:
    struct Options {
        HaDiscoveryOptions ha;
        int birthDelayMinMs = 200;
        int birthDelayMaxMs = 2000;
        int stopTimeoutMs = 3000; // waiting for the broker to acknowledge `offline` on stop()
        int maxStateAgeMs = -1;   // -1 = the poll interval
        int layoutCheckTimeoutMs = 3000; // a broker that never returns the sync marker
        // Where the integrated battery energy counters and the counter guard's high-water marks
        // survive a restart (EnergyStore); empty = memory only. Saved every `energySaveIntervalMs`
        // when changed, and on stop().
        QString energyFile;
        int energySaveIntervalMs = 60000;
        EnergyCounterGuard::Options energy;
    };

    MqttBridge(MqttClient::Options clientOptions, Options options, QObject *parent = nullptr);
    ~MqttBridge() override;

    [[nodiscard]] MqttClient *client() const { return m_client.get(); }
    [[nodiscard]] const Options &options() const { return m_options; }
    [[nodiscard]] const EnergyStore &energyStore() const { return m_energyStore; }
    // Why the last save of the energy file failed; empty when it succeeded (or none was due).
    // A caller that ends reports it: the counters of this run are lost otherwise unseen.
    [[nodiscard]] QString energyError() const { return m_energyError; }

    // A handle for one physical device's feed.
    int addDevice();

    void start(); // connects (and keeps reconnecting with backoff)
    // A new poll interval changes expire_after in every discovery config: announced again now.
    void setPollInterval(int ms);
    // Publishes `offline` for every device and the bridge, waits (bounded) for the broker's
    // acknowledgement, disconnects, then emits stopped().
    void stop();

    // The feed. `fields` is the register map's field list (what becomes entities).
    void deviceIdentified(int handle, const QString &deviceId,
                          const blupow::DeviceIdentity &identity,
                          const QList<blupow::FieldDef> &fields);
    void deviceValues(int handle, const blupow::DecodedValues &values);
    void deviceAvailability(int handle, bool online);
    void deviceStatistics(int handle, const blupow::LinkStatistics &statistics);

Q_SIGNALS:
    // Discovery, availability and fresh states were (re)published after a connect or a birth.
    void announced();
    // Configs of the other layout were found and handed over with migrate_discovery.
    void migrated(const QStringList &oldTopics);
    void statePublished(const QString &deviceId);
    void stopped();

private:
    struct Device {
        std::optional<DeviceIdentity> identity;
        QString deviceId;
        QList<HaEntity> entities;
        QList<FieldDef> alarmFields;    // the alarm words (their problem sensors' states)
        QList<HaEntity> pendingRemoval; // removed while disconnected
        QSet<QString> onceKeys;         // fields read once per connection
        QHash<QString, DecodedValue> onceValues;
        bool online = false;
        QByteArray latestState;
        QElapsedTimer latestStateAge; // invalid = nothing to publish
        std::optional<LinkStatistics> statistics;
        EnergyCounterGuard guard;
        std::optional<EnergyIntegrator> energy; // devices with battery_power
    };

    // One look for the other layout's configs, then `then` (which announces).
    struct LayoutCheck {
        QByteArray marker;
        QStringList oldTopics;
        QStringList found; // old topics holding a retained config
        std::function<void()> then;
    };

    void onConnected();
    void checkLayout(QStringList oldTopics, std::function<void()> then);
    void finishLayoutCheck(LayoutCheck check);
    [[nodiscard]] QStringList otherLayoutTopics(const Device &device) const;
    void onMessage(const QString &topic, const QByteArray &payload, bool retained);
    void announce();
    void announceDevice(Device &device);
    void publishAvailability(const Device &device);
    // The shared dongle of a slave (DeviceIdentity::sharedLink): its config once per connection,
    // and its availability (online while one of its slaves is).
    void publishDongle(const DeviceIdentity &identity);
    void publishMessages(const QList<HaMessage> &messages);
    void finishStop();
    void saveEnergy();
    [[nodiscard]] int maxStateAgeMs() const;
    [[nodiscard]] Device *device(int handle);

    Options m_options;
    std::unique_ptr<MqttClient> m_client;
    std::map<int, Device> m_devices;
    int m_nextHandle = 1;
    QList<LayoutCheck> m_layoutChecks; // in flight, oldest first
    QSet<QString> m_layoutChecked;     // device ids checked on this connection
    QSet<QString> m_dongles;           // shared dongles announced on this connection
    quint64 m_nextMarker = 0;
    QTimer m_layoutTimer; // bounds the oldest layout check
    QTimer m_birthTimer;  // random delay after homeassistant/status "online"
    QTimer m_stopTimer;   // bounds the wait for acknowledgements on stop()
    QTimer m_energySaveTimer;
    EnergyStore m_energyStore;
    QString m_energyError;
    bool m_stopping = false;
};

} // namespace blupow
