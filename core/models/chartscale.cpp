#include "chartscale.h"

#include "capture/frameexport.h"

#include <QLocale>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace blupow::ChartScale {

namespace {
// Division results such as 13.0 / 0.1 = 130.00000000000003 must not add a tick.
constexpr double kSlack = 1e-9;
} // namespace

NiceAxis niceAxis(double lo, double hi, int maxTicks) {
    if (!std::isfinite(lo) || !std::isfinite(hi))
        return {};
    if (lo > hi)
        std::swap(lo, hi);
    if (hi - lo < std::max(std::abs(hi), 1.0) * 1e-9) {
        const double pad = std::max(std::abs(hi) * 0.01, 0.1);
        lo -= pad;
        hi += pad;
    }
    const int intervals = std::max(1, maxTicks - 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10((hi - lo) / intervals)));
    NiceAxis axis;
    // The first candidate that fits; aligning both ends to the step may cost an interval more
    // than the span alone, so the search goes on to the next magnitude when it must.
    for (const double factor : {1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0}) {
        const double step = factor * magnitude;
        const double first = std::floor(lo / step + kSlack);
        const double last = std::ceil(hi / step - kSlack);
        if (last - first > intervals && factor < 100.0)
            continue;
        axis.step = step;
        axis.min = first * step;
        axis.max = last * step;
        axis.ticks = static_cast<int>(std::lround(last - first)) + 1;
        break;
    }
    // "-0" is no label for a person.
    if (std::abs(axis.min) < axis.step * kSlack)
        axis.min = 0;
    if (std::abs(axis.max) < axis.step * kSlack)
        axis.max = 0;
    axis.decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(axis.step) - kSlack)));
    return axis;
}

QString timeFormat(qint64 fromMs, qint64 toMs) {
    const qint64 span = toMs - fromMs;
    if (span <= 3600 * 1000LL)
        return QStringLiteral("HH:mm:ss");
    if (span < 12LL * 3600 * 1000)
        return QStringLiteral("HH:mm");
    return QStringLiteral("d MMM HH:mm");
}

QString toCsv(const QList<Column> &columns, qint64 fromMs, qint64 toMs) {
    QStringList header{QStringLiteral("time")};
    // Per column, the index of its next sample in the range and the end of the range.
    std::vector<std::pair<int, int>> cursors;
    for (const Column &c : columns) {
        header.append(FrameExport::csvField(c.title));
        int begin = 0;
        int end = 0;
        if (c.samples && toMs >= fromMs) {
            begin = c.samples->lowerBound(fromMs);
            end = c.samples->lowerBound(toMs + 1);
        }
        cursors.emplace_back(begin, end);
    }
    QString out = header.join(QLatin1Char(',')) + QLatin1Char('\n');
    // A merge of the columns' samples in time order: each row is the earliest time left.
    for (;;) {
        qint64 t = std::numeric_limits<qint64>::max();
        for (qsizetype i = 0; i < columns.size(); ++i) {
            const auto [next, end] = cursors[static_cast<size_t>(i)];
            if (next < end)
                t = std::min(t, static_cast<qint64>(columns[i].samples->at(next).x()));
        }
        if (t == std::numeric_limits<qint64>::max())
            break;
        QStringList row{FrameExport::isoTime(t)};
        for (qsizetype i = 0; i < columns.size(); ++i) {
            auto &[next, end] = cursors[static_cast<size_t>(i)];
            const QPointF p = next < end ? columns[i].samples->at(next) : QPointF();
            if (next < end && static_cast<qint64>(p.x()) == t) {
                // The shortest text that reads back as the same double: no digit lost, none made
                // up.
                row.append(QString::number(p.y(), 'g', QLocale::FloatingPointShortest));
                ++next;
            } else {
                row.append(QString());
            }
        }
        out += row.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    return out;
}

QList<qsizetype> segmentStarts(const QList<QPointF> &points, double bucketMs) {
    QList<qsizetype> starts;
    if (points.isEmpty())
        return starts;
    starts.append(0);
    QList<double> steps;
    steps.reserve(points.size());
    for (qsizetype i = 1; i < points.size(); ++i) {
        if (const double step = points.at(i).x() - points.at(i - 1).x(); step > 0)
            steps.append(step);
    }
    if (steps.isEmpty())
        return starts;
    const auto middle = steps.begin() + steps.size() / 2;
    std::nth_element(steps.begin(), middle, steps.end());
    const double gap = 3 * std::max(*middle, bucketMs);
    for (qsizetype i = 1; i < points.size(); ++i) {
        if (points.at(i).x() - points.at(i - 1).x() > gap)
            starts.append(i);
    }
    return starts;
}

} // namespace blupow::ChartScale
