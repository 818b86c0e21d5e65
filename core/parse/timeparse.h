#pragma once

#include <QString>

#include <optional>

namespace blupow {

// A point in time from a person (`history export --from/--to`), as ms since the epoch:
// "now"; "-90m", "-2h", "-7d", "-30s" before `nowMs` (the number as parseNumber reads it: NaN
// and infinities refused); or ISO 8601 ("2026-12-05T07:45:00Z", "2026-12-05T08:45+01:00",
// "2026-12-05 07:45" and "2026-12-05" in local time). Nothing otherwise.
[[nodiscard]] std::optional<qint64> parseTimePoint(const QString &text, qint64 nowMs);

} // namespace blupow
