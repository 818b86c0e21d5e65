#include "models/timeseriesbuffer.h"

#include <QTest>

using namespace blupow;

class TestTimeSeriesBuffer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void ringKeepsNewest_data();
    void ringKeepsNewest();
    void rejectsOlderSample();
    void windowSelectsRange_data();
    void windowSelectsRange();
    void downsampleKeepsSpikes_data();
    void downsampleKeepsSpikes();
};

void TestTimeSeriesBuffer::ringKeepsNewest_data() {
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("appended");
    QTest::addColumn<int>("expectedSize");
    QTest::addColumn<qint64>("expectedFirst");
    QTest::newRow("under capacity") << 10 << 4 << 4 << qint64(0);
    QTest::newRow("exactly full") << 10 << 10 << 10 << qint64(0);
    QTest::newRow("wrapped once") << 10 << 15 << 10 << qint64(5000);
    QTest::newRow("wrapped many times") << 7 << 100 << 7 << qint64(93000);
}

void TestTimeSeriesBuffer::ringKeepsNewest() {
    QFETCH(int, capacity);
    QFETCH(int, appended);
    QFETCH(int, expectedSize);
    QFETCH(qint64, expectedFirst);
    TimeSeriesBuffer buffer(capacity);
    for (int i = 0; i < appended; ++i)
        QVERIFY(buffer.append(qint64(i) * 1000, i));
    QCOMPARE(buffer.size(), expectedSize);
    QCOMPARE(buffer.firstTime(), expectedFirst);
    QCOMPARE(buffer.lastTime(), qint64(appended - 1) * 1000);
    for (int i = 1; i < buffer.size(); ++i)
        QVERIFY(buffer.at(i).x() > buffer.at(i - 1).x());
    QCOMPARE(buffer.at(buffer.size() - 1).y(), double(appended - 1));
}

void TestTimeSeriesBuffer::rejectsOlderSample() {
    TimeSeriesBuffer buffer(4);
    QVERIFY(buffer.append(2000, 1));
    QVERIFY(!buffer.append(1000, 2));
    QCOMPARE(buffer.size(), 1);
}

void TestTimeSeriesBuffer::windowSelectsRange_data() {
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");
    QTest::addColumn<int>("expectedCount");
    QTest::addColumn<double>("expectedFirstX");
    QTest::newRow("whole") << qint64(0) << qint64(99000) << 100 << 0.0;
    QTest::newRow("last ten seconds") << qint64(90000) << qint64(99000) << 10 << 90000.0;
    QTest::newRow("between samples") << qint64(10500) << qint64(12500) << 2 << 11000.0;
    QTest::newRow("before data") << qint64(-5000) << qint64(-1) << 0 << 0.0;
    QTest::newRow("after data") << qint64(100000) << qint64(200000) << 0 << 0.0;
}

void TestTimeSeriesBuffer::windowSelectsRange() {
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    QFETCH(int, expectedCount);
    QFETCH(double, expectedFirstX);
    TimeSeriesBuffer buffer(1000);
    for (int i = 0; i < 100; ++i)
        buffer.append(qint64(i) * 1000, i);
    QList<QPointF> points;
    buffer.window(from, to, 1000, points);
    QCOMPARE(points.size(), expectedCount);
    if (expectedCount > 0)
        QCOMPARE(points.first().x(), expectedFirstX);
}

void TestTimeSeriesBuffer::downsampleKeepsSpikes_data() {
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("appended");
    QTest::addColumn<int>("buckets");
    // Rows cover the per-sample path and the block-summary path, with and without a wrapped ring
    // (the oldest block then only partly present).
    QTest::newRow("day into 500 px, blocks")
        << TimeSeriesBuffer::kDay1Hz << TimeSeriesBuffer::kDay1Hz << 500;
    QTest::newRow("day into 2000 px, samples")
        << TimeSeriesBuffer::kDay1Hz << TimeSeriesBuffer::kDay1Hz << 2000;
    QTest::newRow("wrapped ring, blocks") << 10007 << 50000 << 50;
    QTest::newRow("wrapped ring, samples") << 10007 << 50000 << 1000;
}

void TestTimeSeriesBuffer::downsampleKeepsSpikes() {
    QFETCH(int, capacity);
    QFETCH(int, appended);
    QFETCH(int, buckets);
    TimeSeriesBuffer buffer(capacity);
    const int spikeUp = appended - capacity / 2;
    const int spikeDown = appended - capacity / 3;
    for (int i = 0; i < appended; ++i)
        buffer.append(qint64(i) * 1000,
                      i == spikeUp ? 99.0 : (i == spikeDown ? -99.0 : 1.0 + (i % 7) * 0.1));
    QList<QPointF> points;
    buffer.window(buffer.firstTime(), buffer.lastTime(), buckets, points);
    QVERIFY(points.size() <= 2 * buckets + 2);
    QVERIFY(points.size() >= buckets / 2);
    double maxY = 0;
    double minY = 0;
    for (int i = 0; i < points.size(); ++i) {
        maxY = std::max(maxY, points.at(i).y());
        minY = std::min(minY, points.at(i).y());
        QVERIFY(points.at(i).x() >= double(buffer.firstTime()));
        if (i > 0)
            QVERIFY2(points.at(i).x() > points.at(i - 1).x(), qPrintable(QString::number(i)));
    }
    QCOMPARE(maxY, 99.0);
    QCOMPARE(minY, -99.0);
    // The spikes keep their own time stamps.
    QVERIFY(std::any_of(points.cbegin(), points.cend(), [&](const QPointF &p) {
        return p.y() == 99.0 && p.x() == double(spikeUp) * 1000;
    }));
}

QTEST_GUILESS_MAIN(TestTimeSeriesBuffer)
#include "tst_timeseriesbuffer.moc"
