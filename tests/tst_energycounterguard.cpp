#include "mqtt/energycounterguard.h"

#include <QTest>

using namespace blupow;
using namespace Qt::StringLiterals;

class TestEnergyCounterGuard : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sequences_data();
    void sequences();
    void staleValuesUntouched();
    void marksSurviveARestart_data();
    void marksSurviveARestart();
};

namespace {

HaEntity counterEntity(const QString &key) {
    HaEntity e;
    e.key = key;
    e.numeric = true;
    e.stateClass = u"total_increasing"_s;
    e.platform = u"sensor"_s;
    return e;
}

DecodedValue reading(const QString &key, double value) {
    DecodedValue v;
    v.key = key;
    v.value = value;
    v.quality = Quality::Good;
    return v;
}

} // namespace

void TestEnergyCounterGuard::sequences_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("stateClass");
    QTest::addColumn<QList<double>>("values");
    // Local time of each reading; a time earlier than the one before is on the next day.
    QTest::addColumn<QStringList>("times");
    QTest::addColumn<QList<bool>>("published");

    const QStringList noon{u"12:00"_s, u"12:01"_s, u"12:02"_s, u"12:03"_s, u"12:04"_s, u"12:05"_s};
    QTest::newRow("lifetime increasing")
        << u"pv_energy_total"_s << u"total_increasing"_s << QList<double>{10, 11, 11, 12}
        << noon.mid(0, 4) << QList<bool>{true, true, true, true};
    QTest::newRow("lifetime glitch withheld, recovery published")
        << u"pv_energy_total"_s << u"total_increasing"_s << QList<double>{100, 5, 100.5}
        << noon.mid(0, 3) << QList<bool>{true, false, true};
    QTest::newRow("lifetime reset accepted once it persists (3 readings)")
        << u"pv_energy_total"_s << u"total_increasing"_s << QList<double>{100, 1, 1, 2, 3}
        << noon.mid(0, 5) << QList<bool>{true, false, false, true, true};
    QTest::newRow("daily reset at midnight accepted")
        << u"pv_energy_today"_s << u"total_increasing"_s << QList<double>{5000, 0, 10}
        << QStringList{u"23:59"_s, u"00:01"_s, u"00:30"_s} << QList<bool>{true, true, true};
    QTest::newRow("daily reset by a device clock 40 min late accepted")
        << u"pv_energy_today"_s << u"total_increasing"_s << QList<double>{5000, 0}
        << QStringList{u"00:30"_s, u"00:40"_s} << QList<bool>{true, true};
    QTest::newRow("daily drop mid-day withheld until back at the high-water mark")
        << u"dcc_energy_today"_s << u"total_increasing"_s << QList<double>{800, 700, 750, 800, 820}
        << noon.mid(0, 5) << QList<bool>{true, false, false, true, true};
    QTest::newRow("daily drop mid-day then the next midnight starts a new day")
        << u"load_energy_daily"_s << u"total_increasing"_s << QList<double>{800, 100, 120, 0}
        << QStringList{u"15:00"_s, u"15:01"_s, u"18:00"_s, u"00:02"_s}
        << QList<bool>{true, false, false, true};
    QTest::newRow("daily reset unseen while the link was down over midnight accepted")
        << u"pv_energy_today"_s << u"total_increasing"_s << QList<double>{800, 100, 50}
        << QStringList{u"22:00"_s, u"09:00"_s, u"09:01"_s} << QList<bool>{true, true, false};
    QTest::newRow("daily drop hours after midnight on the same day withheld")
        << u"pv_energy_today"_s << u"total_increasing"_s << QList<double>{300, 100}
        << QStringList{u"02:00"_s, u"03:00"_s} << QList<bool>{true, false};
    QTest::newRow("measurement is not guarded")
        << u"battery_voltage"_s << u"measurement"_s << QList<double>{13, 12, 11} << noon.mid(0, 3)
        << QList<bool>{true, true, true};
}

void TestEnergyCounterGuard::sequences() {
    QFETCH(QString, key);
    QFETCH(QString, stateClass);
    QFETCH(QList<double>, values);
    QFETCH(QStringList, times);
    QFETCH(QList<bool>, published);

    HaEntity e = counterEntity(key);
    e.stateClass = stateClass;
    EnergyCounterGuard guard(EnergyCounterGuard::Options{60, 3});
    QDateTime at(QDate(2026, 6, 1), QTime(0, 0));
    for (int i = 0; i < values.size(); ++i) {
        const QTime time = QTime::fromString(times.at(i), u"hh:mm"_s);
        at = QDateTime(time < at.time() ? at.date().addDays(1) : at.date(), time);
        const DecodedValues out = guard.filter({e}, {reading(key, values.at(i))}, at);
        QCOMPARE(out.size(), 1);
        QVERIFY2((out.first().quality == Quality::Good) == published.at(i),
                 qPrintable(u"reading %1 (%2 at %3)"_s.arg(i).arg(values.at(i)).arg(times.at(i))));
        if (!published.at(i))
            QVERIFY(!out.first().note.isEmpty());
    }
}

void TestEnergyCounterGuard::staleValuesUntouched() {
    const HaEntity e = counterEntity(u"pv_energy_total"_s);
    EnergyCounterGuard guard;
    DecodedValue v;
    v.key = e.key;
    v.value = 100.0;
    const QDateTime noon(QDate(2026, 6, 1), QTime(12, 0));
    QCOMPARE(guard.filter({e}, {v}, noon).first().quality, Quality::Good);
    v.value = 50.0;
    v.quality = Quality::Stale;
    QCOMPARE(guard.filter({e}, {v}, noon).first().quality, Quality::Stale);
    // A stale reading does not move the high-water mark: 100 is still the reference.
    v.quality = Quality::Good;
    v.value = 99.0;
    QCOMPARE(guard.filter({e}, {v}, noon).first().quality, Quality::Invalid);
}

void TestEnergyCounterGuard::marksSurviveARestart_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<double>("before");
    QTest::addColumn<int>("daysLater");
    QTest::addColumn<double>("after");
    QTest::addColumn<bool>("published");

    QTest::newRow("lifetime glitch right after a restart withheld")
        << u"pv_energy_total"_s << 1000.0 << 0 << 3.0 << false;
    QTest::newRow("lifetime counter continuing after a restart published")
        << u"pv_energy_total"_s << 1000.0 << 2 << 1000.5 << true;
    QTest::newRow("daily glitch after a restart the same day withheld")
        << u"pv_energy_today"_s << 800.0 << 0 << 100.0 << false;
    QTest::newRow("daily counter after a restart on a later day is the new day")
        << u"pv_energy_today"_s << 800.0 << 1 << 100.0 << true;
}

// A restarted bridge continues from the marks the last one saved: its first reading is compared
// with them, not taken as a new baseline.
void TestEnergyCounterGuard::marksSurviveARestart() {
    QFETCH(QString, key);
    QFETCH(double, before);
    QFETCH(int, daysLater);
    QFETCH(double, after);
    QFETCH(bool, published);

    const HaEntity e = counterEntity(key);
    const QDateTime noon(QDate(2026, 6, 1), QTime(12, 0));
    EnergyCounterGuard first(EnergyCounterGuard::Options{60, 3});
    QCOMPARE(first.filter({e}, {reading(key, before)}, noon).first().quality, Quality::Good);
    const EnergyCounterGuard::Marks marks = first.marks();
    QCOMPARE(marks.value(key), (EnergyCounterGuard::Mark{before, noon.date()}));

    EnergyCounterGuard restarted(EnergyCounterGuard::Options{60, 3});
    restarted.restore(marks);
    const QDateTime later = noon.addDays(daysLater).addSecs(60);
    QCOMPARE(restarted.filter({e}, {reading(key, after)}, later).first().quality == Quality::Good,
             published);
    // Without the marks the same reading is only a baseline and always passes.
    EnergyCounterGuard forgetful(EnergyCounterGuard::Options{60, 3});
    QCOMPARE(forgetful.filter({e}, {reading(key, after)}, later).first().quality, Quality::Good);
}

QTEST_GUILESS_MAIN(TestEnergyCounterGuard)
#include "tst_energycounterguard.moc"
