#pragma once

#include "config/settingchange.h"
#include "config/snapshotdiff.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

namespace blupow::cli {

// Output shared by write, restore and diff: one spelling for people, one for --json.
[[nodiscard]] QJsonObject changeToJson(const SettingChange &change);
[[nodiscard]] QJsonArray changesToJson(const QList<SettingChange> &changes);
[[nodiscard]] QJsonArray diffToJson(const QList<SnapshotDiffRow> &rows);
void printDiff(QTextStream &out, const QList<SnapshotDiffRow> &rows, const QString &nameA,
               const QString &nameB);
void printResults(QTextStream &out, const QList<SettingChange> &changes);
// A snapshot file with every value and text taken from its raw words (Snapshot::redecode), or
// nothing with "FILE: why".
[[nodiscard]] std::optional<Snapshot> loadSnapshot(const QString &path, QString *error);

} // namespace blupow::cli
