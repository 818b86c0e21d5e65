#include "config/settingswriter.h"
#include "config/snapshot.h"
#include "config/snapshotdiff.h"
#include "config/snapshotreader.h"
#include "configrig.h"

#include <QSignalSpy>
#include <QTest>

using namespace blupow;

namespace {

std::optional<Snapshot> readSnapshot(DeviceSession *session) {
    SnapshotReader reader(session);
    QSignalSpy finished(&reader, &SnapshotReader::finished);
    QString error;
    if (!reader.start(&error) || !finished.wait(10000))
        return std::nullopt;
    return reader.snapshot();
}

Snapshot::Entry entry(const char *key, int reg, quint16 raw, const char *text, bool writable) {
    Snapshot::Entry e;
    e.key = QString::fromLatin1(key);
    e.label = e.key;
    e.reg = reg;
    e.raw = {raw};
    e.text = QString::fromLatin1(text);
    e.writable = writable;
    return e;
}

} // namespace

class TestSnapshot : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void backupHoldsDeviceWords_data();
    void backupHoldsDeviceWords();
    void jsonRoundTrip();
    void shownFromTheRawWords_data();
    void shownFromTheRawWords();
    void rejectsBadFiles_data();
    void rejectsBadFiles();
    void diffRows_data();
    void diffRows();
    void incompatibleSnapshots();
    void restoreWritesOnlyDifferences();
};

void TestSnapshot::backupHoldsDeviceWords_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("key");
    QTest::newRow("controller float voltage") << "controller"
                                              << "float_voltage";
    QTest::newRow("controller model") << "controller"
                                      << "model";
    QTest::newRow("dcc current limit") << "dcc"
                                       << "charging_current_limit";
    QTest::newRow("inverter output priority") << "inverter"
                                              << "output_priority";
}

void TestSnapshot::backupHoldsDeviceWords() {
    QFETCH(QString, model);
    QFETCH(QString, key);
    BLUPOW_REQUIRE_RIG(rig, model);
    const auto snapshot = readSnapshot(rig.session.get());
    QVERIFY(snapshot);
    QCOMPARE(snapshot->family, rig.session->identity()->family);
    QCOMPARE(snapshot->model, rig.session->identity()->model);
    QCOMPARE(snapshot->slave, rig.session->identity()->slave);
    const Snapshot::Entry *e = snapshot->entry(key);
    QVERIFY2(e, qPrintable(key));
    QCOMPARE(e->raw, rig.words(e->reg, static_cast<int>(e->raw.size())));
    QCOMPARE(e->writable, rig.session->map()->field(key)->writable);
    // Cycle fields (live measurements) are not settings.
    QVERIFY(!snapshot->entry(u"battery_voltage"));
    QCOMPARE(rig.writeFrames, 0);
}

void TestSnapshot::jsonRoundTrip() {
    BLUPOW_REQUIRE_RIG(rig, "controller");
    const auto snapshot = readSnapshot(rig.session.get());
    QVERIFY(snapshot);
    QString error;
    const auto back = Snapshot::fromJson(snapshot->toJsonBytes(), &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(back->family, snapshot->family);
    QCOMPARE(back->model, snapshot->model);
    QCOMPARE(back->entries.size(), snapshot->entries.size());
    QVERIFY(SnapshotDiff::compare(*snapshot, *back).isEmpty());
    QCOMPARE(SnapshotDiff::compare(*snapshot, *back, true).size(), snapshot->entries.size());
}

void TestSnapshot::shownFromTheRawWords_data() {
    QTest::addColumn<QString>("edit"); // what is changed in the backup's first writable number
    QTest::addColumn<bool>("accepted");
    QTest::newRow("untouched") << QStringLiteral("none") << true;
    QTest::newRow("text edited") << QStringLiteral("text") << false;
    QTest::newRow("raw word edited") << QStringLiteral("raw") << false;
    QTest::newRow("text spelt otherwise, same value") << QStringLiteral("format") << true;
}

// What restore and diff show is what the raw words give, because the words are what is written.
void TestSnapshot::shownFromTheRawWords() {
    QFETCH(QString, edit);
    QFETCH(bool, accepted);
    BLUPOW_REQUIRE_RIG(rig, "controller");
    auto snapshot = readSnapshot(rig.session.get());
    QVERIFY(snapshot);
    const RegisterMap *map = rig.session->map();
    QVERIFY(map);
    Snapshot::Entry *target = nullptr;
    for (Snapshot::Entry &e : snapshot->entries) {
        if (e.writable && e.value.typeId() == QMetaType::Double && e.raw.size() == 1) {
            target = &e;
            break;
        }
    }
    QVERIFY(target);
    const QString key = target->key;
    const QString original = target->text;
    if (edit == u"text") {
        target->text = QStringLiteral("999 V");
        target->value = 999.0;
    } else if (edit == u"raw") {
        target->raw[0] = static_cast<quint16>(target->raw[0] + 10);
    } else if (edit == u"format") {
        target->text = QStringLiteral("about ") + original;
    }
    QString error;
    auto loaded = Snapshot::fromJson(snapshot->toJsonBytes(), &error);
    QVERIFY2(loaded, qPrintable(error));
    const auto problem = loaded->redecode(*map);
    QCOMPARE(!problem.has_value(), accepted);
    if (!accepted) {
        QVERIFY2(problem->contains(key), qPrintable(*problem));
        return;
    }
    QCOMPARE(loaded->entry(key)->text, original);
}

void TestSnapshot::rejectsBadFiles_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("why");
    QTest::newRow("not json") << QByteArray("{oops") << "not JSON";
    QTest::newRow("other format") << QByteArray(R"({"format":"x"})") << "not a BluPow snapshot";
    QTest::newRow("unknown family")
        << QByteArray(R"({"format":"blupow-snapshot","version":1,"family":"toaster"})")
        << "unknown family";
    QTest::newRow("raw word too big")
        << QByteArray(R"({"format":"blupow-snapshot","version":1,"family":"controller",)"
                      R"("slave_id":1,"fields":[{"key":"k","register":1,"raw":[70000]}]})")
        << "out of range";
    QTest::newRow("newer version")
        << QByteArray(R"({"format":"blupow-snapshot","version":99,"family":"controller"})")
        << "newer";
}

void TestSnapshot::rejectsBadFiles() {
    QFETCH(QByteArray, json);
    QFETCH(QString, why);
    QString error;
    QVERIFY(!Snapshot::fromJson(json, &error));
    QVERIFY2(error.contains(why), qPrintable(error));
}

void TestSnapshot::diffRows_data() {
    QTest::addColumn<QList<Snapshot::Entry>>("a");
    QTest::addColumn<QList<Snapshot::Entry>>("b");
    QTest::addColumn<QStringList>("expected"); // "key:kind"

    const auto fv = entry("float_voltage", 0xE009, 136, "13.6 V", true);
    const auto fv2 = entry("float_voltage", 0xE009, 139, "13.9 V", true);
    const auto bt = entry("battery_type", 0xE004, 4, "lithium", true);
    const auto sn = entry("serial", 0x0018, 1, "1", false);
    QTest::newRow("identical") << QList{fv, bt} << QList{fv, bt} << QStringList{};
    QTest::newRow("one changed") << QList{bt, fv} << QList{bt, fv2}
                                 << QStringList{QStringLiteral("float_voltage:changed")};
    QTest::newRow("only in A") << QList{fv, sn} << QList{fv}
                               << QStringList{QStringLiteral("serial:only in A")};
    QTest::newRow("only in B, register order")
        << QList{fv} << QList{fv2, bt, sn}
        << QStringList{QStringLiteral("serial:only in B"), QStringLiteral("battery_type:only in B"),
                       QStringLiteral("float_voltage:changed")};
}

void TestSnapshot::diffRows() {
    QFETCH(QList<Snapshot::Entry>, a);
    QFETCH(QList<Snapshot::Entry>, b);
    QFETCH(QStringList, expected);
    Snapshot sa;
    sa.entries = a;
    Snapshot sb;
    sb.entries = b;
    QStringList got;
    for (const SnapshotDiffRow &r : SnapshotDiff::compare(sa, sb))
        got.append(r.key + QLatin1Char(':') + SnapshotDiff::kindName(r.kind));
    QCOMPARE(got, expected);
}

void TestSnapshot::incompatibleSnapshots() {
    Snapshot a;
    a.family = Family::Controller;
    Snapshot b;
    b.family = Family::Inverter;
    QVERIFY(SnapshotDiff::incompatibility(a, b));
    b.family = Family::Controller;
    QVERIFY(!SnapshotDiff::incompatibility(a, b));
}

void TestSnapshot::restoreWritesOnlyDifferences() {
    BLUPOW_REQUIRE_RIG(rig, "controller");
    auto saved = readSnapshot(rig.session.get());
    QVERIFY(saved);
    // Edit the backup: two writable settings and one read-only identity field.
    for (Snapshot::Entry &e : saved->entries) {
        if (e.key == QLatin1String("float_voltage"))
            e.raw = {139};
        else if (e.key == QLatin1String("boost_time"))
            e.raw = {150};
        else if (e.key == QLatin1String("serial_number"))
            e.raw = QList<quint16>(e.raw.size(), 0x1234);
    }
    const auto live = readSnapshot(rig.session.get());
    QVERIFY(live);
    const auto rows = SnapshotDiff::compare(*live, *saved);
    QCOMPARE(rows.size(), 3);

    // Every writable entry of the file is offered; only the differing ones may be written.
    QList<SettingTarget> targets;
    for (const Snapshot::Entry &e : saved->entries) {
        if (e.writable)
            targets.append(SettingTarget{e.key, -1, {}, e.raw});
    }
    QVERIFY(targets.size() > 10);
    SettingsWriter writer(rig.session.get());
    QSignalSpy preview(&writer, &SettingsWriter::previewReady);
    QSignalSpy finished(&writer, &SettingsWriter::finished);
    SettingsWriter::Options options;
    options.skipUnchanged = true;
    QString error;
    QVERIFY2(writer.prepare(targets, options, &error), qPrintable(error));
    QVERIFY(preview.wait(10000));
    QCOMPARE(writer.changes().size(), 2);
    QCOMPARE(rig.writeFrames, 0);
    writer.confirm();
    QVERIFY(finished.wait(10000));
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    QCOMPARE(rig.writeFrames, 2);
    QCOMPARE(rig.words(0xE009), QList<quint16>{139});
    QCOMPARE(rig.words(0xE012), QList<quint16>{150});

    const auto after = readSnapshot(rig.session.get());
    QVERIFY(after);
    const auto left = SnapshotDiff::compare(*after, *saved);
    QCOMPARE(left.size(), 1);
    QCOMPARE(left.first().key, QStringLiteral("serial_number"));
}

QTEST_GUILESS_MAIN(TestSnapshot)
#include "tst_snapshot.moc"
