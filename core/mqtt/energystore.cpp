#include "energystore.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <cmath>
#include <utility>

namespace blupow {

namespace {

const QString kCharged = QStringLiteral("charged_wh");
const QString kDischarged = QStringLiteral("discharged_wh");
const QString kCounters = QStringLiteral("counters");
const QString kHighWater = QStringLiteral("high_water");
const QString kDay = QStringLiteral("day");

bool isEnergy(double wh) {
    return std::isfinite(wh) && wh >= 0;
}

} // namespace

EnergyStore::EnergyStore(QString path)
    : m_path(std::move(path)) {}

bool EnergyStore::load(QString *error) {
    m_entries.clear();
    m_dirty = false;
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
        Entry entry;
        const double c = o.value(kCharged).toDouble(-1);
        const double d = o.value(kDischarged).toDouble(-1);
        if (isEnergy(c) && isEnergy(d))
            entry.totals = EnergyIntegrator::Totals{c, d};
        const QJsonObject counters = o.value(kCounters).toObject();
        for (auto m = counters.begin(); m != counters.end(); ++m) {
            const QJsonObject mark = m.value().toObject();
            const double high = mark.value(kHighWater).toDouble(-1);
            const QDate day = QDate::fromString(mark.value(kDay).toString(), Qt::ISODate);
            if (isEnergy(high) && day.isValid())
                entry.marks.insert(m.key(), {high, day});
        }
        if (entry.totals || !entry.marks.isEmpty())
            m_entries.insert(it.key(), entry);
    }
    return true;
}

bool EnergyStore::save(QString *error) const {
    if (m_path.isEmpty())
        return true;
    QJsonObject root;
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        QJsonObject o;
        if (const auto &totals = it.value().totals) {
            o.insert(kCharged, totals->chargedWh);
            o.insert(kDischarged, totals->dischargedWh);
        }
        QJsonObject counters;
        for (auto m = it.value().marks.cbegin(); m != it.value().marks.cend(); ++m)
            counters.insert(m.key(), QJsonObject{{kHighWater, m.value().highWater},
                                                 {kDay, m.value().day.toString(Qt::ISODate)}});
        if (!counters.isEmpty())
            o.insert(kCounters, counters);
        root.insert(it.key(), o);
    }
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
    return m_entries.value(deviceId).totals.value_or(EnergyIntegrator::Totals{});
}

void EnergyStore::setTotals(const QString &deviceId, const EnergyIntegrator::Totals &totals) {
    Entry &entry = m_entries[deviceId];
    if (entry.totals == totals)
        return;
    entry.totals = totals;
    m_dirty = true;
}

EnergyCounterGuard::Marks EnergyStore::counterMarks(const QString &deviceId) const {
    return m_entries.value(deviceId).marks;
}

void EnergyStore::setCounterMarks(const QString &deviceId, const EnergyCounterGuard::Marks &marks) {
    if (marks.isEmpty() && !m_entries.contains(deviceId))
        return;
    Entry &entry = m_entries[deviceId];
    if (entry.marks == marks)
        return;
    entry.marks = marks;
    m_dirty = true;
}

} // namespace blupow
