#include "alarms/alarmtracker.h"
#include "history/historyblock.h"
#include "history/historyexport.h"
#include "history/historyreader.h"
#include "history/historyrecorder.h"
#include "history/historysessionlink.h"
#include "history/historystore.h"
#include "parse/timeparse.h"

#include <QBuffer>
#include <QFile>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace blupow;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kBase = 1'779'998'400'000; // 2026-05-28T20:00:00Z, a whole hour
constexpr qint64 kHour = 3600 * 1000;

HistorySample sample(const QString &field, qint64 t, double v, int decimals = 1) {
    return {u"sim_controller"_s, u"RNG-CTRL-RVR40"_s, field, field, u"V"_s, decimals, t, v};
}

// `seconds` samples at 1 Hz from `from`: a saw tooth 12.0 .. 12.9 V.
HistoryBatch saw(const QString &field, qint64 from, int seconds) {
    HistoryBatch batch;
    for (int i = 0; i < seconds; ++i)
        batch.append(sample(field, from + i * 1000LL, 12.0 + (i % 10) / 10.0));
    return batch;
}

DecodedValue value(const QString &key, double v, Quality quality) {
    DecodedValue d;
    d.key = key;
    d.label = key;
    d.unit = u"V"_s;
    d.decimals = 1;
    d.value = v;
    d.quality = quality;
    d.timestampMs = QDateTime::currentMSecsSinceEpoch();
    return d;
}

void setPragma(const QString &path, const QString &pragma) {
    {
        auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"raw"_s);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(pragma));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"raw"_s);
}

} // namespace

class TestHistoryStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void blockRoundTrip_data() {
        QTest::addColumn<QList<MinuteAggregate>>("minutes");
        QTest::newRow("empty") << QList<MinuteAggregate>{};
        QTest::newRow("one") << QList<MinuteAggregate>{{0, 144, 1441, 145, 60}};
        QTest::newRow("negative and sparse")
            << QList<MinuteAggregate>{{3, -250, -2455, -240, 12}, {59, 7, 70, 7, 1}};
        QList<MinuteAggregate> flat;
        QList<MinuteAggregate> noisy;
        for (int m = 0; m < 60; ++m) {
            flat.append({m, 0, 0, 0, 60});
            noisy.append({m, 1200 + (m * 37) % 90, 12450 + (m * 13) % 500, 1300 + m, 60});
        }
        QTest::newRow("flat hour") << flat;
        QTest::newRow("noisy hour") << noisy;
        QTest::newRow("large values") << QList<MinuteAggregate>{
            {1, 4'000'000'000'000LL, 40'000'000'000'001LL, 4'000'000'000'100LL, 3}};
    }
    void blockRoundTrip() {
        QFETCH(QList<MinuteAggregate>, minutes);
        const QByteArray bytes = encodeMinuteBlock(minutes);
        const auto back = decodeMinuteBlock(bytes);
        QVERIFY(back.has_value());
        QCOMPARE(back->size(), minutes.size());
        for (qsizetype i = 0; i < minutes.size(); ++i) {
            QCOMPARE(back->at(i).minute, minutes.at(i).minute);
            QCOMPARE(back->at(i).min, minutes.at(i).min);
            QCOMPARE(back->at(i).mean10, minutes.at(i).mean10);
            QCOMPARE(back->at(i).max, minutes.at(i).max);
            QCOMPARE(back->at(i).count, minutes.at(i).count);
        }
    }

    void flatHourIsSmall() {
        QList<MinuteAggregate> flat;
        for (int m = 0; m < 60; ++m)
            flat.append({m, 0, 0, 0, 60});
        QVERIFY2(encodeMinuteBlock(flat).size() < 40,
                 QByteArray::number(encodeMinuteBlock(flat).size()).constData());
    }

    void damagedBlock_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("unknown format") << QByteArray("\x07\x00", 2);
        QTest::newRow("truncated varint") << QByteArray("\x01\x00\x80", 3);
        QTest::newRow("minute beyond the hour") << QByteArray("\x01\x3c\x01\x00\x00\x00", 6);
        QTest::newRow("bad zlib") << QByteArray("\x02garbage", 8);
    }
    void damagedBlock() {
        QFETCH(QByteArray, bytes);
        QVERIFY(!decodeMinuteBlock(bytes).has_value());
    }

    void survivesRestart() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"h.sqlite"_s);
        {
            HistoryStore store;
            QString error;
            QVERIFY2(store.open(path, HistoryStore::Mode::ReadWrite, &error), qPrintable(error));
            QVERIFY(store.append(saw(u"battery_voltage"_s, kBase, 30)));
            QVERIFY(store.appendEvent({kBase + 5000, u"sim_controller"_s, u"link"_s, u"lost"_s}));
        }
        HistoryStore again;
        QString error;
        QVERIFY2(again.open(path, HistoryStore::Mode::ReadOnly, &error), qPrintable(error));
        QCOMPARE(again.rawSampleCount(), 30);
        const auto info = again.findSeries(u"sim_controller"_s, u"battery_voltage"_s);
        QVERIFY(info.has_value());
        QCOMPARE(info->unit, u"V"_s);
        QCOMPARE(info->title, u"RNG-CTRL-RVR40"_s);
        QCOMPARE(info->firstMs, kBase);
        QCOMPARE(info->lastMs, kBase + 29000);
        const HistorySeriesData data = again.read(*info, kBase, kBase + 60000, 0);
        QCOMPARE(data.points.size(), 30);
        QVERIFY(!data.aggregated);
        QCOMPARE(data.points.at(3).mean, 12.3);
        QCOMPARE(data.points.at(3).timeMs, kBase + 3000);
        const auto events = again.events(kBase, kBase + 60000);
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().text, u"lost"_s);
    }

    void oneSamplePerSecond() {
        QTemporaryDir dir;
        HistoryStore store;
        QVERIFY(store.open(dir.filePath(u"h.sqlite"_s), HistoryStore::Mode::ReadWrite));
        QVERIFY(store.append({sample(u"v"_s, kBase + 100, 1.0), sample(u"v"_s, kBase + 900, 2.0),
                              sample(u"v"_s, kBase + 1000, 3.0)}));
        const auto data =
            store.read(*store.findSeries(u"sim_controller"_s, u"v"_s), kBase, kBase + 5000, 0);
        QCOMPARE(data.points.size(), 2);
        QCOMPARE(data.points.at(0).mean, 2.0); // the last reading of the second
    }

    void refusesForeignFiles_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("message");
        QTest::newRow("text file") << u"text"_s << u"not SQLite"_s;
        QTest::newRow("other SQLite") << u"sqlite"_s << u"not a BluPow history"_s;
        QTest::newRow("from the future") << u"future"_s << u"newer BluPow"_s;
    }
    void refusesForeignFiles() {
        QFETCH(QString, kind);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString path = dir.filePath(u"h.sqlite"_s);
        if (kind == u"text"_s) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("time,value\n1,2\n");
        } else if (kind == u"sqlite"_s) {
            setPragma(path, u"CREATE TABLE other(x)"_s);
        } else {
            {
                HistoryStore store;
                QVERIFY(store.open(path, HistoryStore::Mode::ReadWrite));
            }
            setPragma(path, u"PRAGMA user_version=99"_s);
        }
        const QByteArray before = [&] {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        HistoryStore store;
        QString error;
        QVERIFY(!store.open(path, HistoryStore::Mode::ReadWrite, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY(!store.isOpen());
        QVERIFY(!store.append(saw(u"v"_s, kBase, 3)));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before); // never written to
    }

    void rollsUpAndPrunes() {
        QTemporaryDir dir;
        HistoryStore store;
        QVERIFY(store.open(dir.filePath(u"h.sqlite"_s), HistoryStore::Mode::ReadWrite));
        // Two hours at 1 Hz, then a sample 50 h later: the first two hours are past raw age.
        for (int h = 0; h < 2; ++h)
            QVERIFY(store.append(saw(u"battery_voltage"_s, kBase + h * kHour, 3600)));
        QCOMPARE(store.rawSampleCount(), 7200);
        const qint64 later = kBase + 50 * kHour;
        QVERIFY(store.append({sample(u"battery_voltage"_s, later, 13.0)}));
        QVERIFY(store.rolledUntilMs() >= kBase + 2 * kHour);
        while (store.prune(later + 1000, 5)) {
        }
        QCOMPARE(store.rawSampleCount(), 1);
        QVERIFY(store.minuteBlockCount() >= 2);

        const auto info = *store.findSeries(u"sim_controller"_s, u"battery_voltage"_s);
        QCOMPARE(info.firstMs, kBase);
        const HistorySeriesData minutes = store.read(info, kBase, kBase + 2 * kHour - 1, 0);
        QVERIFY(minutes.aggregated);
        QCOMPARE(minutes.points.size(), 120);
        qint64 count = 0;
        for (const HistoryPoint &p : minutes.points) {
            QCOMPARE(p.min, 12.0);
            QCOMPARE(p.max, 12.9);
            QVERIFY(qAbs(p.mean - 12.45) < 0.01);
            count += p.count;
        }
        QCOMPARE(count, 7200); // every sample in a minute, the last minute too

        // A chart's read: buckets merge minutes, keeping the extremes.
        const HistorySeriesData chart = store.read(info, kBase, later + 1000, 50);
        QVERIFY(chart.points.size() <= 51);
        QCOMPARE(chart.points.first().min, 12.0);
        QCOMPARE(chart.points.first().max, 12.9);
        QCOMPARE(chart.points.last().mean, 13.0);
        // 48 h without samples between the two is a gap.
        QCOMPARE(historyGaps(chart.points, chart.stepMs).size(), 1);
    }

    void gaps_data() {
        QTest::addColumn<QList<qint64>>("times");
        QTest::addColumn<QList<qsizetype>>("expected");
        QTest::newRow("none") << QList<qint64>{0, 1000, 2000} << QList<qsizetype>{};
        QTest::newRow("link down") << QList<qint64>{0, 1000, 60000, 61000} << QList<qsizetype>{2};
        QTest::newRow("empty") << QList<qint64>{} << QList<qsizetype>{};
    }
    void gaps() {
        QFETCH(QList<qint64>, times);
        QFETCH(QList<qsizetype>, expected);
        QList<HistoryPoint> points;
        for (qint64 t : times)
            points.append({t, 1, 1, 1, 1});
        QCOMPARE(historyGaps(points, 1000), expected);
    }

    void recorderKeepsOnlyGoodValues() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"sub/h.sqlite"_s);
        HistoryRecorder recorder;
        QSignalSpy opened(&recorder, &HistoryRecorder::opened);
        QSignalSpy written(&recorder, &HistoryRecorder::written);
        recorder.start(path);
        QVERIFY(opened.wait(10000));
        DecodedValue text = value(u"mode"_s, 0, Quality::Good);
        text.value = u"boost"_s;
        recorder.record(u"dev"_s, u"Dev"_s,
                        {value(u"good"_s, 12.5, Quality::Good),
                         value(u"stale"_s, 12.6, Quality::Stale),
                         value(u"invalid"_s, 0, Quality::Invalid), text});
        recorder.flush();
        QVERIFY(written.wait(10000));
        QCOMPARE(written.first().first().toLongLong(), 1);
        recorder.record(u"dev"_s, u"Dev"_s, {value(u"good"_s, 12.7, Quality::Good)});
        recorder.stop(); // commits what is pending
        HistoryStore store;
        QVERIFY(store.open(path, HistoryStore::Mode::ReadOnly));
        const auto series = store.series();
        QCOMPARE(series.size(), 1);
        QCOMPARE(series.first().field, u"good"_s);
        QVERIFY(store.rawSampleCount() >= 1); // both may fall in one second
    }

    void recorderReportsABadFile() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"h.sqlite"_s);
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a database at all, just text");
        f.close();
        HistoryRecorder recorder;
        QSignalSpy failed(&recorder, &HistoryRecorder::failed);
        recorder.start(path);
        QVERIFY(failed.wait(10000));
        QVERIFY(failed.first().first().toString().contains(u"not SQLite"_s));
    }

    void readerLoadsOffThread() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"h.sqlite"_s);
        {
            HistoryStore store;
            QVERIFY(store.open(path, HistoryStore::Mode::ReadWrite));
            QVERIFY(store.append(saw(u"battery_voltage"_s, kBase, 600)));
        }
        HistoryReader reader;
        reader.setPath(path);
        QSignalSpy listed(&reader, &HistoryReader::seriesListed);
        reader.listSeries();
        QVERIFY(listed.wait(10000));
        QCOMPARE(listed.first().first().value<QList<HistorySeriesInfo>>().size(), 1);

        QSignalSpy loaded(&reader, &HistoryReader::loaded);
        const quint64 first =
            reader.load({{u"sim_controller"_s, u"battery_voltage"_s}}, kBase, kBase + 600000, 100);
        const quint64 second =
            reader.load({{u"sim_controller"_s, u"battery_voltage"_s}}, kBase, kBase + 60000, 1000);
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty() && loaded.last().first().toULongLong() == second,
                                 10000);
        QVERIFY(first < second);
        const auto data = loaded.last().at(1).value<QList<HistorySeriesData>>();
        QCOMPARE(data.size(), 1);
        QCOMPARE(data.first().points.size(), 61);
        QVERIFY(loaded.last().at(2).toString().isEmpty());

        reader.setPath(dir.filePath(u"missing.sqlite"_s));
        loaded.clear();
        reader.load({{u"sim_controller"_s, u"battery_voltage"_s}}, kBase, kBase + 1000, 10);
        QVERIFY(loaded.wait(10000));
        QVERIFY(loaded.first().at(2).toString().contains(u"no history file"_s));
    }

    void timePoint_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("expected"); // -1: refused
        QTest::newRow("now") << u"now"_s << kBase;
        QTest::newRow("minutes back") << u"-90m"_s << kBase - 90 * 60000;
        QTest::newRow("days back") << u"-7d"_s << kBase - 7 * 24 * kHour;
        QTest::newRow("fraction") << u"-1.5h"_s << kBase - 3 * kHour / 2;
        QTest::newRow("utc") << u"2026-05-28T20:00:00Z"_s << kBase;
        QTest::newRow("offset") << u"2026-05-28T22:00:00+02:00"_s << kBase;
        QTest::newRow("nan") << u"-nanh"_s << qint64(-1);
        QTest::newRow("inf") << u"-infd"_s << qint64(-1);
        QTest::newRow("no unit") << u"-90"_s << qint64(-1);
        QTest::newRow("too far") << u"-99999d"_s << qint64(-1);
        QTest::newRow("garbage") << u"yesterday"_s << qint64(-1);
        QTest::newRow("spaces") << u" now"_s << qint64(-1);
        QTest::newRow("empty") << QString() << qint64(-1);
    }
    void timePoint() {
        QFETCH(QString, text);
        QFETCH(qint64, expected);
        const auto t = parseTimePoint(text, kBase);
        QCOMPARE(t.value_or(-1), expected);
    }

    void exportCsv() {
        QTemporaryDir dir;
        HistoryStore store;
        QVERIFY(store.open(dir.filePath(u"h.sqlite"_s), HistoryStore::Mode::ReadWrite));
        HistoryBatch batch{sample(u"battery_voltage"_s, kBase, 12.5),
                           sample(u"battery_voltage"_s, kBase + 1000, 12.6),
                           sample(u"pv_power"_s, kBase + 1000, 250.0, 0),
                           sample(u"battery_voltage"_s, kBase + 5000, 12.7)};
        QVERIFY(store.append(batch));
        HistoryExportOptions options;
        options.fromMs = kBase;
        options.toMs = kBase + 10000;
        options.fields = {u"battery_voltage"_s, u"sim_controller/pv_power"_s};
        options.utc = true;
        QBuffer out;
        out.open(QIODevice::WriteOnly);
        QString error;
        QCOMPARE(exportHistoryCsv(store, options, out, &error), 3);
        const QStringList lines = QString::fromUtf8(out.data()).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);
        QCOMPARE(lines.at(0),
                 u"time,sim_controller/battery_voltage (V),sim_controller/pv_power (V)"_s);
        QCOMPARE(lines.at(1), u"2026-05-28T20:00:00Z,12.5,"_s); // a gap stays empty
        QCOMPARE(lines.at(2), u"2026-05-28T20:00:01Z,12.6,250"_s);
        QCOMPARE(lines.at(3), u"2026-05-28T20:00:05Z,12.7,"_s);

        options.resolution = HistoryExportOptions::Resolution::Minute;
        options.fields = {u"battery_voltage"_s};
        QBuffer minutes;
        minutes.open(QIODevice::WriteOnly);
        QCOMPARE(exportHistoryCsv(store, options, minutes, &error), 1);
        QVERIFY2(
            QString::fromUtf8(minutes.data()).contains(u"2026-05-28T20:00:00Z,12.60,12.5,12.7"_s),
            minutes.data().constData());

        options.fields = {u"no_such_field"_s};
        QBuffer none;
        none.open(QIODevice::WriteOnly);
        QCOMPARE(exportHistoryCsv(store, options, none, &error), -1);
        QVERIFY(error.contains(u"no_such_field"_s));
    }

    // The support bundle's history: one device's every series, another device left out.
    void deviceCsvForBundle() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"h.sqlite"_s);
        {
            HistoryStore store;
            QVERIFY(store.open(path, HistoryStore::Mode::ReadWrite));
            HistorySample other = sample(u"battery_voltage"_s, kBase + 1000, 25.1);
            other.device = u"sim_inverter"_s;
            QVERIFY(store.append({sample(u"battery_voltage"_s, kBase, 12.5),
                                  sample(u"pv_power"_s, kBase + 1000, 250.0, 0), other}));
        }
        QString error;
        const QString csv = QString::fromUtf8(exportDeviceHistoryCsv(
            path, u"sim_controller"_s, kBase - kHour, kBase + kHour, &error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QStringList lines = csv.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines.at(0),
                 u"time,sim_controller/battery_voltage (V),sim_controller/pv_power (V)"_s);
        QVERIFY(!csv.contains(u"sim_inverter"_s));
        QVERIFY(!csv.contains(u"25.1"_s));

        QVERIFY(exportDeviceHistoryCsv(path, u"sim_controller"_s, kBase + 2 * kHour,
                                       kBase + 3 * kHour, &error)
                    .isEmpty());
        QVERIFY(error.contains(u"nothing of sim_controller"_s));
        QVERIFY(exportDeviceHistoryCsv(dir.filePath(u"none.sqlite"_s), u"sim_controller"_s, kBase,
                                       kBase + kHour, &error)
                    .isEmpty());
        QVERIFY(!error.isEmpty());
    }

    // Alarms raised and cleared are events of their device, at the times they started and ended.
    void alarmsRecordedAsEvents() {
        QTemporaryDir dir;
        QDateTime t0;
        const QString path = dir.filePath(u"h.sqlite"_s);
        {
            HistoryRecorder recorder;
            QSignalSpy opened(&recorder, &HistoryRecorder::opened);
            recorder.start(path);
            QTRY_VERIFY_WITH_TIMEOUT(opened.size() == 1, 60000);
            AlarmTracker alarms;
            linkAlarmsToHistory(&alarms, &recorder);
            FieldDef word;
            word.key = u"status_1"_s;
            word.label = u"Status 1"_s;
            AlarmCondition over;
            over.key = u"cell_over_voltage"_s;
            over.label = u"Cell over-voltage protection"_s;
            over.bit = 8;
            word.alarms = {over};
            DecodedValue raw = value(u"status_1"_s, 0, Quality::Good);
            raw.raw = {0x0100};
            raw.value = 0x0100;
            // Now, not kBase: the recorder prunes what is older than its raw window as it opens.
            t0 = QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch(), Qt::UTC);
            alarms.update(u"sim_battery"_s, u"Battery"_s, {word}, {raw}, t0);
            raw.raw = {0};
            raw.value = 0;
            alarms.update(u"sim_battery"_s, u"Battery"_s, {word}, {raw}, t0.addSecs(30));
            recorder.stop();
        }
        HistoryStore store;
        QVERIFY(store.open(path, HistoryStore::Mode::ReadOnly));
        const qint64 t = t0.toMSecsSinceEpoch();
        const QList<HistoryEvent> events = store.events(t - 1, t + kHour);
        QCOMPARE(events.size(), 2);
        QCOMPARE(events.at(0).timeMs, t);
        QCOMPARE(events.at(0).device, u"sim_battery"_s);
        QCOMPARE(events.at(0).kind, u"alarm"_s);
        QVERIFY2(events.at(0).text.startsWith(u"raised: Cell over-voltage protection"_s),
                 qPrintable(events.at(0).text));
        QCOMPARE(events.at(1).timeMs, t + 30000);
        QVERIFY2(events.at(1).text.startsWith(u"cleared: "_s), qPrintable(events.at(1).text));
    }
};

QTEST_GUILESS_MAIN(TestHistoryStore)
#include "tst_historystore.moc"
