// The system overview's numbers (docs/system.md) as a pure function: flows, the bank, and what
// stands out in it, from synthetic devices (_data rows) and from the simulated system, whose
// scenario is the truth.

#include "registers/registerdecoder.h"
#include "sim/devicesimulator.h"
#include "simtesthelpers.h"
#include "system/systemsummary.h"

#include <QTest>

using namespace blupow;
using namespace Qt::StringLiterals;

namespace {

struct Value {
    const char *key;
    double value;
    Quality quality = Quality::Good;
};

SystemDevice device(Family family, quint8 slave, std::initializer_list<Value> values) {
    SystemDevice d;
    d.identity.family = family;
    d.identity.slave = slave;
    d.identity.address = u"sim:system"_s;
    d.identity.sharedLink = true;
    for (const Value &v : values) {
        DecodedValue dv;
        dv.key = QString::fromLatin1(v.key);
        dv.value = v.value;
        dv.quality = v.quality;
        d.values.append(dv);
    }
    return d;
}

QString shown(const std::optional<double> &x) {
    return x ? QString::number(*x, 'f', 1) : u"-"_s;
}

// Every number of a summary on one line, so a row states all of them.
QString describe(const SystemSummary &s) {
    QStringList outliers;
    for (const BankBattery &b : s.batteries)
        if (!b.outlierKeys.isEmpty())
            outliers.append(QStringLiteral("0x%1:%2")
                                .arg(b.slave, 2, 16, QLatin1Char('0'))
                                .arg(b.outlierKeys.join(u',')));
    return QStringLiteral("pv=%1 charge=%2 dc=%3 soc=%4 v=%5 a=%6 w=%7 inv=%8 ac=%9 mains=%10 "
                          "batteries=%11 outliers=%12")
        .arg(shown(s.pvPower), shown(s.chargePower), shown(s.dcLoadPower), shown(s.bankSoc),
             shown(s.bankVoltage), shown(s.bankCurrent), shown(s.bankPower),
             shown(s.inverterChargePower), shown(s.acLoadPower))
        .arg(shown(s.mainsPower))
        .arg(s.batteries.size())
        .arg(outliers.isEmpty() ? u"none"_s : outliers.join(u' '));
}

SystemDevice pack(quint8 slave, double volts, double soc, double cellLow, double cellHigh,
                  double warmest, double remaining = 80, double full = 100) {
    return device(Family::Battery, slave,
                  {{"battery_voltage", volts},
                   {"current", -5},
                   {"battery_power", -5 * volts},
                   {"battery_soc", soc},
                   {"remaining_capacity", remaining},
                   {"total_capacity", full},
                   {"cycle_count", 40},
                   {"cell_1_voltage", cellLow},
                   {"cell_2_voltage", cellHigh},
                   {"cell_3_voltage", cellHigh, Quality::Invalid}, // beyond the pack's count
                   {"cell_temperature_1", warmest - 1},
                   {"cell_temperature_2", warmest}});
}

} // namespace

class TestSystemSummary : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void summary_data();
    void summary();
    void simulatedSystem();
    void deviceSummary_data();
    void deviceSummary();
};

// The device list's "Now" column: the first two of state of charge, voltage and power that were
// read this cycle; a stale value is never shown as current.
void TestSystemSummary::deviceSummary_data() {
    QTest::addColumn<SystemDevice>("device");
    QTest::addColumn<QString>("expected");
    QTest::newRow("battery") << pack(0x30, 13.31, 87, 3.3, 3.32, 20) << u"87 % · 13.3 V"_s;
    QTest::newRow("controller") << device(Family::Controller, 1,
                                          {{"pv_power", 412.4}, {"battery_voltage", 13.62}})
                                << u"13.6 V · PV 412 W"_s;
    QTest::newRow("stale soc left out")
        << device(Family::Controller, 1,
                  {{"battery_soc", 90, Quality::Stale}, {"battery_voltage", 12.9}, {"pv_power", 0}})
        << u"12.9 V · PV 0 W"_s;
    QTest::newRow("inverter load")
        << device(Family::Inverter, 1, {{"load_active_power", 230}}) << u"load 230 W"_s;
    QTest::newRow("nothing read") << device(Family::Battery, 0x30,
                                            {{"battery_soc", 50, Quality::Stale}})
                                  << QString();
}

void TestSystemSummary::deviceSummary() {
    QFETCH(SystemDevice, device);
    QFETCH(QString, expected);
    QCOMPARE(deviceSummaryText(device.values), expected);
}

void TestSystemSummary::summary_data() {
    QTest::addColumn<QList<SystemDevice>>("devices");
    QTest::addColumn<QString>("expected");
    const auto controller = device(Family::Controller, 0x10,
                                   {{"pv_power", 380},
                                    {"battery_voltage", 13.5},
                                    {"charging_current", 27},
                                    {"load_power", 60},
                                    {"battery_soc", 81}});
    const auto inverter = device(Family::Inverter, 0x20,
                                 {{"pv_power", 0},
                                  {"charging_power", 10},
                                  {"load_active_power", 395},
                                  {"ac_input_voltage", 124.9},
                                  {"ac_input_current", 3.3},
                                  {"battery_voltage", 13.4},
                                  {"battery_soc", 99}});
    QTest::newRow("nothing connected")
        << QList<SystemDevice>{}
        << "pv=- charge=- dc=- soc=- v=- a=- w=- inv=- ac=- mains=- batteries=0 outliers=none";
    // Without a smart battery the controller's view of the battery is the bank's.
    QTest::newRow("a controller alone")
        << QList<SystemDevice>{controller}
        << "pv=380.0 charge=364.5 dc=60.0 soc=81.0 v=13.5 a=- w=- inv=- ac=- mains=- "
           "batteries=0 outliers=none";
    QTest::newRow("an inverter alone: mains in as V x I")
        << QList<SystemDevice>{inverter}
        << "pv=0.0 charge=- dc=- soc=99.0 v=13.4 a=- w=- inv=10.0 ac=395.0 mains=412.2 "
           "batteries=0 outliers=none";
    // A value not read this cycle is nothing, never a zero.
    QTest::newRow("a stale PV reading is not zero")
        << QList<SystemDevice>{device(Family::Controller, 0x10,
                                      {{"pv_power", 380, Quality::Stale},
                                       {"battery_voltage", 13.5},
                                       {"charging_current", 27, Quality::Invalid}})}
        << "pv=- charge=- dc=- soc=- v=13.5 a=- w=- inv=- ac=- mains=- batteries=0 "
           "outliers=none";
    QTest::newRow("PV of the controller and the inverter adds up")
        << QList<SystemDevice>{controller, device(Family::Inverter, 0x20, {{"pv_power", 120}})}
        << "pv=500.0 charge=364.5 dc=60.0 soc=81.0 v=13.5 a=- w=- inv=- ac=- mains=- "
           "batteries=0 outliers=none";
    // 80 + 20 Ah of 100 + 78 Ah: 56.2 %, not the mean of 80 % and 25.6 % (52.8 %).
    QTest::newRow("bank SOC weighted by capacity")
        << QList<SystemDevice>{pack(0x30, 13.3, 80, 3.32, 3.34, 25),
                               pack(0x31, 13.1, 25.6, 3.30, 3.32, 25, 20, 78)}
        << "pv=- charge=- dc=- soc=56.2 v=13.2 a=-10.0 w=-132.0 inv=- ac=- mains=- "
           "batteries=2 outliers=0x30:soc 0x31:soc";
    QTest::newRow("balanced bank: nothing stands out")
        << QList<SystemDevice>{pack(0x30, 13.3, 80, 3.32, 3.34, 25),
                               pack(0x31, 13.3, 78, 3.31, 3.34, 26),
                               pack(0x32, 13.2, 79, 3.30, 3.33, 25)}
        << "pv=- charge=- dc=- soc=80.0 v=13.3 a=-15.0 w=-199.0 inv=- ac=- mains=- "
           "batteries=3 outliers=none";
    // Sorted by slave id whatever order they came in; the weak pack: low, wide, warm.
    QTest::newRow("the weak pack stands out")
        << QList<SystemDevice>{pack(0x33, 12.9, 53, 3.20, 3.40, 31, 41.5, 78),
                               pack(0x30, 13.3, 80, 3.32, 3.34, 25),
                               pack(0x31, 13.3, 81, 3.31, 3.34, 25),
                               pack(0x32, 13.3, 83, 3.30, 3.33, 26)}
        << "pv=- charge=- dc=- soc=74.5 v=13.2 a=-20.0 w=-264.0 inv=- ac=- mains=- "
           "batteries=4 outliers=0x33:soc,voltage,spread,temperature";
    // A cell spread needs no comparison; a median of one battery says nothing.
    QTest::newRow("one battery: only its own spread")
        << QList<SystemDevice>{pack(0x30, 13.3, 20, 3.10, 3.40, 45)}
        << "pv=- charge=- dc=- soc=80.0 v=13.3 a=-5.0 w=-66.5 inv=- ac=- mains=- "
           "batteries=1 outliers=0x30:spread";
}

void TestSystemSummary::summary() {
    QFETCH(QList<SystemDevice>, devices);
    QFETCH(QString, expected);
    QCOMPARE(describe(summarizeSystem(devices)), expected);
}

void TestSystemSummary::simulatedSystem() {
    // The simulated system's members as their register maps decode what they serve at the
    // start; the scenario holds the truth the numbers must come from.
    const auto system = scenarios::byName(u"system"_s);
    QVERIFY(system && system->isSystem());
    QList<SystemDevice> devices;
    double pv = 0;
    double remaining = 0;
    double full = 0;
    double acLoad = -1;
    for (const Scenario &member : system->members) {
        const RegisterMap *map = testing::builtInMaps().find(member.family, member.variant);
        QVERIFY(map);
        const DeviceSimulator sim(*map, member, 0);
        QList<RegisterBlock> blocks;
        for (const ReadBlock &b : map->readPlan(PollClass::Cycle)) {
            const auto words = sim.registers(b.start, b.count, 0);
            QVERIFY(words);
            blocks.append({b.start, *words, 1});
        }
        SystemDevice d;
        d.identity.family = member.family;
        d.identity.slave = member.slave;
        d.identity.model = member.model;
        d.identity.address = u"sim:system"_s;
        d.identity.sharedLink = true;
        d.values = RegisterDecoder::decodeCycle(*map, blocks);
        devices.append(d);
        const SimTime start = sim.simTime(0);
        pv += member.value(u"pv_power"_s, start).toDouble();
        if (member.family == Family::Battery) {
            remaining += member.value(u"remaining_capacity"_s, start).toDouble();
            full += member.value(u"total_capacity"_s, start).toDouble();
        }
        if (member.family == Family::Inverter)
            acLoad = member.value(u"load_active_power"_s, start).toDouble();
    }
    const SystemSummary s = summarizeSystem(devices);
    QCOMPARE(s.controllers, 1);
    QCOMPARE(s.inverters, 1);
    QVERIFY(s.pvPower);
    QCOMPARE(qRound(*s.pvPower), qRound(pv));
    QVERIFY(s.acLoadPower);
    QCOMPARE(qRound(*s.acLoadPower), qRound(acLoad));
    QVERIFY(s.bankSoc);
    QVERIFY2(qAbs(*s.bankSoc - 100 * remaining / full) < 0.01,
             qPrintable(QStringLiteral("%1 vs %2").arg(*s.bankSoc).arg(100 * remaining / full)));
    QCOMPARE(s.batteries.size(), 4);
    QStringList flagged;
    for (const BankBattery &b : s.batteries) {
        if (b.slave == 0x33) {
            // The scenario's weak pack: lower charge, cells 0.2 V apart, warmer.
            QVERIFY2(b.isOutlier(u"soc"_s), qPrintable(b.outliers.join(u"; ")));
            QVERIFY2(b.isOutlier(u"spread"_s), qPrintable(b.outliers.join(u"; ")));
            QVERIFY2(b.isOutlier(u"temperature"_s), qPrintable(b.outliers.join(u"; ")));
        } else {
            QVERIFY2(b.outlierKeys.isEmpty(), qPrintable(b.outliers.join(u"; ")));
        }
    }
}

QTEST_GUILESS_MAIN(TestSystemSummary)
#include "tst_systemsummary.moc"
