#pragma once

#include "scenario.h"

#include <QStringList>

#include <optional>

namespace blupow::scenarios {

// The built-in simulated devices are data: resources/sim/scenarios.json, compiled in as
// :/sim/scenarios.json. Its list is the one list of --simulate MODEL names (the simulator, the
// help texts and the tests read it); the first is the default.
[[nodiscard]] QStringList names();
// The scenario `name` (empty = the default); nothing for an unknown name or a scenario that
// does not parse (logged with the reason).
[[nodiscard]] std::optional<Scenario> byName(QStringView name);

// Every scenario of a scenarios file, or nothing with one line in `error` naming the scenario,
// the key and the problem ("controller: pv_power: unknown name 'pvw' at 7 in ...").
[[nodiscard]] std::optional<QList<Scenario>> fromJson(const QByteArray &json, QString *error);

} // namespace blupow::scenarios
