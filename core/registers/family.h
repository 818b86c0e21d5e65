#pragma once

#include <QString>

#include <optional>

namespace blupow {

enum class Family { Controller, DcDcCharger, Battery, Inverter, Shunt };

// The command-line and JSON spelling: controller, dcc, battery, inverter, shunt.
[[nodiscard]] QString familyName(Family family);
[[nodiscard]] std::optional<Family> familyFromName(QStringView name);
[[nodiscard]] QString familyTitle(Family family); // "Charge controller", "DC-DC charger", ...

} // namespace blupow
