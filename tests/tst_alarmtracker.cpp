// Alarm conditions from the maps' fault and alarm words (docs/alarms.md): what the loader accepts,
// what one cycle's words raise, that unread words are unknown, and when the desktop is told.
#include "alarms/alarmevaluation.h"
#include "alarms/alarmnotificationpolicy.h"
#include "alarms/alarmtracker.h"
#include "models/alarmlistmodel.h"
#include "registers/registerdecoder.h"
#include "registers/registermap.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace blupow;

namespace {

const RegisterMaps &maps() {
    static const RegisterMaps m = RegisterMaps::builtIn();
    return m;
}

const RegisterMap &mapOf(Family family, const QString &variant = {}) {
    const RegisterMap *m = maps().find(family, variant);
    Q_ASSERT(m);
    return *m;
}

// The named word decoded from `raw`, Good, as one cycle would deliver it.
DecodedValue word(const RegisterMap &map, const QString &key, const QList<quint16> &raw,
                  Quality quality = Quality::Good) {
    const FieldDef *f = map.field(key);
    Q_ASSERT(f);
    DecodedValue v = RegisterDecoder::decodeField(*f, raw, 1000);
    v.quality = quality;
    return v;
}

QStringList activeKeys(const RegisterMap &map, const DecodedValues &values) {
    QStringList out;
    for (const auto &w : AlarmEvaluation::evaluate(map.fields(), values)) {
        for (int i : w.active)
            out.append(w.field->key + QLatin1Char('.') + w.field->alarms.at(i).key);
    }
    out.sort();
    return out;
}

QByteArray miniMap(const char *fields) {
    return QByteArray(R"({"family": "controller", "variant": "default", "fields": [)") + fields +
           "]}";
}

} // namespace

class TestAlarmTracker : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyFamilyHasConditions_data();
    void everyFamilyHasConditions();
    void conditionsFromWords_data();
    void conditionsFromWords();
    void loaderRefuses_data();
    void loaderRefuses();
    void raiseAndClear();
    void unreadWordIsUnknown_data();
    void unreadWordIsUnknown();
    void forgetDevice();
    void listModel();
    void notificationPolicy();
};

void TestAlarmTracker::everyFamilyHasConditions_data() {
    QTest::addColumn<int>("family");
    QTest::addColumn<QString>("variant");
    QTest::addColumn<bool>("expected");
    QTest::newRow("controller") << int(Family::Controller) << QString() << true;
    QTest::newRow("dcc") << int(Family::DcDcCharger) << QString() << true;
    QTest::newRow("inverter") << int(Family::Inverter) << QString() << true;
    QTest::newRow("battery legacy") << int(Family::Battery) << QStringLiteral("legacy") << true;
    QTest::newRow("battery pro") << int(Family::Battery) << QStringLiteral("pro") << true;
    // RNGPRO packs put other data at 5100-5105 (docs/protocol.md F.38): only 5106-5108 remain.
    QTest::newRow("battery rngpro") << int(Family::Battery) << QStringLiteral("rngpro") << true;
    QTest::newRow("shunt (no alarm words)") << int(Family::Shunt) << QString() << false;
}

void TestAlarmTracker::everyFamilyHasConditions() {
    QFETCH(int, family);
    QFETCH(QString, variant);
    QFETCH(bool, expected);
    const RegisterMap &map = mapOf(Family(family), variant);
    QCOMPARE(AlarmEvaluation::hasAlarms(map.fields()), expected);
    for (const FieldDef &f : map.fields()) {
        for (const AlarmCondition &a : f.alarms) {
            QVERIFY2(!a.label.isEmpty() && !a.meaning.isEmpty(), qPrintable(f.key + a.key));
            QVERIFY2(!a.source.isEmpty(), qPrintable(f.key + QLatin1Char('.') + a.key));
        }
    }
    if (Family(family) == Family::Battery && variant == QLatin1String("rngpro"))
        QVERIFY(!map.field(u"cell_voltage_alarms"));
}

void TestAlarmTracker::conditionsFromWords_data() {
    QTest::addColumn<int>("family");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QList<quint16>>("raw");
    QTest::addColumn<QStringList>("expected");
    // 0x0121 is the high word of the controller's u32: 0x0002 there is B17.
    QTest::newRow("controller B17")
        << int(Family::Controller) << QStringLiteral("faults") << QList<quint16>{0x0002, 0x0000}
        << QStringList{QStringLiteral("faults.battery_over_voltage")};
    QTest::newRow("controller low word ignored")
        << int(Family::Controller) << QStringLiteral("faults") << QList<quint16>{0x0000, 0xFFFF}
        << QStringList{};
    QTest::newRow("controller B16+B31")
        << int(Family::Controller) << QStringLiteral("faults") << QList<quint16>{0x8001, 0x0000}
        << QStringList{QStringLiteral("faults.battery_over_discharge"),
                       QStringLiteral("faults.fan_alarm")};
    // 0x0122 bit 8 is disputed (docs/protocol.md E.50): both readings, each labelled.
    QTest::newRow("dcc bit 8 both readings")
        << int(Family::DcDcCharger) << QStringLiteral("faults_b") << QList<quint16>{0x0100}
        << QStringList{QStringLiteral("faults_b.bit_8_alternator_over_voltage"),
                       QStringLiteral("faults_b.bit_8_unnamed")};
    QTest::newRow("inverter fault code 9")
        << int(Family::Inverter) << QStringLiteral("active_fault_1") << QList<quint16>{9}
        << QStringList{QStringLiteral("active_fault_1.pv_over_voltage")};
    QTest::newRow("inverter no fault") << int(Family::Inverter) << QStringLiteral("active_fault_2")
                                       << QList<quint16>{0} << QStringList{};
    QTest::newRow("inverter status bits")
        << int(Family::Inverter) << QStringLiteral("device_status")
        << QList<quint16>{0x0000, 0x0140} // bit 6 overload, bit 8 beeper on (no alarm)
        << QStringList{QStringLiteral("device_status.overload")};
    // 5100-5101 = 0x00000001: the vendor's code 01 for cell 1, renogy-rs's bit 0 = cell 1 under.
    QTest::newRow("battery 5100 both readings")
        << int(Family::Battery) << QStringLiteral("cell_voltage_alarms")
        << QList<quint16>{0x0000, 0x0001}
        << QStringList{QStringLiteral("cell_voltage_alarms.cell_1_below_limit"),
                       QStringLiteral("cell_voltage_alarms.rs_cell_1_under")};
    // 0x00000002: vendor "cell 1 above" (code 10), renogy-rs "cell 2 under" (bit 1).
    QTest::newRow("battery 5100 readings differ")
        << int(Family::Battery) << QStringLiteral("cell_voltage_alarms")
        << QList<quint16>{0x0000, 0x0002}
        << QStringList{QStringLiteral("cell_voltage_alarms.cell_1_above_limit"),
                       QStringLiteral("cell_voltage_alarms.rs_cell_2_under")};
    // 0x80000000: vendor code 10 for cell 16, renogy-rs bit 31 = cell 16 over.
    QTest::newRow("battery 5100 cell 16")
        << int(Family::Battery) << QStringLiteral("cell_voltage_alarms")
        << QList<quint16>{0x8000, 0x0000}
        << QStringList{QStringLiteral("cell_voltage_alarms.cell_16_above_limit"),
                       QStringLiteral("cell_voltage_alarms.rs_cell_16_over")};
    QTest::newRow("battery 5104 charge current high")
        << int(Family::Battery) << QStringLiteral("other_alarms")
        << QList<quint16>{0x0020, 0x0000} // bits 21-20 = 10
        << QStringList{QStringLiteral("other_alarms.charge_current_above_limit")};
    QTest::newRow("battery status 1: MOSFETs are no alarm")
        << int(Family::Battery) << QStringLiteral("status_1") << QList<quint16>{0x000E}
        << QStringList{};
    QTest::newRow("battery status 1 short circuit")
        << int(Family::Battery) << QStringLiteral("status_1") << QList<quint16>{0x0007}
        << QStringList{QStringLiteral("status_1.short_circuit")};
    QTest::newRow("battery cell 3 error")
        << int(Family::Battery) << QStringLiteral("status_3") << QList<quint16>{0x0004}
        << QStringList{QStringLiteral("status_3.cell_3_voltage_error")};
}

void TestAlarmTracker::conditionsFromWords() {
    QFETCH(int, family);
    QFETCH(QString, key);
    QFETCH(QList<quint16>, raw);
    QFETCH(QStringList, expected);
    const RegisterMap &map = mapOf(Family(family));
    QCOMPARE(activeKeys(map, {word(map, key, raw)}), expected);
}

void TestAlarmTracker::loaderRefuses_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::newRow("bit outside the word")
        << miniMap(R"({"key": "w", "label": "W", "register": 1, "type": "u16", "group": "faults",
           "alarms": [{"key": "a", "label": "A", "bit": 15, "width": 2, "severity": "fault",
           "meaning": "m"}]})")
        << QStringLiteral("t.json: field 'w': alarm 'a' reads bits 15-16 of a 16-bit value");
    QTest::newRow("repeat runs past the word")
        << miniMap(R"({"key": "w", "label": "W", "register": 1, "type": "u16", "group": "faults",
           "alarms": [{"key": "c_{n}", "label": "C {n}", "bit": 0, "width": 2, "severity": "fault",
           "meaning": "m", "repeat": {"count": 9}}]})")
        << QStringLiteral("t.json: field 'w': alarm 'c_9' reads bits 16-17 of a 16-bit value");
    QTest::newRow("same key twice")
        << miniMap(R"({"key": "w", "label": "W", "register": 1, "type": "bits", "group": "faults",
           "bits": {"0": "x", "1": "y"}, "alarms": [
           {"key": "a", "bit": 0, "severity": "fault", "meaning": "m"},
           {"key": "a", "bit": 1, "severity": "fault", "meaning": "m"}]})")
        << QStringLiteral("t.json: field 'w': alarm 'a' twice");
    QTest::newRow("no label for an unnamed bit")
        << miniMap(R"({"key": "w", "label": "W", "register": 1, "type": "bits", "group": "faults",
           "bits": {"0": "x"}, "alarms": [{"key": "a", "bit": 3, "severity": "fault",
           "meaning": "m"}]})")
        << QStringLiteral("t.json: field 'w': alarm 'a' needs a label");
    QTest::newRow("value wider than the bits")
        << miniMap(R"({"key": "w", "label": "W", "register": 1, "type": "u16", "group": "faults",
           "alarms": [{"key": "a", "label": "A", "bit": 0, "value": 2, "severity": "fault",
           "meaning": "m"}]})")
        << QStringLiteral("t.json: field 'w': alarm 'a': value 2 does not fit 1 bits");
    QTest::newRow("alarm_codes on a number")
        << miniMap(R"({"key": "w", "label": "W", "register": 1, "type": "u16", "group": "faults",
           "alarm_codes": {"severity": "fault", "meaning": "m"}})")
        << QStringLiteral("t.json: field 'w': alarm_codes on a field without an enum table");
}

void TestAlarmTracker::loaderRefuses() {
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QString got;
    QVERIFY(!RegisterMap::fromJson(json, QStringLiteral("t.json"), &got));
    QCOMPARE(got, error);
}

void TestAlarmTracker::raiseAndClear() {
    const RegisterMap &map = mapOf(Family::Controller);
    AlarmTracker tracker;
    QSignalSpy raised(&tracker, &AlarmTracker::raised);
    QSignalSpy cleared(&tracker, &AlarmTracker::cleared);
    QSignalSpy changed(&tracker, &AlarmTracker::changed);
    const QDateTime t0 = QDateTime::fromSecsSinceEpoch(1760000000, Qt::UTC);
    const QString dev = QStringLiteral("AA:BB:CC:DD:EE:01");

    tracker.update(dev, QStringLiteral("BT-TH-1"), map.fields(),
                   {word(map, QStringLiteral("faults"), {0x0000, 0x0000})}, t0);
    QCOMPARE(raised.size(), 0);
    QCOMPARE(changed.size(), 0);

    tracker.update(dev, QStringLiteral("BT-TH-1"), map.fields(),
                   {word(map, QStringLiteral("faults"), {0x0002, 0x0000})}, t0.addSecs(5));
    QCOMPARE(raised.size(), 1);
    QCOMPARE(changed.size(), 1);
    const Alarm a = raised.at(0).at(0).value<Alarm>();
    QCOMPARE(a.condition.key, QStringLiteral("battery_over_voltage"));
    QCOMPARE(a.since, t0.addSecs(5));
    QVERIFY(a.isActive());
    QCOMPARE(tracker.active().size(), 1);

    // Still set: nothing new, the since-time stays.
    tracker.update(dev, QStringLiteral("BT-TH-1"), map.fields(),
                   {word(map, QStringLiteral("faults"), {0x0002, 0x0000})}, t0.addSecs(10));
    QCOMPARE(raised.size(), 1);
    QCOMPARE(tracker.active().constFirst().since, t0.addSecs(5));

    tracker.update(dev, QStringLiteral("BT-TH-1"), map.fields(),
                   {word(map, QStringLiteral("faults"), {0x0000, 0x0000})}, t0.addSecs(15));
    QCOMPARE(cleared.size(), 1);
    const Alarm c = cleared.at(0).at(0).value<Alarm>();
    QCOMPARE(c.since, t0.addSecs(5));
    QCOMPARE(c.cleared, t0.addSecs(15));
    QVERIFY(tracker.active().isEmpty());
    QCOMPARE(tracker.recent().size(), 1);
    QVERIFY(!tracker.recent().constFirst().isActive());
}

void TestAlarmTracker::unreadWordIsUnknown_data() {
    QTest::addColumn<int>("quality");
    QTest::newRow("stale") << int(Quality::Stale);
    QTest::newRow("invalid") << int(Quality::Invalid);
}

void TestAlarmTracker::unreadWordIsUnknown() {
    QFETCH(int, quality);
    const RegisterMap &map = mapOf(Family::Controller);
    AlarmTracker tracker;
    QSignalSpy raised(&tracker, &AlarmTracker::raised);
    QSignalSpy cleared(&tracker, &AlarmTracker::cleared);
    const QDateTime t0 = QDateTime::currentDateTimeUtc();
    const QString dev = QStringLiteral("dev");
    // A stale word holding a fault bit raises nothing...
    tracker.update(dev, dev, map.fields(),
                   {word(map, QStringLiteral("faults"), {0x0002, 0}, Quality(quality))}, t0);
    QCOMPARE(raised.size(), 0);
    QCOMPARE(AlarmEvaluation::evaluate(map.fields(), {}).constFirst().known, false);
    // ...and a stale clear word does not clear an active condition.
    tracker.update(dev, dev, map.fields(), {word(map, QStringLiteral("faults"), {0x0002, 0})}, t0);
    QCOMPARE(raised.size(), 1);
    tracker.update(dev, dev, map.fields(),
                   {word(map, QStringLiteral("faults"), {0, 0}, Quality(quality))}, t0);
    tracker.update(dev, dev, map.fields(), {}, t0); // the word missing from the cycle
    QCOMPARE(cleared.size(), 0);
    QCOMPARE(tracker.active().size(), 1);
}

void TestAlarmTracker::forgetDevice() {
    const RegisterMap &map = mapOf(Family::Controller);
    AlarmTracker tracker;
    QSignalSpy cleared(&tracker, &AlarmTracker::cleared);
    QSignalSpy changed(&tracker, &AlarmTracker::changed);
    const QDateTime t0 = QDateTime::currentDateTimeUtc();
    tracker.update(QStringLiteral("a"), {}, map.fields(),
                   {word(map, QStringLiteral("faults"), {0x0003, 0})}, t0);
    tracker.update(QStringLiteral("b"), {}, map.fields(),
                   {word(map, QStringLiteral("faults"), {0x0001, 0})}, t0);
    QCOMPARE(tracker.active().size(), 3);
    tracker.forgetDevice(QStringLiteral("a"));
    QCOMPARE(tracker.active().size(), 1);
    QCOMPARE(tracker.active().constFirst().deviceId, QStringLiteral("b"));
    QCOMPARE(cleared.size(), 0); // unknown now, not cleared
    QCOMPARE(changed.size(), 3);
}

void TestAlarmTracker::listModel() {
    const RegisterMap &map = mapOf(Family::DcDcCharger);
    AlarmTracker tracker;
    AlarmListModel model(&tracker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    const QDateTime t0 = QDateTime::currentDateTimeUtc();
    tracker.update(QStringLiteral("sim:dcc"), QStringLiteral("DCC50S"), map.fields(),
                   {word(map, QStringLiteral("faults_b"), {0x0102})}, t0);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.activeCount(), 3);
    QStringList titles;
    for (int r = 0; r < model.rowCount(); ++r)
        titles.append(model.index(r, AlarmListModel::Condition).data().toString());
    titles.sort();
    QCOMPARE(
        titles,
        (QStringList{QStringLiteral("Alternator input over-voltage (as renogy-ble names the words) "
                                    "(renogy-ble word names [ns:h])"),
                     QStringLiteral("Bit 8 set (no meaning in the vendor sheet) (vendor sheet "
                                    "[dcc:xlsx])"),
                     QStringLiteral("aux battery over-voltage")}));
    tracker.update(QStringLiteral("sim:dcc"), QStringLiteral("DCC50S"), map.fields(),
                   {word(map, QStringLiteral("faults_b"), {0x0100})}, t0.addSecs(60));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.activeCount(), 2);
    const int last = model.rowCount() - 1; // cleared rows come after the active ones
    QCOMPARE(model.index(last, AlarmListModel::Device).data().toString(), QStringLiteral("DCC50S"));
    QVERIFY(!model.index(last, 0).data(AlarmListModel::ActiveRole).toBool());
    QVERIFY(model.index(last, AlarmListModel::Cleared).data().toString() !=
            QLatin1String("active"));
    QCOMPARE(model.index(0, AlarmListModel::Cleared).data().toString(), QStringLiteral("active"));
    QVERIFY(model.index(0, 0)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("Faults (0x0122) (register 290)")));
}

void TestAlarmTracker::notificationPolicy() {
    const RegisterMap &map = mapOf(Family::Controller);
    AlarmTracker tracker;
    QSignalSpy raised(&tracker, &AlarmTracker::raised);
    const QDateTime t0 = QDateTime::currentDateTimeUtc();
    tracker.update(QStringLiteral("a"), QStringLiteral("Rover"), map.fields(),
                   {word(map, QStringLiteral("faults"), {0x0006, 0})}, t0);
    Alarms batch;
    for (const auto &args : raised)
        batch.append(args.at(0).value<Alarm>());
    QCOMPARE(batch.size(), 2);

    AlarmNotificationPolicy policy;
    QVERIFY(!policy.onRaised(batch, false, t0)); // no tray (offscreen): nothing
    const auto m = policy.onRaised(batch, true, t0);
    QVERIFY(m);
    QVERIFY(m->fault);
    QVERIFY(m->title.contains(QStringLiteral("Rover")));
    QVERIFY2(m->body.contains(QStringLiteral("(and 1 more)")), qPrintable(m->body));
    // The same conditions back within the quiet time: not announced again; after it, they are.
    QVERIFY(!policy.onRaised(batch, true, t0.addSecs(AlarmNotificationPolicy::kQuietSeconds - 1)));
    QVERIFY(policy.onRaised(batch, true, t0.addSecs(2 * AlarmNotificationPolicy::kQuietSeconds)));
    QVERIFY(!policy.onRaised({}, true, t0));
}

QTEST_GUILESS_MAIN(TestAlarmTracker)
#include "tst_alarmtracker.moc"
