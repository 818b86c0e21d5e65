#pragma once

#include "config/settingchange.h"
#include "config/snapshot.h"

namespace blupow {

// Two snapshots compared field by field (the register's raw words decide; the cooked texts are
// shown). Rows follow register order.
struct SnapshotDiffRow {
    enum class Kind { Same, Changed, OnlyInA, OnlyInB };

    Kind kind = Kind::Same;
    QString key;
    QString label;
    int reg = 0;
    QList<quint16> rawA, rawB;
    QString textA, textB;
    bool writable = false;
};

namespace SnapshotDiff {

[[nodiscard]] QList<SnapshotDiffRow> compare(const Snapshot &a, const Snapshot &b,
                                             bool includeSame = false);
// What a restore of `b` over `a` (the device now) writes: the exact saved words of every changed
// field that `map` marks writable. Read-only differences (model, serial, ratings) are never
// written.
[[nodiscard]] QList<SettingTarget> restoreTargets(const QList<SnapshotDiffRow> &rows,
                                                  const RegisterMap &map);
// Why two snapshots should not be compared (different family or variant), or nothing.
[[nodiscard]] std::optional<QString> incompatibility(const Snapshot &a, const Snapshot &b);
[[nodiscard]] QString kindName(SnapshotDiffRow::Kind kind);

} // namespace SnapshotDiff

} // namespace blupow
