#pragma once

#include "capture/framerecord.h"

#include <QString>

namespace blupow::FrameExport {

// Plain text for people: one line per frame, and with `annotations` every labelled byte range
// indented under it (what the frames panel shows for a selected frame).
[[nodiscard]] QString toText(const FrameRecord &record, bool annotations);

// RFC 4180 CSV for spreadsheets and scripts: the header, then one row per frame. Times are ISO
// 8601 UTC with milliseconds so rows from different machines sort together.
[[nodiscard]] QString csvHeader();
[[nodiscard]] QString toCsvRow(const FrameRecord &record);

// The pieces of those rows, for other exports: a time as ISO 8601 UTC with milliseconds, and a
// field quoted when it holds a comma, a quote or a line break.
[[nodiscard]] QString isoTime(qint64 ms);
[[nodiscard]] QString csvField(const QString &text);

} // namespace blupow::FrameExport
