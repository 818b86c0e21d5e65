#pragma once

#include "mqtt/energycounterguard.h"
#include "mqtt/energyintegrator.h"

#include <QHash>
#include <QString>

#include <optional>

namespace blupow {

// What the bridge must not forget across a restart, per device, in one small JSON file:
//
//   {"<device id>": {"charged_wh": .., "discharged_wh": ..,
//                    "counters": {"<key>": {"high_water": .., "day": "2026-12-03"}}}}
//
// The integrated battery counters continue instead of starting at zero, and the counter guard
// keeps its high-water marks; either loss reaches Home Assistant as a meter reset, which counts a
// whole history of energy a second time. Written through a temporary file and a rename, so a
// power cut leaves the old file or the new one, never half of one.
class EnergyStore {
public:
    EnergyStore() = default; // no file: memory only
    explicit EnergyStore(QString path);

    [[nodiscard]] QString path() const { return m_path; }
    // Reads the file; a missing file is an empty store. False, with `error`, when it is unreadable
    // or not valid JSON (then the store starts empty and the bad file is left for inspection).
    // Entries that do not make sense (negative energy, a mark without a day) are skipped.
    bool load(QString *error);
    bool save(QString *error) const;
    [[nodiscard]] bool isDirty() const { return m_dirty; }

    [[nodiscard]] EnergyIntegrator::Totals totals(const QString &deviceId) const;
    void setTotals(const QString &deviceId, const EnergyIntegrator::Totals &totals);
    [[nodiscard]] EnergyCounterGuard::Marks counterMarks(const QString &deviceId) const;
    void setCounterMarks(const QString &deviceId, const EnergyCounterGuard::Marks &marks);

private:
    struct Entry {
        std::optional<EnergyIntegrator::Totals> totals; // only devices that integrate
        EnergyCounterGuard::Marks marks;
    };
    QString m_path;
    QHash<QString, Entry> m_entries;
    mutable bool m_dirty = false;
};

} // namespace blupow
