#include "settingrules.h"

#include "registers/decodedvalue.h"
#include "registers/registerdecoder.h"

#include <algorithm>

namespace blupow::SettingRules {

namespace {

// Charge controllers and DC-DC chargers share the ten set-points 0xE005-0xE00E: Renogy's
// controller manuals order them (docs/protocol.md 8.4) over-voltage > charge limit >= equalize
// >= boost >= float > boost return > over-discharge return > under-voltage warning >
// over-discharge > discharge limit.
QList<Rule> chargeControllerRules() {
    return {
        {QStringLiteral("over_voltage_threshold"), QStringLiteral("charging_limit_voltage"), false},
        {QStringLiteral("charging_limit_voltage"), QStringLiteral("equalizing_voltage"), true},
        {QStringLiteral("equalizing_voltage"), QStringLiteral("boost_voltage"), true},
        {QStringLiteral("boost_voltage"), QStringLiteral("float_voltage"), true},
        {QStringLiteral("float_voltage"), QStringLiteral("boost_recovery_voltage"), false},
        {QStringLiteral("boost_recovery_voltage"),
         QStringLiteral("over_discharge_recovery_voltage"), false},
        {QStringLiteral("over_discharge_recovery_voltage"),
         QStringLiteral("under_voltage_warning_voltage"), false},
        {QStringLiteral("under_voltage_warning_voltage"), QStringLiteral("over_discharge_voltage"),
         false},
        {QStringLiteral("over_discharge_voltage"), QStringLiteral("discharge_limit_voltage"),
         false},
    };
}

// The inverter document gives ranges and defaults but no ordering rule; these are the
// controller's rules for the set-points the inverter has, as far as the document's own defaults
// keep them (docs/protocol.md 8.4): its under-voltage warning (11.0 V) sits below its
// over-discharge voltage (12.2 V), so that pair is left unordered.
QList<Rule> inverterRules() {
    return {
        {QStringLiteral("equalize_voltage"), QStringLiteral("boost_voltage"), true},
        {QStringLiteral("boost_voltage"), QStringLiteral("float_voltage"), true},
        {QStringLiteral("float_voltage"), QStringLiteral("boost_return_voltage"), false},
        {QStringLiteral("boost_return_voltage"), QStringLiteral("over_discharge_return_voltage"),
         false},
        {QStringLiteral("over_discharge_return_voltage"), QStringLiteral("over_discharge_voltage"),
         false},
        {QStringLiteral("over_discharge_return_voltage"),
         QStringLiteral("under_voltage_warning_voltage"), false},
        {QStringLiteral("over_discharge_voltage"), QStringLiteral("discharge_limit_voltage"),
         false},
    };
}

QString valueText(const RegisterMap &map, const QString &key, double value) {
    const FieldDef *f = map.field(key);
    if (!f)
        return QString::number(value);
    QString text = QString::number(value, 'f', f->decimals);
    if (!f->unit.isEmpty())
        text += QLatin1Char(' ') + f->unit;
    return text;
}

QString labelOf(const RegisterMap &map, const QString &key) {
    const FieldDef *f = map.field(key);
    return f ? f->label : key;
}

// Half a register count: 13.6 and 13.600000001 are the same set-point.
bool above(double upper, double lower, bool orEqual) {
    constexpr double kTolerance = 1e-6;
    return orEqual ? upper >= lower - kTolerance : upper > lower + kTolerance;
}

} // namespace

QList<Rule> rulesFor(Family family) {
    switch (family) {
    case Family::Controller:
    case Family::DcDcCharger:
        return chargeControllerRules();
    case Family::Inverter:
        return inverterRules();
    default:
        return {};
    }
}

bool isRuled(Family family, const QString &key) {
    const QList<Rule> rules = rulesFor(family);
    return std::any_of(rules.cbegin(), rules.cend(),
                       [&key](const Rule &r) { return r.upper == key || r.lower == key; });
}

QList<const FieldDef *> ruleFields(const RegisterMap &map) {
    QList<const FieldDef *> fields;
    for (const FieldDef &f : map.fields()) {
        if (isRuled(map.family(), f.key))
            fields.append(&f);
    }
    return fields;
}

QStringList violations(const RegisterMap &map, const Values &values, const QSet<QString> &changed) {
    QStringList out;
    const auto describe = [&](const QString &key) {
        QString text =
            QStringLiteral("%1 %2").arg(labelOf(map, key), valueText(map, key, values.value(key)));
        if (!changed.contains(key))
            text += QStringLiteral(" (now on the device)");
        return text;
    };
    for (const Rule &r : rulesFor(map.family())) {
        if (!changed.contains(r.upper) && !changed.contains(r.lower))
            continue;
        if (!values.contains(r.upper) || !values.contains(r.lower))
            continue;
        if (above(values.value(r.upper), values.value(r.lower), r.orEqual))
            continue;
        out.append(QStringLiteral("%1 must be %2 %3")
                       .arg(describe(r.lower),
                            r.orEqual ? QStringLiteral("at most") : QStringLiteral("below"),
                            describe(r.upper)));
    }
    return out;
}

QStringList writeOrder(const RegisterMap &map, const Values &current, const Values &target,
                       const QStringList &keys) {
    Values state = current;
    QStringList remaining = keys;
    QStringList order;
    while (!remaining.isEmpty()) {
        const auto next =
            std::find_if(remaining.cbegin(), remaining.cend(), [&](const QString &key) {
                if (!target.contains(key))
                    return true; // not a set-point: any moment is as good as another
                Values step = state;
                step.insert(key, target.value(key));
                return violations(map, step, {key}).isEmpty();
            });
        if (next == remaining.cend())
            return keys;
        if (target.contains(*next))
            state.insert(*next, target.value(*next));
        order.append(*next);
        remaining.removeAt(std::distance(remaining.cbegin(), next));
    }
    return order;
}

} // namespace blupow::SettingRules
