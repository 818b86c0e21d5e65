#pragma once

#include "registers/family.h"

#include <QMetaType>
#include <QString>

namespace blupow {

// What identification found and how (design: say what was found and from which evidence).
struct DeviceIdentity {
    Family family = Family::Controller;
    QString variant;     // register-map variant ("default", battery: legacy, pro, rngpro, core)
    QString model;       // from the model registers, e.g. "RIV1230RCH-SPS", "RNG-CTRL-RVR40"
    quint8 slave = 0xFF; // the address the device answers on
    QString name;        // advertised name
    QString address;     // BLE address, or "sim:<model>"
    QString serial;
    QString firmware;
    QString how; // "name BTRIC* -> inverter; 4311 model RIV1230RCH-SPS; slave 0x20 from 4109"
    // Stable id for MQTT/HA topics: lowercase [a-z0-9_-] (docs/ha-mqtt.md 1).
    [[nodiscard]] QString deviceId() const;
    // What the device is, then which one: "RIV1230RCH-SPS (BTRIC134000035)".
    [[nodiscard]] QString title() const;
};

} // namespace blupow

Q_DECLARE_METATYPE(blupow::DeviceIdentity)
