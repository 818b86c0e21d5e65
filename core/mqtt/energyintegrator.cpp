#include "energyintegrator.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

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

EnergyStore::EnergyStore(QString path)
    : m_path(std::move(path)) {}

bool EnergyStore::load(QString *error) {
    m_totals.clear();
    if (m_path.isEmpty())
        return true;
    QFile file(m_path);
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(m_path, file.errorString());
        return false;
    }
    QJsonParseError parse{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parse);
    if (!doc.isObject()) {
        *error = QStringLiteral("%1 is not a BluPow energy file: %2")
                     .arg(m_path, parse.error == QJsonParseError::NoError
                                      ? QStringLiteral("not a JSON object")
                                      : parse.errorString());
        return false;
    }
    const QJsonObject root = doc.object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        const QJsonObject o = it.value().toObject();
        const double c = o.value(QStringLiteral("charged_wh")).toDouble(-1);
        const double d = o.value(QStringLiteral("discharged_wh")).toDouble(-1);
        if (c >= 0 && d >= 0 && std::isfinite(c) && std::isfinite(d))
            m_totals.insert(it.key(), {c, d});
    }
    return true;
}

bool EnergyStore::save(QString *error) const {
    if (m_path.isEmpty())
        return true;
    QJsonObject root;
    for (auto it = m_totals.cbegin(); it != m_totals.cend(); ++it)
        root.insert(it.key(),
                    QJsonObject{{QStringLiteral("charged_wh"), it.value().chargedWh},
                                {QStringLiteral("discharged_wh"), it.value().dischargedWh}});
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(root).toJson(QJsonDocument::Indented)) < 0 || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString());
        return false;
    }
    m_dirty = false;
    return true;
}

EnergyIntegrator::Totals EnergyStore::totals(const QString &deviceId) const {
    return m_totals.value(deviceId);
}

void EnergyStore::setTotals(const QString &deviceId, const EnergyIntegrator::Totals &totals) {
    if (m_totals.value(deviceId) == totals && m_totals.contains(deviceId))
        return;
    m_totals.insert(deviceId, totals);
    m_dirty = true;
}

} // namespace blupow
