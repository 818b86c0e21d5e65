#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace blupow {

// One good numeric reading on its way to the history file (docs/history.md). `device` is the
// stable device id (DeviceIdentity::deviceId(), the MQTT id), `title` what a person calls it.
struct HistorySample {
    QString device;
    QString title;
    QString field;
    QString label;
    QString unit;
    int decimals = 0; // the register map's: values are kept as integers at this precision
    qint64 timeMs = 0;
    double value = 0;
};
using HistoryBatch = QList<HistorySample>;

// Something that happened to a device at a time (an alarm raised or cleared, a link lost): kept
// beside the samples so a diagnosis after the fact sees both on one time line.
struct HistoryEvent {
    qint64 timeMs = 0;
    QString device;
    QString kind; // "alarm", "link", ...: the recorder's own vocabulary
    QString text;
};

// A recorded series: one field of one device.
struct HistorySeriesInfo {
    qint64 id = 0;
    QString device;
    QString title;
    QString field;
    QString label;
    QString unit;
    int decimals = 0;
    qint64 firstMs = 0; // oldest and newest sample kept (0 when none)
    qint64 lastMs = 0;
};

// A point read back: a raw sample (min = mean = max, count 1) or an aggregate of `count`
// samples from `timeMs` on (a minute, or a chart bucket of several).
struct HistoryPoint {
    qint64 timeMs = 0;
    double min = 0;
    double mean = 0;
    double max = 0;
    qint64 count = 1;
};

struct HistorySeriesData {
    HistorySeriesInfo info;
    QList<HistoryPoint> points;
    bool aggregated = false; // points are aggregates (min/mean/max differ), not raw samples
    qint64 stepMs = 1000;    // the resolution the points were read at: two farther apart are a gap
};

// Where a series' line is broken: indices i with a gap between points i-1 and i. A gap is more
// than `factor` steps without a sample: the device was not read (stale, link down, program
// off), and a line drawn across would show values nobody measured.
[[nodiscard]] QList<qsizetype> historyGaps(const QList<HistoryPoint> &points, qint64 stepMs,
                                           double factor = 3.0);

} // namespace blupow

Q_DECLARE_METATYPE(blupow::HistoryBatch)
Q_DECLARE_METATYPE(blupow::HistoryEvent)
Q_DECLARE_METATYPE(blupow::HistorySeriesInfo)
Q_DECLARE_METATYPE(blupow::HistorySeriesData)
