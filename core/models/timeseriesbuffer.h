#pragma once

#include <QList>
#include <QPointF>

#include <vector>

namespace blupow {

// A fixed-capacity ring of (time, value) samples for one chart field: 24 h at 1 Hz is 86 400
// samples, 1.4 MB at most; memory grows with the samples up to that bound and never beyond. Samples
// arrive in time order; older ones are overwritten. Reading a window returns at most two points per
// pixel bucket (min and max, in time order), so a 24 h window costs the plot width, not 86 400
// points, on every repaint (README, Architecture: data flow step 6).
class TimeSeriesBuffer {
public:
    static constexpr int kDay1Hz = 24 * 60 * 60;

    explicit TimeSeriesBuffer(int capacity = kDay1Hz);

    // A sample older than the newest is dropped (a clock step back must not unsort the ring).
    bool append(qint64 timestampMs, double value);
    void clear();

    [[nodiscard]] int size() const { return m_size; }
    [[nodiscard]] int capacity() const { return m_capacity; }
    [[nodiscard]] bool isEmpty() const { return m_size == 0; }
    [[nodiscard]] qint64 firstTime() const;
    [[nodiscard]] qint64 lastTime() const;
    [[nodiscard]] QPointF at(int i) const;        // i = 0 is the oldest; x is ms since the epoch
    [[nodiscard]] int lowerBound(qint64 t) const; // the first i with a time >= t (size() if none)
    // The sample closest in time to t (the earlier of two as close), -1 when empty: what a chart
    // read-out shows at the cursor.
    [[nodiscard]] int nearest(qint64 t) const;

    // Points with fromMs <= t <= toMs; when there are more than 2 x `buckets`, the minimum and
    // maximum of each of `buckets` equal time slices instead, so spikes survive downsampling.
    // Clears and fills `out` (reusing its capacity: no allocation per repaint once warm).
    void window(qint64 fromMs, qint64 toMs, int buckets, QList<QPointF> &out) const;

    // Samples summarised per block for long windows (a day at 1 Hz is 5400 blocks, not 86 400
    // samples, to scan on every repaint).
    static constexpr int kBlock = 16;

private:
    struct Sample {
        qint64 t;
        double v;
    };
    // Min and max of kBlock consecutive samples (by absolute sample number).
    struct Block {
        qint64 firstT = 0;
        Sample min{0, 0};
        Sample max{0, 0};
    };
    [[nodiscard]] const Sample &sample(int i) const;
    void windowRaw(int begin, int end, qint64 fromMs, double span, QList<QPointF> &out) const;
    void windowBlocks(int begin, int end, qint64 fromMs, double span, QList<QPointF> &out) const;

    int m_capacity;
    std::vector<Sample> m_samples;
    std::vector<Block> m_blocks; // ring of capacity / kBlock + 2: a complete block is never stale
    int m_head = 0;              // index of the oldest sample
    int m_size = 0;
    qint64 m_total = 0; // samples ever appended: absolute number of the next one
};

} // namespace blupow
