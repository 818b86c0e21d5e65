#include "device/devicesession.h"
#include "sim/simulateddevices.h"
#include "sim/simulatedtransport.h"
#include "simtesthelpers.h"

#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <memory>

using namespace blupow;

namespace {

using Kind = SimulatedTransport::FaultKind;

DeviceSession::Options fastOptions() {
    DeviceSession::Options o;
    o.pollIntervalMs = 30;
    o.requestTimeoutMs = 120;
    o.probeTimeoutMs = 80;
    o.maxRetries = 1;
    o.backoffInitialMs = 40;
    o.backoffMaxMs = 320;
    o.backoffJitter = 0.2;
    o.connectTimeoutMs = 2000;
    o.randomSeed = 11;
    return o;
}

// For the tests and rows without faults: no timeout is meant to fire, so none may race a reply
// on a busy machine (testing::kNeverRacedTimeoutMs).
DeviceSession::Options calmOptions() {
    DeviceSession::Options o = fastOptions();
    o.requestTimeoutMs = testing::kNeverRacedTimeoutMs;
    o.probeTimeoutMs = testing::kNeverRacedTimeoutMs;
    return o;
}

// A session on a simulated device that checks every batch as it arrives: a Good value must hold
// exactly the words the device served for its registers (the truth at the time of the reply), a
// Good cycle value must come from the current cycle, and every backoff must be within its bounds.
struct Rig {
    std::unique_ptr<SimulatedTransport> transport;
    std::unique_ptr<DeviceSession> session;
    QStringList violations;
    int batches = 0;
    int cleanCycles = 0;
    int staleBatches = 0;
    int exchanges = 0;
    int backoffs = 0;
    QList<bool> availability;
    qint64 lastBatchMs = 0;

    bool create(const QString &model, const DeviceSession::Options &options) {
        auto sim = testing::simulatorFor(model);
        if (!sim)
            return false;
        transport = std::make_unique<SimulatedTransport>(std::move(*sim));
        transport->setLatency(SimulatedTransport::Latency::fast());
        transport->setSeed(3);
        transport->setFaultDelayMs(options.requestTimeoutMs * 3 / 2);
        session = std::make_unique<DeviceSession>(transport.get(), testing::builtInMaps(), options);
        QObject::connect(session.get(), &DeviceSession::valuesUpdated, transport.get(),
                         [this](const DecodedValues &values) { check(values); });
        QObject::connect(session.get(), &DeviceSession::exchangeFinished, transport.get(),
                         [this](const Exchange &) { ++exchanges; });
        QObject::connect(session.get(), &DeviceSession::availabilityChanged, transport.get(),
                         [this](bool online) { availability.append(online); });
        QObject::connect(session.get(), &DeviceSession::backoffScheduled, transport.get(),
                         [this, options](int delay, int attempt) {
                             ++backoffs;
                             const double base = std::min<double>(options.backoffMaxMs,
                                                                  options.backoffInitialMs *
                                                                      std::pow(2.0, attempt - 1));
                             const double lo = base * (1 - options.backoffJitter) - 1;
                             const double hi = base * (1 + options.backoffJitter) + 1;
                             if (delay < lo || delay > hi)
                                 violations.append(
                                     QStringLiteral("backoff %1 ms for attempt %2 outside [%3, %4]")
                                         .arg(delay)
                                         .arg(attempt)
                                         .arg(lo)
                                         .arg(hi));
                         });
        return true;
    }

    void check(const DecodedValues &values) {
        const DeviceSimulator &sim = transport->simulator();
        bool clean = true;
        bool stale = false;
        for (const DecodedValue &v : values) {
            const FieldDef *f = sim.map().field(v.key);
            if (!f)
                continue;
            const bool cycleField = f->poll == PollClass::Cycle && !f->isDerived();
            if (v.quality == Quality::Good && !f->isDerived()) {
                for (int i = 0; i < v.raw.size(); ++i) {
                    const auto truth =
                        sim.servedWord(static_cast<quint16>(v.reg + i), v.timestampMs);
                    if (!truth || *truth != v.raw.at(i))
                        violations.append(QStringLiteral("%1 word %2 = 0x%3, device served %4")
                                              .arg(v.key)
                                              .arg(i)
                                              .arg(v.raw.at(i), 4, 16, QLatin1Char('0'))
                                              .arg(truth ? QStringLiteral("0x%1").arg(
                                                               *truth, 4, 16, QLatin1Char('0'))
                                                         : QStringLiteral("nothing")));
                }
                if (cycleField && v.timestampMs < lastBatchMs)
                    violations.append(
                        QStringLiteral("%1 Good but read before this cycle").arg(v.key));
            }
            if (cycleField && v.quality == Quality::Stale) {
                stale = true;
                clean = false;
            }
        }
        ++batches;
        if (clean && session->state() == DeviceSession::State::Polling)
            ++cleanCycles;
        if (stale)
            ++staleBatches;
        lastBatchMs = transport->nowEpochMs();
    }
};

// A session on the simulated system (a controller, an inverter and four batteries behind one
// dongle) that records, per slave, the cycles with Good values and the order slaves were
// reported in, and checks that a request is never written while another waits for its reply.
struct SystemRig {
    std::unique_ptr<SimulatedTransport> transport;
    std::unique_ptr<DeviceSession> session;
    QStringList violations;
    QHash<int, int> goodCycles;
    QList<int> order;
    QList<int> addressed; // slave byte of every request written
    bool pending = false;

    bool create(const DeviceSession::Options &options) {
        transport = SimulatedDevices::makeTransport(u"system", testing::builtInMaps());
        if (!transport)
            return false;
        transport->setLatency(SimulatedTransport::Latency::fast());
        transport->setSeed(5);
        session = std::make_unique<DeviceSession>(transport.get(), testing::builtInMaps(), options);
        QObject::connect(transport.get(), &Transport::bytesWritten, transport.get(),
                         [this](const QByteArray &frame, qint64) {
                             if (pending)
                                 violations.append(QStringLiteral("a request written while "
                                                                  "another waits for its reply"));
                             pending = true;
                             addressed.append(static_cast<quint8>(frame.at(0)));
                         });
        QObject::connect(session.get(), &DeviceSession::exchangeFinished, transport.get(),
                         [this](const Exchange &ex) {
                             if (ex.sentMs != 0)
                                 pending = false;
                         });
        QObject::connect(session.get(), &DeviceSession::slaveValuesUpdated, transport.get(),
                         [this](const DeviceIdentity &slave, const DecodedValues &values) {
                             order.append(slave.slave);
                             const bool good =
                                 std::any_of(values.cbegin(), values.cend(), [](const auto &v) {
                                     return v.quality == Quality::Good;
                                 });
                             if (good)
                                 ++goodCycles[slave.slave];
                         });
        return true;
    }

    // Silent ids are probed and must time out; the ones that answer do so in well under a
    // millisecond, so only a stall of a second could be mistaken for silence.
    static DeviceSession::Options options() {
        DeviceSession::Options o = calmOptions();
        o.probeTimeoutMs = 1000;
        return o;
    }
};

} // namespace

class TestDeviceSession : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void identifies_data();
    void identifies();
    void silentBroadcastProbeForcesReconnect();
    void recoversFromFault_data();
    void recoversFromFault();
    void lateReplyIsNeverTakenForTheNextRequest();
    void silentBlockIsSkipped();
    void oneOffReadIsQueuedBehindThePoll();
    void stopEndsOffline();
    void stateNames();
    void systemPollsEverySlave();
    void silentSlaveKeepsOthersPolling();
    void deviceIdForcesOneSlave();
    void focusChoosesTheSlaveInspected();
};

void TestDeviceSession::initTestCase() {
    qRegisterMetaType<DecodedValues>();
    if (!testing::simulatorFor(QStringLiteral("controller")))
        QFAIL("no controller register map in this build");
}

void TestDeviceSession::identifies_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("forcedSlave"); // -1 = probe
    QTest::addColumn<QString>("family");
    QTest::addColumn<QString>("deviceModel");
    QTest::addColumn<int>("slave");
    QTest::addColumn<QString>("variant");
    QTest::newRow("inverter by name BTRIC") << "inverter" << -1 << "inverter"
                                            << "RIV1230RCH-SPS" << 0x20 << "default";
    // The model read at 4311 picks the RIV4835's own map (0xE205, writable 4422).
    QTest::newRow("RIV4835 behind BT-TH, variant from its model")
        << "inverter-riv4835" << -1 << "inverter"
        << "RIV4835CSH1S" << 0x20 << "riv4835";
    QTest::newRow("controller behind BT-TH via 0xFF") << "controller" << -1 << "controller"
                                                      << "RNG-CTRL-RVR40" << 0x01 << "default";
    QTest::newRow("controller, slave given") << "controller" << 0x01 << "controller"
                                             << "RNG-CTRL-RVR40" << 0x01 << "default";
    QTest::newRow("battery behind BT-TH at 0x30") << "battery" << -1 << "battery"
                                                  << "RBT100LFP12S-G1" << 0x30 << "legacy";
    QTest::newRow("dc-dc by model RBC50D1S") << "dcc" << -1 << "dcc"
                                             << "RBC50D1S-G1" << 0x01 << "default";
}

void TestDeviceSession::identifies() {
    QFETCH(QString, model);
    QFETCH(int, forcedSlave);
    QFETCH(QString, family);
    QFETCH(QString, deviceModel);
    QFETCH(int, slave);
    QFETCH(QString, variant);
    DeviceSession::Options options = calmOptions();
    if (forcedSlave >= 0)
        options.slave = static_cast<quint8>(forcedSlave);
    Rig rig;
    if (!rig.create(model, options))
        QFAIL("no register map for this model in this build");
    QSignalSpy identified(rig.session.get(), &DeviceSession::identified);
    rig.session->start();
    QTRY_COMPARE_WITH_TIMEOUT(identified.size(), 1, 10000);
    const auto id = identified.at(0).at(0).value<DeviceIdentity>();
    QCOMPARE(familyName(id.family), family);
    QCOMPARE(id.model, deviceModel);
    QCOMPARE(int(id.slave), slave);
    QCOMPARE(id.variant, variant);
    QVERIFY(rig.session->map());
    QCOMPARE(rig.session->map()->variant(), variant);
    QVERIFY(!id.how.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(rig.batches >= 1, 10000);
    QVERIFY2(rig.violations.isEmpty(), qPrintable(rig.violations.join(QLatin1Char('\n'))));
}

void TestDeviceSession::silentBroadcastProbeForcesReconnect() {
    // A controller that ignores 0xFF: the 0x000C x8 probe at 0xFF stays silent, so the later
    // 0x000C x8 probe at 0x01 could receive that probe's late reply. With nothing known to answer
    // there is no resync probe: the session reconnects before sending it (docs/protocol.md 7.2,
    // C.21).
    auto found = scenarios::byName(u"controller");
    QVERIFY(found);
    Scenario scenario = *found;
    scenario.answersBroadcast = false;
    const RegisterMap *map = testing::builtInMaps().find(scenario.family);
    QVERIFY(map);
    SimulatedTransport transport(
        DeviceSimulator(*map, scenario, QDateTime::currentMSecsSinceEpoch()));
    transport.setLatency(SimulatedTransport::Latency::fast());
    // The silent 0xFF probe must time out; every other request is answered at once, so only a
    // stall of over a second could time one of them out as well.
    DeviceSession::Options options = calmOptions();
    options.probeTimeoutMs = 1000;
    DeviceSession session(&transport, testing::builtInMaps(), options);
    QSignalSpy identified(&session, &DeviceSession::identified);
    int connects = 0;
    int connectsBeforeProbeAt01 = -1;
    QObject::connect(&session, &DeviceSession::stateChanged, &session,
                     [&](DeviceSession::State s, const QString &) {
                         if (s == DeviceSession::State::Connecting)
                             ++connects;
                     });
    QObject::connect(&session, &DeviceSession::exchangeFinished, &session, [&](const Exchange &e) {
        if (e.request.slave == 0x01 && e.request.count == 8 && connectsBeforeProbeAt01 < 0)
            connectsBeforeProbeAt01 = connects;
    });
    session.start();
    QTRY_COMPARE_WITH_TIMEOUT(identified.size(), 1, 10000);
    const auto id = identified.at(0).at(0).value<DeviceIdentity>();
    QCOMPARE(int(id.slave), 0x01);
    QCOMPARE(id.model, QStringLiteral("RNG-CTRL-RVR40"));
    // The x8 probe at 0x01 went out only on a second connection.
    QCOMPARE(connectsBeforeProbeAt01, 2);
    QVERIFY(session.statistics().reconnects >= 1);
    session.stop();
}

void TestDeviceSession::recoversFromFault_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("faults"); // --fault specs, comma separated
    QTest::addColumn<int>("maxRetries");
    QTest::addColumn<bool>("expectStale");
    QTest::addColumn<bool>("expectReconnect");
    QTest::newRow("none") << "controller"
                          << "" << 1 << false << false;
    QTest::newRow("drop") << "controller"
                          << "drop:0.2" << 0 << true << false;
    QTest::newRow("corrupt") << "controller"
                             << "corrupt:0.2" << 1 << false << false;
    QTest::newRow("delay") << "controller"
                           << "delay:0.15" << 0 << true << false;
    QTest::newRow("delay inverter") << "inverter"
                                    << "delay:0.15" << 1 << false << false;
    QTest::newRow("disconnect") << "controller"
                                << "disconnect:0.05" << 1 << false << true;
    QTest::newRow("refuse") << "controller"
                            << "refuse:0.3" << 1 << false << true;
    QTest::newRow("everything at once")
        << "inverter"
        << "drop:0.05,corrupt:0.05,delay:0.05,disconnect:0.02,refuse:0.1" << 1 << false << true;
}

void TestDeviceSession::recoversFromFault() {
    QFETCH(QString, model);
    QFETCH(QString, faults);
    QFETCH(int, maxRetries);
    QFETCH(bool, expectStale);
    QFETCH(bool, expectReconnect);
    DeviceSession::Options options = faults.isEmpty() ? calmOptions() : fastOptions();
    options.maxRetries = maxRetries;
    Rig rig;
    if (!rig.create(model, options))
        QFAIL("no register map for this model in this build");
    QList<Kind> kinds;
    for (const QString &spec : faults.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        QString error;
        const auto f = SimulatedTransport::parseFault(spec, &error);
        QVERIFY2(f, qPrintable(error));
        rig.transport->addFault(*f);
        kinds.append(f->kind);
    }
    rig.session->start();
    // Every fault has struck (twice, but a refusal locks out once per loss)...
    const auto struck = [&] {
        return std::all_of(kinds.cbegin(), kinds.cend(), [&](Kind k) {
            return rig.transport->faultsInjected(k) >= (k == Kind::Refuse ? 1u : 2u);
        });
    };
    QTRY_VERIFY_WITH_TIMEOUT(rig.batches >= 5 && struck(), 20000);
    // ...and afterwards the session delivers three completely fresh cycles.
    const int clean = rig.cleanCycles;
    QTRY_VERIFY_WITH_TIMEOUT(rig.cleanCycles >= clean + 3, 20000);
    rig.session->stop();
    QVERIFY2(rig.violations.isEmpty(), qPrintable(rig.violations.join(QLatin1Char('\n'))));
    if (expectStale)
        QVERIFY(rig.staleBatches > 0);
    const LinkStatistics stats = rig.session->statistics();
    QVERIFY(rig.exchanges >= int(stats.requests));
    QVERIFY(!rig.availability.isEmpty());
    QCOMPARE(rig.availability.first(), true);
    if (expectReconnect) {
        QVERIFY(rig.backoffs > 0 || stats.reconnects > 0);
    }
    if (kinds.contains(Kind::Disconnect))
        QVERIFY(rig.availability.count(false) >= 1);
    if (kinds.contains(Kind::Corrupt))
        QVERIFY(stats.crcErrors + stats.timeouts > 0);
    if (faults.isEmpty()) {
        QCOMPARE(rig.staleBatches, 0);
        QCOMPARE(stats.timeouts, quint64(0));
        QCOMPARE(stats.successRate, 1.0);
    }
}

void TestDeviceSession::lateReplyIsNeverTakenForTheNextRequest() {
    // One reply of a poll block is held back past the timeout. The retry of that block has the
    // same count; if it went out next, the late reply would be taken as its answer. The session
    // must send a resync probe with another count first, and its late reply must be dropped.
    DeviceSession::Options options = fastOptions();
    Rig rig;
    QVERIFY(rig.create(QStringLiteral("controller"), options));
    QList<Exchange> exchanges;
    QObject::connect(rig.session.get(), &DeviceSession::exchangeFinished, rig.transport.get(),
                     [&](const Exchange &e) { exchanges.append(e); });
    rig.session->start();
    QTRY_VERIFY_WITH_TIMEOUT(rig.batches >= 2, 10000);
    const qsizetype before = exchanges.size();
    rig.transport->addFault(SimulatedTransport::Fault{Kind::Delay, 0, 1, 0});
    QTRY_VERIFY_WITH_TIMEOUT(rig.batches >= 6, 10000);
    rig.session->stop();

    qsizetype timedOut = -1;
    for (qsizetype i = before; i < exchanges.size(); ++i) {
        if (exchanges.at(i).outcome == Exchange::Outcome::Timeout) {
            timedOut = i;
            break;
        }
    }
    QVERIFY(timedOut >= 0);
    QVERIFY(timedOut + 2 < exchanges.size());
    const Exchange &late = exchanges.at(timedOut);
    const Exchange &probe = exchanges.at(timedOut + 1);
    QVERIFY(probe.request.count != late.request.count);
    QCOMPARE(probe.outcome, Exchange::Outcome::Ok);
    QVERIFY(!probe.dropped.isEmpty()); // the late reply arrived while the probe was pending
    const Exchange &retry = exchanges.at(timedOut + 2);
    QCOMPARE(retry.request, late.request);
    QCOMPARE(retry.outcome, Exchange::Outcome::Ok);
    QVERIFY(rig.session->statistics().droppedBytes > 0);
    QVERIFY2(rig.violations.isEmpty(), qPrintable(rig.violations.join(QLatin1Char('\n'))));
}

void TestDeviceSession::silentBlockIsSkipped() {
    // The G6 DC-DC never answers a read starting at 0x0120 (docs/protocol.md 6.2): after two silent
    // cycles the block is skipped instead of costing every cycle its timeouts; its fields stay
    // Stale. The default DC-DC map is forced: identified as a G6, the session would read
    // 0x0100 x34 instead (dcc-g6.json) and never ask for the silent block.
    Rig rig;
    DeviceSession::Options options = fastOptions();
    options.variant = QStringLiteral("default");
    if (!rig.create(QStringLiteral("dcc-g6"), options))
        QFAIL("no dcc register map in this build");
    int silentAttempts = 0;
    QObject::connect(rig.session.get(), &DeviceSession::exchangeFinished, rig.transport.get(),
                     [&](const Exchange &e) {
                         if (e.request.start == 0x0120 && e.outcome == Exchange::Outcome::Timeout)
                             ++silentAttempts;
                     });
    rig.session->start();
    QTRY_VERIFY_WITH_TIMEOUT(rig.batches >= 10, 10000);
    QCOMPARE(silentAttempts, 2 * (fastOptions().maxRetries + 1));
    const DecodedValues values = rig.session->currentValues();
    const auto state = std::find_if(values.cbegin(), values.cend(), [](const DecodedValue &v) {
        return v.key == QLatin1String("charging_state");
    });
    QVERIFY(state != values.cend());
    QCOMPARE(state->quality, Quality::Stale);
    QVERIFY2(rig.violations.isEmpty(), qPrintable(rig.violations.join(QLatin1Char('\n'))));
}

void TestDeviceSession::oneOffReadIsQueuedBehindThePoll() {
    Rig rig;
    QVERIFY(rig.create(QStringLiteral("controller"), calmOptions()));
    QSignalSpy read(rig.session.get(), &DeviceSession::registersRead);
    rig.session->start();
    QTRY_COMPARE_WITH_TIMEOUT(rig.session->state(), DeviceSession::State::Polling, 10000);
    const quint64 id =
        rig.session->readRegisters(0xE004, 2); // battery type, over-voltage threshold
    QTRY_COMPARE_WITH_TIMEOUT(read.size(), 1, 10000);
    QCOMPARE(read.at(0).at(0).toULongLong(), id);
    QCOMPARE(read.at(0).at(1).toUInt(), 0xE004u);
    const auto words = read.at(0).at(2).value<QList<quint16>>();
    QCOMPARE(words.size(), 2);
    QCOMPARE(words.at(0), quint16(4)); // lithium
}

void TestDeviceSession::stopEndsOffline() {
    Rig rig;
    QVERIFY(rig.create(QStringLiteral("controller"), calmOptions()));
    QSignalSpy states(rig.session.get(), &DeviceSession::stateChanged);
    rig.session->start();
    QTRY_VERIFY_WITH_TIMEOUT(rig.batches >= 1, 10000);
    rig.session->stop();
    QCOMPARE(rig.session->state(), DeviceSession::State::Stopped);
    QCOMPARE(rig.availability, (QList<bool>{true, false}));
    QTRY_COMPARE_WITH_TIMEOUT(rig.transport->state(), Transport::State::Closed, 5000);
    QList<DeviceSession::State> seen;
    for (const auto &args : states)
        seen.append(args.at(0).value<DeviceSession::State>());
    QCOMPARE(seen, (QList<DeviceSession::State>{
                       DeviceSession::State::Connecting, DeviceSession::State::Identifying,
                       DeviceSession::State::Polling, DeviceSession::State::Stopped}));
    for (const auto &args : states)
        QVERIFY(!args.at(1).toString().isEmpty()); // every transition has a reason
}

void TestDeviceSession::stateNames() {
    QCOMPARE(sessionStateName(DeviceSession::State::BackingOff), QStringLiteral("backing off"));
    QCOMPARE(sessionStateName(DeviceSession::State::Polling), QStringLiteral("polling"));
}

void TestDeviceSession::systemPollsEverySlave() {
    // One probe pass finds every slave behind the dongle (the 0xFF probe collides, so every id is
    // probed); each is its own device, and the poll visits them in turn, one request in flight.
    SystemRig rig;
    QVERIFY(rig.create(SystemRig::options()));
    QSignalSpy found(rig.session.get(), &DeviceSession::slavesIdentified);
    rig.session->start();
    QTRY_COMPARE_WITH_TIMEOUT(found.size(), 1, 30000);
    const auto slaves = found.at(0).at(0).value<QList<DeviceIdentity>>();
    QList<int> ids;
    QStringList families;
    QSet<QString> deviceIds;
    for (const DeviceIdentity &id : slaves) {
        ids.append(id.slave);
        families.append(familyName(id.family));
        deviceIds.insert(id.deviceId());
        QVERIFY(id.sharedLink);
        QCOMPARE(id.linkId(), QStringLiteral("sim_system"));
        QVERIFY2(!id.model.isEmpty(), qPrintable(id.how));
    }
    QCOMPARE(ids, (QList<int>{0x10, 0x20, 0x30, 0x31, 0x32, 0x33}));
    QCOMPARE(families, (QStringList{QStringLiteral("controller"), QStringLiteral("inverter"),
                                    QStringLiteral("battery"), QStringLiteral("battery"),
                                    QStringLiteral("battery"), QStringLiteral("battery")}));
    QCOMPARE(deviceIds.size(), slaves.size());
    QVERIFY(deviceIds.contains(QStringLiteral("sim_system_33")));
    QCOMPARE(rig.session->identity()->slave, quint8(0x10));
    QCOMPARE(rig.session->slaves().size(), slaves.size());

    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(ids.cbegin(), ids.cend(),
                                         [&rig](int id) { return rig.goodCycles.value(id) >= 2; }),
                             20000);
    // Interleaved: every cycle reports the slaves in probe order.
    QCOMPARE(rig.order.mid(0, 2 * ids.size()), ids + ids);
    // The weak pack of the bank (scenario override) is read as its own device.
    const auto soc = [&rig](quint8 slave) {
        for (const DecodedValue &v : rig.session->currentValues(slave)) {
            if (v.key == QLatin1String("battery_soc"))
                return v.value.toDouble();
        }
        return -1.0;
    };
    QVERIFY2(soc(0x33) > 0 && soc(0x33) < soc(0x30) - 20,
             qPrintable(QStringLiteral("SOC 0x33 %1, 0x30 %2").arg(soc(0x33)).arg(soc(0x30))));
    QCOMPARE(rig.session->map(0x33)->family(), Family::Battery);
    QCOMPARE(rig.session->statistics().reconnects, quint64(0));
    QVERIFY2(rig.violations.isEmpty(), qPrintable(rig.violations.join(QLatin1Char('\n'))));
    rig.session->stop();
}

void TestDeviceSession::focusChoosesTheSlaveInspected() {
    // The first slave is in focus until another is chosen; then identity, map, values and the
    // reads on demand are about that one, and a read queued before the change keeps its slave.
    SystemRig rig;
    QVERIFY(rig.create(SystemRig::options()));
    QSignalSpy found(rig.session.get(), &DeviceSession::slavesIdentified);
    rig.session->start();
    QTRY_COMPARE_WITH_TIMEOUT(found.size(), 1, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(rig.session->state(), DeviceSession::State::Polling, 20000);
    QCOMPARE(rig.session->identity()->slave, quint8(0x10));
    QSignalSpy focus(rig.session.get(), &DeviceSession::focusChanged);
    QSignalSpy values(rig.session.get(), &DeviceSession::valuesUpdated);
    QSignalSpy exchanges(rig.session.get(), &DeviceSession::exchangeFinished);
    QVERIFY(!rig.session->setFocus(0x55)); // nobody there
    QCOMPARE(focus.size(), 0);

    const quint64 before = rig.session->readRegisters(0x0100, 2); // for the controller
    QVERIFY(rig.session->setFocus(0x31));
    QCOMPARE(focus.size(), 1);
    QCOMPARE(focus.first().first().value<DeviceIdentity>().slave, quint8(0x31));
    QCOMPARE(rig.session->identity()->slave, quint8(0x31));
    QCOMPARE(rig.session->map()->family(), Family::Battery);
    QVERIFY(rig.session->setFocus(0x31)); // the same again: no news
    QCOMPARE(focus.size(), 1);
    const quint64 after = rig.session->readRegisters(5042, 2); // for the battery
    const auto slaveOf = [&exchanges](quint64 id) -> int {
        for (const QList<QVariant> &args : std::as_const(exchanges)) {
            const auto ex = args.first().value<Exchange>();
            if (ex.id == id)
                return ex.outcome == Exchange::Outcome::Ok ? ex.request.slave : -1;
        }
        return 0;
    };
    // Cycles run back to back here (30 ms interval, six slaves): the reads still get their turn.
    QTRY_VERIFY_WITH_TIMEOUT(slaveOf(before) != 0 && slaveOf(after) != 0, 20000);
    QCOMPARE(slaveOf(before), 0x10);
    QCOMPARE(slaveOf(after), 0x31);
    // valuesUpdated follows the focus: the battery's fields, not the controller's.
    values.clear();
    QTRY_VERIFY_WITH_TIMEOUT(!values.isEmpty(), 20000);
    const auto cycle = values.last().first().value<DecodedValues>();
    QVERIFY(std::any_of(cycle.cbegin(), cycle.cend(), [](const DecodedValue &v) {
        return v.key == QLatin1String("cycle_count");
    }));
    QVERIFY(std::none_of(cycle.cbegin(), cycle.cend(),
                         [](const DecodedValue &v) { return v.key == QLatin1String("pv_power"); }));
    QVERIFY2(rig.violations.isEmpty(), qPrintable(rig.violations.join(QLatin1Char('\n'))));
    rig.session->stop();
}

void TestDeviceSession::silentSlaveKeepsOthersPolling() {
    // One battery stops answering: it goes offline with Stale values and is retried every cycle;
    // the others keep their Good values and the link is never reconnected for it.
    SystemRig rig;
    DeviceSession::Options options = SystemRig::options();
    options.requestTimeoutMs = 400; // exercised: the silent pack's requests time out
    QVERIFY(rig.create(options));
    QSignalSpy found(rig.session.get(), &DeviceSession::slavesIdentified);
    QHash<int, QList<bool>> availability;
    QObject::connect(rig.session.get(), &DeviceSession::slaveAvailabilityChanged,
                     rig.transport.get(), [&](const DeviceIdentity &slave, bool online) {
                         availability[slave.slave].append(online);
                     });
    rig.session->start();
    QTRY_COMPARE_WITH_TIMEOUT(found.size(), 1, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(rig.goodCycles.value(0x33) >= 1, 20000);
    QString error;
    const auto fault = SimulatedTransport::parseFault(u"drop:1.0@0x33", &error);
    QVERIFY2(fault, qPrintable(error));
    rig.transport->addFault(*fault);
    QTRY_VERIFY_WITH_TIMEOUT(
        !availability.value(0x33).isEmpty() && !availability.value(0x33).last(), 20000);
    const QHash<int, int> before = rig.goodCycles;
    QTRY_VERIFY_WITH_TIMEOUT(rig.goodCycles.value(0x10) >= before.value(0x10) + 3 &&
                                 rig.goodCycles.value(0x32) >= before.value(0x32) + 3,
                             30000);
    for (const DecodedValue &v : rig.session->currentValues(0x33)) {
        const FieldDef *f = rig.session->map(0x33)->field(v.key);
        if (f && f->poll == PollClass::Cycle)
            QVERIFY2(v.quality != Quality::Good, qPrintable(v.key));
    }
    QVERIFY(rig.session->isSlaveOnline(0x30));
    QCOMPARE(rig.session->state(), DeviceSession::State::Polling);
    QCOMPARE(rig.session->statistics().reconnects, quint64(0));
    QVERIFY(rig.transport->faultsInjected(Kind::Drop) >= 2);

    // Retried every cycle: it comes back by itself.
    rig.transport->clearFaults();
    QTRY_VERIFY_WITH_TIMEOUT(availability.value(0x33).last(), 20000);
    QCOMPARE(rig.session->statistics().reconnects, quint64(0));
    QVERIFY2(rig.violations.isEmpty(), qPrintable(rig.violations.join(QLatin1Char('\n'))));
    rig.session->stop();
}

void TestDeviceSession::deviceIdForcesOneSlave() {
    // --device-id: that slave alone, no probe of any other id.
    SystemRig rig;
    DeviceSession::Options options = calmOptions();
    options.slave = 0x31;
    QVERIFY(rig.create(options));
    rig.session->start();
    QTRY_VERIFY_WITH_TIMEOUT(rig.goodCycles.value(0x31) >= 2, 20000);
    QCOMPARE(rig.session->slaves().size(), 1);
    QCOMPARE(rig.session->identity()->slave, quint8(0x31));
    QCOMPARE(rig.session->identity()->family, Family::Battery);
    QVERIFY(!rig.session->identity()->sharedLink);
    QCOMPARE(QSet<int>(rig.addressed.cbegin(), rig.addressed.cend()), QSet<int>{0x31});
    rig.session->stop();
}

QTEST_GUILESS_MAIN(TestDeviceSession)
#include "tst_devicesession.moc"
