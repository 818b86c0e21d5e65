#include "timeseriesbuffer.h"

#include <algorithm>

namespace blupow {

TimeSeriesBuffer::TimeSeriesBuffer(int capacity)
    : m_capacity(std::max(1, capacity)) {}

const TimeSeriesBuffer::Sample &TimeSeriesBuffer::sample(int i) const {
    return m_samples[static_cast<size_t>((m_head + i) % capacity())];
}

bool TimeSeriesBuffer::append(qint64 timestampMs, double value) {
    if (m_size > 0 && timestampMs < lastTime())
        return false;
    if (m_size < capacity()) {
        // Not yet wrapped: the head is still 0 and the ring is the vector's tail.
        if (static_cast<int>(m_samples.size()) == m_size)
            m_samples.push_back(Sample{timestampMs, value});
        else
            m_samples[static_cast<size_t>(m_size)] = Sample{timestampMs, value};
        ++m_size;
    } else {
        m_samples[static_cast<size_t>(m_head)] = Sample{timestampMs, value};
        m_head = (m_head + 1) % capacity();
    }
    return true;
}

void TimeSeriesBuffer::clear() {
    m_head = 0;
    m_size = 0;
}

qint64 TimeSeriesBuffer::firstTime() const {
    return m_size ? sample(0).t : 0;
}

qint64 TimeSeriesBuffer::lastTime() const {
    return m_size ? sample(m_size - 1).t : 0;
}

QPointF TimeSeriesBuffer::at(int i) const {
    const Sample &s = sample(i);
    return {static_cast<double>(s.t), s.v};
}

int TimeSeriesBuffer::lowerBound(qint64 t) const {
    int lo = 0;
    int hi = m_size;
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        if (sample(mid).t < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void TimeSeriesBuffer::window(qint64 fromMs, qint64 toMs, int buckets, QList<QPointF> &out) const {
    out.clear();
    if (m_size == 0 || toMs < fromMs)
        return;
    const int begin = lowerBound(fromMs);
    const int end = lowerBound(toMs + 1);
    const int count = end - begin;
    if (count <= 0)
        return;
    buckets = std::max(1, buckets);
    if (count <= 2 * buckets) {
        out.reserve(count);
        for (int i = begin; i < end; ++i)
            out.append(at(i));
        return;
    }
    out.reserve(2 * buckets);
    const double span = static_cast<double>(toMs - fromMs + 1) / buckets;
    int i = begin;
    while (i < end) {
        const auto bucket = static_cast<qint64>(static_cast<double>(sample(i).t - fromMs) / span);
        const auto bucketEnd = fromMs + static_cast<qint64>(static_cast<double>(bucket + 1) * span);
        int minI = i;
        int maxI = i;
        int j = i + 1;
        for (; j < end && sample(j).t < bucketEnd; ++j) {
            if (sample(j).v < sample(minI).v)
                minI = j;
            if (sample(j).v > sample(maxI).v)
                maxI = j;
        }
        // Time order inside the bucket keeps the line from doubling back.
        if (minI == maxI) {
            out.append(at(minI));
        } else {
            out.append(at(std::min(minI, maxI)));
            out.append(at(std::max(minI, maxI)));
        }
        i = j;
    }
}

} // namespace blupow
