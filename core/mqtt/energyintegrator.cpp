#include "energyintegrator.h"

#include <QDateTime>

#include <cmath>
#include <utility>

namespace blupow {

namespace {

constexpr double kMsPerHour = 3600.0 * 1000.0;

DecodedValue counter(const char *key, double wh, qint64 timestampMs) {
    DecodedValue v;
    v.key = QString::fromLatin1(key);
    v.label = v.key;
    v.unit = QStringLiteral("kWh");
    v.decimals = 3;
    v.value = wh / 1000.0;
    v.quality = Quality::Good;
    v.timestampMs = timestampMs;
    return v;
}

} // namespace

void EnergyIntegrator::add(double powerW, qint64 timestampMs) {
    if (!std::isfinite(powerW)) {
        breakLine();
        return;
    }
    const Sample now{powerW, timestampMs};
    const std::optional<Sample> last = std::exchange(m_last, now);
    if (!last)
        return;
    const qint64 dt = timestampMs - last->timestampMs;
    if (dt <= 0 || dt > m_maxGapMs)
        return;
    const double p0 = last->powerW;
    const double p1 = powerW;
    const double hours = double(dt) / kMsPerHour;
    double charged = 0;
    double discharged = 0;
    if ((p0 >= 0) == (p1 >= 0)) {
        const double area = 0.5 * (p0 + p1) * hours;
        (area >= 0 ? charged : discharged) += std::abs(area);
    } else {
        // The line crosses zero at fraction p0 / (p0 - p1) of the interval.
        const double f = p0 / (p0 - p1);
        const double first = 0.5 * p0 * hours * f;
        const double second = 0.5 * p1 * hours * (1 - f);
        (first >= 0 ? charged : discharged) += std::abs(first);
        (second >= 0 ? charged : discharged) += std::abs(second);
    }
    m_totals.chargedWh += charged;
    m_totals.dischargedWh += discharged;
}

void EnergyIntegrator::feed(DecodedValues &values) {
    qint64 when = 0;
    bool seen = false;
    for (const DecodedValue &v : std::as_const(values)) {
        if (v.key != QLatin1String(kPowerKey))
            continue;
        seen = true;
        bool ok = false;
        const double w = v.value.toDouble(&ok);
        if (v.quality == Quality::Good && ok)
            add(w, v.timestampMs);
        else
            breakLine();
        when = v.timestampMs;
    }
    if (!seen)
        breakLine();
    if (when == 0)
        when = QDateTime::currentMSecsSinceEpoch();
    values.append(counter(kChargedKey, m_totals.chargedWh, when));
    values.append(counter(kDischargedKey, m_totals.dischargedWh, when));
}

} // namespace blupow
