#pragma once

#include "registers/decodedvalue.h"

#include <QString>

#include <optional>

namespace blupow {

// Battery energy for Home Assistant's energy dashboard. HA accepts a battery only with charged
// and discharged *energy* counters; power alone is refused (docs/ha-mqtt.md §9, Daly2MQTT#210), and
// Renogy batteries have no such counters. So the bridge integrates `battery_power` (W, positive
// while charging, docs/protocol.md 6.3) into two total_increasing counters that never go down.
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

} // namespace blupow
