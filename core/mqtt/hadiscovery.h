#pragma once

// Home Assistant MQTT discovery as pure functions: topics and JSON payloads from register-map
// field definitions and decoded values. No broker, no state, no clock: the bridge decides WHEN,
// these functions decide WHAT (docs/ha-mqtt.md is the rule book; sections are cited where a rule
// comes from).

#include "device/deviceidentity.h"
#include "registers/decodedvalue.h"
#include "registers/registermap.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace blupow {

struct HaDiscoveryOptions {
    QString discoveryPrefix = QStringLiteral("homeassistant"); // HA lets users change it (§1)
    QString baseTopic = QStringLiteral("renogy");
    QString hostId;            // stable per installation; sanitised into [a-z0-9_-]
    int pollIntervalMs = 1000; // drives expire_after
    bool legacy = false; // per-entity discovery (HA < 2024.11, openHAB) instead of device-based
    QString swVersion;   // origin "sw" and the bridge's sw_version
};

// One entity as Home Assistant will see it, resolved from a FieldDef (and validated against the
// unit / device-class / state-class tables of docs/ha-mqtt.md §8).
struct HaEntity {
    QString key; // state JSON key and component id
    QString name;
    QString platform;    // sensor, binary_sensor
    QString deviceClass; // empty = none
    QString stateClass;  // empty = none (text and enum sensors)
    QString unit;        // empty = omitted, never ""
    int precision = -1;  // suggested_display_precision; -1 = omitted (text)
    QStringList options; // enum sensors only
    bool diagnostic = false;
    bool numeric = false; // the state must be a JSON number (or null)
    // The state JSON key whose object becomes the entity's attributes (json_attributes_template);
    // empty = none. Alarm words' problem sensors list their active conditions there.
    QString attributesKey;
};

// A topic plus payload ready to publish.
struct HaMessage {
    QString topic;
    QByteArray payload;
    bool retain = true;
    friend bool operator==(const HaMessage &, const HaMessage &) = default;
};

namespace HaDiscovery {

// Lowercase [a-z0-9_-]: discovery topic ids must match [a-zA-Z0-9_-] (§2, TOPIC_MATCHER); every
// other character becomes '_'. Empty input gives "unknown".
[[nodiscard]] QString sanitizeId(const QString &id);

// Topics (§1 table).
[[nodiscard]] QString bridgeObjectId(const HaDiscoveryOptions &options); // renogy_bridge_<hostid>
[[nodiscard]] QString deviceObjectId(const QString &deviceId);           // renogy_<devid>
[[nodiscard]] QString
bridgeStatusTopic(const HaDiscoveryOptions &options); // <base>/bridge/<hostid>/status
// Not retained, read only by the bridge itself: a marker it sends to learn that the broker has
// delivered every retained message of its earlier subscriptions.
[[nodiscard]] QString bridgeSyncTopic(const HaDiscoveryOptions &options);
[[nodiscard]] QString availabilityTopic(const HaDiscoveryOptions &options, const QString &deviceId);
[[nodiscard]] QString stateTopic(const HaDiscoveryOptions &options, const QString &deviceId);
[[nodiscard]] QString birthTopic(const HaDiscoveryOptions &options); // <prefix>/status
[[nodiscard]] QString deviceConfigTopic(const HaDiscoveryOptions &options, const QString &objectId);
[[nodiscard]] QString entityConfigTopic(const HaDiscoveryOptions &options, const QString &platform,
                                        const QString &objectId);

// The units Home Assistant accepts for a device class (§8; empty list = class unknown to us),
// and the state classes it allows.
[[nodiscard]] QStringList acceptedUnits(const QString &deviceClass);
[[nodiscard]] QStringList acceptedStateClasses(const QString &deviceClass);
// Common misspellings mapped to HA's exact strings ("C" -> "°C", "hours" -> "h", "VAr" -> "var").
[[nodiscard]] QString normalizeUnit(const QString &unit);

// Whether a field becomes an entity: polled every cycle or once per connection; settings read
// only on demand never get a state, so they are not announced.
[[nodiscard]] bool isPublished(const FieldDef &field);
[[nodiscard]] HaEntity entityFor(const FieldDef &field);
// Entities the bridge adds from the link itself (RSSI, request success rate); diagnostic.
[[nodiscard]] QList<HaEntity> linkEntities();
// The battery energy counters the bridge integrates from battery_power (EnergyIntegrator).
[[nodiscard]] QList<HaEntity> integratedEnergyEntities();
// One binary_sensor with device_class problem per alarm word (docs/alarms.md): ON while any of
// its conditions is active, OFF when none is, unknown when the word was not read; the active
// conditions (key, label, severity, and whose reading where sources disagree) as attributes.
// Per word rather than per condition: a battery has over 200 named conditions.
[[nodiscard]] QList<HaEntity> alarmEntities(const QList<FieldDef> &fields);
[[nodiscard]] QString alarmEntityKey(const FieldDef &field); // "<key>_problem"
// The alarm entities' states and attributes for one cycle, to merge into the state JSON.
[[nodiscard]] QJsonObject alarmState(const QList<FieldDef> &fields, const DecodedValues &values);
// The fields' entities, the alarm words' problem sensors, the link entities, and the integrated
// energy counters when the fields have battery_power.
[[nodiscard]] QList<HaEntity> entitiesFor(const QList<FieldDef> &fields);

// expire_after in seconds: 3 x the poll interval (§6), at least 10 s so one cycle that needs its
// retries (2 x 2 s request timeout, docs/protocol.md 3.5) does not flap every entity to
// unavailable.
[[nodiscard]] int expireAfterSeconds(const HaDiscoveryOptions &options);

[[nodiscard]] QJsonObject origin(const HaDiscoveryOptions &options);
[[nodiscard]] QJsonObject bridgeDeviceBlock(const HaDiscoveryOptions &options);
[[nodiscard]] QJsonObject deviceBlock(const HaDiscoveryOptions &options, const QString &deviceId,
                                      const DeviceIdentity &identity);

// One component of a device-based config (keys as HA reads them inside `cmps`).
[[nodiscard]] QJsonObject componentConfig(const HaDiscoveryOptions &options,
                                          const QString &deviceId, const HaEntity &entity);

// Device-based discovery (§1): one retained message per physical device.
[[nodiscard]] QJsonObject deviceConfig(const HaDiscoveryOptions &options, const QString &deviceId,
                                       const DeviceIdentity &identity,
                                       const QList<HaEntity> &entities);
// The dongle (BT-2, hub) that several slaves share (DeviceIdentity::sharedLink), announced as
// its own device: each slave's via_device names it, it names the bridge (§5). Its one entity is
// a connectivity sensor on its availability topic (availabilityTopic(identity.linkId())).
[[nodiscard]] QJsonObject dongleDeviceBlock(const HaDiscoveryOptions &options,
                                            const DeviceIdentity &identity);
[[nodiscard]] QList<HaMessage> dongleDiscovery(const HaDiscoveryOptions &options,
                                               const DeviceIdentity &identity);
// The bridge announced as its own device (§5 via_device), with a connectivity sensor.
[[nodiscard]] QJsonObject bridgeConfig(const HaDiscoveryOptions &options);

// Every retained discovery message for a device in the configured layout (one for device-based,
// one per entity for legacy).
[[nodiscard]] QList<HaMessage> deviceDiscovery(const HaDiscoveryOptions &options,
                                               const QString &deviceId,
                                               const DeviceIdentity &identity,
                                               const QList<HaEntity> &entities);
[[nodiscard]] QList<HaMessage> bridgeDiscovery(const HaDiscoveryOptions &options);

// Removing entities that disappeared (§10). Device-based: the config with each removed component
// reduced to {"p": platform}, then the config without them (two messages, in order). Legacy: an
// empty retained payload on each removed entity's topic.
[[nodiscard]] QList<HaMessage> removeEntities(const HaDiscoveryOptions &options,
                                              const QString &deviceId,
                                              const DeviceIdentity &identity,
                                              const QList<HaEntity> &remaining,
                                              const QList<HaEntity> &removed);
// Removing a whole device: empty retained payloads on its config topic(s) and availability.
[[nodiscard]] QList<HaMessage> removeDevice(const HaDiscoveryOptions &options,
                                            const QString &deviceId,
                                            const QList<HaEntity> &entities);

// Switching layouts (§1, §10): the config topics the other layout uses for a device and for the
// bridge (where an earlier run in that layout left retained configs), and the handshake message
// for each such topic that holds one: {"migrate_discovery": true}, sent before the new layout's
// configs, after which the old topics are cleared with empty retained payloads. Home Assistant
// then moves the entities (same unique_ids) instead of rejecting them as conflicting.
[[nodiscard]] QStringList otherLayoutTopics(const HaDiscoveryOptions &options,
                                            const QString &deviceId, const DeviceIdentity &identity,
                                            const QList<HaEntity> &entities);
[[nodiscard]] QStringList otherLayoutBridgeTopics(const HaDiscoveryOptions &options);
[[nodiscard]] QList<HaMessage> migrationMessages(const QStringList &oldTopics);
[[nodiscard]] QList<HaMessage> clearMessages(const QStringList &oldTopics);

// The state JSON of one poll cycle (§7): every announced entity's key is present; a Good value is
// a JSON number (rounded to its decimals) or string, anything else is null so Home Assistant
// shows "unknown" instead of an old value as if it were fresh. Enum text outside `options`,
// non-finite numbers and text on a numeric entity are null too. Binary sensors get "ON"/"OFF".
[[nodiscard]] QJsonObject statePayload(const QList<HaEntity> &entities,
                                       const DecodedValues &values);

[[nodiscard]] QByteArray toJson(const QJsonObject &object);

} // namespace HaDiscovery

} // namespace blupow
