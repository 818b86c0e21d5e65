#include "device/pollcycle.h"
#include "simtesthelpers.h"

#include <QTest>

using namespace blupow;

namespace {

constexpr quint8 kSlave = 0x20;

const RegisterMap &inverterMap() {
    const RegisterMap *map = testing::builtInMaps().find(Family::Inverter);
    Q_ASSERT(map);
    return *map;
}

// What came of reading `request` at `atMs`: Ok with zero words, or the outcome without any.
Exchange outcomeOf(const modbus::Request &request, Exchange::Outcome outcome, qint64 atMs) {
    Exchange e;
    e.request = request;
    e.outcome = outcome;
    e.receivedMs = atMs;
    if (outcome == Exchange::Outcome::Ok)
        e.response.words = QList<quint16>(request.count, 0);
    return e;
}

// The fields a cycle block carries (read, not derived).
QStringList fieldsOf(const ReadBlock &block) {
    QStringList keys;
    for (const FieldDef &f : inverterMap().fields()) {
        if (!f.isDerived() && f.poll == PollClass::Cycle && f.reg >= block.start &&
            f.reg < block.start + block.count)
            keys.append(f.key);
    }
    return keys;
}

const DecodedValue *valueOf(const DecodedValues &values, const QString &key) {
    for (const DecodedValue &v : values) {
        if (v.key == key)
            return &v;
    }
    return nullptr;
}

// Runs one cycle in which block `silentIndex` (or none, -1) gets `outcome` and every other
// block an Ok reply at `atMs`. Returns the requests the cycle asked for.
QList<modbus::Request> runCycle(PollCycle &poll, qsizetype silentIndex, Exchange::Outcome outcome,
                                qint64 atMs) {
    const QList<ReadBlock> plan = inverterMap().readPlan(PollClass::Cycle);
    QList<modbus::Request> asked;
    poll.begin();
    while (const auto r = poll.next()) {
        asked.append(*r);
        const bool silent = silentIndex >= 0 && r->start == plan.at(silentIndex).start;
        const auto o = silent ? outcome : Exchange::Outcome::Ok;
        if (o != Exchange::Outcome::Timeout)
            poll.heard();
        poll.handle(outcomeOf(*r, o, atMs));
    }
    poll.end();
    return asked;
}

} // namespace

class TestPollCycle : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void onceBlocksThenEveryCycleBlockInOrder() {
        PollCycle poll;
        poll.setMap(&inverterMap(), kSlave);
        const QList<ReadBlock> once = inverterMap().readPlan(PollClass::Once);
        const QList<ReadBlock> cycle = inverterMap().readPlan(PollClass::Cycle);
        QVERIFY(cycle.size() >= 2);
        for (const ReadBlock &b : once) {
            const auto r = poll.nextOnce();
            QVERIFY(r);
            QCOMPARE(r->start, b.start);
            QCOMPARE(r->count, b.count);
            QCOMPARE(r->slave, kSlave);
            poll.handleOnce(outcomeOf(*r, Exchange::Outcome::Ok, 1));
        }
        QVERIFY(!poll.nextOnce());
        QVERIFY(!poll.active());
        QVERIFY(!poll.next());
        const auto asked = runCycle(poll, -1, Exchange::Outcome::Ok, 2);
        QCOMPARE(asked.size(), cycle.size());
        for (qsizetype i = 0; i < cycle.size(); ++i)
            QCOMPARE(asked.at(i).start, cycle.at(i).start);
        QCOMPARE(poll.cycles(), quint64{1});
        // A new link reads the once blocks again.
        poll.restartOnce();
        QCOMPARE(poll.nextOnce().has_value(), !once.isEmpty());
    }

    // What a field reports after its block came to `outcome` in the second cycle (the first read
    // it at 1000 ms): never a value as fresh that was not read in this cycle.
    void fieldAfterItsBlock_data() {
        QTest::addColumn<int>("outcome");
        QTest::addColumn<bool>("firstCycleRead");
        QTest::addColumn<int>("quality");
        QTest::addColumn<qint64>("timestampMs");
        QTest::newRow("ok") << int(Exchange::Outcome::Ok) << true << -1 << qint64{2000};
        QTest::newRow("timeout: last value, stale")
            << int(Exchange::Outcome::Timeout) << true << int(Quality::Stale) << qint64{1000};
        QTest::newRow("exception: last value, stale")
            << int(Exchange::Outcome::Exception) << true << int(Quality::Stale) << qint64{1000};
        QTest::newRow("bad reply: last value, stale")
            << int(Exchange::Outcome::Error) << true << int(Quality::Stale) << qint64{1000};
        QTest::newRow("never read: placeholder")
            << int(Exchange::Outcome::Timeout) << false << int(Quality::Stale) << qint64{0};
    }
    void fieldAfterItsBlock() {
        QFETCH(int, outcome);
        QFETCH(bool, firstCycleRead);
        QFETCH(int, quality);
        QFETCH(qint64, timestampMs);
        PollCycle poll;
        poll.setMap(&inverterMap(), kSlave);
        const qsizetype block = 1;
        const QString key = fieldsOf(inverterMap().readPlan(PollClass::Cycle).at(block)).value(0);
        QVERIFY(!key.isEmpty());
        runCycle(poll, firstCycleRead ? -1 : block, Exchange::Outcome::Timeout, 1000);
        runCycle(poll, block, static_cast<Exchange::Outcome>(outcome), 2000);
        const DecodedValue *v = valueOf(poll.values(), key);
        QVERIFY(v);
        if (quality >= 0)
            QCOMPARE(int(v->quality), quality);
        else
            QVERIFY(v->quality != Quality::Stale);
        QCOMPARE(v->timestampMs, timestampMs);
        if (!firstCycleRead)
            QCOMPARE(v->note, QStringLiteral("not read yet"));
    }

    // A block the device never answers, while it answers the others, is skipped after two such
    // cycles and tried again every 20th; silence on a dead link counts against no block.
    void silentBlocks_data() {
        QTest::addColumn<bool>("othersAnswer");
        QTest::addColumn<bool>("skippedInThirdCycle");
        QTest::newRow("device answers other blocks") << true << true;
        QTest::newRow("dead link") << false << false;
    }
    void silentBlocks() {
        QFETCH(bool, othersAnswer);
        QFETCH(bool, skippedInThirdCycle);
        PollCycle poll;
        poll.setMap(&inverterMap(), kSlave);
        const QList<ReadBlock> plan = inverterMap().readPlan(PollClass::Cycle);
        const quint16 silentStart = plan.at(1).start;
        bool heardAsExpected = true;
        const auto cycle = [&](qint64 at) {
            QList<quint16> asked;
            poll.begin();
            while (const auto r = poll.next()) {
                asked.append(r->start);
                const bool answered = othersAnswer && r->start != silentStart;
                if (answered)
                    poll.heard();
                poll.handle(outcomeOf(
                    *r, answered ? Exchange::Outcome::Ok : Exchange::Outcome::Timeout, at));
            }
            heardAsExpected = heardAsExpected && poll.end() == othersAnswer;
            return asked;
        };
        cycle(1);
        cycle(2);
        QCOMPARE(!cycle(3).contains(silentStart), skippedInThirdCycle);
        for (qint64 c = 4; c <= PollCycle::kSilentBlockRetryCycles; ++c)
            cycle(c);
        // cycles() == 20 now: this cycle tries it again.
        QVERIFY(cycle(21).contains(silentStart));
        QVERIFY(heardAsExpected);
    }

    void markAllStaleAfterTheLinkIsLost() {
        PollCycle poll;
        QVERIFY(!poll.markAllStale()); // nothing reported yet: nothing to say
        poll.setMap(&inverterMap(), kSlave);
        runCycle(poll, -1, Exchange::Outcome::Ok, 5);
        QVERIFY(poll.markAllStale());
        for (const DecodedValue &v : poll.values())
            QVERIFY2(v.quality != Quality::Good, qPrintable(v.key));
    }

    // Implausible values count in the link's health: every cycle's fresh ones, but an identity
    // field read once per link only once per link (its block decodes again with every cycle).
    void implausibleValuesAreCounted_data() {
        QTest::addColumn<quint16>("onceWord");
        QTest::addColumn<quint16>("cycleWord");
        QTest::addColumn<quint64>("afterTwoCycles");
        QTest::addColumn<quint64>("afterNewLink");
        QTest::newRow("all plausible") << quint16(5) << quint16(50) << quint64{0} << quint64{0};
        QTest::newRow("cycle field implausible each cycle")
            << quint16(5) << quint16(65535) << quint64{2} << quint64{3};
        QTest::newRow("once field: once per link")
            << quint16(999) << quint16(50) << quint64{1} << quint64{2};
    }
    void implausibleValuesAreCounted() {
        QFETCH(quint16, onceWord);
        QFETCH(quint16, cycleWord);
        QFETCH(quint64, afterTwoCycles);
        QFETCH(quint64, afterNewLink);
        QString error;
        const auto map = RegisterMap::fromJson(
            R"({"family": "controller", "variant": "default", "fields": [
                 {"key": "version", "label": "Version", "register": 10, "type": "u16",
                  "group": "identity", "poll": "once", "plausible": [0, 100]},
                 {"key": "soc", "label": "SOC", "register": 20, "type": "u16", "unit": "%",
                  "group": "battery", "plausible": [0, 100]}]})",
            QStringLiteral("t.json"), &error);
        QVERIFY2(map, qPrintable(error));
        PollCycle poll;
        poll.setMap(&*map, kSlave);
        auto link = [&] {
            poll.restartOnce();
            while (const auto r = poll.nextOnce()) {
                Exchange e = outcomeOf(*r, Exchange::Outcome::Ok, 1);
                e.response.words = QList<quint16>(r->count, onceWord);
                poll.handleOnce(e);
            }
        };
        auto cycle = [&](qint64 atMs) {
            poll.begin();
            while (const auto r = poll.next()) {
                Exchange e = outcomeOf(*r, Exchange::Outcome::Ok, atMs);
                e.response.words = QList<quint16>(r->count, cycleWord);
                poll.heard();
                poll.handle(e);
            }
            poll.end();
        };
        link();
        cycle(1000);
        cycle(2000);
        QCOMPARE(poll.invalidValues(), afterTwoCycles);
        link();
        cycle(3000);
        QCOMPARE(poll.invalidValues(), afterNewLink);
        const DecodedValue *soc = valueOf(poll.values(), QStringLiteral("soc"));
        QVERIFY(soc);
        QCOMPARE(soc->quality, cycleWord > 100 ? Quality::Invalid : Quality::Good);
    }
};

QTEST_GUILESS_MAIN(TestPollCycle)
#include "tst_pollcycle.moc"
