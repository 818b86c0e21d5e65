#pragma once

// How a device's voltage set-points must be ordered among themselves. A value can be inside its
// own range and still be refused by the device, or worse accepted, when it crosses another
// set-point: a float voltage above the boost voltage makes the charger float higher than it
// charges. The rules are data per family, from the documents named in docs/protocol.md 8.4.

#include "registers/family.h"
#include "registers/registermap.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace blupow::SettingRules {

// `upper` must be above `lower` (or equal, when `orEqual`).
struct Rule {
    QString upper;
    QString lower;
    bool orEqual = false;
};

// The rules of `family` (empty for families without documented writable set-points).
[[nodiscard]] QList<Rule> rulesFor(Family family);
// Every key that appears in a rule of `family`, in register order of `map` where it has them.
[[nodiscard]] QList<const FieldDef *> ruleFields(const RegisterMap &map);
// True when `key` appears in one of the rules of `family`.
[[nodiscard]] bool isRuled(Family family, const QString &key);

// Cooked values by key: the value each field would hold after the write.
using Values = QHash<QString, double>;

// The rules broken by `values`, one line each in plain words ("Float charge voltage 15.5 V must
// not be above Boost charge voltage 14.4 V"). Only rules that involve a key in `changed` and
// whose two keys both have a value are checked: a device that already breaks a rule between two
// settings nobody touches does not block an unrelated write. A value whose key is not in
// `changed` is named as the device's.
[[nodiscard]] QStringList violations(const RegisterMap &map, const Values &values,
                                     const QSet<QString> &changed);

// An order for writing `keys` (one register at a time) such that the device never holds a
// combination that breaks a rule between two writes, starting from `current` and ending at
// `target`; `keys` unchanged when no such order exists (the end state is still checked).
[[nodiscard]] QStringList writeOrder(const RegisterMap &map, const Values &current,
                                     const Values &target, const QStringList &keys);

} // namespace blupow::SettingRules
