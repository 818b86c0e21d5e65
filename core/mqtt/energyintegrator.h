#pragma once

#include "registers/decodedvalue.h"

#include <QHash>
#include <QString>

#include <optional>

namespace blupow {

// Battery energy for Home Assistant's energy dashboard. HA accepts a battery only with charged
// and discharged *energy* counters; power alone is refused (ha-mqtt.md §9, Daly2MQTT#210), and
// Renogy batteries have no such counters. So the bridge integrates `battery_power` (W, positive
// while charging, protocol.md 6.3) into two total_increasing counters that never go down.
//
// Between two Good readings the power is taken as a straight line (trapezoid), split where it
// crosses zero so that charging never cancels discharging. A reading that is not Good, or two
// readings further apart than `maxGapMs`, break the line: what happened in between is unknown,
// so it is not counted (an undercount is safer than inventing energy).
class EnergyIntegrator {
public:
    struct Totals {
        double chargedWh = 0;
        double dischargedWh = 0;
        friend bool operator==(const Totals &, const Totals &) = default;
    };

    static constexpr const char *kChargedKey = "battery_charged_energy";
    static constexpr const char *kDischargedKey = "battery_discharged_energy";
    static constexpr const char *kPowerKey = "battery_power";

    explicit EnergyIntegrator(qint64 maxGapMs = 60000)
        : m_maxGapMs(maxGapMs) {}

    void add(double powerW, qint64 timestampMs);
    void breakLine() { m_last.reset(); }
    [[nodiscard]] Totals totals() const { return m_totals; }
    // Continues from counters saved by an earlier run.
    void setTotals(const Totals &totals) { m_totals = totals; }

    // Takes battery_power from `values` (or breaks the line) and appends the two counters in kWh.
    void feed(DecodedValues &values);

private:
    struct Sample {
        double powerW = 0;
        qint64 timestampMs = 0;
    };
    qint64 m_maxGapMs;
    std::optional<Sample> m_last;
    Totals m_totals;
};

// The counters of every device, kept in one small JSON file ({"<device id>": {"charged_wh": ..,
// "discharged_wh": ..}}) so that a bridge restart continues them instead of starting at zero,
// which Home Assistant would read as a meter reset. Written through a temporary file and a rename,
// so a power cut leaves the old file or the new one, never half of one.
class EnergyStore {
public:
    EnergyStore() = default; // no file: counters live in memory only
    explicit EnergyStore(QString path);

    [[nodiscard]] QString path() const { return m_path; }
    // Reads the file; a missing file is an empty store. False, with `error`, when it is unreadable
    // or not valid JSON (then the store starts empty and the bad file is left for inspection).
    bool load(QString *error);
    bool save(QString *error) const;
    [[nodiscard]] EnergyIntegrator::Totals totals(const QString &deviceId) const;
    void setTotals(const QString &deviceId, const EnergyIntegrator::Totals &totals);
    [[nodiscard]] bool isDirty() const { return m_dirty; }

private:
    QString m_path;
    QHash<QString, EnergyIntegrator::Totals> m_totals;
    mutable bool m_dirty = false;
};

} // namespace blupow
