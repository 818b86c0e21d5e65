#pragma once

#include "historytypes.h"

#include <QStringList>

class QIODevice;

namespace blupow {

class HistoryStore;

// A range of the history file as CSV (docs/history.md, Export): the GUI, `blupow-cli history
// export` and the support bundle share it, without any widget.
struct HistoryExportOptions {
    enum class Resolution {
        Auto,   // raw samples for a range of 48 h or less, minutes beyond
        Raw,    // every kept sample (older than 48 h only minutes exist: their means)
        Minute, // one row per minute: mean, min and max of each field
    };
    qint64 fromMs = 0;
    qint64 toMs = 0;
    // "field" (every device that has it) or "device/field"; empty: every series.
    QStringList fields;
    Resolution resolution = Resolution::Auto;
    bool utc = false; // times in UTC ("Z") rather than local time with its offset
};

// The series `fields` names, in the file's order; an error naming a field the file does not
// hold (a typo must not give an empty export that looks like "no data").
[[nodiscard]] QList<HistorySeriesInfo>
selectHistorySeries(const QList<HistorySeriesInfo> &all, const QStringList &fields, QString *error);

// Writes the header and one row per time any selected series has a sample: a time column, then
// per series its value (raw) or mean, min and max (minutes), empty where the series has none
// (a gap stays a gap). Reads in slices, so a year costs a day's memory. Returns the rows
// written, or -1 with `error` set.
qint64 exportHistoryCsv(HistoryStore &store, const HistoryExportOptions &options, QIODevice &out,
                        QString *error);

// Every series of one device over [fromMs, toMs] from the file at `path`, opened read-only on the
// calling thread (the support bundle's history). Empty with `error` set when the file cannot be
// read or holds nothing of that device in the range.
[[nodiscard]] QByteArray exportDeviceHistoryCsv(const QString &path, const QString &device,
                                                qint64 fromMs, qint64 toMs, QString *error);

} // namespace blupow
