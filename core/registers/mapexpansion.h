#pragma once

#include <QJsonObject>
#include <QString>

#include <functional>
#include <optional>

namespace blupow::MapExpansion {

// Reads another map file by name ("battery-legacy.json"); nothing when it cannot.
using MapReader = std::function<std::optional<QByteArray>(const QString &fileName)>;

// A map as written to the map as the loader checks it. Two things keep variants from copying each
// other (docs/registers.md, "Sharing and repeating"):
// - `base`: the named map's top level and fields, with this file's top-level keys replacing the
//   base's, `patch_fields` merged into the base fields of the same key (in place, so field order
//   and read plans stay), `remove_fields` dropped and `fields` appended;
// - `repeat: {count, stride}` on a field: `count` fields whose key and label have "{n}" replaced
//   by 1..count, the register advancing by `stride` and a `count.index` by one per instance. A
//   plausibility rule naming the template key names every instance. A log's columns repeat the
//   same way.
// On failure returns nothing with one line in `error` naming the file and the problem. `reader`
// may be empty when the map has no base.
[[nodiscard]] std::optional<QJsonObject> expand(const QJsonObject &root, const QString &fileName,
                                                const MapReader &reader, QString *error);

} // namespace blupow::MapExpansion
