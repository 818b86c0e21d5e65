#pragma once

#include "scenario.h"

#include <QStringList>

#include <optional>

namespace blupow::scenarios {

// The built-in simulated devices, one per family (plus the G6 DC-DC quirk). The names are the
// --simulate MODEL values; "inverter" is the default demo.
[[nodiscard]] QStringList names();
[[nodiscard]] std::optional<Scenario> byName(QStringView name);

[[nodiscard]] Scenario inverter();   // RIV1230RCH-SPS (REGO), slave 0x20, protocol.md 6.4.7 sample
[[nodiscard]] Scenario controller(); // Rover 40A "RNG-CTRL-RVR40", PV following a day curve
[[nodiscard]] Scenario battery();    // legacy smart battery, slave 0x30, 4 cells
[[nodiscard]] Scenario dcc();        // DC-DC charger RBC50D1S-G1
[[nodiscard]] Scenario dccG6();      // RBC50D1S-G6: silent for reads starting at 0x0120

} // namespace blupow::scenarios
