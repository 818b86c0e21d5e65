// The chart's arithmetic, without widgets: round value ticks, the time labels' format, the
// nearest sample for the read-out and the CSV of a plotted range.

#include "models/chartscale.h"
#include "models/timeseriesbuffer.h"

#include <QTest>

#include <cmath>

using namespace blupow;

class TestChartScale : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void niceAxis_data();
    void niceAxis();
    void timeFormat_data();
    void timeFormat();
    void nearestSample_data();
    void nearestSample();
    void csvOfRange_data();
    void csvOfRange();
    void segmentStarts_data();
    void segmentStarts();
};

void TestChartScale::niceAxis_data() {
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<int>("maxTicks");
    QTest::addColumn<double>("min");
    QTest::addColumn<double>("max");
    QTest::addColumn<double>("step");
    QTest::addColumn<int>("decimals");
    // The axis read 423/312/201/91/-20: the data's extremes cut into equal parts.
    QTest::newRow("inverter power, 5 ticks") << -9.0 << 412.0 << 5 << -200.0 << 600.0 << 200.0 << 0;
    QTest::newRow("inverter power, 7 ticks") << -9.0 << 412.0 << 7 << -100.0 << 500.0 << 100.0 << 0;
    QTest::newRow("power from zero") << 0.0 << 412.0 << 6 << 0.0 << 500.0 << 100.0 << 0;
    QTest::newRow("battery volts") << 13.02 << 13.91 << 6 << 13.0 << 14.0 << 0.2 << 1;
    QTest::newRow("flat line") << 13.0 << 13.0 << 5 << 12.8 << 13.2 << 0.1 << 1;
    QTest::newRow("flat zero") << 0.0 << 0.0 << 5 << -0.1 << 0.1 << 0.05 << 2;
    QTest::newRow("negative current") << -23.4 << -2.1 << 6 << -25.0 << 0.0 << 5.0 << 0;
    QTest::newRow("reversed ends") << 14.0 << 12.0 << 3 << 12.0 << 14.0 << 1.0 << 0;
    QTest::newRow("one tick asked") << 0.0 << 7.0 << 1 << 0.0 << 10.0 << 10.0 << 0;
    QTest::newRow("energy counter")
        << 123456.0 << 123789.0 << 5 << 123400.0 << 123800.0 << 100.0 << 0;
}

void TestChartScale::niceAxis() {
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(int, maxTicks);
    QFETCH(double, min);
    QFETCH(double, max);
    QFETCH(double, step);
    QFETCH(int, decimals);
    const ChartScale::NiceAxis axis = ChartScale::niceAxis(lo, hi, maxTicks);
    QVERIFY2(qFuzzyCompare(axis.min + 1e6, min + 1e6) && qFuzzyCompare(axis.max + 1e6, max + 1e6),
             qPrintable(QStringLiteral("%1..%2").arg(axis.min).arg(axis.max)));
    QVERIFY2(qFuzzyCompare(axis.step, step), qPrintable(QString::number(axis.step)));
    QCOMPARE(axis.decimals, decimals);
    QVERIFY(axis.ticks <= std::max(2, maxTicks));
    QCOMPARE(axis.ticks, static_cast<int>(std::lround((axis.max - axis.min) / axis.step)) + 1);
    QVERIFY(axis.min <= std::min(lo, hi) && axis.max >= std::max(lo, hi));
    // Every tick is a whole number of steps: its label has no digit beyond `decimals`.
    for (int i = 0; i < axis.ticks; ++i) {
        const double tick = axis.min + i * axis.step;
        QVERIFY2(std::abs(tick / axis.step - std::round(tick / axis.step)) < 1e-6,
                 qPrintable(QString::number(tick)));
    }
}

void TestChartScale::timeFormat_data() {
    QTest::addColumn<int>("spanS");
    QTest::addColumn<QString>("format");
    QTest::newRow("10 min") << 600 << QStringLiteral("HH:mm:ss");
    QTest::newRow("1 h") << 3600 << QStringLiteral("HH:mm:ss");
    QTest::newRow("6 h") << 6 * 3600 << QStringLiteral("HH:mm");
    QTest::newRow("24 h: the ends share a clock time")
        << 24 * 3600 << QStringLiteral("d MMM HH:mm");
}

void TestChartScale::timeFormat() {
    QFETCH(int, spanS);
    QFETCH(QString, format);
    const qint64 end = 1'700'000'000'000;
    QCOMPARE(ChartScale::timeFormat(end - spanS * 1000LL, end), format);
}

void TestChartScale::nearestSample_data() {
    QTest::addColumn<qint64>("t");
    QTest::addColumn<int>("index");
    // Samples at 1000, 2000, 4000 and 8000 ms.
    QTest::newRow("before the first") << qint64(0) << 0;
    QTest::newRow("exactly on one") << qint64(2000) << 1;
    QTest::newRow("nearer the earlier") << qint64(2900) << 1;
    QTest::newRow("midway: the earlier") << qint64(3000) << 1;
    QTest::newRow("nearer the later") << qint64(3100) << 2;
    QTest::newRow("after the last") << qint64(99000) << 3;
}

void TestChartScale::nearestSample() {
    QFETCH(qint64, t);
    QFETCH(int, index);
    TimeSeriesBuffer buffer(10);
    QCOMPARE(buffer.nearest(t), -1);
    for (const qint64 at : {1000, 2000, 4000, 8000})
        buffer.append(at, double(at) / 1000);
    QCOMPARE(buffer.nearest(t), index);
}

void TestChartScale::csvOfRange_data() {
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");
    QTest::addColumn<QString>("csv");
    const QString header = QStringLiteral("time,Battery voltage (V),\"Load, total (W)\"\n");
    // Volts at 0, 1000 and 2000 ms after the epoch; watts at 1000 and 1500.
    QTest::newRow("everything") << qint64(0) << qint64(5000)
                                << header + QStringLiteral("1970-01-01T00:00:00.000Z,13.2,\n"
                                                           "1970-01-01T00:00:01.000Z,13.25,400\n"
                                                           "1970-01-01T00:00:01.500Z,,-12.5\n"
                                                           "1970-01-01T00:00:02.000Z,0.1,\n");
    QTest::newRow("the plotted range only")
        << qint64(1000) << qint64(1500)
        << header + QStringLiteral("1970-01-01T00:00:01.000Z,13.25,400\n"
                                   "1970-01-01T00:00:01.500Z,,-12.5\n");
    QTest::newRow("nothing in range") << qint64(3000) << qint64(4000) << header;
}

void TestChartScale::csvOfRange() {
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    QFETCH(QString, csv);
    TimeSeriesBuffer volts;
    volts.append(0, 13.2);
    volts.append(1000, 13.25);
    volts.append(2000, 0.1);
    TimeSeriesBuffer watts;
    watts.append(1000, 400);
    watts.append(1500, -12.5);
    const QString out = ChartScale::toCsv({{QStringLiteral("Battery voltage (V)"), &volts},
                                           {QStringLiteral("Load, total (W)"), &watts}},
                                          from, to);
    QCOMPARE(out, csv);
}

void TestChartScale::segmentStarts_data() {
    QTest::addColumn<QList<double>>("times"); // seconds
    QTest::addColumn<double>("bucketMs");
    QTest::addColumn<QList<qsizetype>>("expected");
    const auto every = [](double from, double to, double step) {
        QList<double> t;
        for (double x = from; x <= to + 1e-9; x += step)
            t.append(x);
        return t;
    };
    QTest::newRow("nothing") << QList<double>{} << 100.0 << QList<qsizetype>{};
    QTest::newRow("one point") << QList<double>{5} << 100.0 << QList<qsizetype>{0};
    QTest::newRow("1 Hz, no gap") << every(0, 60, 1) << 240.0 << QList<qsizetype>{0};
    QTest::newRow("two cycles missed stay joined")
        << (every(0, 30, 1) + every(33, 60, 1)) << 240.0 << QList<qsizetype>{0};
    QTest::newRow("link lost for 20 s")
        << (every(0, 30, 1) + every(50, 60, 1)) << 240.0 << QList<qsizetype>{0, 31};
    QTest::newRow("two outages") << (every(0, 10, 1) + every(40, 50, 1) + every(90, 99, 1)) << 240.0
                                 << QList<qsizetype>{0, 11, 22};
    // A slow poll (60 s) is its own cadence, not a gap.
    QTest::newRow("polled every minute") << every(0, 3600, 60) << 240.0 << QList<qsizetype>{0};
    QTest::newRow("polled every minute, an hour lost")
        << (every(0, 1800, 60) + every(5400, 7200, 60)) << 240.0 << QList<qsizetype>{0, 31};
    // A long window's min/max pairs (one bucket 60 s): an outage of a few buckets breaks the line,
    // the pairs' own spacing never does.
    QList<double> pairs;
    for (int b = 0; b < 60; ++b) {
        if (b >= 20 && b < 30)
            continue;
        pairs << b * 60.0 + 3 << b * 60.0 + 41;
    }
    QTest::newRow("bucketed, 10 buckets lost") << pairs << 60000.0 << QList<qsizetype>{0, 40};
}

void TestChartScale::segmentStarts() {
    QFETCH(QList<double>, times);
    QFETCH(double, bucketMs);
    QFETCH(QList<qsizetype>, expected);
    QList<QPointF> points;
    for (double t : std::as_const(times))
        points.append({t * 1000, 1});
    QCOMPARE(ChartScale::segmentStarts(points, bucketMs), expected);
}

QTEST_GUILESS_MAIN(TestChartScale)
#include "tst_chartscale.moc"
