#include "snapshotdiff.h"

#include <QSet>

namespace blupow::SnapshotDiff {

QList<SnapshotDiffRow> compare(const Snapshot &a, const Snapshot &b, bool includeSame) {
    QList<SnapshotDiffRow> rows;
    QSet<QString> seen;
    for (const Snapshot::Entry &ea : a.entries) {
        seen.insert(ea.key);
        SnapshotDiffRow r;
        r.key = ea.key;
        r.label = ea.label;
        r.reg = ea.reg;
        r.rawA = ea.raw;
        r.textA = ea.text;
        r.writable = ea.writable;
        if (const Snapshot::Entry *eb = b.entry(ea.key)) {
            r.rawB = eb->raw;
            r.textB = eb->text;
            r.writable = r.writable && eb->writable;
            r.kind =
                ea.raw == eb->raw ? SnapshotDiffRow::Kind::Same : SnapshotDiffRow::Kind::Changed;
        } else {
            r.kind = SnapshotDiffRow::Kind::OnlyInA;
        }
        if (includeSame || r.kind != SnapshotDiffRow::Kind::Same)
            rows.append(r);
    }
    for (const Snapshot::Entry &eb : b.entries) {
        if (seen.contains(eb.key))
            continue;
        SnapshotDiffRow r;
        r.kind = SnapshotDiffRow::Kind::OnlyInB;
        r.key = eb.key;
        r.label = eb.label;
        r.reg = eb.reg;
        r.rawB = eb.raw;
        r.textB = eb.text;
        r.writable = eb.writable;
        rows.append(r);
    }
    std::stable_sort(
        rows.begin(), rows.end(),
        [](const SnapshotDiffRow &x, const SnapshotDiffRow &y) { return x.reg < y.reg; });
    return rows;
}

QList<SettingTarget> restoreTargets(const QList<SnapshotDiffRow> &rows, const RegisterMap &map) {
    QList<SettingTarget> targets;
    for (const SnapshotDiffRow &r : rows) {
        const FieldDef *f = map.field(r.key);
        if (r.kind == SnapshotDiffRow::Kind::Changed && f && f->writable)
            targets.append(SettingTarget{r.key, -1, {}, r.rawB});
    }
    return targets;
}

std::optional<QString> incompatibility(const Snapshot &a, const Snapshot &b) {
    if (a.family != b.family)
        return QStringLiteral("a %1 snapshot cannot be compared with a %2")
            .arg(familyName(a.family), familyName(b.family));
    if (a.variant != b.variant)
        return QStringLiteral("register-map variants differ (%1 vs %2)").arg(a.variant, b.variant);
    return std::nullopt;
}

QString kindName(SnapshotDiffRow::Kind kind) {
    switch (kind) {
    case SnapshotDiffRow::Kind::Same:
        return QStringLiteral("same");
    case SnapshotDiffRow::Kind::Changed:
        return QStringLiteral("changed");
    case SnapshotDiffRow::Kind::OnlyInA:
        return QStringLiteral("only in A");
    case SnapshotDiffRow::Kind::OnlyInB:
        return QStringLiteral("only in B");
    }
    return QStringLiteral("unknown");
}

} // namespace blupow::SnapshotDiff
