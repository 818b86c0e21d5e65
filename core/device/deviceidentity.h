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
    // One of several slaves behind one dongle (BT-2, hub): each is its own device, reached
    // through the dongle (docs/session.md, "Several slaves on one link").
    bool sharedLink = false;
    // Stable id for MQTT/HA topics: lowercase [a-z0-9_-] (docs/ha-mqtt.md 1). A slave behind a
    // shared dongle without a serial gets the dongle's id and its slave id ("c464e3383d0e_30").
    [[nodiscard]] QString deviceId() const;
    // The dongle's own id (from the BLE address, else the name): what a shared slave is reached
    // through (Home Assistant's via_device).
    [[nodiscard]] QString linkId() const;
    // What the device is, then which one: "RIV1230RCH-SPS (BTRIC134000035)".
    [[nodiscard]] QString title() const;
};

} // namespace blupow

Q_DECLARE_METATYPE(blupow::DeviceIdentity)
