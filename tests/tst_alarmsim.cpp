// Alarms end to end (docs/alarms.md): a session against the simulator, whose alarm registers are
// raised and dropped, feeding the tracker; raise and clear arrive with since-when, and a lost
// link leaves them unknown rather than cleared.
#include "alarms/alarmtracker.h"
#include "device/devicesession.h"
#include "simtesthelpers.h"

#include <QSignalSpy>
#include <QTest>

using namespace blupow;
using namespace Qt::StringLiterals;

namespace {

DeviceSession::Options fastOptions() {
    DeviceSession::Options o;
    o.pollIntervalMs = 50;
    o.requestTimeoutMs = testing::kNeverRacedTimeoutMs;
    o.probeTimeoutMs = testing::kNeverRacedTimeoutMs;
    o.backoffInitialMs = 50;
    return o;
}

bool has(const QSignalSpy &spy, const QString &field, const QString &condition) {
    return std::any_of(spy.cbegin(), spy.cend(), [&](const QList<QVariant> &args) {
        const Alarm a = args.at(0).value<Alarm>();
        return a.field == field && a.condition.key == condition;
    });
}

} // namespace

class TestAlarmSim : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void forcedAlarmRaisesAndClears_data();
    void forcedAlarmRaisesAndClears();
    void scenarioWindowShowsBothReadings();
    void unknownConditionIsRefused();
};

void TestAlarmSim::forcedAlarmRaisesAndClears_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("condition");
    QTest::newRow("controller") << u"controller"_s << u"faults"_s << u"battery_over_voltage"_s;
    QTest::newRow("dcc") << u"dcc"_s << u"faults_b"_s << u"aux_over_voltage"_s;
    QTest::newRow("inverter fault code")
        << u"inverter"_s << u"active_fault_1"_s << u"pv_over_voltage"_s;
    QTest::newRow("inverter-riv4835 fault state")
        << u"inverter-riv4835"_s << u"fault_state"_s << u"fault"_s;
    QTest::newRow("battery") << u"battery"_s << u"status_1"_s << u"short_circuit"_s;
}

void TestAlarmSim::forcedAlarmRaisesAndClears() {
    QFETCH(QString, model);
    QFETCH(QString, field);
    QFETCH(QString, condition);
    BLUPOW_REQUIRE_SIM(sim, model);
    SimulatedTransport transport(std::move(sim));
    transport.setLatency(SimulatedTransport::Latency::fast());
    DeviceSession session(&transport, testing::builtInMaps(), fastOptions());
    AlarmTracker tracker;
    tracker.watch(&session);
    QSignalSpy values(&session, &DeviceSession::valuesUpdated);
    QSignalSpy raised(&tracker, &AlarmTracker::raised);
    QSignalSpy cleared(&tracker, &AlarmTracker::cleared);
    session.start();
    QTRY_VERIFY_WITH_TIMEOUT(values.size() >= 2, 30000);
    QCOMPARE(raised.size(), 0); // the scenarios run without faults

    QString error;
    QVERIFY2(transport.simulator().setAlarm(field, condition, true, &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(has(raised, field, condition), 30000);
    const Alarm a = raised.constLast().at(0).value<Alarm>();
    QVERIFY(a.since.isValid());
    // The device's stable id: the one its history and its MQTT topics use.
    QVERIFY(session.identity());
    QCOMPARE(a.deviceId, session.identity()->deviceId());
    QCOMPARE(a.deviceName, session.identity()->title());
    QVERIFY(tracker.active().size() >= 1);

    QVERIFY(transport.simulator().setAlarm(field, condition, false));
    QTRY_VERIFY_WITH_TIMEOUT(has(cleared, field, condition), 30000);
    QVERIFY(cleared.constLast().at(0).value<Alarm>().cleared >= a.since);
    QVERIFY(tracker.active().isEmpty());
    session.stop();
}

void TestAlarmSim::scenarioWindowShowsBothReadings() {
    BLUPOW_REQUIRE_SIM(sim, "battery-alarms");
    // 120 simulated seconds per cycle of the scenario's alarm windows pass in about 6 s.
    sim.setTimeAcceleration(20);
    SimulatedTransport transport(std::move(sim));
    transport.setLatency(SimulatedTransport::Latency::fast());
    DeviceSession session(&transport, testing::builtInMaps(), fastOptions());
    AlarmTracker tracker;
    tracker.watch(&session);
    QSignalSpy raised(&tracker, &AlarmTracker::raised);
    QSignalSpy cleared(&tracker, &AlarmTracker::cleared);
    session.start();
    // 5100 = 0x00000008: the vendor's "cell 2 above" and renogy-rs's "cell 4 under", both shown.
    QTRY_VERIFY_WITH_TIMEOUT(has(raised, u"cell_voltage_alarms"_s, u"cell_2_above_limit"_s) &&
                                 has(raised, u"cell_voltage_alarms"_s, u"rs_cell_4_under"_s) &&
                                 has(raised, u"status_1"_s, u"cell_over_voltage"_s) &&
                                 has(raised, u"status_2"_s, u"cell_high_voltage"_s),
                             60000);
    QTRY_VERIFY_WITH_TIMEOUT(has(cleared, u"status_1"_s, u"cell_over_voltage"_s) &&
                                 has(cleared, u"status_2"_s, u"cell_high_voltage"_s),
                             60000);
    session.stop();
}

void TestAlarmSim::unknownConditionIsRefused() {
    BLUPOW_REQUIRE_SIM(sim, "controller");
    QString error;
    QVERIFY(!sim.setAlarm(QStringLiteral("faults"), QStringLiteral("no_such"), true, &error));
    QCOMPARE(error, QStringLiteral("controller.json has no alarm condition faults.no_such"));
}

QTEST_GUILESS_MAIN(TestAlarmSim)
#include "tst_alarmsim.moc"
