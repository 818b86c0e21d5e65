#include "modbus/crc16.h"
#include "modbus/modbusframe.h"
#include "registers/registerdecoder.h"
#include "sim/scenarios.h"
#include "sim/simexpression.h"
#include "sim/simulateddevices.h"
#include "simtesthelpers.h"

#include <QSet>
#include <QTest>

using namespace blupow;

namespace {

constexpr qint64 kStart = 1'700'000'000'000;

// Sends one request frame and parses the reply against it.
std::optional<modbus::Response> ask(DeviceSimulator &sim, const modbus::Request &request,
                                    qint64 atMs = kStart) {
    const auto reply = sim.handleRequest(modbus::buildRequest(request), atMs);
    if (!reply)
        return std::nullopt;
    return modbus::parseResponse(*reply, request);
}

// One row per simulated model, named after it.
void addModelRows() {
    QTest::addColumn<QString>("model");
    for (const QString &m : testing::deviceModels())
        QTest::newRow(qPrintable(m)) << m;
}

} // namespace

class TestDeviceSimulator : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cookedValuesRoundTrip_data();
    void cookedValuesRoundTrip();
    void everyPlannedBlockAnswers_data();
    void everyPlannedBlockAnswers();
    void exceptionsAndSilence_data();
    void exceptionsAndSilence();
    void broadcastReplyAddress_data();
    void broadcastReplyAddress();
    void writes_data();
    void writes();
    void writeMultipleChangesLaterReads();
    void badCrcGetsException5();
    void energyCountersIncrease_data();
    void energyCountersIncrease();
    void countersNeverFall_data();
    void countersNeverFall();
    void journalRecordsServedWords();
    void simulatedDevicesAreDistinct();
    void scenarioKeysAreMapFields_data();
    void scenarioKeysAreMapFields();
    void formulas_data();
    void formulas();
    void brokenScenariosRejected_data();
    void brokenScenariosRejected();
};

void TestDeviceSimulator::cookedValuesRoundTrip_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QVariant>("expected"); // at the start of the demo
    QTest::newRow("inverter battery 14.4 V") << "inverter"
                                             << "battery_voltage" << QVariant(14.4);
    QTest::newRow("inverter soc 100 %") << "inverter"
                                        << "battery_soc" << QVariant(100.0);
    QTest::newRow("inverter input 124.9 V") << "inverter"
                                            << "ac_input_voltage" << QVariant(124.9);
    QTest::newRow("inverter model") << "inverter"
                                    << "model" << QVariant(QStringLiteral("RIV1230RCH-SPS"));
    QTest::newRow("inverter 32.6 degC") << "inverter"
                                        << "inverter_temperature" << QVariant(32.6);
    QTest::newRow("controller model") << "controller"
                                      << "model" << QVariant(QStringLiteral("RNG-CTRL-RVR40"));
    QTest::newRow("controller charging state")
        << "controller"
        << "charging_state" << QVariant(QStringLiteral("mppt"));
    QTest::newRow("controller load on") << "controller"
                                        << "load_state" << QVariant(QStringLiteral("on"));
    QTest::newRow("controller battery temp") << "controller"
                                             << "battery_temperature" << QVariant(22.0);
    QTest::newRow("battery model") << "battery"
                                   << "model" << QVariant(QStringLiteral("RBT100LFP12S-G1"));
    QTest::newRow("dcc model") << "dcc"
                               << "model" << QVariant(QStringLiteral("RBC50D1S-G1"));
}

void TestDeviceSimulator::cookedValuesRoundTrip() {
    QFETCH(QString, model);
    QFETCH(QString, key);
    QFETCH(QVariant, expected);
    BLUPOW_REQUIRE_SIM_AT(sim, model, kStart);
    const FieldDef *field = sim.map().field(key);
    if (!field)
        QSKIP("the map has no such key");
    const auto words =
        sim.registers(static_cast<quint16>(field->reg), static_cast<quint16>(field->words), kStart);
    QVERIFY(words);
    const DecodedValue v = RegisterDecoder::decodeField(*field, *words, kStart);
    if (expected.typeId() == QMetaType::Double)
        QCOMPARE(v.value.toDouble(), expected.toDouble());
    else
        QCOMPARE(v.value.toString(), expected.toString());
}

void TestDeviceSimulator::everyPlannedBlockAnswers_data() {
    addModelRows();
}

void TestDeviceSimulator::everyPlannedBlockAnswers() {
    // The session polls exactly these blocks: none may be silent or raise an exception, and every
    // decoded cycle value must be Good or deliberately Invalid (never garbage from the CRC).
    QFETCH(QString, model);
    BLUPOW_REQUIRE_SIM_AT(sim, model, kStart);
    QList<RegisterBlock> blocks;
    for (const PollClass poll : {PollClass::Once, PollClass::Cycle, PollClass::Demand}) {
        for (const ReadBlock &b : sim.map().readPlan(poll)) {
            if (sim.scenario().isSilent(b.start, b.count))
                continue; // the G6 quirk: tested below
            const auto r = ask(sim, modbus::Request::read(sim.slave(), b.start, b.count));
            QVERIFY2(r, qPrintable(QStringLiteral("silent for %1 x%2").arg(b.start).arg(b.count)));
            QVERIFY2(r->ok(), qPrintable(modbus::describe(*r)));
            blocks.append(RegisterBlock{b.start, r->words, kStart});
        }
    }
    const DecodedValues values = RegisterDecoder::decodeCycle(sim.map(), blocks);
    QVERIFY(!values.isEmpty());
    for (const DecodedValue &v : values)
        QVERIFY2(v.quality != Quality::Stale, qPrintable(v.key));
}

void TestDeviceSimulator::exceptionsAndSilence_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("slave"); // -1 = the device's own
    QTest::addColumn<int>("start");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("exception"); // 0 = normal reply, -1 = silence

    QTest::newRow("unmapped register -> 02") << "controller" << -1 << 0x9000 << 1 << 2;
    QTest::newRow("range running into unmapped -> 02") << "controller" << -1 << 0x0120 << 40 << 2;
    QTest::newRow("count 0 -> 03") << "controller" << -1 << 0x0100 << 0 << 3;
    QTest::newRow("count 126 -> 03") << "controller" << -1 << 0x0100 << 126 << 3;
    QTest::newRow("other slave -> silence") << "controller" << 0x42 << 0x0100 << 1 << -1;
    QTest::newRow("inverter 4000 x10 answers") << "inverter" << -1 << 4000 << 10 << 0;
    QTest::newRow("inverter 4000 x32 -> silence") << "inverter" << -1 << 4000 << 32 << -1;
    QTest::newRow("inverter 4030 x1 -> silence") << "inverter" << -1 << 4030 << 1 << -1;
    QTest::newRow("g6 0x0120 x3 -> silence") << "dcc-g6" << -1 << 0x0120 << 3 << -1;
    QTest::newRow("g6 0x0100 x34 answers") << "dcc-g6" << -1 << 0x0100 << 34 << 0;
    QTest::newRow("g1 0x0120 x3 answers") << "dcc" << -1 << 0x0120 << 3 << 0;
}

void TestDeviceSimulator::exceptionsAndSilence() {
    QFETCH(QString, model);
    QFETCH(int, slave);
    QFETCH(int, start);
    QFETCH(int, count);
    QFETCH(int, exception);
    BLUPOW_REQUIRE_SIM_AT(sim, model, kStart);
    const auto request =
        modbus::Request::read(slave < 0 ? sim.slave() : static_cast<quint8>(slave),
                              static_cast<quint16>(start), static_cast<quint16>(count));
    const auto r = ask(sim, request);
    if (exception < 0) {
        QVERIFY(!r);
        return;
    }
    QVERIFY(r);
    if (exception == 0) {
        QVERIFY2(r->ok(), qPrintable(modbus::describe(*r)));
        QCOMPARE(r->words.size(), count);
    } else {
        QCOMPARE(r->error, modbus::ResponseError::Exception);
        QCOMPARE(int(r->exceptionCode), exception);
    }
}

void TestDeviceSimulator::broadcastReplyAddress_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("start");
    QTest::addColumn<int>("replyAddress");
    // [bp:next]: the REGO echoed 0xFF; [gb:cap]: a legacy battery answered with its own 0x30.
    QTest::newRow("inverter echoes 0xFF") << "inverter" << 4109 << 0xFF;
    QTest::newRow("controller answers as 0x01") << "controller" << 0x000C << 0x01;
    QTest::newRow("battery answers as 0x30") << "battery" << 5042 << 0x30;
}

void TestDeviceSimulator::broadcastReplyAddress() {
    QFETCH(QString, model);
    QFETCH(int, start);
    QFETCH(int, replyAddress);
    BLUPOW_REQUIRE_SIM_AT(sim, model, kStart);
    const auto r = ask(sim, modbus::Request::read(0xFF, static_cast<quint16>(start), 1));
    QVERIFY(r);
    QVERIFY(r->ok());
    QCOMPARE(int(r->slave), replyAddress);
}

void TestDeviceSimulator::writes_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<int>("exception"); // 0 = accepted
    QTest::newRow("inverter float voltage 13.8") << "inverter"
                                                 << "float_voltage" << QVariant(13.8) << 0;
    QTest::newRow("controller boost 14.2") << "controller"
                                           << "boost_voltage" << QVariant(14.2) << 0;
    QTest::newRow("read-only battery voltage") << "controller"
                                               << "battery_voltage" << QVariant(13.0) << 2;
    QTest::newRow("read-only inverter model reg") << "inverter"
                                                  << "device_id" << QVariant(5) << 2;
}

void TestDeviceSimulator::writes() {
    QFETCH(QString, model);
    QFETCH(QString, key);
    QFETCH(QVariant, value);
    QFETCH(int, exception);
    BLUPOW_REQUIRE_SIM_AT(sim, model, kStart);
    const FieldDef *field = sim.map().field(key);
    QVERIFY(field);
    FieldDef unrestricted = *field;
    unrestricted.min.reset();
    unrestricted.max.reset();
    const auto words = RegisterDecoder::encodeField(unrestricted, value);
    QVERIFY(words);
    const auto before = sim.registers(static_cast<quint16>(field->reg), 1, kStart);
    const auto r = ask(sim, modbus::Request::writeSingle(
                                sim.slave(), static_cast<quint16>(field->reg), words->first()));
    QVERIFY(r);
    const auto after = sim.registers(static_cast<quint16>(field->reg), 1, kStart + 10);
    if (exception) {
        QCOMPARE(int(r->exceptionCode), exception);
        QCOMPARE(after, before);
        return;
    }
    QVERIFY2(r->ok(), qPrintable(modbus::describe(*r)));
    QCOMPARE(after->first(), words->first());
    const DecodedValue v = RegisterDecoder::decodeField(*field, *after);
    QCOMPARE(v.value.toDouble(), value.toDouble());
}

void TestDeviceSimulator::writeMultipleChangesLaterReads() {
    BLUPOW_REQUIRE_SIM_AT(sim, "controller", kStart);
    const FieldDef *boost = sim.map().field(QStringLiteral("boost_voltage"));
    QVERIFY(boost);
    const QList<quint16> values{142, 136}; // boost 14.2 V, float 13.6 V (0xE008-0xE009)
    const auto r = ask(
        sim, modbus::Request::writeMultiple(sim.slave(), static_cast<quint16>(boost->reg), values));
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(modbus::describe(*r)));
    QCOMPARE(*sim.registers(static_cast<quint16>(boost->reg), 2, kStart), values);
    // Out of range (7-17 V): refused, nothing changed.
    const auto bad =
        ask(sim, modbus::Request::writeSingle(sim.slave(), static_cast<quint16>(boost->reg), 250));
    QVERIFY(bad);
    QCOMPARE(int(bad->exceptionCode), 3);
    QCOMPARE(sim.registers(static_cast<quint16>(boost->reg), 1, kStart)->first(), quint16(142));
}

void TestDeviceSimulator::badCrcGetsException5() {
    // docs/protocol.md 5.7: a CRC sent high byte first made a REGO answer `ff 83 05`.
    BLUPOW_REQUIRE_SIM_AT(sim, "inverter", kStart);
    QByteArray frame = modbus::buildReadRequest(0xFF, 4000, 10);
    std::swap(frame[6], frame[7]);
    const auto reply = sim.handleRequest(frame, kStart);
    QVERIFY(reply);
    QCOMPARE(modbus::toHex(*reply).left(8), QStringLiteral("ff 83 05"));
    QVERIFY(modbus::hasValidCrc(*reply));
}

void TestDeviceSimulator::energyCountersIncrease_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("key");
    QTest::newRow("controller generation total") << "controller"
                                                 << "power_generation_total";
    QTest::newRow("controller charged total") << "controller"
                                              << "charging_ah_total";
    QTest::newRow("inverter load consumption total") << "inverter"
                                                     << "load_consumption_total";
}

void TestDeviceSimulator::energyCountersIncrease() {
    QFETCH(QString, model);
    QFETCH(QString, key);
    BLUPOW_REQUIRE_SIM_AT(sim, model, kStart);
    sim.setTimeAcceleration(3600); // an hour per second
    const FieldDef *f = sim.map().field(key);
    QVERIFY(f);
    double last = -1;
    for (int s = 0; s < 4; ++s) {
        const auto words = sim.registers(static_cast<quint16>(f->reg),
                                         static_cast<quint16>(f->words), kStart + s * 1000);
        const double v = RegisterDecoder::decodeField(*f, *words).value.toDouble();
        QVERIFY2(v > last, qPrintable(QStringLiteral("%1 after %2 h: %3").arg(key).arg(s).arg(v)));
        last = v;
    }
}

void TestDeviceSimulator::countersNeverFall_data() {
    addModelRows();
}

// Every counter (Home Assistant total or total_increasing) read once a simulated minute for 26
// hours from 10:30: a lifetime counter never falls and a daily one ("_today") falls only across
// the simulated midnight, as on a device, so the bridge's energy-dashboard logic meets
// realistic data. A counter computed from a wobbling power fell second to second.
void TestDeviceSimulator::countersNeverFall() {
    QFETCH(QString, model);
    BLUPOW_REQUIRE_SIM_AT(sim, model, kStart);
    sim.setTimeAcceleration(60); // a minute per second
    QList<const FieldDef *> counters;
    for (const FieldDef &f : sim.map().fields()) {
        if (!f.isDerived() && (f.haStateClass == u"total" || f.haStateClass == u"total_increasing"))
            counters.append(&f);
    }
    QVERIFY(!counters.isEmpty());
    QHash<QString, double> last;
    double lastTimeOfDay = 0;
    for (int minute = 0; minute <= 26 * 60; ++minute) {
        const qint64 at = kStart + minute * 1000;
        const double timeOfDay = sim.simTime(at).timeOfDayS;
        const bool midnight = minute > 0 && timeOfDay < lastTimeOfDay;
        for (const FieldDef *f : std::as_const(counters)) {
            const auto words =
                sim.registers(static_cast<quint16>(f->reg), static_cast<quint16>(f->words), at);
            QVERIFY(words);
            const double v = RegisterDecoder::decodeField(*f, *words).value.toDouble();
            const bool daily = f->key.endsWith(u"_today");
            if (last.contains(f->key) && !(daily && midnight))
                QVERIFY2(v >= last.value(f->key),
                         qPrintable(QStringLiteral("%1 fell from %2 to %3 at minute %4")
                                        .arg(f->key)
                                        .arg(last.value(f->key))
                                        .arg(v)
                                        .arg(minute)));
            last.insert(f->key, v);
        }
        lastTimeOfDay = timeOfDay;
    }
}

void TestDeviceSimulator::journalRecordsServedWords() {
    BLUPOW_REQUIRE_SIM_AT(sim, "controller", kStart);
    const auto r1 = ask(sim, modbus::Request::read(sim.slave(), 0x0100, 4), kStart);
    const auto r2 = ask(sim, modbus::Request::read(sim.slave(), 0x0102, 2), kStart + 500);
    QVERIFY(r1 && r2);
    QCOMPARE(sim.servedWord(0x0100, kStart), r1->words.at(0));
    QCOMPARE(sim.servedWord(0x0102, kStart + 499), r1->words.at(2));
    QCOMPARE(sim.servedWord(0x0102, kStart + 500), r2->words.at(0));
    QVERIFY(!sim.servedWord(0x0100, kStart - 1));
}

// The device list, `--name` and the GUI's last-device setting tell devices apart by name and
// address; two simulated devices with one name made `--name` pick either.
void TestDeviceSimulator::simulatedDevicesAreDistinct() {
    const QList<DiscoveredDevice> devices = SimulatedDevices::all();
    QCOMPARE(devices.size(), scenarios::names().size());
    QSet<QString> names;
    QSet<QString> addresses;
    for (const DiscoveredDevice &d : devices) {
        QVERIFY2(!d.name.isEmpty(), qPrintable(d.address));
        names.insert(d.name);
        addresses.insert(d.address);
    }
    QCOMPARE(names.size(), devices.size());
    QCOMPARE(addresses.size(), devices.size());
}

void TestDeviceSimulator::scenarioKeysAreMapFields_data() {
    addModelRows();
}

// A key the map does not have would be served by no register: a typo in the scenario file.
void TestDeviceSimulator::scenarioKeysAreMapFields() {
    QFETCH(QString, model);
    BLUPOW_REQUIRE_SIM(sim, model);
    for (const QString &key : sim.scenario().keys())
        QVERIFY2(sim.map().field(key), qPrintable(key));
    // The same for the rows of the device's own logs (docs/logs.md).
    const auto &logs = sim.scenario().logs;
    for (auto log = logs.cbegin(); log != logs.cend(); ++log) {
        const LogDef *def = sim.map().log(log.key());
        QVERIFY2(def, qPrintable(log.key()));
        for (auto column = log->cbegin(); column != log->cend(); ++column) {
            QVERIFY2(def->column(column.key()), qPrintable(log.key() + u'.' + column.key()));
            QVERIFY2(column->size() <= def->rows, qPrintable(log.key() + u'.' + column.key()));
        }
    }
}

void TestDeviceSimulator::formulas_data() {
    QTest::addColumn<QString>("formula");
    QTest::addColumn<double>("elapsedS");
    QTest::addColumn<double>("timeOfDayS");
    QTest::addColumn<double>("expected");

    QTest::newRow("precedence") << "1 + 2 * 3 - 4 / 2" << 0.0 << 0.0 << 5.0;
    QTest::newRow("parentheses and minus") << "-(1 + 2) * -2" << 0.0 << 0.0 << 6.0;
    QTest::newRow("round to decimals") << "round(2.345 * 10, 1)" << 0.0 << 0.0 << 23.5;
    QTest::newRow("elapsed and time of day") << "t / 60 + tod / 3600" << 120.0 << 7200.0 << 4.0;
    QTest::newRow("condition") << "t > 10 ? 1 : 2" << 11.0 << 0.0 << 1.0;
    QTest::newRow("no sun at night") << "sun()" << 0.0 << 3600.0 << 0.0;
    QTest::newRow("full sun at noon") << "sun()" << 0.0 << 43200.0 << 1.0;
    QTest::newRow("a day's sun energy at 100 W")
        << "round(sun_energy(100), 3)" << 0.0 << 86000.0 << 763.944;
    QTest::newRow("clamp and max") << "clamp(max(1, 7), 0, 5)" << 0.0 << 0.0 << 5.0;
}

void TestDeviceSimulator::formulas() {
    QFETCH(QString, formula);
    QFETCH(double, elapsedS);
    QFETCH(double, timeOfDayS);
    QFETCH(double, expected);
    QString error;
    const auto e = SimExpression::parse(formula, {}, &error);
    QVERIFY2(e, qPrintable(error));
    QCOMPARE(e->evaluate(SimTime{elapsedS, timeOfDayS, 0}), expected);
}

void TestDeviceSimulator::brokenScenariosRejected_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");

    const auto one = [](const char *body) -> QByteArray {
        return QByteArray(R"({"scenarios": [{"id": "x", "family": "controller", )") + body + "}]}";
    };
    QTest::newRow("unknown name") << one(R"j("values": {"pv_power": "=pvw * 2"})j")
                                  << "x: pv_power: unknown name 'pvw' at 1 in 'pvw * 2'";
    QTest::newRow("unknown function") << one(R"j("values": {"pv_power": "=cube(2)"})j")
                                      << "x: pv_power: unknown function 'cube' at 1 in 'cube(2)'";
    QTest::newRow("wrong argument count")
        << one(R"j("values": {"pv_power": "=round()"})j")
        << "x: pv_power: round() takes 1 to 2 arguments at 1 in 'round()'";
    QTest::newRow("trailing text") << one(R"j("values": {"pv_power": "=1 2"})j")
                                   << "x: pv_power: unexpected '2' at 3 in '1 2'";
    QTest::newRow("a value that is no number, text or formula")
        << one(R"j("values": {"load_state": true})j")
        << "x: load_state: a value is a number, a text or a '=' formula";
    QTest::newRow("let cycle") << one(R"j("let": {"a": "b + 1", "b": "a + 1"})j")
                               << "x: let a: unknown name 'b' at 1 in 'b + 1'";
    QTest::newRow("unknown key") << one(R"j("slaves": 3)j") << "x: unknown key 'slaves'";
    QTest::newRow("unknown family")
        << QByteArray(R"j({"scenarios": [{"id": "x", "family": "fridge"}]})j")
        << "x: unknown family 'fridge'";
    QTest::newRow("extends a later scenario")
        << QByteArray(R"j({"scenarios": [{"id": "x", "extends": "y"}]})j")
        << "x: extends 'y', which is not listed before it";
    QTest::newRow("duplicate id") << QByteArray(R"j({"scenarios": [{"id": "x", "family": "dcc"},
                                                                   {"id": "x", "family": "dcc"}]})j")
                                  << "x: duplicate id";
    QTest::newRow("no scenarios") << QByteArray(R"j({"scenarios": []})j") << "no scenarios";
}

void TestDeviceSimulator::brokenScenariosRejected() {
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QString got;
    QVERIFY(!scenarios::fromJson(json, &got));
    QCOMPARE(got, error);
}

QTEST_GUILESS_MAIN(TestDeviceSimulator)
#include "tst_devicesimulator.moc"
