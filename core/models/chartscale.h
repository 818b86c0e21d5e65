#pragma once

#include "models/timeseriesbuffer.h"

#include <QList>
#include <QPointF>
#include <QString>

namespace blupow::ChartScale {

// A value axis people can read: round ticks (a step of 1, 2 or 5 x 10^n) from a multiple of the
// step to a multiple of the step, rather than the data's own extremes cut into equal parts
// (423, 312, 201, 91, -20).
struct NiceAxis {
    double min = 0;
    double max = 1;
    double step = 1;
    int ticks = 2;    // min, min + step, ..., max
    int decimals = 0; // enough to tell neighbouring ticks apart, and no more
};

// The smallest round step covering lo..hi in at most maxTicks ticks. A flat line (lo == hi) gets
// a small range around it; maxTicks below 2 counts as 2.
[[nodiscard]] NiceAxis niceAxis(double lo, double hi, int maxTicks);

// The time axis' label format for a plotted range: seconds up to an hour; beyond that minutes;
// and from half a day on the date too, since the ends of a 24 h window share their clock time
// ("10:00" at both ends would read as no time at all).
[[nodiscard]] QString timeFormat(qint64 fromMs, qint64 toMs);

// One column of an export: its header (title and unit) and its samples.
struct Column {
    QString title;
    const TimeSeriesBuffer *samples = nullptr;
};

// The recorded samples with fromMs <= t <= toMs as RFC 4180 CSV: a "time" column (ISO 8601 UTC
// with milliseconds, as the frames export writes it) and one column per series. Every sample
// time of any series is a row; a series with no sample at that time leaves its cell empty,
// since the fields of a poll cycle are read one block after another, not at one instant.
[[nodiscard]] QString toCsv(const QList<Column> &columns, qint64 fromMs, qint64 toMs);

// Where a plotted line breaks: the index of the first point of each run of points, 0 first. A
// run ends where the next point is further away in time than three times the usual spacing of
// the points (their median step), and than three times `bucketMs` (the time one min/max pair of
// a long window covers, whose pairs sit closer or further apart than the cadence): a device
// offline, a link lost, values that were not read. Drawn across, such a stretch would read as
// values that were there. A missed cycle or two stays joined.
[[nodiscard]] QList<qsizetype> segmentStarts(const QList<QPointF> &points, double bucketMs);

} // namespace blupow::ChartScale
