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
};

void TestEnergyCounterGuard::sequences_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("stateClass");
    QTest::addColumn<QList<double>>("values");
    QTest::addColumn<QStringList>("times"); // local time of each reading
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

    HaEntity e;
    e.key = key;
    e.numeric = true;
    e.stateClass = stateClass;
    e.platform = u"sensor"_s;
    EnergyCounterGuard guard(EnergyCounterGuard::Options{60, 3});
    for (int i = 0; i < values.size(); ++i) {
        DecodedValue v;
        v.key = key;
        v.value = values.at(i);
        v.quality = Quality::Good;
        const QDateTime at(QDate(2026, 6, 1), QTime::fromString(times.at(i), u"hh:mm"_s));
        const DecodedValues out = guard.filter({e}, {v}, at);
        QCOMPARE(out.size(), 1);
        QVERIFY2((out.first().quality == Quality::Good) == published.at(i),
                 qPrintable(u"reading %1 (%2 at %3)"_s.arg(i).arg(values.at(i)).arg(times.at(i))));
        if (!published.at(i))
            QVERIFY(!out.first().note.isEmpty());
    }
}

void TestEnergyCounterGuard::staleValuesUntouched() {
    HaEntity e;
    e.key = u"pv_energy_total"_s;
    e.numeric = true;
    e.stateClass = u"total_increasing"_s;
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

QTEST_GUILESS_MAIN(TestEnergyCounterGuard)
#include "tst_energycounterguard.moc"
