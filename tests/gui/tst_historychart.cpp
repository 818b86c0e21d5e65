// The chart's history ranges (issue 18.1): a range is read from the history file by the reader
// thread and drawn; it pans back in time with the buttons and Ctrl+Left/Right; Live returns.

#include "chartpanel.h"
#include "history/historyreader.h"
#include "history/historystore.h"

#include <QChartView>
#include <QComboBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace blupow;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kHourMs = 3600 * 1000;

// Three hours at 1 Hz ending now, of a device that is not connected: what an installer opens
// after the fact.
bool writeHistory(const QString &path, qint64 now) {
    HistoryStore store;
    if (!store.open(path, HistoryStore::Mode::ReadWrite))
        return false;
    for (qint64 from = now - 3 * kHourMs; from < now; from += kHourMs) {
        HistoryBatch batch;
        for (qint64 t = from; t < from + kHourMs && t <= now; t += 1000)
            batch.append({u"sim_controller"_s, u"RNG-CTRL-RVR40"_s, u"battery_voltage"_s,
                          u"Battery voltage"_s, u"V"_s, 1, t,
                          12.0 + double((t - from) / 1000 % 100) / 100.0});
        if (!store.append(batch))
            return false;
    }
    return true;
}

} // namespace

class TestHistoryChart : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rangeFromTheFile() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"h.sqlite"_s);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QVERIFY(writeHistory(path, now));

        HistoryReader reader;
        reader.setPath(path);
        ChartPanel panel;
        panel.resize(900, 500);
        panel.show();
        panel.setChosenFields({u"battery_voltage"_s});
        QVERIFY(!panel.rangeChooser()->isEnabled()); // no file, no ranges
        panel.setHistoryReader(&reader);
        QVERIFY(panel.rangeChooser()->isEnabled());
        QCOMPARE(panel.rangeChooser()->count(), ChartPanel::rangePresets().size());
        QCOMPARE(panel.rangeChooser()->itemText(6), u"1 year"_s);
        QCOMPARE(panel.rangeChooser()->itemText(4), u"7 days"_s);

        panel.setRange(kHourMs);
        // The file's device joins the field list, ticked as chosen, and its hour is drawn.
        QTRY_VERIFY_WITH_TIMEOUT(
            panel.historyLoads() > 0 && panel.seriesPointCount(u"battery_voltage"_s) > 100, 20000);
        QVERIFY(panel.devices().contains(u"RNG-CTRL-RVR40"_s));
        QTRY_VERIFY_WITH_TIMEOUT(panel.plottedTo() - panel.plottedFrom() == kHourMs, 5000);
        QVERIFY(qAbs(panel.plottedTo() - now) < 60000);
        // No more points than the plot has pixel columns for: a min/max pair per bucket.
        QVERIFY(panel.seriesPointCount(u"battery_voltage"_s) <= 2 * 900);

        // Half a range back, with the keyboard on the plot.
        const qint64 before = panel.plottedTo();
        const quint64 loads = panel.historyLoads();
        QTest::keyClick(panel.chartView(), Qt::Key_Left, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(panel.historyLoads() > loads, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(panel.plottedTo(), before - kHourMs / 2, 5000);
        QVERIFY(panel.seriesPointCount(u"battery_voltage"_s) > 100);
        // The read-out reads the loaded range, not the (empty) live ring.
        panel.setCursorTime(before - kHourMs);
        QVERIFY2(panel.readout().contains(u" V"_s), qPrintable(panel.readout()));

        // Before the oldest sample there is nothing to draw, and panning stops there.
        for (int i = 0; i < 20; ++i)
            panel.earlier();
        QTRY_VERIFY_WITH_TIMEOUT(panel.plottedTo() >= now - 3 * kHourMs, 5000);

        // A year: minutes, drawn as a min/max envelope.
        panel.setRange(ChartPanel::rangePresets().last());
        QTRY_VERIFY_WITH_TIMEOUT(panel.seriesPointCount(u"battery_voltage"_s) > 0 &&
                                     panel.plottedTo() - panel.plottedFrom() ==
                                         ChartPanel::rangePresets().last(),
                                 20000);

        panel.setRange(0); // live again: the in-memory ring, empty here
        QTRY_COMPARE_WITH_TIMEOUT(panel.seriesPointCount(u"battery_voltage"_s), 0, 5000);
        QCOMPARE(panel.rangeChooser()->currentText(), u"Live"_s);
    }

    // docs/history.png, from tests/gui/screenshot_history.sh (a year written by bench_history).
    void screenshot() {
        const QString file = qEnvironmentVariable("BLUPOW_HISTORY_FILE");
        const QString out = qEnvironmentVariable("BLUPOW_HISTORY_SCREENSHOT");
        if (file.isEmpty() || out.isEmpty())
            QSKIP("run by tests/gui/screenshot_history.sh");
        HistoryReader reader;
        reader.setPath(file);
        ChartPanel panel;
        panel.resize(1100, 540);
        panel.show();
        panel.setChosenFields({u"pv_power"_s, u"battery_voltage"_s, u"controller_temperature"_s});
        panel.setHistoryReader(&reader);
        const qint64 week = 7 * 24 * kHourMs;
        panel.setRange(week);
        QTRY_VERIFY_WITH_TIMEOUT(panel.historyLoads() > 0 &&
                                     panel.seriesPointCount(u"pv_power"_s) > 100 &&
                                     panel.plottedTo() - panel.plottedFrom() == week,
                                 60000);
        panel.setCursorTime(panel.plottedTo() - 3 * 24 * kHourMs);
        QTest::qWait(300); // one repaint of the cursor and its read-out
        QVERIFY(panel.grab().save(out));
    }

    void missingFileIsSaid() {
        QTemporaryDir dir;
        HistoryReader reader;
        reader.setPath(dir.filePath(u"none.sqlite"_s));
        ChartPanel panel;
        panel.setChosenFields({u"battery_voltage"_s});
        panel.setHistoryReader(&reader);
        QSignalSpy loaded(&panel, &ChartPanel::historyLoaded);
        panel.setRange(6 * kHourMs);
        QVERIFY(loaded.wait(20000));
        QVERIFY(loaded.first().first().toString().contains(u"no history file"_s));
    }
};

QTEST_MAIN(TestHistoryChart)
#include "tst_historychart.moc"
