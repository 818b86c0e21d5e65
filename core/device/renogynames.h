#pragma once

#include "registers/family.h"

#include <QString>

#include <optional>

namespace blupow {

struct NameMatch {
    bool isRenogy = false;
    std::optional<Family> family; // empty for BT-TH-*: a BT-1/BT-2 can front any family
    QString variant;              // battery variant: pro, core, rngpro
};

// Advertised-name patterns of docs/protocol.md 2.1. Names are trimmed first ("BT-TH-E3383D0E    ").
[[nodiscard]] NameMatch matchAdvertisedName(const QString &name);

} // namespace blupow
