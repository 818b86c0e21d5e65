#include "mqtt/energyintegrator.h"

#include <QTest>

using namespace blupow;

namespace {

using Samples = QList<QPair<qint64, double>>; // ms, W; NaN = a reading that was not good

EnergyIntegrator::Totals integrate(const Samples &samples, qint64 maxGapMs = 60000) {
    EnergyIntegrator e(maxGapMs);
    for (const auto &[ms, w] : samples) {
        if (std::isnan(w))
            e.breakLine();
        else
            e.add(w, ms);
    }
    return e.totals();
}

} // namespace

class TestEnergyIntegrator : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void integrates_data() {
        QTest::addColumn<Samples>("samples");
        QTest::addColumn<double>("chargedWh");
        QTest::addColumn<double>("dischargedWh");
        const double nan = std::nan("");
        Samples hour;
        for (qint64 s = 0; s <= 3600; ++s)
            hour.append({s * 1000, 100.0});
        QTest::newRow("100 W for an hour, 1 Hz") << hour << 100.0 << 0.0;
        QTest::newRow("discharging is its own counter")
            << Samples{{0, -360}, {10000, -360}} << 0.0 << 1.0;
        QTest::newRow("a ramp is a trapezoid") << Samples{{0, 0}, {36000, 200}} << 1.0 << 0.0;
        // +360 W to -360 W over 20 s: zero at 10 s; 0.5 Wh each way, not 0 net.
        QTest::newRow("crossing zero splits") << Samples{{0, 360}, {20000, -360}} << 0.5 << 0.5;
        QTest::newRow("a gap over the limit is not bridged")
            << Samples{{0, 360}, {10000, 360}, {80000, 360}, {90000, 360}} << 2.0 << 0.0;
        QTest::newRow("a reading that was not good breaks the line")
            << Samples{{0, 360}, {10000, 360}, {15000, nan}, {20000, 360}, {30000, 360}} << 2.0
            << 0.0;
        QTest::newRow("time going backwards counts nothing")
            << Samples{{10000, 360}, {0, 360}} << 0.0 << 0.0;
        QTest::newRow("one reading is no energy") << Samples{{0, 500}} << 0.0 << 0.0;
    }
    void integrates() {
        QFETCH(Samples, samples);
        QFETCH(double, chargedWh);
        QFETCH(double, dischargedWh);
        const auto t = integrate(samples);
        QVERIFY2(std::abs(t.chargedWh - chargedWh) < 1e-9,
                 qPrintable(QString::number(t.chargedWh)));
        QVERIFY2(std::abs(t.dischargedWh - dischargedWh) < 1e-9,
                 qPrintable(QString::number(t.dischargedWh)));
    }

    void feedAppendsCountersAndNeverDecreases() {
        EnergyIntegrator e;
        e.setTotals({1000.0, 500.0}); // from an earlier run
        double lastCharged = 0;
        for (int i = 0; i < 20; ++i) {
            DecodedValue p;
            p.key = QString::fromLatin1(EnergyIntegrator::kPowerKey);
            p.value = (i % 5 == 0) ? -50.0 : 120.0;
            p.quality = i == 7 ? Quality::Stale : Quality::Good;
            p.timestampMs = 1'700'000'000'000 + i * 1000;
            DecodedValues values{p};
            e.feed(values);
            QCOMPARE(values.size(), 3);
            QCOMPARE(values.at(1).key, QStringLiteral("battery_charged_energy"));
            QCOMPARE(values.at(1).unit, QStringLiteral("kWh"));
            QCOMPARE(values.at(1).quality, Quality::Good);
            const double charged = values.at(1).value.toDouble();
            QVERIFY(charged >= 1.0); // kWh, continued from the saved 1000 Wh
            QVERIFY(charged >= lastCharged);
            lastCharged = charged;
            QVERIFY(values.at(2).value.toDouble() >= 0.5);
        }
        QVERIFY(lastCharged > 1.0);
        // Without battery_power in a cycle the line breaks; the counters are still reported.
        DecodedValues none;
        e.feed(none);
        QCOMPARE(none.size(), 2);
        QCOMPARE(none.at(0).value.toDouble(), lastCharged);
    }
};

QTEST_GUILESS_MAIN(TestEnergyIntegrator)
#include "tst_energyintegrator.moc"
