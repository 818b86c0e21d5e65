// The capture importer end to end: the real two-battery capture decoded with the register maps
// (values checked by hand from the hex), and BluPow's own recordings of simulator sessions
// imported back and replayed through a new session, which must decode what the first one did.

#include "capture/captureimporter.h"
#include "capture/recorder.h"
#include "capture/replaytransport.h"
#include "device/devicesession.h"
#include "registers/registermap.h"
#include "sim/simulateddevices.h"
#include "sim/simulatedtransport.h"
#include "simtesthelpers.h"
#include "testprerequisite.h"

#include <QBuffer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace blupow;
using namespace blupow::capture;

namespace {

const QString kRealCapture =
    blupow::testing::sharedPath(QStringLiteral("captures/renogy-bt2-two-batteries.btsnoop"));

const DecodedValue *valueOf(const CapturedExchange &e, QStringView key) {
    for (const auto &v : e.values) {
        if (v.key == key)
            return &v;
    }
    return nullptr;
}

// A disk that fills up: takes `room` bytes, then refuses every write.
class FullDevice : public QIODevice {
public:
    explicit FullDevice(qint64 room)
        : m_room(room) {
        open(QIODevice::WriteOnly);
    }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *, qint64 len) override {
        if (len > m_room) {
            setErrorString(QStringLiteral("No space left on device"));
            return -1;
        }
        m_room -= len;
        return len;
    }

private:
    qint64 m_room;
};

// A session polling a simulated device, with its exchanges and last full cycle collected.
struct SessionRun {
    QList<Exchange> exchanges;
    // The last Good reading of every key (stop() ends with a cycle of Stale values).
    DecodedValues lastValues;
    int cycles = 0;
};

void runSession(Transport *transport, const RegisterMaps &maps, int cycles, SessionRun *run,
                const std::function<void()> &afterStart = {}) {
    DeviceSession::Options options;
    options.pollIntervalMs = 20;
    // The fast simulator answers every request of these runs within a millisecond; a timeout
    // here could only be a busy machine stalling the event loop, and a late reply would then be
    // recorded after the next request. Far longer than any stall, so the recording is exact.
    options.requestTimeoutMs = testing::kNeverRacedTimeoutMs;
    options.probeTimeoutMs = testing::kNeverRacedTimeoutMs;
    options.randomSeed = 7;
    DeviceSession session(transport, maps, options);
    QObject::connect(&session, &DeviceSession::exchangeFinished, &session,
                     [run](const Exchange &e) { run->exchanges.append(e); });
    QObject::connect(
        &session, &DeviceSession::valuesUpdated, &session, [run](const DecodedValues &values) {
            for (const DecodedValue &v : values) {
                if (v.quality != Quality::Good)
                    continue;
                auto same = std::find_if(run->lastValues.begin(), run->lastValues.end(),
                                         [&v](const DecodedValue &x) { return x.key == v.key; });
                if (same != run->lastValues.end())
                    *same = v;
                else
                    run->lastValues.append(v);
            }
            ++run->cycles;
        });
    session.start();
    if (afterStart)
        afterStart();
    QTRY_VERIFY_WITH_TIMEOUT(run->cycles >= cycles, 20000);
    session.stop();
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), DeviceSession::State::Stopped, 5000);
}

// A link driven by the test: every write and chunk in the same millisecond, as a fast device
// answers, so only the order of events can tell a request from the reply it caused.
class ScriptedLink : public Transport {
public:
    void open() override {}
    void close() override {}
    bool write(const QByteArray &frame) override {
        Q_EMIT bytesWritten(frame, kSameMs);
        return true;
    }
    [[nodiscard]] State state() const override { return State::Open; }
    [[nodiscard]] QString peerName() const override { return QStringLiteral("BT-TH-SCRIPTED"); }
    [[nodiscard]] QString peerAddress() const override {
        return QStringLiteral("00:11:22:33:44:55");
    }
    void deliver(const QByteArray &chunk) { Q_EMIT bytesReceived(chunk, kSameMs); }

    static constexpr qint64 kSameMs = 1'700'000'000'000;
};

} // namespace

#define REQUIRE_REAL_CAPTURE()                                                                     \
    BLUPOW_REQUIRE_PREREQUISITE(QFile::exists(kRealCapture),                                       \
                                "../shared/captures/renogy-bt2-two-batteries.btsnoop (the shared " \
                                "folder beside the checkout)")

class TestCaptureImporter : public QObject {
    Q_OBJECT

private:
    RegisterMaps m_maps;

private Q_SLOTS:
    void initTestCase() {
        m_maps = RegisterMaps::builtIn();
        QVERIFY(m_maps.find(Family::Battery));
    }

    void realCaptureSummary() {
        REQUIRE_REAL_CAPTURE();
        const auto im = CaptureImporter(m_maps).importFile(kRealCapture);
        QVERIFY2(im.ok, qPrintable(im.error));
        QCOMPARE(im.summary.exchanges, 20);
        QCOMPARE(im.summary.ok, 20);
        QCOMPARE(im.summary.crcErrors + im.summary.exceptions + im.summary.unanswered, 0);
        QCOMPARE(im.summary.devices.size(), 2);
        QCOMPARE(im.summary.devices.at(0).slave, quint8{0x30});
        QCOMPARE(im.summary.devices.at(1).slave, quint8{0x31});
        for (const auto &d : im.summary.devices)
            QCOMPARE(d.family, std::optional<Family>(Family::Battery));
        // 5042 x6 and 5104 x28 four times per battery, 5000 x34 twice (README: 34, 6, 28).
        QCOMPARE(im.summary.reads.size(), 6);
        QVERIFY(im.summary.writes.isEmpty());
        // The HCI commands and events of the phone are skipped and said so, with where.
        QVERIFY(im.warnings.join(u'\n').contains(QLatin1String("HCI event (first at record 1")));
    }

    void realCaptureValues_data() {
        QTest::addColumn<int>("index"); // exchange number in the capture, from 0
        QTest::addColumn<QString>("key");
        QTest::addColumn<double>("value");
        // Pinned from the hex (see tst_conversationextractor for the words): 0x020c = 52.4 V,
        // 0xc2b2 = 49.842 Ah, 0xc350 = 50.000 Ah, 0x22 = 3.4 V, 0x23 = 3.5 V, 0x82 = 13.0 degC.
        QTest::newRow("0x30 pack voltage") << 0 << "battery_voltage" << 52.4;
        QTest::newRow("0x30 current") << 0 << "current" << 0.0;
        QTest::newRow("0x30 remaining") << 0 << "remaining_capacity" << 49.842;
        QTest::newRow("0x30 full") << 0 << "total_capacity" << 50.0;
        QTest::newRow("0x31 pack voltage") << 2 << "battery_voltage" << 52.4;
        QTest::newRow("0x31 remaining") << 2 << "remaining_capacity" << 49.837;
        QTest::newRow("0x31 full") << 2 << "total_capacity" << 49.995;
        QTest::newRow("0x30 cell count") << 4 << "cell_count" << 15.0;
        QTest::newRow("0x30 cell 1") << 4 << "cell_1_voltage" << 3.4;
        QTest::newRow("0x30 cell 10") << 4 << "cell_10_voltage" << 3.5;
        QTest::newRow("0x30 cell 15") << 4 << "cell_15_voltage" << 3.4;
        QTest::newRow("0x30 temperature 1") << 4 << "cell_temperature_1" << 13.0;
        QTest::newRow("0x30 temperature 9") << 4 << "cell_temperature_9" << 14.0;
    }
    void realCaptureValues() {
        REQUIRE_REAL_CAPTURE();
        QFETCH(int, index);
        QFETCH(QString, key);
        QFETCH(double, value);
        const auto im = CaptureImporter(m_maps).importFile(kRealCapture);
        QVERIFY(index < im.exchanges.size());
        const DecodedValue *v = valueOf(im.exchanges.at(index), key);
        QVERIFY2(v, qPrintable(key));
        QCOMPARE(v->quality, Quality::Good);
        QVERIFY(v->isNumeric());
        QCOMPARE(v->value.toDouble(), value);
    }

    void realCapturePlausible() {
        REQUIRE_REAL_CAPTURE();
        const auto im = CaptureImporter(m_maps).importFile(kRealCapture);
        for (const auto &e : im.exchanges) {
            if (const auto *v = valueOf(e, u"battery_voltage")) {
                QVERIFY(v->value.toDouble() > 50 && v->value.toDouble() < 55);
            }
            if (e.exchange.request.start != 5000)
                continue;
            int cells = 0;
            double sum = 0;
            for (const auto &v : e.values) {
                if (!v.key.startsWith(QLatin1String("cell_")) ||
                    !v.key.endsWith(QLatin1String("_voltage")) || v.quality != Quality::Good)
                    continue;
                ++cells;
                sum += v.value.toDouble();
                QVERIFY(v.value.toDouble() >= 3.2 && v.value.toDouble() <= 3.5);
            }
            // A 48 V LFP pack is 15 cells in series; slot 16 reads 0 and is Invalid, not Good.
            QCOMPARE(cells, 15);
            QVERIFY(sum > 50 && sum < 53);
            QCOMPARE(valueOf(e, u"cell_16_voltage")->quality, Quality::Invalid);
        }
    }

    void realCaptureModelAndSerial() {
        REQUIRE_REAL_CAPTURE();
        const auto im = CaptureImporter(m_maps).importFile(kRealCapture);
        const CapturedExchange &e = im.exchanges.at(1); // 0x30 5104 x28
        const DecodedValue *model = valueOf(e, u"model");
        const DecodedValue *version = valueOf(e, u"software_version");
        const DecodedValue *serial = valueOf(e, u"serial_number");
        QVERIFY(model && version && serial);
        QCOMPARE(model->value.toString(), QStringLiteral("RBT50LFP48S"));
        QCOMPARE(version->value.toString(), QStringLiteral("V104"));
        QCOMPARE(serial->value.toString(), QStringLiteral("22RBH4A051020000"));
        QVERIFY(CaptureImporter::rawOnlyRegisters(e).isEmpty());
    }

    void familyGuess_data() {
        QTest::addColumn<int>("slave");
        QTest::addColumn<int>("start");
        QTest::addColumn<int>("family"); // -1 = unknown
        QTest::newRow("battery register") << 0xff << 5042 << int(Family::Battery);
        QTest::newRow("inverter register") << 0x20 << 4000 << int(Family::Inverter);
        QTest::newRow("controller dynamic block") << 0xff << 0x0100 << int(Family::Controller);
        QTest::newRow("controller settings") << 0x01 << 0xe001 << int(Family::Controller);
        QTest::newRow("hub battery slave, odd register") << 0x33 << 0x3000 << int(Family::Battery);
        QTest::newRow("nothing to go by") << 0x01 << 0x3000 << -1;
    }
    void familyGuess() {
        QFETCH(int, slave);
        QFETCH(int, start);
        QFETCH(int, family);
        CapturedExchange e;
        e.exchange.request =
            modbus::Request::read(static_cast<quint8>(slave), static_cast<quint16>(start), 2);
        e.exchange.outcome = Exchange::Outcome::Ok;
        e.exchange.response.words = {1, 2};
        CaptureImporter(m_maps).decode(e);
        QCOMPARE(e.family ? int(*e.family) : -1, family);
    }

    void forcedVariantAppliesWhereItExists_data() {
        QTest::addColumn<int>("start");
        QTest::addColumn<QString>("variant");
        QTest::newRow("battery pro") << 5042 << QStringLiteral("pro");
        QTest::newRow("controller keeps its map") << 0x0100 << QStringLiteral("default");
    }
    void forcedVariantAppliesWhereItExists() {
        QFETCH(int, start);
        QFETCH(QString, variant);
        CapturedExchange e;
        e.exchange.request = modbus::Request::read(0xff, static_cast<quint16>(start), 2);
        e.exchange.outcome = Exchange::Outcome::Ok;
        e.exchange.response.words = {1, 2};
        CaptureImporter::Options options;
        options.variant = QStringLiteral("pro");
        CaptureImporter(m_maps, options).decode(e);
        QCOMPARE(e.variant, variant);
        QVERIFY(!e.values.isEmpty());
    }

    void unknownRegistersStayRaw() {
        CapturedExchange e;
        e.exchange.request = modbus::Request::read(0x30, 5053, 3); // reserved 5053-5099
        e.exchange.outcome = Exchange::Outcome::Ok;
        e.exchange.response.words = {7, 8, 9};
        CaptureImporter(m_maps).decode(e);
        QCOMPARE(e.family, std::optional<Family>(Family::Battery));
        QCOMPARE(CaptureImporter::rawOnlyRegisters(e), (QList<int>{5053, 5054, 5055}));
    }

    void simulatorRecordingRoundTrip_data() {
        QTest::addColumn<QString>("model");
        // Recording started on a running session (File > Record session while connected): the
        // session's handler sees each chunk before the recorder does, and may send the next
        // request from inside it.
        QTest::addColumn<bool>("attachAfterSession");
        for (const char *model : {"battery", "controller", "inverter"}) {
            QTest::addRow("%s", model) << QString::fromLatin1(model) << false;
            QTest::addRow("%s, recording a running session", model)
                << QString::fromLatin1(model) << true;
        }
    }
    void simulatorRecordingRoundTrip() {
        QFETCH(QString, model);
        QFETCH(bool, attachAfterSession);
        QString error;
        const auto simulated = SimulatedDevices::makeTransport(model, m_maps, &error);
        QVERIFY2(simulated, qPrintable(error));
        SimulatedTransport &sim = *simulated;
        sim.setLatency(SimulatedTransport::Latency::fast());

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("session.btsnoop"));
        Recorder recorder;
        QVERIFY2(recorder.start(path, &error), qPrintable(error));
        if (!attachAfterSession)
            recorder.attach(&sim);
        SessionRun live;
        runSession(&sim, m_maps, 2, &live, [&] {
            if (attachAfterSession)
                recorder.attach(&sim);
        });
        recorder.stop();
        QVERIFY(recorder.chunksRecorded() > live.exchanges.size());

        // Import: the same requests, the same replies, the same decoded values.
        const auto im = CaptureImporter(m_maps).importFile(path);
        QVERIFY2(im.ok, qPrintable(im.error));
        QVERIFY2(im.warnings.isEmpty(), qPrintable(im.warnings.join(u'\n')));
        QVERIFY(im.capture.handleEvidence.contains(QLatin1String("GATT discovery")));
        QList<Exchange> answered;
        for (const auto &e : live.exchanges) {
            if (e.outcome != Exchange::Outcome::Timeout &&
                e.outcome != Exchange::Outcome::Cancelled)
                answered.append(e);
        }
        QList<const CapturedExchange *> imported;
        for (const auto &e : im.exchanges) {
            if (e.exchange.outcome != Exchange::Outcome::Timeout)
                imported.append(&e);
        }
        QCOMPARE(imported.size(), answered.size());
        for (qsizetype i = 0; i < answered.size(); ++i) {
            QCOMPARE(imported.at(i)->exchange.requestFrame, answered.at(i).requestFrame);
            QCOMPARE(imported.at(i)->exchange.responseFrame, answered.at(i).responseFrame);
            QCOMPARE(imported.at(i)->exchange.outcome, answered.at(i).outcome);
        }
        int compared = 0;
        for (const DecodedValue &sv : std::as_const(live.lastValues)) {
            if (sv.quality != Quality::Good || sv.reg < 0)
                continue;
            // The same reading in the capture: the reply received at the same millisecond (the
            // session may have stopped after later replies without finishing their cycle).
            const DecodedValue *iv = nullptr;
            for (auto it = im.exchanges.crbegin(); it != im.exchanges.crend() && !iv; ++it) {
                if (it->exchange.receivedMs == sv.timestampMs)
                    iv = valueOf(*it, sv.key);
            }
            QVERIFY2(iv, qPrintable(sv.key));
            QCOMPARE(iv->raw, sv.raw);
            QCOMPARE(iv->value, sv.value);
            ++compared;
        }
        QVERIFY(compared >= 5);

        // Replay through a new session: it decodes what the live session decoded.
        QString replayError;
        auto replay = ReplayTransport::fromFile(path, &replayError);
        QVERIFY2(replay, qPrintable(replayError));
        replay->setSpeed(0);
        SessionRun replayed;
        runSession(replay.get(), m_maps, 1, &replayed);
        int same = 0;
        for (const DecodedValue &rv : std::as_const(replayed.lastValues)) {
            if (rv.quality != Quality::Good || rv.reg < 0)
                continue;
            for (const DecodedValue &sv : std::as_const(live.lastValues)) {
                // The first replayed cycle answers with the first recorded cycle, so compare with
                // the live session's first reading: equal raw words give equal values.
                if (sv.key == rv.key && sv.raw == rv.raw) {
                    QCOMPARE(rv.value, sv.value);
                    ++same;
                }
            }
        }
        QVERIFY(same >= 1);
        QCOMPARE(replay->unmatchedRequests(), 0);
    }

    void recordingKeepsCauseBeforeEffectWithinOneMillisecond_data() {
        // Recording started on a running session: the session's handler of a reply sees it
        // before the recorder and sends the next request from inside it.
        QTest::addColumn<bool>("attachAfterSession");
        QTest::newRow("recorder first") << false;
        QTest::newRow("recording a running session") << true;
    }
    void recordingKeepsCauseBeforeEffectWithinOneMillisecond() {
        QFETCH(bool, attachAfterSession);
        const QList<QByteArray> requests = {modbus::buildReadRequest(0x30, 5042, 2),
                                            modbus::buildReadRequest(0x30, 5044, 1),
                                            modbus::buildReadRequest(0x30, 5045, 1)};
        const QList<QByteArray> replies = {modbus::buildReadResponse(0x30, {0, 524}),
                                           modbus::buildReadResponse(0x30, {7}),
                                           modbus::buildReadResponse(0x30, {8})};
        ScriptedLink link;
        QBuffer file;
        QVERIFY(file.open(QIODevice::WriteOnly));
        Recorder recorder;
        QString error;
        QVERIFY2(recorder.start(&file, &error), qPrintable(error));
        if (!attachAfterSession)
            recorder.attach(&link);
        // The "session": each complete reply makes it send the next request at once.
        qsizetype next = 1;
        QObject::connect(&link, &Transport::bytesReceived, &link, [&](const QByteArray &) {
            if (next < requests.size())
                link.write(requests.at(next++));
        });
        if (attachAfterSession)
            recorder.attach(&link);
        link.write(requests.at(0));
        // Each reply in the same event-loop turn as its request, before the recorder's end-of-turn
        // flush, as a fast link's delivery timer can be.
        for (const QByteArray &reply : replies)
            link.deliver(reply);
        recorder.stop();

        const auto im = CaptureImporter(m_maps).importData(file.data());
        QVERIFY2(im.ok, qPrintable(im.error));
        QVERIFY2(im.warnings.isEmpty(), qPrintable(im.warnings.join(u'\n')));
        QCOMPARE(im.exchanges.size(), requests.size());
        for (qsizetype i = 0; i < requests.size(); ++i) {
            QCOMPARE(im.exchanges.at(i).exchange.requestFrame, requests.at(i));
            QCOMPARE(im.exchanges.at(i).exchange.responseFrame, replies.at(i));
        }
    }

    void recordingStopsWhenTheDiskIsFull() {
        QString error;
        const auto sim = SimulatedDevices::makeTransport(u"controller", m_maps, &error);
        QVERIFY2(sim, qPrintable(error));
        sim->setLatency(SimulatedTransport::Latency::fast());
        FullDevice disk(800); // the header, the discovery and a few records
        Recorder recorder;
        QSignalSpy stopped(&recorder, &Recorder::errorOccurred);
        QVERIFY2(recorder.start(&disk, &error), qPrintable(error));
        recorder.attach(sim.get());
        SessionRun live;
        runSession(sim.get(), m_maps, 2, &live);
        // The session went on; the recording ended once, saying why, with what fitted kept.
        QCOMPARE(stopped.size(), 1);
        QVERIFY2(stopped.at(0).at(0).toString().contains(QLatin1String("No space left")),
                 qPrintable(stopped.at(0).at(0).toString()));
        QVERIFY(!recorder.isRecording());
        QVERIFY(recorder.chunksRecorded() > 0);
        QVERIFY(live.cycles >= 2);
    }

    void exportedFramesImport() {
        FrameRecord tx;
        tx.timestampMs = 1'700'000'000'000;
        tx.direction = FrameRecord::Direction::Tx;
        tx.bytes = modbus::buildReadRequest(0x30, 5042, 6);
        FrameRecord rx = tx;
        rx.direction = FrameRecord::Direction::Rx;
        rx.timestampMs += 90;
        rx.bytes = modbus::buildReadResponse(0x30, {0, 524, 0, 49842, 0, 50000});
        const auto im = CaptureImporter(m_maps).importData(Recorder::exportFrames({tx, rx}));
        QCOMPARE(im.exchanges.size(), 1);
        QCOMPARE(im.exchanges.at(0).exchange.outcome, Exchange::Outcome::Ok);
        QCOMPARE(im.exchanges.at(0).exchange.roundTripMs, 90.0);
    }

    void exportedFrameLogImports() {
        Exchange e;
        e.request = modbus::Request::read(0x30, 5042, 6);
        e.requestFrame = modbus::buildRequest(e.request);
        e.responseFrame = modbus::buildReadResponse(0x30, {0, 524, 0, 49842, 0, 50000});
        e.sentMs = 1'700'000'000'000;
        e.receivedMs = 1'700'000'000'150;
        const QByteArray file = Recorder::exportExchanges({e, e});
        const auto im = CaptureImporter(m_maps).importData(file);
        QVERIFY2(im.ok, qPrintable(im.error));
        QCOMPARE(im.exchanges.size(), 2);
        QCOMPARE(im.exchanges.at(1).exchange.roundTripMs, 150.0);
        QCOMPARE(valueOf(im.exchanges.at(0), u"battery_voltage")->value.toDouble(), 52.4);
    }
};

QTEST_GUILESS_MAIN(TestCaptureImporter)
#include "tst_captureimporter.moc"
