#include "energycounterguard.h"

#include <QSet>

#include <cmath>

namespace blupow {

EnergyCounterGuard::EnergyCounterGuard(Options options)
    : m_options(options) {}

bool EnergyCounterGuard::isDailyCounter(const QString &key) {
    return key.contains(QLatin1String("today")) || key.contains(QLatin1String("daily"));
}

bool EnergyCounterGuard::nearMidnight(const QDateTime &localNow) const {
    const int minutes = localNow.time().hour() * 60 + localNow.time().minute();
    const int fromMidnight = std::min(minutes, 24 * 60 - minutes);
    return fromMidnight <= m_options.midnightWindowMinutes;
}

DecodedValues EnergyCounterGuard::filter(const QList<HaEntity> &entities, DecodedValues values,
                                         const QDateTime &localNow) {
    QSet<QString> counters;
    for (const HaEntity &e : entities) {
        if (e.numeric && e.stateClass == QLatin1String("total_increasing"))
            counters.insert(e.key);
    }
    for (DecodedValue &v : values) {
        if (!counters.contains(v.key) || v.quality != Quality::Good ||
            !v.value.canConvert<double>())
            continue;
        const double value = v.value.toDouble();
        if (!std::isfinite(value))
            continue;
        auto it = m_tracks.find(v.key);
        if (it == m_tracks.end()) {
            m_tracks.insert(v.key, Track{value, 0});
            continue;
        }
        Track &t = *it;
        if (value >= t.highWater) {
            t.highWater = value;
            t.lowerCount = 0;
            continue;
        }
        bool accept = false;
        if (isDailyCounter(v.key)) {
            accept = nearMidnight(localNow);
        } else {
            ++t.lowerCount;
            accept = t.lowerCount >= m_options.lifetimeResetConfirmations;
        }
        if (accept) {
            t.highWater = value;
            t.lowerCount = 0;
            continue;
        }
        v.quality = Quality::Invalid;
        v.note = QStringLiteral("counter went down from %1 to %2 outside a reset; withheld so Home "
                                "Assistant does not count it as a new cycle")
                     .arg(t.highWater)
                     .arg(value);
    }
    return values;
}

} // namespace blupow
