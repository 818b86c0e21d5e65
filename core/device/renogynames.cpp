#include "renogynames.h"

#include <array>

namespace blupow {

namespace {
struct Pattern {
    const char *prefix;
    std::optional<Family> family;
    const char *variant;
};
// Order matters: RNGPRO before RNGRBP/RNGC would not collide, but RNGC must not shadow RNGPRO.
const std::array kPatterns{
    Pattern{"BT-TH-", std::nullopt, ""},          Pattern{"RNGRBP", Family::Battery, "pro"},
    Pattern{"RNGPRO", Family::Battery, "rngpro"}, Pattern{"RNGC", Family::Battery, "core"},
    Pattern{"BTRIC", Family::Inverter, ""},       Pattern{"RNGRIU", Family::Inverter, ""},
    Pattern{"RTMShunt300", Family::Shunt, ""},
};
} // namespace

NameMatch matchAdvertisedName(const QString &name) {
    const QString trimmed = name.trimmed();
    for (const auto &p : kPatterns) {
        if (trimmed.startsWith(QLatin1String(p.prefix))) {
            return NameMatch{true, p.family, QString::fromLatin1(p.variant)};
        }
    }
    return {};
}

} // namespace blupow
