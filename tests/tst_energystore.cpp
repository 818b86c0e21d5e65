#include "mqtt/energystore.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace blupow;
using namespace Qt::StringLiterals;

namespace {

void writeFile(const QString &path, const QByteArray &bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

} // namespace

class TestEnergyStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"energy.json"_s);
        EnergyStore store(path);
        QString error;
        QVERIFY2(store.load(&error), qPrintable(error)); // missing = empty
        QCOMPARE(store.totals(u"bat1"_s), EnergyIntegrator::Totals{});
        QVERIFY(store.counterMarks(u"bat1"_s).isEmpty());
        QVERIFY(!store.isDirty());

        store.setTotals(u"bat1"_s, {12.5, 3.25});
        QVERIFY(store.isDirty());
        const EnergyCounterGuard::Marks marks{{u"pv_energy_total"_s, {1234.5, QDate(2026, 12, 3)}},
                                              {u"pv_energy_today"_s, {0.75, QDate(2026, 12, 2)}}};
        store.setCounterMarks(u"ctl1"_s, marks);
        QVERIFY2(store.save(&error), qPrintable(error));
        QVERIFY(!store.isDirty());
        store.setCounterMarks(u"ctl1"_s, marks);
        QVERIFY(!store.isDirty()); // unchanged marks do not cause a write
        store.setCounterMarks(u"nobody"_s, {});
        QVERIFY(!store.isDirty());

        EnergyStore again(path);
        QVERIFY2(again.load(&error), qPrintable(error));
        QCOMPARE(again.totals(u"bat1"_s), (EnergyIntegrator::Totals{12.5, 3.25}));
        QVERIFY(again.counterMarks(u"bat1"_s).isEmpty());
        QCOMPARE(again.counterMarks(u"ctl1"_s), marks);
        QCOMPARE(again.totals(u"ctl1"_s), EnergyIntegrator::Totals{});

        // A controller integrates nothing: its entry carries no made-up zero totals.
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
        QVERIFY(!root.contains(u"nobody"_s));
        const QJsonObject ctl = root.value(u"ctl1"_s).toObject();
        QVERIFY(!ctl.contains(u"charged_wh"_s));
        QCOMPARE(ctl.value(u"counters"_s)
                     .toObject()
                     .value(u"pv_energy_today"_s)
                     .toObject()
                     .value(u"day"_s)
                     .toString(),
                 u"2026-12-02"_s);
    }

    // Files written before the counter marks existed hold only the totals.
    void readsTheOlderFormat() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"energy.json"_s);
        writeFile(path, R"({"bat1": {"charged_wh": 10, "discharged_wh": 4}})");
        EnergyStore store(path);
        QString error;
        QVERIFY2(store.load(&error), qPrintable(error));
        QCOMPARE(store.totals(u"bat1"_s), (EnergyIntegrator::Totals{10, 4}));
        QVERIFY(store.counterMarks(u"bat1"_s).isEmpty());
    }

    void nonsenseEntriesAreSkipped_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<bool>("hasTotals");
        QTest::addColumn<QStringList>("markKeys");
        QTest::newRow("negative energy")
            << QByteArray(R"({"d": {"charged_wh": -1, "discharged_wh": 4}})") << false
            << QStringList{};
        QTest::newRow("energy as text")
            << QByteArray(R"({"d": {"charged_wh": "10", "discharged_wh": 4}})") << false
            << QStringList{};
        QTest::newRow("mark without a day")
            << QByteArray(R"({"d": {"counters": {"a_today": {"high_water": 5},
                                                 "b_total": {"high_water": 5, "day": "2026-12-01"}}}})")
            << false << QStringList{u"b_total"_s};
        QTest::newRow("mark with a bad day or value")
            << QByteArray(R"({"d": {"charged_wh": 1, "discharged_wh": 2,
                                    "counters": {"a": {"high_water": 5, "day": "yesterday"},
                                                 "b": {"high_water": -5, "day": "2026-12-01"}}}})")
            << true << QStringList{};
    }

    void nonsenseEntriesAreSkipped() {
        QFETCH(QByteArray, json);
        QFETCH(bool, hasTotals);
        QFETCH(QStringList, markKeys);
        QTemporaryDir dir;
        const QString path = dir.filePath(u"energy.json"_s);
        writeFile(path, json);
        EnergyStore store(path);
        QString error;
        QVERIFY2(store.load(&error), qPrintable(error));
        QCOMPARE(store.totals(u"d"_s) != EnergyIntegrator::Totals{}, hasTotals);
        QStringList keys = store.counterMarks(u"d"_s).keys();
        keys.sort();
        QCOMPARE(keys, markKeys);
    }

    void badFileIsReportedAndKept() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"energy.json"_s);
        writeFile(path, "{not json");
        EnergyStore store(path);
        QString error;
        QVERIFY(!store.load(&error));
        QVERIFY2(error.contains(path), qPrintable(error));
        QCOMPARE(store.totals(u"x"_s), EnergyIntegrator::Totals{});
        QVERIFY(QFile::exists(path)); // left for inspection, not overwritten by load()
    }
};

QTEST_GUILESS_MAIN(TestEnergyStore)
#include "tst_energystore.moc"
