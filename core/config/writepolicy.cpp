#include "writepolicy.h"

namespace blupow::WritePolicy {

std::optional<QString> forbiddenReason(Family family, int reg) {
    switch (family) {
    case Family::Inverter:
        switch (reg) {
        case 4417:
            return QStringLiteral("4417 restarts the inverter (machine reset)");
        case 4418:
            return QStringLiteral("4418 restores factory settings and clears accumulated data");
        case 4420:
            return QStringLiteral("4420 clears the history irreversibly");
        default:
            break;
        }
        break;
    case Family::Battery:
        switch (reg) {
        case 5222:
            return QStringLiteral("5222 shuts the battery down");
        case 5223:
            return QStringLiteral("5223 changes the battery's address and can make it unreachable");
        case 5224:
            return QStringLiteral("5224 locks the battery");
        case 5225:
            return QStringLiteral("5225 starts or ends the factory test mode (write-only: no "
                                  "read-back can verify it)");
        case 61440:
        case 61441:
        case 61442:
            return QStringLiteral("%1 is an ACP address-assignment register (broadcast, "
                                  "configure, shake: values 1-254): write-only, so no read-back "
                                  "can verify it, and a wrong address makes the pack unreachable")
                .arg(reg);
        default:
            break;
        }
        break;
    default:
        break;
    }
    return std::nullopt;
}

} // namespace blupow::WritePolicy
