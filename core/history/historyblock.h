#pragma once

#include <QByteArray>
#include <QList>

#include <optional>

namespace blupow {

// One minute of one series, in the series' integer units (value x 10^decimals). The mean keeps
// one more digit (mean10 = mean x 10) so averaging does not round to the display precision.
struct MinuteAggregate {
    int minute = 0; // 0..59 within the hour
    qint64 min = 0;
    qint64 mean10 = 0;
    qint64 max = 0;
    qint64 count = 0;
};

// An hour of minute aggregates as one compact BLOB: a year of 40 fields at one row per minute
// would be 21 million rows (about 450 MB with SQLite's per-row overhead); one row per hour with
// zig-zag varint deltas (and zlib where it pays, e.g. a flat line at night) stays near 100 MB
// (docs/history.md, Size). Minutes are sorted and unique.
[[nodiscard]] QByteArray encodeMinuteBlock(const QList<MinuteAggregate> &minutes);
// Nothing when the bytes are not a block (a damaged or foreign file).
[[nodiscard]] std::optional<QList<MinuteAggregate>> decodeMinuteBlock(const QByteArray &bytes);

} // namespace blupow
