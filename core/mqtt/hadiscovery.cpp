#include "hadiscovery.h"

#include "alarms/alarmevaluation.h"
#include "mqtt/energyintegrator.h"
#include "registers/family.h"
#include "sim/simulateddevices.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cmath>

namespace blupow::HaDiscovery {

namespace {

const QString kSensor = QStringLiteral("sensor");
const QString kBinarySensor = QStringLiteral("binary_sensor");
const QString kMeasurement = QStringLiteral("measurement");
const QString kTotal = QStringLiteral("total");
const QString kTotalIncreasing = QStringLiteral("total_increasing");
const QString kEnergy = QStringLiteral("energy");
const QString kEnergyStorage = QStringLiteral("energy_storage");
const QString kEnum = QStringLiteral("enum");
const QString kOriginUrl = QStringLiteral("https://github.com/blupow/blupow");

// HA limits plain text states to 255 characters (§7).
constexpr qsizetype kMaxTextState = 255;

QString uniqueId(const QString &deviceId, const QString &key) {
    return deviceObjectId(deviceId) + QLatin1Char('_') + sanitizeId(key);
}

QString unitInferredClass(const HaEntity &e, const FieldDef &field) {
    const QString &u = e.unit;
    if (acceptedUnits(QStringLiteral("voltage")).contains(u))
        return QStringLiteral("voltage");
    if (acceptedUnits(QStringLiteral("current")).contains(u))
        return QStringLiteral("current");
    if (acceptedUnits(QStringLiteral("power")).contains(u))
        return QStringLiteral("power");
    if (u == QLatin1String("VA"))
        return QStringLiteral("apparent_power");
    if (u == QLatin1String("var") || u == QLatin1String("kvar"))
        return QStringLiteral("reactive_power");
    if (acceptedUnits(kEnergy).contains(u))
        return kEnergy;
    if (acceptedUnits(QStringLiteral("frequency")).contains(u))
        return QStringLiteral("frequency");
    if (acceptedUnits(QStringLiteral("temperature")).contains(u))
        return QStringLiteral("temperature");
    if (u == QLatin1String("dBm") || u == QLatin1String("dB"))
        return QStringLiteral("signal_strength");
    if (acceptedUnits(QStringLiteral("duration")).contains(u))
        return QStringLiteral("duration");
    // "%" is ambiguous: `battery` means state of charge only (§8); load percentage has no class.
    if (u == QLatin1String("%") && (field.key.contains(QLatin1String("soc")) ||
                                    field.key.contains(QLatin1String("state_of_charge"))))
        return QStringLiteral("battery");
    return {};
}

QJsonArray availabilityList(const HaDiscoveryOptions &options, const QString &deviceId) {
    // avty_mode "all" over [bridge, device]: a dead bridge OR a lost BLE link both make the
    // entities unavailable (§6, the "stale values when the device is offline" complaint).
    return QJsonArray{QJsonObject{{QStringLiteral("topic"), bridgeStatusTopic(options)}},
                      QJsonObject{{QStringLiteral("topic"), availabilityTopic(options, deviceId)}}};
}

QString sanitizedHostId(const HaDiscoveryOptions &options) {
    return sanitizeId(options.hostId);
}

QJsonValue stateValue(const HaEntity &entity, const DecodedValue &value) {
    if (value.quality != Quality::Good || !value.value.isValid() || value.value.isNull())
        return QJsonValue::Null;
    const QVariant &v = value.value;
    const int type = v.typeId();
    const bool isNumber = type == QMetaType::Double || type == QMetaType::Float ||
                          type == QMetaType::Int || type == QMetaType::UInt ||
                          type == QMetaType::LongLong || type == QMetaType::ULongLong ||
                          type == QMetaType::Bool;
    if (entity.platform == kBinarySensor) {
        if (!isNumber)
            return QJsonValue::Null;
        return v.toDouble() != 0.0 ? QStringLiteral("ON") : QStringLiteral("OFF");
    }
    if (entity.numeric) {
        if (!isNumber)
            return QJsonValue::Null; // never "N/A" on a numeric entity (§7)
        double d = v.toDouble();
        if (!std::isfinite(d))
            return QJsonValue::Null;
        // Energy sources must not be negative (§9 entity_negative_state).
        if ((entity.deviceClass == kEnergy || entity.deviceClass == kEnergyStorage) && d < 0)
            return QJsonValue::Null;
        if (entity.precision >= 0) {
            const double f = std::pow(10.0, entity.precision);
            d = std::round(d * f) / f;
            if (d == 0.0)
                d = 0.0; // no "-0"
        }
        return d;
    }
    QString text;
    if (type == QMetaType::QStringList) {
        const QStringList flags = v.toStringList();
        text = flags.isEmpty() ? QStringLiteral("none") : flags.join(QStringLiteral(", "));
    } else if (isNumber) {
        text = value.displayText();
    } else {
        text = v.toString();
    }
    if (entity.deviceClass == kEnum && !entity.options.contains(text))
        return QJsonValue::Null; // HA refuses an enum state outside `options` (§7)
    return text.left(kMaxTextState);
}

} // namespace

QString sanitizeId(const QString &id) {
    QString out;
    out.reserve(id.size());
    for (const QString lower = id.toLower(); const QChar c : lower) {
        const char16_t u = c.unicode();
        const bool ok =
            (u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9') || u == u'_' || u == u'-';
        out.append(ok ? c : QLatin1Char('_'));
    }
    return out.isEmpty() ? QStringLiteral("unknown") : out;
}

QString bridgeObjectId(const HaDiscoveryOptions &options) {
    return QStringLiteral("renogy_bridge_") + sanitizedHostId(options);
}

QString deviceObjectId(const QString &deviceId) {
    return QStringLiteral("renogy_") + sanitizeId(deviceId);
}

QString bridgeStatusTopic(const HaDiscoveryOptions &options) {
    return options.baseTopic + QStringLiteral("/bridge/") + sanitizedHostId(options) +
           QStringLiteral("/status");
}

QString bridgeSyncTopic(const HaDiscoveryOptions &options) {
    return options.baseTopic + QStringLiteral("/bridge/") + sanitizedHostId(options) +
           QStringLiteral("/sync");
}

QString availabilityTopic(const HaDiscoveryOptions &options, const QString &deviceId) {
    return options.baseTopic + QLatin1Char('/') + sanitizeId(deviceId) +
           QStringLiteral("/availability");
}

QString stateTopic(const HaDiscoveryOptions &options, const QString &deviceId) {
    return options.baseTopic + QLatin1Char('/') + sanitizeId(deviceId) + QStringLiteral("/state");
}

QString birthTopic(const HaDiscoveryOptions &options) {
    return options.discoveryPrefix + QStringLiteral("/status");
}

QString deviceConfigTopic(const HaDiscoveryOptions &options, const QString &objectId) {
    return options.discoveryPrefix + QStringLiteral("/device/") + objectId +
           QStringLiteral("/config");
}

QString entityConfigTopic(const HaDiscoveryOptions &options, const QString &platform,
                          const QString &objectId) {
    return options.discoveryPrefix + QLatin1Char('/') + platform + QLatin1Char('/') + objectId +
           QStringLiteral("/config");
}

QStringList acceptedUnits(const QString &deviceClass) {
    // DEVICE_CLASS_UNITS snapshot (§8). Exact characters: °C is U+00B0, µV U+00B5, μs U+03BC.
    static const QHash<QString, QStringList> units{
        {QStringLiteral("voltage"),
         {QStringLiteral("\u00B5V"), QStringLiteral("mV"), QStringLiteral("V"),
          QStringLiteral("kV"), QStringLiteral("MV")}},
        {QStringLiteral("current"), {QStringLiteral("mA"), QStringLiteral("A")}},
        {QStringLiteral("power"),
         {QStringLiteral("mW"), QStringLiteral("W"), QStringLiteral("kW"), QStringLiteral("MW"),
          QStringLiteral("GW"), QStringLiteral("TW")}},
        {QStringLiteral("apparent_power"), {QStringLiteral("VA")}},
        {QStringLiteral("reactive_power"), {QStringLiteral("var"), QStringLiteral("kvar")}},
        {kEnergy,
         {QStringLiteral("J"), QStringLiteral("kJ"), QStringLiteral("MJ"), QStringLiteral("GJ"),
          QStringLiteral("mWh"), QStringLiteral("Wh"), QStringLiteral("kWh"), QStringLiteral("MWh"),
          QStringLiteral("GWh"), QStringLiteral("TWh"), QStringLiteral("cal"),
          QStringLiteral("kcal"), QStringLiteral("Mcal"), QStringLiteral("Gcal")}},
        {QStringLiteral("frequency"),
         {QStringLiteral("Hz"), QStringLiteral("kHz"), QStringLiteral("MHz"),
          QStringLiteral("GHz")}},
        {QStringLiteral("temperature"),
         {QStringLiteral("\u00B0C"), QStringLiteral("\u00B0F"), QStringLiteral("K")}},
        {QStringLiteral("battery"), {QStringLiteral("%")}},
        {QStringLiteral("duration"),
         {QStringLiteral("d"), QStringLiteral("h"), QStringLiteral("min"), QStringLiteral("s"),
          QStringLiteral("ms"), QStringLiteral("\u03BCs")}},
        {QStringLiteral("signal_strength"), {QStringLiteral("dB"), QStringLiteral("dBm")}},
        {QStringLiteral("power_factor"), {QStringLiteral("%"), QString()}},
        {kEnum, {QString()}},
    };
    if (deviceClass == kEnergyStorage)
        return units.value(kEnergy);
    return units.value(deviceClass);
}

QStringList acceptedStateClasses(const QString &deviceClass) {
    if (deviceClass == kEnergy)
        return {kTotal, kTotalIncreasing};
    if (deviceClass == kEnum)
        return {QString()};
    if (deviceClass.isEmpty() || deviceClass == QLatin1String("duration"))
        return {kMeasurement, kTotal, kTotalIncreasing};
    return {kMeasurement};
}

QString normalizeUnit(const QString &unit) {
    // The invalid spellings other bridges shipped (§8, §12): C, hours, seconds, VAr, kwh.
    static const QHash<QString, QString> fixes{
        {QStringLiteral("C"), QStringLiteral("\u00B0C")},
        {QStringLiteral("\u00BAC"), QStringLiteral("\u00B0C")}, // º (ordinal indicator)
        {QStringLiteral("\u2103"), QStringLiteral("\u00B0C")},  // ℃
        {QStringLiteral("degC"), QStringLiteral("\u00B0C")},
        {QStringLiteral("F"), QStringLiteral("\u00B0F")},
        {QStringLiteral("hours"), QStringLiteral("h")},
        {QStringLiteral("hour"), QStringLiteral("h")},
        {QStringLiteral("seconds"), QStringLiteral("s")},
        {QStringLiteral("sec"), QStringLiteral("s")},
        {QStringLiteral("days"), QStringLiteral("d")},
        {QStringLiteral("day"), QStringLiteral("d")},
        {QStringLiteral("minutes"), QStringLiteral("min")},
        {QStringLiteral("VAr"), QStringLiteral("var")},
        {QStringLiteral("VAR"), QStringLiteral("var")},
        {QStringLiteral("kwh"), QStringLiteral("kWh")},
        {QStringLiteral("KWh"), QStringLiteral("kWh")},
        {QStringLiteral("wh"), QStringLiteral("Wh")},
        {QStringLiteral("hz"), QStringLiteral("Hz")},
        {QStringLiteral("v"), QStringLiteral("V")},
        {QStringLiteral("a"), QStringLiteral("A")},
        {QStringLiteral("w"), QStringLiteral("W")},
        {QStringLiteral("ah"), QStringLiteral("Ah")},
        {QStringLiteral("dbm"), QStringLiteral("dBm")},
    };
    const QString trimmed = unit.trimmed();
    return fixes.value(trimmed, trimmed);
}

bool isPublished(const FieldDef &field) {
    return field.poll != PollClass::Demand;
}

HaEntity entityFor(const FieldDef &field) {
    HaEntity e;
    e.key = field.key;
    e.name = field.label.isEmpty() ? field.key : field.label;
    e.platform = field.haComponent.isEmpty() ? kSensor : field.haComponent;
    e.diagnostic = field.group == QLatin1String("identity");
    if (e.platform == kBinarySensor) {
        e.deviceClass = field.haDeviceClass;
        return e;
    }
    if (field.type == FieldType::Enum) {
        // enum sensors carry no unit and no state class (§8).
        e.deviceClass = kEnum;
        for (const QString &name : field.enumValues) {
            if (!e.options.contains(name))
                e.options.append(name);
        }
        return e;
    }
    if (field.isText() || field.type == FieldType::Bits)
        return e; // text: no class, no unit, no state class, so HA expects no number

    e.numeric = true;
    e.unit = normalizeUnit(field.unit);
    e.precision = field.decimals;
    e.deviceClass =
        field.haDeviceClass.isEmpty() ? unitInferredClass(e, field) : field.haDeviceClass;
    // Energy left in a battery is a level, not a counter: HA's class for that is energy_storage
    // (measurement); `energy` refuses measurement (§8, core#87376).
    if (e.deviceClass == kEnergy && field.haStateClass == kMeasurement)
        e.deviceClass = kEnergyStorage;
    if (!e.deviceClass.isEmpty()) {
        const QStringList units = acceptedUnits(e.deviceClass);
        // A unit HA rejects for the class rejects the whole entity (core PR #139932): better an
        // entity without a class than none at all.
        if (!units.isEmpty() && !units.contains(e.unit))
            e.deviceClass.clear();
    }
    const QStringList states = acceptedStateClasses(e.deviceClass);
    e.stateClass = field.haStateClass;
    if (e.stateClass.isEmpty())
        e.stateClass = e.deviceClass == kEnergy ? kTotalIncreasing : kMeasurement;
    if (!states.contains(e.stateClass))
        e.stateClass = states.value(e.deviceClass == kEnergy ? 1 : 0);
    if (e.deviceClass == QLatin1String("signal_strength"))
        e.diagnostic = true;
    return e;
}

QList<HaEntity> linkEntities() {
    HaEntity rssi;
    rssi.key = QStringLiteral("link_rssi");
    rssi.name = QStringLiteral("Bluetooth signal");
    rssi.platform = kSensor;
    rssi.deviceClass = QStringLiteral("signal_strength");
    rssi.stateClass = kMeasurement;
    rssi.unit = QStringLiteral("dBm");
    rssi.precision = 0;
    rssi.diagnostic = true;
    rssi.numeric = true;

    HaEntity success;
    success.key = QStringLiteral("link_success_rate");
    success.name = QStringLiteral("Link success rate");
    success.platform = kSensor;
    success.stateClass = kMeasurement;
    success.unit = QStringLiteral("%");
    success.precision = 0;
    success.diagnostic = true;
    success.numeric = true;
    return {rssi, success};
}

QList<HaEntity> integratedEnergyEntities() {
    QList<HaEntity> out;
    for (const auto &[key, name] :
         {std::pair{EnergyIntegrator::kChargedKey, "Battery charged"},
          std::pair{EnergyIntegrator::kDischargedKey, "Battery discharged"}}) {
        HaEntity e;
        e.key = QString::fromLatin1(key);
        e.name = QString::fromLatin1(name);
        e.platform = kSensor;
        e.deviceClass = QStringLiteral("energy");
        e.stateClass = QStringLiteral("total_increasing");
        e.unit = QStringLiteral("kWh");
        e.precision = 3;
        e.numeric = true;
        out.append(e);
    }
    return out;
}

QString alarmEntityKey(const FieldDef &field) {
    return field.key + QStringLiteral("_problem");
}

QList<HaEntity> alarmEntities(const QList<FieldDef> &fields) {
    QList<HaEntity> out;
    for (const FieldDef &f : fields) {
        if (f.alarms.isEmpty() || !isPublished(f))
            continue;
        HaEntity e;
        e.key = alarmEntityKey(f);
        e.name = f.label + QStringLiteral(" problem");
        e.platform = kBinarySensor;
        e.deviceClass = QStringLiteral("problem");
        e.attributesKey = e.key + QStringLiteral("_conditions");
        out.append(e);
    }
    return out;
}

QJsonObject alarmState(const QList<FieldDef> &fields, const DecodedValues &values) {
    QJsonObject out;
    for (const AlarmEvaluation::WordState &w : AlarmEvaluation::evaluate(fields, values)) {
        const QString key = alarmEntityKey(*w.field);
        QJsonArray active;
        for (int i : w.active) {
            const AlarmCondition &a = w.field->alarms.at(i);
            QJsonObject c{{QStringLiteral("key"), a.key},
                          {QStringLiteral("label"), a.label},
                          {QStringLiteral("severity"), alarmSeverityName(a.severity)}};
            if (!a.reading.isEmpty())
                c.insert(QStringLiteral("reading"), a.reading);
            active.append(c);
        }
        // Unknown is null (HA shows "unknown"), never OFF: an unread word clears nothing (§7).
        out.insert(key, !w.known           ? QJsonValue(QJsonValue::Null)
                        : active.isEmpty() ? QJsonValue(QStringLiteral("OFF"))
                                           : QJsonValue(QStringLiteral("ON")));
        out.insert(
            key + QStringLiteral("_conditions"),
            QJsonObject{{QStringLiteral("known"), w.known}, {QStringLiteral("active"), active}});
    }
    return out;
}

QList<HaEntity> entitiesFor(const QList<FieldDef> &fields) {
    QList<HaEntity> out;
    bool batteryPower = false;
    for (const FieldDef &f : fields) {
        if (isPublished(f))
            out.append(entityFor(f));
        batteryPower = batteryPower || f.key == QLatin1String(EnergyIntegrator::kPowerKey);
    }
    out.append(alarmEntities(fields));
    out.append(linkEntities());
    if (batteryPower)
        out.append(integratedEnergyEntities());
    return out;
}

int expireAfterSeconds(const HaDiscoveryOptions &options) {
    const int seconds = (3 * options.pollIntervalMs + 999) / 1000;
    return std::max(seconds, 10);
}

QJsonObject origin(const HaDiscoveryOptions &options) {
    return QJsonObject{{QStringLiteral("name"), QStringLiteral("BluPow")},
                       {QStringLiteral("sw"), options.swVersion.isEmpty()
                                                  ? QStringLiteral(BLUPOW_VERSION)
                                                  : options.swVersion},
                       {QStringLiteral("url"), kOriginUrl}};
}

QJsonObject bridgeDeviceBlock(const HaDiscoveryOptions &options) {
    return QJsonObject{
        {QStringLiteral("ids"), QJsonArray{bridgeObjectId(options)}},
        {QStringLiteral("name"),
         QString(QStringLiteral("BluPow bridge ") + sanitizedHostId(options))},
        {QStringLiteral("mf"), QStringLiteral("BluPow")},
        {QStringLiteral("mdl"), QStringLiteral("blupow-cli bridge")},
        {QStringLiteral("sw"),
         options.swVersion.isEmpty() ? QStringLiteral(BLUPOW_VERSION) : options.swVersion},
    };
}

namespace {

QString simulatedPrefix(const DeviceIdentity &identity) {
    // A simulated device says so in Home Assistant's own device list, not only in its id.
    return SimulatedDevices::isSimulatedAddress(identity.address) ? QStringLiteral("SIMULATED ")
                                                                  : QString();
}

void insertConnection(const DeviceIdentity &identity, QJsonObject *dev) {
    static const QRegularExpression mac(QStringLiteral("^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$"));
    if (mac.match(identity.address).hasMatch())
        dev->insert(QStringLiteral("cns"), QJsonArray{QJsonArray{QStringLiteral("bluetooth"),
                                                                 identity.address.toUpper()}});
}

} // namespace

QJsonObject deviceBlock(const HaDiscoveryOptions &options, const QString &deviceId,
                        const DeviceIdentity &identity) {
    // Only keys of MQTT_ENTITY_DEVICE_INFO_SCHEMA: the device block is strict (§5).
    const QString simulated = simulatedPrefix(identity);
    QJsonObject dev{
        {QStringLiteral("ids"), QJsonArray{deviceObjectId(deviceId)}},
        {QStringLiteral("name"),
         QString(simulated + familyTitle(identity.family) + QLatin1Char(' ') +
                 (identity.model.isEmpty() ? sanitizeId(deviceId) : identity.model))},
        {QStringLiteral("mf"), QStringLiteral("Renogy")},
        // A slave behind a shared dongle is reached through it; the dongle through the bridge.
        {QStringLiteral("via_device"),
         identity.sharedLink ? deviceObjectId(identity.linkId()) : bridgeObjectId(options)},
    };
    if (!identity.model.isEmpty())
        dev.insert(QStringLiteral("mdl"), identity.model);
    if (!identity.serial.isEmpty())
        dev.insert(QStringLiteral("sn"), identity.serial);
    if (!identity.firmware.isEmpty())
        dev.insert(QStringLiteral("sw"), identity.firmware);
    // The Bluetooth connection is the dongle's, not each slave's.
    if (!identity.sharedLink)
        insertConnection(identity, &dev);
    return dev;
}

QJsonObject dongleDeviceBlock(const HaDiscoveryOptions &options, const DeviceIdentity &identity) {
    QJsonObject dev{
        {QStringLiteral("ids"), QJsonArray{deviceObjectId(identity.linkId())}},
        {QStringLiteral("name"),
         QString(simulatedPrefix(identity) + QStringLiteral("Renogy ") +
                 (identity.name.isEmpty() ? identity.linkId() : identity.name.trimmed()))},
        {QStringLiteral("mf"), QStringLiteral("Renogy")},
        {QStringLiteral("mdl"), QStringLiteral("BT-2 Bluetooth module")},
        {QStringLiteral("via_device"), bridgeObjectId(options)},
    };
    insertConnection(identity, &dev);
    return dev;
}

QJsonObject componentConfig(const HaDiscoveryOptions &options, const QString &deviceId,
                            const HaEntity &entity) {
    const QString uid = uniqueId(deviceId, entity.key);
    QJsonObject c{
        {QStringLiteral("p"), entity.platform},
        {QStringLiteral("unique_id"), uid},
        // object_id is deprecated since 2025.10 (§4).
        {QStringLiteral("default_entity_id"), QString(entity.platform + QLatin1Char('.') + uid)},
        {QStringLiteral("name"), entity.name},
        {QStringLiteral("value_template"),
         QString(QStringLiteral("{{ value_json.") + entity.key + QStringLiteral(" }}"))},
        {QStringLiteral("expire_after"), expireAfterSeconds(options)},
    };
    if (!entity.unit.isEmpty())
        c.insert(QStringLiteral("unit_of_measurement"), entity.unit);
    if (!entity.deviceClass.isEmpty())
        c.insert(QStringLiteral("device_class"), entity.deviceClass);
    if (!entity.stateClass.isEmpty())
        c.insert(QStringLiteral("state_class"), entity.stateClass);
    if (entity.precision >= 0 && entity.numeric)
        c.insert(QStringLiteral("suggested_display_precision"), entity.precision);
    if (!entity.options.isEmpty())
        c.insert(QStringLiteral("options"), QJsonArray::fromStringList(entity.options));
    if (entity.diagnostic)
        c.insert(QStringLiteral("entity_category"), QStringLiteral("diagnostic"));
    if (entity.platform == kBinarySensor) {
        c.insert(QStringLiteral("payload_on"), QStringLiteral("ON"));
        c.insert(QStringLiteral("payload_off"), QStringLiteral("OFF"));
    }
    if (!entity.attributesKey.isEmpty()) {
        // The attributes come with the state (one message per cycle); the template must render
        // a JSON object (§7).
        c.insert(QStringLiteral("json_attributes_topic"), stateTopic(options, deviceId));
        c.insert(QStringLiteral("json_attributes_template"),
                 QString(QStringLiteral("{{ value_json.") + entity.attributesKey +
                         QStringLiteral(" | tojson }}")));
    }
    return c;
}

QJsonObject deviceConfig(const HaDiscoveryOptions &options, const QString &deviceId,
                         const DeviceIdentity &identity, const QList<HaEntity> &entities) {
    QJsonObject cmps;
    for (const HaEntity &e : entities)
        cmps.insert(sanitizeId(e.key), componentConfig(options, deviceId, e));
    // Root: only DEVICE_DISCOVERY_SCHEMA keys (no "~", no "name"), §2.
    return QJsonObject{
        {QStringLiteral("dev"), deviceBlock(options, deviceId, identity)},
        {QStringLiteral("o"), origin(options)},
        {QStringLiteral("avty"), availabilityList(options, deviceId)},
        {QStringLiteral("avty_mode"), QStringLiteral("all")},
        {QStringLiteral("stat_t"), stateTopic(options, deviceId)},
        {QStringLiteral("cmps"), cmps},
    };
}

namespace {

// A diagnostic connectivity sensor on an online/offline topic: the bridge's status, a dongle's
// link.
QJsonObject connectivityComponent(const QString &uid, const QString &name,
                                  const QString &stateTopic) {
    return QJsonObject{
        {QStringLiteral("p"), kBinarySensor},
        {QStringLiteral("unique_id"), uid},
        {QStringLiteral("default_entity_id"), QString(kBinarySensor + QLatin1Char('.') + uid)},
        {QStringLiteral("name"), name},
        {QStringLiteral("device_class"), QStringLiteral("connectivity")},
        {QStringLiteral("entity_category"), QStringLiteral("diagnostic")},
        {QStringLiteral("state_topic"), stateTopic},
        {QStringLiteral("payload_on"), QStringLiteral("online")},
        {QStringLiteral("payload_off"), QStringLiteral("offline")},
    };
}

QJsonObject bridgeStatusComponent(const HaDiscoveryOptions &options) {
    return connectivityComponent(bridgeObjectId(options) + QStringLiteral("_status"),
                                 QStringLiteral("Status"), bridgeStatusTopic(options));
}

// The dongle's one entity: its link, from its availability topic (online while a slave behind it
// answers); unavailable with the bridge.
QJsonObject dongleLinkComponent(const HaDiscoveryOptions &options, const DeviceIdentity &identity) {
    QJsonObject c = connectivityComponent(
        deviceObjectId(identity.linkId()) + QStringLiteral("_link"), QStringLiteral("Link"),
        availabilityTopic(options, identity.linkId()));
    c.insert(QStringLiteral("avty_t"), bridgeStatusTopic(options));
    return c;
}

// Discovery of a device with one component (the bridge, a dongle) in either layout.
QList<HaMessage> soleComponentDiscovery(const HaDiscoveryOptions &options, const QString &objectId,
                                        const QJsonObject &dev, const QString &key,
                                        QJsonObject component) {
    if (!options.legacy)
        return {HaMessage{deviceConfigTopic(options, objectId),
                          toJson(QJsonObject{
                              {QStringLiteral("dev"), dev},
                              {QStringLiteral("o"), origin(options)},
                              {QStringLiteral("cmps"), QJsonObject{{key, component}}},
                          }),
                          true}};
    component.remove(QStringLiteral("p"));
    component.insert(QStringLiteral("dev"), dev);
    component.insert(QStringLiteral("o"), origin(options));
    return {HaMessage{entityConfigTopic(options, kBinarySensor,
                                        component.value(QStringLiteral("unique_id")).toString()),
                      toJson(component), true}};
}

QJsonObject legacyEntityConfig(const HaDiscoveryOptions &options, const QString &deviceId,
                               const DeviceIdentity &identity, const HaEntity &entity) {
    QJsonObject c = componentConfig(options, deviceId, entity);
    c.remove(QStringLiteral("p"));
    c.insert(QStringLiteral("stat_t"), stateTopic(options, deviceId));
    c.insert(QStringLiteral("avty"), availabilityList(options, deviceId));
    c.insert(QStringLiteral("avty_mode"), QStringLiteral("all"));
    c.insert(QStringLiteral("dev"), deviceBlock(options, deviceId, identity));
    c.insert(QStringLiteral("o"), origin(options));
    return c;
}

} // namespace

QJsonObject bridgeConfig(const HaDiscoveryOptions &options) {
    return QJsonObject{
        {QStringLiteral("dev"), bridgeDeviceBlock(options)},
        {QStringLiteral("o"), origin(options)},
        {QStringLiteral("cmps"),
         QJsonObject{{QStringLiteral("status"), bridgeStatusComponent(options)}}},
    };
}

QList<HaMessage> deviceDiscovery(const HaDiscoveryOptions &options, const QString &deviceId,
                                 const DeviceIdentity &identity, const QList<HaEntity> &entities) {
    if (!options.legacy)
        return {HaMessage{deviceConfigTopic(options, deviceObjectId(deviceId)),
                          toJson(deviceConfig(options, deviceId, identity, entities)), true}};
    QList<HaMessage> out;
    out.reserve(entities.size());
    for (const HaEntity &e : entities)
        out.append(HaMessage{entityConfigTopic(options, e.platform, uniqueId(deviceId, e.key)),
                             toJson(legacyEntityConfig(options, deviceId, identity, e)), true});
    return out;
}

QList<HaMessage> dongleDiscovery(const HaDiscoveryOptions &options,
                                 const DeviceIdentity &identity) {
    return soleComponentDiscovery(options, deviceObjectId(identity.linkId()),
                                  dongleDeviceBlock(options, identity), QStringLiteral("link"),
                                  dongleLinkComponent(options, identity));
}

QList<HaMessage> bridgeDiscovery(const HaDiscoveryOptions &options) {
    return soleComponentDiscovery(options, bridgeObjectId(options), bridgeDeviceBlock(options),
                                  QStringLiteral("status"), bridgeStatusComponent(options));
}

QList<HaMessage> removeEntities(const HaDiscoveryOptions &options, const QString &deviceId,
                                const DeviceIdentity &identity, const QList<HaEntity> &remaining,
                                const QList<HaEntity> &removed) {
    if (removed.isEmpty())
        return {};
    if (options.legacy) {
        QList<HaMessage> out;
        for (const HaEntity &e : removed)
            out.append(HaMessage{
                entityConfigTopic(options, e.platform, uniqueId(deviceId, e.key)), {}, true});
        return out;
    }
    // mqtt.markdown "Device discovery payload": reduce to {"p": ...} first, then drop (§10).
    const QString topic = deviceConfigTopic(options, deviceObjectId(deviceId));
    QJsonObject reduced = deviceConfig(options, deviceId, identity, remaining);
    QJsonObject cmps = reduced.value(QStringLiteral("cmps")).toObject();
    for (const HaEntity &e : removed)
        cmps.insert(sanitizeId(e.key), QJsonObject{{QStringLiteral("p"), e.platform}});
    reduced.insert(QStringLiteral("cmps"), cmps);
    return {HaMessage{topic, toJson(reduced), true},
            HaMessage{topic, toJson(deviceConfig(options, deviceId, identity, remaining)), true}};
}

QList<HaMessage> removeDevice(const HaDiscoveryOptions &options, const QString &deviceId,
                              const QList<HaEntity> &entities) {
    QList<HaMessage> out;
    if (options.legacy) {
        for (const HaEntity &e : entities)
            out.append(HaMessage{
                entityConfigTopic(options, e.platform, uniqueId(deviceId, e.key)), {}, true});
    } else {
        out.append(HaMessage{deviceConfigTopic(options, deviceObjectId(deviceId)), {}, true});
    }
    out.append(HaMessage{availabilityTopic(options, deviceId), {}, true});
    return out;
}

namespace {

QStringList topicsOf(const QList<HaMessage> &messages) {
    QStringList topics;
    topics.reserve(messages.size());
    for (const HaMessage &m : messages)
        topics.append(m.topic);
    return topics;
}

HaDiscoveryOptions flipped(HaDiscoveryOptions options) {
    options.legacy = !options.legacy;
    return options;
}

} // namespace

QStringList otherLayoutTopics(const HaDiscoveryOptions &options, const QString &deviceId,
                              const DeviceIdentity &identity, const QList<HaEntity> &entities) {
    return topicsOf(deviceDiscovery(flipped(options), deviceId, identity, entities));
}

QStringList otherLayoutBridgeTopics(const HaDiscoveryOptions &options) {
    return topicsOf(bridgeDiscovery(flipped(options)));
}

QList<HaMessage> migrationMessages(const QStringList &oldTopics) {
    QList<HaMessage> out;
    for (const QString &topic : oldTopics)
        out.append(HaMessage{
            topic, toJson(QJsonObject{{QStringLiteral("migrate_discovery"), true}}), true});
    return out;
}

QList<HaMessage> clearMessages(const QStringList &oldTopics) {
    QList<HaMessage> out;
    for (const QString &topic : oldTopics)
        out.append(HaMessage{topic, {}, true});
    return out;
}

QJsonObject statePayload(const QList<HaEntity> &entities, const DecodedValues &values) {
    QHash<QString, const DecodedValue *> byKey;
    byKey.reserve(values.size());
    for (const DecodedValue &v : values)
        byKey.insert(v.key, &v);
    QJsonObject state;
    for (const HaEntity &e : entities) {
        const DecodedValue *v = byKey.value(e.key);
        state.insert(e.key, v ? stateValue(e, *v) : QJsonValue(QJsonValue::Null));
    }
    return state;
}

QByteArray toJson(const QJsonObject &object) {
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace blupow::HaDiscovery
