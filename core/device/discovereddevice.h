#pragma once

#include "registers/family.h"

#include <QMetaType>
#include <QString>

#include <optional>

namespace blupow {

// A device the user can pick: seen by the Bluetooth scanner, or one of the built-in simulated
// devices (listed when there is no adapter, and with --simulate).
struct DiscoveredDevice {
    QString name;    // advertised name, trimmed
    QString address; // "C4:64:E3:38:3D:0E"; "sim:inverter" for simulated devices
    int rssi = 0;    // dBm; 0 = unknown
    std::optional<Family> familyGuess;
    QString variant; // battery variant guessed from the name (pro, rngpro, core)
    bool simulated = false;
    QString simulatorModel; // a scenarios::names() entry: inverter, controller, ...

    friend bool operator==(const DiscoveredDevice &, const DiscoveredDevice &) = default;
};

} // namespace blupow

Q_DECLARE_METATYPE(blupow::DiscoveredDevice)
