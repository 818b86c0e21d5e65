#include "family.h"

#include <array>
#include <utility>

namespace blupow {

namespace {
struct FamilyInfo {
    Family family;
    const char *name;
    const char *title;
};
constexpr std::array kFamilies{
    FamilyInfo{Family::Controller, "controller", "Charge controller"},
    FamilyInfo{Family::DcDcCharger, "dcc", "DC-DC charger"},
    FamilyInfo{Family::Battery, "battery", "Smart battery"},
    FamilyInfo{Family::Inverter, "inverter", "Inverter-charger"},
    FamilyInfo{Family::Shunt, "shunt", "Smart Shunt"},
};
} // namespace

QString familyName(Family family) {
    for (const auto &f : kFamilies)
        if (f.family == family)
            return QString::fromLatin1(f.name);
    return {};
}

QString familyTitle(Family family) {
    for (const auto &f : kFamilies)
        if (f.family == family)
            return QString::fromLatin1(f.title);
    return {};
}

std::optional<Family> familyFromName(QStringView name) {
    for (const auto &f : kFamilies)
        if (name.compare(QLatin1String(f.name), Qt::CaseInsensitive) == 0)
            return f.family;
    return std::nullopt;
}

} // namespace blupow
