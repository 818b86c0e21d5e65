#pragma once

#include "mqtt/hadiscovery.h"

#include <QDateTime>
#include <QHash>

namespace blupow {

// Keeps `total_increasing` counters from corrupting Home Assistant's long-term statistics
// (docs/ha-mqtt.md §9). HA reads every decrease of a total_increasing sensor as a meter reset and
// counts the next value from zero, so one bad read ("energy today" going down mid-day on a DC-DC
// charger, IAmTheMitchell/renogy-ha#140) adds a whole day's energy a second time. The rule:
//
//  * The first reading of a counter is its baseline. An increase is always published.
//  * A DAILY counter (key contains "today" or "daily": the devices reset these at their own
//    midnight) may go down within `midnightWindowMinutes` of local midnight, which is the
//    device's reset; the device clock drifts from the host's, hence the window. It may also go
//    down when its high-water mark was reached on an earlier local day: the link (or the bridge)
//    was down over midnight, so the reset happened unseen. Any other drop is withheld (published
//    as null = unknown) until the counter is back at or above its high-water mark, or until the
//    next day accepts the lower value as the new day.
//  * A LIFETIME counter may go down only when the lower value persists for
//    `lifetimeResetConfirmations` consecutive cycles (a factory reset or a replaced device); a
//    single glitch is withheld. Lifetime counters are the ones to pick for the energy dashboard.
//
// Withheld values are marked Invalid with a note, so nothing downstream mistakes them for fresh.
// The high-water marks survive a bridge restart through marks()/restore() (EnergyStore): a
// restarted bridge whose first reading is a glitch would otherwise hand HA a "reset".
class EnergyCounterGuard {
public:
    struct Options {
        int midnightWindowMinutes = 60;
        int lifetimeResetConfirmations = 10;
    };
    // What a counter has reached, and the host's local day it was last at that mark.
    struct Mark {
        double highWater = 0;
        QDate day;
        friend bool operator==(const Mark &, const Mark &) = default;
    };
    using Marks = QHash<QString, Mark>;

    EnergyCounterGuard() = default;
    explicit EnergyCounterGuard(Options options);

    [[nodiscard]] static bool isDailyCounter(const QString &key);

    // Returns `values` with withheld counters turned Invalid; `localNow` is the host's local time.
    [[nodiscard]] DecodedValues filter(const QList<HaEntity> &entities, DecodedValues values,
                                       const QDateTime &localNow);

    [[nodiscard]] Marks marks() const;
    // Continues from marks saved by an earlier run; counters seen since are kept.
    void restore(const Marks &marks);

private:
    struct Track {
        Mark mark;
        int lowerCount = 0;
    };
    [[nodiscard]] bool nearMidnight(const QDateTime &localNow) const;

    Options m_options;
    QHash<QString, Track> m_tracks;
};

} // namespace blupow
