// The devices' own logs (docs/logs.md): the maps' log definitions, their read plans, their
// decoding as pure functions, the simulator's records, and the reader through a polling session.

#include "configrig.h"
#include "device/devicelogreader.h"
#include "device/identify.h"
#include "registers/registerdecoder.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace blupow;
using namespace Qt::StringLiterals;

namespace {

const RegisterMap &mapOf(Family family, const char *variant = "") {
    const RegisterMap *map = testing::builtInMaps().find(family, QString::fromLatin1(variant));
    Q_ASSERT(map);
    return *map;
}

QByteArray mapWithLog(const QByteArray &log, const char *extra = "") {
    return QByteArray(R"({"family": "controller", "variant": "default", "max_read_count": 16, )") +
           extra +
           R"( "fields": [{"key": "kind", "label": "Kind", "register": 1, "type": "enum",
                "enum": {"0": "none", "1": "low"}, "group": "faults"},
               {"key": "volts", "label": "Volts", "register": 2, "type": "u16", "group": "battery"}],
             "logs": [)" +
           log + "]}";
}

QString cellText(const LogRow &row, const QString &key) {
    for (const DecodedValue &v : row.values)
        if (v.key == key)
            return v.quality == Quality::Good ? v.displayText() : qualityName(v.quality);
    return QStringLiteral("(no column %1)").arg(key);
}

// Reads `logKey` through `session`; nothing if it failed or took too long.
std::optional<DeviceLog> readLog(DeviceSession *session, const QString &logKey) {
    DeviceLogReader reader(session);
    QSignalSpy finished(&reader, &DeviceLogReader::finished);
    QString error;
    if (!reader.start(logKey, &error)) {
        qWarning() << error;
        return std::nullopt;
    }
    if (!finished.wait(30000))
        return std::nullopt;
    return reader.log();
}

} // namespace

class TestDeviceLog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void mapsDefineTheirLogs_data();
    void mapsDefineTheirLogs();
    void readPlans_data();
    void readPlans();
    void decodesRows_data();
    void decodesRows();
    void unreadRowsAreStale();
    void badLogsRejected_data();
    void badLogsRejected();
    void simulatorAnswersRecords();
    void readerMatchesTheDevice_data();
    void readerMatchesTheDevice();
    void refusedRowsStayStaleAndTheRestArrives();
    void readerRefusesWhatCannotBeRead();
    void g6IsPolledInOneRead();
};

void TestDeviceLog::mapsDefineTheirLogs_data() {
    QTest::addColumn<int>("family");
    QTest::addColumn<QString>("variant");
    QTest::addColumn<QStringList>("logs");
    QTest::newRow("controller") << int(Family::Controller) << QString()
                                << QStringList{u"daily_history"_s, u"load_timer"_s};
    QTest::newRow("inverter") << int(Family::Inverter) << QString()
                              << QStringList{u"energy_last_7_days"_s, u"fault_history"_s};
    // A variant with a base inherits its logs.
    QTest::newRow("inverter riv4835") << int(Family::Inverter) << u"riv4835"_s
                                      << QStringList{u"energy_last_7_days"_s, u"fault_history"_s};
    QTest::newRow("battery keeps none") << int(Family::Battery) << QString() << QStringList{};
}

void TestDeviceLog::mapsDefineTheirLogs() {
    QFETCH(int, family);
    QFETCH(QString, variant);
    QFETCH(QStringList, logs);
    const RegisterMap *map = testing::builtInMaps().find(Family(family), variant);
    QVERIFY(map);
    QStringList keys;
    for (const LogDef &l : map->logs()) {
        keys.append(l.key);
        QVERIFY2(!l.source.isEmpty(), qPrintable(l.key));
        for (const FieldDef &c : l.columns)
            QVERIFY2(!c.source.isEmpty(), qPrintable(l.key + u'.' + c.key));
    }
    QCOMPARE(keys, logs);
}

void TestDeviceLog::readPlans_data() {
    QTest::addColumn<int>("family");
    QTest::addColumn<QString>("log");
    QTest::addColumn<QString>("plan"); // "start xcount" per request
    // Day n is its own record at 0xF000 + n (docs/protocol.md 6.1.4): never coalesced.
    QTest::newRow("controller days") << int(Family::Controller) << "daily_history"
                                     << "61440 x10, 61441 x10, 61442 x10, 61443 x10, 61444 x10, "
                                        "61445 x10, 61446 x10";
    QTest::newRow("controller load timer") << int(Family::Controller) << "load_timer"
                                           << "57365 x8";
    // 4501-4542 are plain registers: coalesced up to the map's 32 per read.
    QTest::newRow("inverter week") << int(Family::Inverter) << "energy_last_7_days"
                                   << "4501 x32, 4533 x10";
    QTest::newRow("inverter fault records")
        << int(Family::Inverter) << "fault_history"
        << "4600 x16, 4601 x16, 4602 x16, 4603 x16, 4604 x16, 4605 x16, 4606 x16, 4607 x16, "
           "4608 x16, 4609 x16, 4610 x16, 4611 x16, 4612 x16, 4613 x16, 4614 x16, 4615 x16";
}

void TestDeviceLog::readPlans() {
    QFETCH(int, family);
    QFETCH(QString, log);
    QFETCH(QString, plan);
    const RegisterMap &map = mapOf(Family(family));
    const LogDef *def = map.log(log);
    QVERIFY(def);
    QStringList got;
    for (const ReadBlock &b : map.readPlan(*def)) {
        QCOMPARE(b.poll, PollClass::Demand);
        got.append(QStringLiteral("%1 x%2").arg(b.start).arg(b.count));
    }
    QCOMPARE(got.join(QStringLiteral(", ")), plan);
}

void TestDeviceLog::decodesRows_data() {
    QTest::addColumn<int>("family");
    QTest::addColumn<QString>("log");
    QTest::addColumn<int>("blockStart");
    QTest::addColumn<QList<quint16>>("words");
    QTest::addColumn<int>("row");
    QTest::addColumn<QString>("label");
    QTest::addColumn<QString>("column");
    QTest::addColumn<QString>("text");
    // Yesterday's record: min 12.9 V, max 14.4 V, 21.30 A, 5.90 A, 305 W, 76 W, 112 Ah, 110 Ah,
    // 1512 Wh, 1440 Wh.
    const QList<quint16> day{129, 144, 2130, 590, 305, 76, 112, 110, 1512, 1440};
    QTest::newRow("controller day 1 min voltage")
        << int(Family::Controller) << "daily_history" << 0xF001 << day << 1 << "Yesterday"
        << "battery_min_voltage"
        << "12.9 V";
    QTest::newRow("controller day 1 max current")
        << int(Family::Controller) << "daily_history" << 0xF001 << day << 1 << "Yesterday"
        << "max_charging_current"
        << "21.30 A";
    QTest::newRow("controller day 1 generation")
        << int(Family::Controller) << "daily_history" << 0xF001 << day << 1 << "Yesterday"
        << "power_generation"
        << "1512 Wh";
    // The same words at 0xF000 are today's, and do not answer for yesterday's row.
    QTest::newRow("controller: a record read at day 0 is day 0's only")
        << int(Family::Controller) << "daily_history" << 0xF000 << day << 1 << "Yesterday"
        << "battery_min_voltage"
        << "stale";
    QTest::newRow("controller day 3 label")
        << int(Family::Controller) << "daily_history" << 0xF003 << day << 3 << "3 days ago"
        << "charging_ah"
        << "112 Ah";
    // Load timer: stage 2 is 0xE017 (duration) and 0xE018 (power).
    QTest::newRow("controller load timer stage 2")
        << int(Family::Controller) << "load_timer" << 0xE015
        << QList<quint16>{5, 100, 3, 50, 0, 0, 1, 100} << 1 << "Stage 2"
        << "power"
        << "50 %";
    QTest::newRow("controller load timer morning")
        << int(Family::Controller) << "load_timer" << 0xE015
        << QList<quint16>{5, 100, 3, 50, 0, 0, 1, 100} << 3 << "Morning"
        << "duration"
        << "1 h";
    // Inverter week: column 4529 (x0.1 kWh), row 2 (3 days ago) is 4531.
    QList<quint16> week(32, 0);
    week[4531 - 4501] = 91;
    week[4510 - 4501] = 9;
    QTest::newRow("inverter week load 3 days ago")
        << int(Family::Inverter) << "energy_last_7_days" << 4501 << week << 2 << "3 days ago"
        << "load_consumption"
        << "9.1 kWh";
    QTest::newRow("inverter week charge 3 days ago")
        << int(Family::Inverter) << "energy_last_7_days" << 4501 << week << 2 << "3 days ago"
        << "battery_charge"
        << "9 Ah";
    // Fault record 2 at 4601: code 14 (inverter overload, the active-fault table), 2026-11-27
    // 18:05:51.
    const QList<quint16> record{14, 0x1A0B, 0x1B12, 0x0533, 0x131A, 0, 0, 0,
                                0,  0,      0,      0,      0,      0, 0, 0};
    QTest::newRow("inverter fault code from the active-fault table")
        << int(Family::Inverter) << "fault_history" << 4601 << record << 1 << "Record 2"
        << "fault_code"
        << "inverter_overload";
    QTest::newRow("inverter fault month")
        << int(Family::Inverter) << "fault_history" << 4601 << record << 1 << "Record 2"
        << "month"
        << "11";
    QTest::newRow("inverter fault second")
        << int(Family::Inverter) << "fault_history" << 4601 << record << 1 << "Record 2"
        << "second"
        << "51";
    QTest::newRow("inverter fault snapshot word raw")
        << int(Family::Inverter) << "fault_history" << 4601 << record << 1 << "Record 2"
        << "snapshot_1"
        << "131A";
}

void TestDeviceLog::decodesRows() {
    QFETCH(int, family);
    QFETCH(QString, log);
    QFETCH(int, blockStart);
    QFETCH(QList<quint16>, words);
    QFETCH(int, row);
    QFETCH(QString, label);
    QFETCH(QString, column);
    QFETCH(QString, text);
    const LogDef *def = mapOf(Family(family)).log(log);
    QVERIFY(def);
    const QList<LogRow> rows =
        RegisterDecoder::decodeLog(*def, {RegisterBlock{quint16(blockStart), words, 1000}});
    QCOMPARE(rows.size(), def->rows);
    QCOMPARE(rows.at(row).label, label);
    QCOMPARE(cellText(rows.at(row), column), text);
}

void TestDeviceLog::unreadRowsAreStale() {
    const LogDef *def = mapOf(Family::Controller).log(u"daily_history");
    QVERIFY(def);
    const QList<LogRow> rows =
        RegisterDecoder::decodeLog(*def, {RegisterBlock{0xF000, QList<quint16>(10, 0), 1}});
    QVERIFY(rows.at(0).complete());
    QVERIFY(rows.at(0).empty());
    for (int r = 1; r < rows.size(); ++r) {
        QVERIFY(!rows.at(r).complete());
        QVERIFY(!rows.at(r).empty());
        for (const DecodedValue &v : rows.at(r).values) {
            QCOMPARE(v.quality, Quality::Stale);
            QVERIFY(!v.value.isValid()); // never a zero standing in for a value not read
        }
    }
}

void TestDeviceLog::badLogsRejected_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    const char *column =
        R"({"key": "v", "label": "V", "register": 0, "type": "u16", "group": "battery"})";
    QTest::newRow("no row label")
        << mapWithLog(QByteArray(R"({"key": "days", "title": "Days", "rows": 3, "columns": [)") +
                      column + "]}")
        << "t.json: log 'days': a log needs row_label or row_labels";
    QTest::newRow("labels for only some rows")
        << mapWithLog(QByteArray(R"({"key": "days", "title": "Days", "rows": 3,
                                     "row_labels": ["a"], "columns": [)") +
                      column + "]}")
        << "t.json: log 'days': rows without a label: give row_label, or row_labels for every row";
    QTest::newRow("more labels than rows")
        << mapWithLog(QByteArray(R"({"key": "days", "title": "Days", "rows": 1,
                                     "row_labels": ["a", "b"], "columns": [)") +
                      column + "]}")
        << "t.json: log 'days': 2 row_labels for 1 rows";
    QTest::newRow("enum_from a number")
        << mapWithLog(R"({"key": "days", "title": "Days", "rows": 1, "row_label": "x",
                          "columns": [{"key": "k", "label": "K", "register": 0, "type": "enum",
                                       "enum_from": "volts", "group": "faults"}]})")
        << "t.json: log 'days': field 'k': enum_from 'volts' is not an enum field defined before "
           "it";
    QTest::newRow("writable column")
        << mapWithLog(R"({"key": "days", "title": "Days", "rows": 1, "row_label": "x",
                          "columns": [{"key": "v", "label": "V", "register": 0, "type": "u16",
                                       "access": "rw", "min": 0, "max": 9, "group": "battery"}]})")
        << "t.json: log 'days': field 'v': a log column is read as it is: no derived, access rw, "
           "count or alarms";
    QTest::newRow("row wider than a read")
        << mapWithLog(R"({"key": "days", "title": "Days", "rows": 1, "row_label": "x",
                          "read": "per_row", "columns": [{"key": "t", "label": "T",
                          "register": 10, "type": "ascii", "words": 8, "group": "status"}]})")
        << "t.json: log 'days': a row of 18 registers is wider than max_read_count";
    QTest::newRow("rows past 0xFFFF")
        << mapWithLog(R"({"key": "days", "title": "Days", "rows": 20, "row_label": "x",
                          "row_start": "0xFFF0", "columns": [{"key": "v", "label": "V",
                          "register": 0, "type": "u16", "group": "battery"}]})")
        << "t.json: log 'days': the last row ends beyond register 0xFFFF";
    QTest::newRow("row inside a no_read_range")
        << mapWithLog(R"({"key": "days", "title": "Days", "rows": 4, "row_label": "x",
                          "row_start": 100, "columns": [{"key": "v", "label": "V",
                          "register": 0, "type": "u16", "group": "battery"}]})",
                      R"("no_read_ranges": [[102, 110]],)")
        << "t.json: log 'days': field 'v': row 2 lies inside no_read_range 102-110";
    QTest::newRow("column twice")
        << mapWithLog(QByteArray(R"({"key": "days", "title": "Days", "rows": 1, "row_label": "x",
                                     "columns": [)") +
                      column + "," + column + "]}")
        << "t.json: log 'days': field 'v': duplicate key";
    QTest::newRow("log twice")
        << mapWithLog(QByteArray(R"({"key": "days", "title": "A", "rows": 1, "row_label": "x",
                                     "columns": [)") +
                      column + R"(]}, {"key": "days", "title": "B", "rows": 1, "row_label": "x",
                                     "columns": [)" +
                      column + "]}")
        << "t.json: log 'days' twice";
    QTest::newRow("schema: unknown property in a column")
        << mapWithLog(R"({"key": "days", "title": "Days", "rows": 1, "row_label": "x",
                          "columns": [{"key": "v", "label": "V", "register": 0, "type": "u16",
                                       "group": "battery", "colour": "red"}]})")
        << "t.json: log 'days': field 'v': unknown property 'colour'";
    QTest::newRow("schema: no rows")
        << mapWithLog(QByteArray(R"({"key": "days", "title": "Days", "rows": 0, "row_label": "x",
                                     "columns": [)") +
                      column + "]}")
        << "t.json: log 'days': rows 0 is below the minimum 1";
}

void TestDeviceLog::badLogsRejected() {
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QString got;
    QVERIFY(!RegisterMap::fromJson(json, QStringLiteral("t.json"), &got));
    QCOMPARE(got, error);
}

void TestDeviceLog::simulatorAnswersRecords() {
    BLUPOW_REQUIRE_SIM_AT(sim, "controller", 0);
    // Day 1 of the scenario's week: what resources/sim/scenarios.json says, encoded by the map.
    const auto yesterday = sim.logRecord(0xF001, 10);
    QVERIFY(yesterday);
    QCOMPARE(yesterday->at(0), quint16(130)); // 13.0 V
    QCOMPARE(yesterday->at(8), quint16(1512));
    // A record is only ever the whole record from its own address.
    QVERIFY(!sim.logRecord(0xF001, 11));
    QVERIFY(!sim.logRecord(0xF007, 10)); // the controller keeps 7 days here
    const auto request = modbus::Request::read(sim.slave(), 0xF007, 10);
    const auto reply = sim.handleRequest(modbus::buildRequest(request), 0);
    QVERIFY(reply);
    const modbus::Response response = modbus::parseResponse(*reply, request);
    QCOMPARE(response.error, modbus::ResponseError::Exception);
    QCOMPARE(response.exceptionCode, quint8(0x02));
}

void TestDeviceLog::readerMatchesTheDevice_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("log");
    QTest::newRow("controller days") << "controller"
                                     << "daily_history";
    QTest::newRow("controller load timer") << "controller"
                                           << "load_timer";
    QTest::newRow("inverter week") << "inverter"
                                   << "energy_last_7_days";
    QTest::newRow("inverter faults") << "inverter"
                                     << "fault_history";
}

void TestDeviceLog::readerMatchesTheDevice() {
    QFETCH(QString, model);
    QFETCH(QString, log);
    BLUPOW_REQUIRE_RIG(rig, model);
    const auto got = readLog(rig.session.get(), log);
    QVERIFY(got);
    QVERIFY(got->skipped.isEmpty());
    const LogDef &def = got->def;
    QCOMPARE(got->rows.size(), def.rows);
    const Scenario &truth = rig.sim().scenario();
    int checked = 0;
    for (const LogRow &row : got->rows) {
        QVERIFY(row.complete());
        for (qsizetype c = 0; c < def.columns.size(); ++c) {
            const FieldDef &col = def.columns.at(c);
            const DecodedValue &v = row.values.at(c);
            QCOMPARE(v.quality, Quality::Good);
            // The cooked value the scenario gave this cell; the load timer's cells are the
            // timer settings' own registers, whose scenario values are the settings'.
            QVariant expected = truth.logValue(def.key, col.key, row.row);
            if (!expected.isValid() && def.key == u"load_timer") {
                const QString setting =
                    row.row == 3 ? QStringLiteral("load_timer_morning_%1")
                                       .arg(col.key == u"duration" ? u"hours"_s : u"power"_s)
                                 : QStringLiteral("load_timer_%1_%2")
                                       .arg(row.row + 1)
                                       .arg(col.key == u"duration" ? u"hours"_s : u"power"_s);
                expected = truth.value(setting, SimTime{});
            }
            if (!expected.isValid()) {
                // Not in the scenario: the device holds zero words there.
                QVERIFY2(std::all_of(v.raw.cbegin(), v.raw.cend(), [](quint16 w) { return !w; }),
                         qPrintable(col.key));
                continue;
            }
            if (v.isNumeric())
                QVERIFY2(qAbs(v.value.toDouble() - expected.toDouble()) < 1e-6,
                         qPrintable(QStringLiteral("%1 row %2: %3 != %4")
                                        .arg(col.key)
                                        .arg(row.row)
                                        .arg(v.value.toDouble())
                                        .arg(expected.toDouble())));
            else
                QCOMPARE(v.value.toString().toUpper(), expected.toString().toUpper());
            ++checked;
        }
    }
    QVERIFY(checked >= def.columns.size());
    if (def.daysAgo) {
        QCOMPARE(got->dateOf(got->rows.first()), got->readAt.date().addDays(-def.rowNumberFrom));
    }
}

void TestDeviceLog::refusedRowsStayStaleAndTheRestArrives() {
    // A controller that keeps only 5 days answers days 5 and 6 with exception 0x02: those rows
    // stay Stale and are named, and the read still finishes with the other five.
    QFile file(QStringLiteral(":/registers/controller.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    QJsonArray logs = root.value(u"logs").toArray();
    QJsonObject days = logs.at(0).toObject();
    QCOMPARE(days.value(u"key").toString(), u"daily_history"_s);
    days.insert(u"rows"_s, 5);
    logs.replace(0, days);
    root.insert(u"logs"_s, logs);
    QString error;
    auto shortMap =
        RegisterMap::fromJson(QJsonDocument(root).toJson(), u"controller.json"_s, &error);
    QVERIFY2(shortMap, qPrintable(error));
    auto scenario = testing::deviceScenario(u"controller"_s);
    QVERIFY(scenario);
    SimulatedTransport transport(DeviceSimulator(*shortMap, *scenario, 0));
    transport.setLatency(SimulatedTransport::Latency::fast());
    DeviceSession::Options o;
    o.pollIntervalMs = 50;
    o.requestTimeoutMs = testing::kNeverRacedTimeoutMs;
    o.probeTimeoutMs = testing::kNeverRacedTimeoutMs;
    DeviceSession session(&transport, testing::builtInMaps(), o);
    session.start();
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), DeviceSession::State::Polling, 10000);
    const auto got = readLog(&session, u"daily_history"_s);
    QVERIFY(got);
    QCOMPARE(got->skipped.size(), 2);
    QVERIFY(got->skipped.at(0).startsWith(u"61445 x10"));
    for (int r = 0; r < 7; ++r)
        QCOMPARE(got->rows.at(r).complete(), r < 5);
    QCOMPARE(cellText(got->rows.at(1), u"power_generation"_s), u"1512 Wh"_s);
    QCOMPARE(cellText(got->rows.at(6), u"power_generation"_s), u"stale"_s);
    // The poll went on around the one-off reads.
    QCOMPARE(session.state(), DeviceSession::State::Polling);
    session.stop();
}

void TestDeviceLog::readerRefusesWhatCannotBeRead() {
    BLUPOW_REQUIRE_RIG(rig, "controller");
    DeviceLogReader reader(rig.session.get());
    QString error;
    QVERIFY(!reader.start(u"fault_history"_s, &error));
    QVERIFY2(error.contains(u"has no log 'fault_history' (it has: daily_history, load_timer)"),
             qPrintable(error));
    QVERIFY(reader.start(u"daily_history"_s, &error));
    QVERIFY(!reader.start(u"load_timer"_s, &error));
    QCOMPARE(error, u"a log is already being read"_s);
    QSignalSpy finished(&reader, &DeviceLogReader::finished);
    QVERIFY(finished.wait(30000));

    BLUPOW_REQUIRE_RIG(battery, "battery");
    DeviceLogReader none(battery.session.get());
    QVERIFY(!none.start(u"daily_history"_s, &error));
    QVERIFY2(error.endsWith(u"keeps no log that BluPow can read"), qPrintable(error));
}

void TestDeviceLog::g6IsPolledInOneRead() {
    // A G6 answers neither a read starting at 0x0120 nor registers after 0x0121 (docs/protocol.md
    // E.33): its map reads 0x0100 x34 in one request.
    QCOMPARE(Identifier::variantFromModel(Family::DcDcCharger, u"RBC50D1S-G6"_s), u"g6"_s);
    QCOMPARE(Identifier::variantFromModel(Family::DcDcCharger, u"RBC50D1S-G1"_s), QString());
    const RegisterMap &g6 = mapOf(Family::DcDcCharger, "g6");
    const QList<ReadBlock> cycle = g6.readPlan(PollClass::Cycle);
    QCOMPARE(cycle.size(), 1);
    QCOMPARE(cycle.first().start, quint16(0x0100));
    QCOMPARE(cycle.first().count, quint16(34));

    BLUPOW_REQUIRE_RIG(rig, "dcc-g6");
    QCOMPARE(rig.session->map()->variant(), u"g6"_s);
    int timeouts = 0;
    connect(rig.session.get(), &DeviceSession::exchangeFinished, this, [&](const Exchange &e) {
        if (e.outcome != Exchange::Outcome::Ok)
            ++timeouts;
    });
    QSignalSpy batches(rig.session.get(), &DeviceSession::valuesUpdated);
    QTRY_VERIFY_WITH_TIMEOUT(batches.size() >= 3, 20000);
    QCOMPARE(timeouts, 0);
    const DecodedValues values = rig.session->currentValues();
    const auto state = std::find_if(values.cbegin(), values.cend(), [](const DecodedValue &v) {
        return v.key == QLatin1String("charging_state");
    });
    QVERIFY(state != values.cend());
    QCOMPARE(state->quality, Quality::Good);
}

QTEST_GUILESS_MAIN(TestDeviceLog)
#include "tst_devicelog.moc"
