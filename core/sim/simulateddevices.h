#pragma once

#include "device/discovereddevice.h"
#include "registers/registermap.h"

#include <QList>

#include <memory>
#include <optional>

namespace blupow {

class SimulatedTransport;

// The built-in simulated devices as a device list shows them ("sim:<model>" addresses), and the
// transport that reaches one. Lets the GUI and the CLI run the whole stack on any machine.
namespace SimulatedDevices {

[[nodiscard]] QList<DiscoveredDevice> all();
// "inverter" -> the list entry; nothing for an unknown model.
[[nodiscard]] std::optional<DiscoveredDevice> byModel(QStringView model);
[[nodiscard]] bool isSimulatedAddress(QStringView address);
// "sim:inverter" -> the list entry; nothing for any other address.
[[nodiscard]] std::optional<DiscoveredDevice> byAddress(QStringView address);

// A simulator on a BT-2-like link for `device` (simulatorModel), from `maps`; nullptr when the
// model or its register map is unknown (with the reason in `error`).
[[nodiscard]] std::unique_ptr<SimulatedTransport>
makeTransport(const DiscoveredDevice &device, const RegisterMaps &maps, QString *error = nullptr);
// The same by model name (inverter, controller, battery, dcc, dcc-g6, inverter-riv4835): what
// --simulate=MODEL uses.
[[nodiscard]] std::unique_ptr<SimulatedTransport>
makeTransport(QStringView model, const RegisterMaps &maps, QString *error = nullptr);

} // namespace SimulatedDevices

} // namespace blupow
