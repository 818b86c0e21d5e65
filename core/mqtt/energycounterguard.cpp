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
        const QDate today = localNow.date();
        auto it = m_tracks.find(v.key);
        if (it == m_tracks.end()) {
            m_tracks.insert(v.key, Track{Mark{value, today}, 0});
            continue;
        }
        Track &t = *it;
        if (value >= t.mark.highWater) {
            t.mark = Mark{value, today};
            t.lowerCount = 0;
            continue;
        }
        bool accept = false;
        if (isDailyCounter(v.key)) {
            accept = nearMidnight(localNow) || (t.mark.day.isValid() && t.mark.day < today);
        } else {
            ++t.lowerCount;
            accept = t.lowerCount >= m_options.lifetimeResetConfirmations;
        }
        if (accept) {
            t.mark = Mark{value, today};
            t.lowerCount = 0;
            continue;
        }
        v.quality = Quality::Invalid;
        v.note = QStringLiteral("counter went down from %1 to %2 outside a reset; withheld so Home "
                                "Assistant does not count it as a new cycle")
                     .arg(t.mark.highWater)
                     .arg(value);
    }
    return values;
}

EnergyCounterGuard::Marks EnergyCounterGuard::marks() const {
    Marks out;
    out.reserve(m_tracks.size());
    for (auto it = m_tracks.cbegin(); it != m_tracks.cend(); ++it)
        out.insert(it.key(), it.value().mark);
    return out;
}

void EnergyCounterGuard::restore(const Marks &marks) {
    for (auto it = marks.cbegin(); it != marks.cend(); ++it) {
        if (!m_tracks.contains(it.key()))
            m_tracks.insert(it.key(), Track{it.value(), 0});
    }
}

} // namespace blupow
