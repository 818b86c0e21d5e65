#include "timeseriesbuffer.h"

#include <algorithm>

namespace blupow {

namespace {

// Collects one pixel bucket's extremes and emits them in time order, so the line never doubles
// back and a one-sample spike survives.
struct BucketAccumulator {
    QList<QPointF> &out;
    qint64 bucket = -1;
    qint64 minT = 0, maxT = 0;
    double minV = 0, maxV = 0;

    void add(qint64 b, qint64 tMin, double vMin, qint64 tMax, double vMax) {
        if (b != bucket) {
            flush();
            bucket = b;
            minT = tMin;
            minV = vMin;
            maxT = tMax;
            maxV = vMax;
            return;
        }
        if (vMin < minV) {
            minV = vMin;
            minT = tMin;
        }
        if (vMax > maxV) {
            maxV = vMax;
            maxT = tMax;
        }
    }
    void flush() {
        if (bucket < 0)
            return;
        const QPointF a(static_cast<double>(minT), minV);
        const QPointF b(static_cast<double>(maxT), maxV);
        if (minT == maxT) {
            out.append(a);
        } else if (minT < maxT) {
            out.append(a);
            out.append(b);
        } else {
            out.append(b);
            out.append(a);
        }
        bucket = -1;
    }
};

} // namespace

TimeSeriesBuffer::TimeSeriesBuffer(int capacity)
    : m_capacity(std::max(1, capacity)) {}

const TimeSeriesBuffer::Sample &TimeSeriesBuffer::sample(int i) const {
    return m_samples[static_cast<size_t>((m_head + i) % capacity())];
}

bool TimeSeriesBuffer::append(qint64 timestampMs, double value) {
    if (m_size > 0 && timestampMs < lastTime())
        return false;
    const auto blockCount = static_cast<size_t>(m_capacity / kBlock + 2);
    const auto slot = static_cast<size_t>((m_total / kBlock) % static_cast<qint64>(blockCount));
    if (m_blocks.size() <= slot)
        m_blocks.resize(slot + 1);
    Block &block = m_blocks[slot];
    if (m_total % kBlock == 0) {
        block = Block{timestampMs, {timestampMs, value}, {timestampMs, value}};
    } else {
        if (value < block.min.v)
            block.min = {timestampMs, value};
        if (value > block.max.v)
            block.max = {timestampMs, value};
    }
    ++m_total;
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
    m_total = 0;
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

int TimeSeriesBuffer::nearest(qint64 t) const {
    if (m_size == 0)
        return -1;
    const int after = lowerBound(t);
    if (after == 0)
        return 0;
    if (after == m_size)
        return m_size - 1;
    return t - sample(after - 1).t <= sample(after).t - t ? after - 1 : after;
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
    // Whole blocks only pay off when a bucket holds several of them; a block is then counted in
    // the bucket of its first sample, at most one pixel off, and its extremes keep their times.
    if (count / buckets >= 4 * kBlock)
        windowBlocks(begin, end, fromMs, span, out);
    else
        windowRaw(begin, end, fromMs, span, out);
}

void TimeSeriesBuffer::windowRaw(int begin, int end, qint64 fromMs, double span,
                                 QList<QPointF> &out) const {
    BucketAccumulator acc{out};
    for (int i = begin; i < end; ++i) {
        const Sample &s = sample(i);
        acc.add(static_cast<qint64>(static_cast<double>(s.t - fromMs) / span), s.t, s.v, s.t, s.v);
    }
    acc.flush();
}

void TimeSeriesBuffer::windowBlocks(int begin, int end, qint64 fromMs, double span,
                                    QList<QPointF> &out) const {
    BucketAccumulator acc{out};
    const qint64 oldest = m_total - m_size; // absolute number of logical index 0
    const auto blockCount = static_cast<qint64>(m_blocks.size());
    qint64 a = oldest + begin;
    const qint64 aEnd = oldest + end;
    while (a < aEnd) {
        if (a % kBlock == 0 && a + kBlock <= aEnd) {
            const Block &b = m_blocks[static_cast<size_t>((a / kBlock) % blockCount)];
            acc.add(static_cast<qint64>(static_cast<double>(b.firstT - fromMs) / span), b.min.t,
                    b.min.v, b.max.t, b.max.v);
            a += kBlock;
        } else {
            const Sample &s = sample(static_cast<int>(a - oldest));
            acc.add(static_cast<qint64>(static_cast<double>(s.t - fromMs) / span), s.t, s.v, s.t,
                    s.v);
            ++a;
        }
    }
    acc.flush();
}

} // namespace blupow
