#pragma once

// What BluPow will never write, whatever a register map or a caller says. The maps keep these
// registers read-only or absent; this list is the second lock, checked before any frame is built.

#include "registers/family.h"

#include <QString>

#include <optional>

namespace blupow::WritePolicy {

// The controller's load switch: a write-only command register outside the map; its state reads
// back as bit 7 of 0x0120 (docs/protocol.md 8.1, 8.3).
inline constexpr quint16 kControllerLoadCommand = 0x010A;
inline constexpr quint16 kControllerLoadState = 0x0120;
inline constexpr quint16 kControllerLoadStateMask = 0x8000;

// Why `reg` of `family` is never written, or nothing when the policy allows it: inverter 4417
// (machine reset), 4418 (factory settings), 4420 (clear history) [fo:inv18]; battery 5222
// (shutdown), 5223 (address), 5224 (lock) can make a pack unreachable [sd:BMS17] (docs/protocol.md
// 6.4.5, 8.2), and the write-only 5225 (test mode) and 61440-61442 (ACP addressing) cannot be read
// back, which the safe write procedure needs. Functions 0x78/0x79 (factory reset, clear
// history, 5.6) cannot be expressed: writes are 0x06 and 0x10 only.
[[nodiscard]] std::optional<QString> forbiddenReason(Family family, int reg);

} // namespace blupow::WritePolicy
