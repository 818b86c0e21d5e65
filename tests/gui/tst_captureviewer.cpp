// File > Open capture shows what a capture holds (issue 20, point 1): the devices found in the
// device list, their values at the time slider's moment in Live values and over the capture in
// the Chart, and every captured frame annotated in Frames. Driven offscreen, with the vendor app's
// real capture of two batteries and with a session BluPow recorded from its simulator.

#include "../simtesthelpers.h"
#include "../testprerequisite.h"
#include "capture/capturetimeline.h"
#include "capturecontroller.h"
#include "captureviewer.h"
#include "chartpanel.h"
#include "device/connectionmanager.h"
#include "devicespanel.h"
#include "framespanel.h"
#include "livevaluespanel.h"
#include "models/devicelistmodel.h"
#include "models/framelogmodel.h"
#include "models/livevaluesmodel.h"
#include "sim/simulateddevices.h"
#include "sim/simulatedtransport.h"

#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>

using namespace blupow;

namespace {

constexpr int kWaitMs = 15000;

QString realCapture() {
    return testing::sharedPath(QStringLiteral("captures/renogy-bt2-two-batteries.btsnoop"));
}

// What main.cpp builds for captures: the panels, the controller and the viewer, wired the same.
struct Rig {
    RegisterMaps maps = RegisterMaps::builtIn();
    DeviceListModel devices;
    LiveValuesModel live;
    FrameLogModel frames;
    std::unique_ptr<ConnectionManager> connections;
    DevicesPanel devicesPanel{&devices};
    LiveValuesPanel livePanel{&live};
    FramesPanel framesPanel{&frames};
    ChartPanel chart;
    std::unique_ptr<CaptureController> captures;
    std::unique_ptr<CaptureViewer> viewer;

    Rig() {
        connections = testing::fastSimulatedConnections(maps, 200);
        QObject::connect(connections.get(), &ConnectionManager::sessionChanged, &livePanel,
                         &LiveValuesPanel::setSession);
        QObject::connect(connections.get(), &ConnectionManager::sessionChanged, &framesPanel,
                         &FramesPanel::setSession);
        QObject::connect(connections.get(), &ConnectionManager::sessionChanged, &chart,
                         &ChartPanel::setSession);
        captures = std::make_unique<CaptureController>(connections.get(), maps);
        viewer = std::make_unique<CaptureViewer>(
            connections.get(), CaptureViewer::Targets{&devices, &livePanel, &chart, &frames}, maps);
        QObject::connect(captures.get(), &CaptureController::captureOpened, viewer.get(),
                         &CaptureViewer::open);
        QObject::connect(&devicesPanel, &DevicesPanel::connectRequested, viewer.get(),
                         &CaptureViewer::connectOrShow);
        QObject::connect(&devicesPanel, &DevicesPanel::disconnectRequested, connections.get(),
                         &ConnectionManager::disconnectDevice);
        QObject::connect(&devicesPanel, &DevicesPanel::disconnectRequested, viewer.get(),
                         &CaptureViewer::stopShowing);
        QObject::connect(viewer.get(), &CaptureViewer::deviceShown, &devicesPanel,
                         [this](const QString &, const QString &address) {
                             devicesPanel.setConnectedAddress(address);
                         });
        for (const DiscoveredDevice &d : SimulatedDevices::all())
            devices.addOrUpdate(d);
    }

    void choose(const QString &address) {
        devicesPanel.selectAddress(address);
        devicesPanel.connectAction()->trigger();
    }

    // Opens `path` as File > Open capture does and waits for the import on its worker thread.
    bool open(const QString &path) {
        QSignalSpy opened(captures.get(), &CaptureController::captureOpened);
        QSignalSpy errors(captures.get(), &CaptureController::errorOccurred);
        if (!captures->openCapture(path))
            return false;
        if (!opened.wait(kWaitMs)) {
            qWarning() << "not opened:" << errors;
            return false;
        }
        return errors.isEmpty();
    }

    [[nodiscard]] QString liveText(const QString &key) const {
        const int row = live.rowOfKey(key);
        return row < 0 ? QString()
                       : live.index(row, LiveValuesModel::ValueColumn).data().toString();
    }
};

// The frame log's lines for a capture: each request, its discarded bytes and its reply.
int frameLines(const capture::CaptureTimeline &timeline) {
    int lines = 0;
    for (const capture::CapturedExchange &e : timeline.exchanges())
        lines += 1 + (e.exchange.dropped.isEmpty() ? 0 : 1) +
                 (e.exchange.responseFrame.isEmpty() ? 0 : 1);
    return lines;
}

// Records the simulated battery through File > Record session into `path` (started before the
// device: the transport is attached when its session appears). Check QTest::currentTestFailed().
void recordSimulatedBattery(const QString &path, int frames) {
    Rig rig;
    QSignalSpy recording(rig.captures.get(), &CaptureController::recordingChanged);
    QSignalSpy status(rig.captures.get(), &CaptureController::statusMessage);
    QVERIFY(rig.captures->startRecording(path));
    QVERIFY(rig.captures->recordAction()->isChecked());
    QCOMPARE(rig.captures->recordingPath(), path);
    QVERIFY(status.last().first().toString().contains(path));
    rig.choose(QStringLiteral("sim:battery"));
    QTRY_VERIFY_WITH_TIMEOUT(rig.frames.rowCount() >= frames, kWaitMs);
    rig.captures->stopRecording();
    QVERIFY(!rig.captures->isRecording());
    QVERIFY(!rig.captures->recordAction()->isChecked());
    QCOMPARE(recording.size(), 2);
    QVERIFY(QFileInfo(path).size() > 0);
}

} // namespace

#define REQUIRE_REAL_CAPTURE()                                                                     \
    BLUPOW_REQUIRE_PREREQUISITE(QFile::exists(realCapture()),                                      \
                                "../shared/captures/renogy-bt2-two-batteries.btsnoop (the shared " \
                                "folder beside the checkout)")

class TestCaptureViewer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void opensWhatTheCaptureHolds_data();
    void opensWhatTheCaptureHolds();
    void sliderMovesTheValues();
    void sliderKeepsTheWidth();
    void devicesOfTheCaptureAreChosenLikeOthers();
    void liveDeviceTakesThePanelsBack();
    void nextCaptureReplacesTheLast();
    void timelineValuesAt();
    void openRejectsWhatHoldsNoRequest();
};

void TestCaptureViewer::opensWhatTheCaptureHolds_data() {
    QTest::addColumn<QString>("source"); // "real" or "recorded"
    QTest::addColumn<QList<int>>("slaves");
    QTest::addColumn<QString>("family");
    QTest::newRow("vendor app, two batteries behind a BT-2")
        << QStringLiteral("real") << QList<int>{0x30, 0x31} << QStringLiteral("Smart battery");
    QTest::newRow("BluPow's own recording of the simulated battery")
        << QStringLiteral("recorded") << QList<int>{0x30} << QStringLiteral("Smart battery");
}

// Opening a capture lists its devices (marked as the capture's), shows the first one's values and
// chart, and every captured frame annotated: no "identifying…", no probes of BluPow's own.
void TestCaptureViewer::opensWhatTheCaptureHolds() {
    QFETCH(QString, source);
    QFETCH(QList<int>, slaves);
    QFETCH(QString, family);
    QTemporaryDir dir;
    QString path;
    if (source == QLatin1String("real")) {
        REQUIRE_REAL_CAPTURE();
        path = realCapture();
    } else {
        path = dir.filePath(QStringLiteral("battery.btsnoop"));
        recordSimulatedBattery(path, 30);
        if (QTest::currentTestFailed())
            return;
    }
    Rig rig;
    QVERIFY(rig.open(path));
    const capture::CaptureTimeline *timeline = rig.viewer->timeline();
    QVERIFY(timeline);

    // Every slave found, in the device list as the capture's.
    QList<int> listed;
    for (const DiscoveredDevice &d : rig.devices.devices()) {
        if (const auto slave = capture::captureDeviceSlave(d.address)) {
            listed.append(*slave);
            QVERIFY2(
                d.name.contains(QStringLiteral("from capture %1").arg(QFileInfo(path).fileName())),
                qPrintable(d.name));
            QVERIFY2(d.name.startsWith(family), qPrintable(d.name));
            const int row = rig.devices.rowOf(d.address);
            QVERIFY(rig.devices.index(row, DeviceListModel::KindColumn)
                        .data()
                        .toString()
                        .startsWith(QLatin1String("capture")));
        }
    }
    QCOMPARE(listed, slaves);

    // The first device is shown at once, at its first values; nothing is connected.
    QVERIFY(!rig.viewer->isHidden());
    QCOMPARE(rig.viewer->shownSlave(), std::optional<quint8>(quint8(slaves.first())));
    QVERIFY(!rig.connections->session());
    QVERIFY(rig.live.rowOfKey(QStringLiteral("battery_voltage")) >= 0);
    bool numeric = false;
    const double volts = rig.liveText(QStringLiteral("battery_voltage")).toDouble(&numeric);
    QVERIFY(numeric);
    QVERIFY2(volts > 10 && volts < 60, qPrintable(rig.liveText(QStringLiteral("battery_voltage"))));
    QVERIFY(rig.livePanel.isShowingRecordedValues());

    // The chart holds the device's series over the whole capture, one point per reading.
    const auto readings = timeline->readingsOf(quint8(slaves.first()));
    qsizetype voltageReadings = 0;
    for (const capture::CapturedExchange *e : readings) {
        for (const DecodedValue &v : e->values)
            voltageReadings += v.key == QLatin1String("battery_voltage") ? 1 : 0;
    }
    QVERIFY(voltageReadings > 1);
    QCOMPARE(rig.chart.recordedSamples(QStringLiteral("battery_voltage")), voltageReadings);
    QVERIFY(rig.chart.chosenFields().contains(QStringLiteral("battery_voltage")));
    QVERIFY(rig.chart.seriesPointCount(QStringLiteral("battery_voltage")) > 0);

    // Frames: each captured exchange as a request and its reply, annotated as live frames are.
    QCOMPARE(rig.frames.rowCount(), frameLines(*timeline));
    if (source == QLatin1String("real")) {
        QCOMPARE(rig.frames.rowCount(), 40); // 20 requests, 20 replies
        for (int row = 0; row < rig.frames.rowCount(); ++row)
            QVERIFY(
                !rig.frames.data(rig.frames.index(row, 0), FrameLogModel::IsErrorRole).toBool());
    }
    QVERIFY(rig.framesPanel.selectLatest(FrameRecord::Direction::Rx));
    const ByteAnnotations annotations = rig.framesPanel.selectedAnnotations();
    QVERIFY(annotations.size() > 4);
    QCOMPARE(annotations.first().title, QStringLiteral("slave id"));
    QCOMPARE(annotations.last().title, QStringLiteral("CRC"));
    QVERIFY(annotations.last().ok);
    QVERIFY(std::any_of(annotations.cbegin(), annotations.cend(), [](const ByteAnnotation &a) {
        return !a.key.isEmpty() && !a.value.isEmpty();
    }));
}

// The slider moves Live values to the values at its moment: before the cells were first read
// there are none; at the end the last reading of each field, with its age at that moment.
void TestCaptureViewer::sliderMovesTheValues() {
    REQUIRE_REAL_CAPTURE();
    const QString path = realCapture();
    Rig rig;
    QVERIFY(rig.open(path));
    const capture::CaptureTimeline *timeline = rig.viewer->timeline();
    QSlider *slider = rig.viewer->slider();
    const QString cell = QStringLiteral("cell_1_voltage");

    // It opens where every field of 0x30 has been read: its cells (5000 x34) came third.
    QCOMPARE(rig.viewer->positionMs(), timeline->device(0x30)->completeMs);
    QCOMPARE(rig.liveText(cell), QStringLiteral("3.4"));

    // At the device's first reading (5042 x6): pack voltage and capacity, no cells yet.
    const qint64 first = timeline->device(0x30)->firstMs;
    rig.viewer->setPositionMs(first);
    QCOMPARE(rig.viewer->positionMs(), first);
    QCOMPARE(rig.liveText(QStringLiteral("battery_voltage")), QStringLiteral("52.4"));
    QCOMPARE(rig.liveText(QStringLiteral("remaining_capacity")), QStringLiteral("49.842"));
    QVERIFY(rig.live.rowOfKey(cell) < 0);
    const QString firstTime = rig.viewer->timeLabel()->text();
    QVERIFY2(firstTime.contains(
                 QDateTime::fromMSecsSinceEpoch(first).toString(QStringLiteral("HH:mm:ss.zzz"))),
             qPrintable(firstTime));

    // End (as the keyboard does it): every field read, the cells included.
    slider->setFocus();
    QTest::keyClick(slider, Qt::Key_End);
    QCOMPARE(slider->value(), slider->maximum());
    QCOMPARE(rig.viewer->positionMs(), timeline->endMs());
    QCOMPARE(rig.liveText(cell), QStringLiteral("3.4"));
    QVERIFY(rig.viewer->timeLabel()->text() != firstTime);
    // The age is that at the slider's moment, not against today's clock.
    const int row = rig.live.rowOfKey(QStringLiteral("battery_voltage"));
    const qint64 age = rig.live.index(row, 0).data(LiveValuesModel::AgeRole).toLongLong();
    QVERIFY2(age >= 0 && age <= timeline->endMs() - first, qPrintable(QString::number(age)));

    // Home goes back to the capture's start, before any reply of 0x30: nothing to show yet.
    QTest::keyClick(slider, Qt::Key_Home);
    QCOMPARE(rig.viewer->positionMs(), timeline->startMs());
    QVERIFY(timeline->startMs() < first);
    QCOMPARE(rig.live.rowCount(), 0);
    // The arrow key steps a second.
    QTest::keyClick(slider, Qt::Key_Right);
    QCOMPARE(rig.viewer->positionMs(), timeline->startMs() + 1000);
}

// The slider keeps the bar's width whatever the file's name (seen under Xvfb: a long title left
// it a few pixels wide).
void TestCaptureViewer::sliderKeepsTheWidth() {
    REQUIRE_REAL_CAPTURE();
    Rig rig;
    QVERIFY(rig.open(realCapture()));
    rig.viewer->resize(rig.viewer->fontMetrics().averageCharWidth() * 60,
                       rig.viewer->sizeHint().height());
    rig.viewer->show();
    QVERIFY(QTest::qWaitForWindowExposed(rig.viewer.get()));
    QVERIFY2(rig.viewer->slider()->width() > rig.viewer->width() * 3 / 4,
             qPrintable(QStringLiteral("%1 of %2")
                            .arg(rig.viewer->slider()->width())
                            .arg(rig.viewer->width())));
    QVERIFY(rig.viewer->width() <= rig.viewer->fontMetrics().averageCharWidth() * 60);
    // The title is elided to fit and whole in its tooltip.
    QVERIFY(rig.viewer->titleLabel()->fontMetrics().horizontalAdvance(
                rig.viewer->titleLabel()->text()) <= rig.viewer->titleLabel()->width());
    QCOMPARE(rig.viewer->titleLabel()->toolTip(), rig.viewer->title());
}

// A capture's device is chosen in the device list like any other: Connect shows it, and the other
// battery's values replace the first's at the same moment.
void TestCaptureViewer::devicesOfTheCaptureAreChosenLikeOthers() {
    REQUIRE_REAL_CAPTURE();
    const QString path = realCapture();
    Rig rig;
    QVERIFY(rig.open(path));
    QSignalSpy shown(rig.viewer.get(), &CaptureViewer::deviceShown);
    rig.viewer->setPositionMs(rig.viewer->timeline()->endMs());
    rig.choose(capture::captureDeviceAddress(0x31));
    QCOMPARE(rig.viewer->shownSlave(), std::optional<quint8>(0x31));
    QCOMPARE(shown.size(), 1);
    QCOMPARE(shown.first().at(1).toString(), capture::captureDeviceAddress(0x31));
    QVERIFY(shown.first().at(0).toString().contains(QLatin1String("0x31")));
    QCOMPARE(rig.viewer->positionMs(), rig.viewer->timeline()->endMs());
    QVERIFY(!rig.connections->session());
    // 0x31's own capacity (49.995 Ah full; 0x30's is 50.000).
    QCOMPARE(rig.liveText(QStringLiteral("total_capacity")), QStringLiteral("49.995"));
    QVERIFY(rig.viewer->title().contains(QLatin1String("0x31")));

    // Disconnect ends the showing as it ends a connection; the devices stay to come back to.
    QVERIFY(rig.devicesPanel.disconnectAction()->isEnabled());
    rig.devicesPanel.disconnectAction()->trigger();
    QVERIFY(!rig.viewer->isShowing());
    QVERIFY(rig.viewer->isHidden());
    QCOMPARE(rig.live.rowCount(), 0);
    QCOMPARE(rig.frames.rowCount(), 0);
    QCOMPARE(rig.chart.recordedSamples(QStringLiteral("battery_voltage")), 0);
    QCOMPARE(shown.last().at(1).toString(), QString());
    QVERIFY(!rig.devicesPanel.disconnectAction()->isEnabled());
    QVERIFY(rig.devices.rowOf(capture::captureDeviceAddress(0x31)) >= 0);
}

// Choosing a live device ends the capture's showing (the panels are the device's again); the
// capture's devices stay listed and show it again when chosen.
void TestCaptureViewer::liveDeviceTakesThePanelsBack() {
    REQUIRE_REAL_CAPTURE();
    const QString path = realCapture();
    Rig rig;
    QVERIFY(rig.open(path));
    const int captured = rig.frames.rowCount();
    rig.choose(QStringLiteral("sim:controller"));
    QVERIFY(rig.connections->session());
    QVERIFY(!rig.viewer->isShowing());
    QVERIFY(rig.viewer->isHidden());
    QVERIFY(!rig.livePanel.isShowingRecordedValues());
    QTRY_VERIFY_WITH_TIMEOUT(rig.live.rowOfKey(QStringLiteral("pv_voltage")) >= 0, kWaitMs);
    QVERIFY(rig.devices.rowOf(capture::captureDeviceAddress(0x30)) >= 0);
    // A scan clears what it found before, not the capture's devices.
    rig.devices.clearScanned();
    QVERIFY(rig.devices.rowOf(capture::captureDeviceAddress(0x30)) >= 0);

    rig.choose(capture::captureDeviceAddress(0x30));
    QVERIFY(!rig.connections->session());
    QVERIFY(rig.viewer->isShowing());
    QCOMPARE(rig.frames.rowCount(), captured);
    QVERIFY(rig.live.rowOfKey(QStringLiteral("pv_voltage")) < 0);
    QVERIFY(rig.live.rowOfKey(QStringLiteral("battery_voltage")) >= 0);
}

// A second capture replaces the first: its devices, frames and chart only.
void TestCaptureViewer::nextCaptureReplacesTheLast() {
    REQUIRE_REAL_CAPTURE();
    QTemporaryDir dir;
    const QString recorded = dir.filePath(QStringLiteral("battery.btsnoop"));
    recordSimulatedBattery(recorded, 30);
    if (QTest::currentTestFailed())
        return;
    Rig rig;
    QVERIFY(rig.open(realCapture()));
    QVERIFY(rig.devices.rowOf(capture::captureDeviceAddress(0x31)) >= 0);
    QVERIFY(rig.open(recorded));
    QCOMPARE(rig.viewer->path(), recorded);
    QVERIFY(rig.devices.rowOf(capture::captureDeviceAddress(0x31)) < 0);
    const int row = rig.devices.rowOf(capture::captureDeviceAddress(0x30));
    QVERIFY(row >= 0);
    QVERIFY(rig.devices.device(row).name.contains(QLatin1String("battery.btsnoop")));
    QCOMPARE(rig.frames.rowCount(), frameLines(*rig.viewer->timeline()));
    // The simulated battery's cells (4 of them) and not the real packs' 15.
    QCOMPARE(rig.liveText(QStringLiteral("cell_count")), QStringLiteral("4"));
}

// The values at a moment are each field's last reading up to it, keeping the reading's time.
void TestCaptureViewer::timelineValuesAt() {
    const auto reading = [](quint8 slave, qint64 atMs, QList<std::pair<QString, double>> values) {
        capture::CapturedExchange e;
        e.exchange.request = modbus::Request::read(slave, 5042, 1);
        e.exchange.outcome = Exchange::Outcome::Ok;
        e.exchange.sentMs = atMs - 100;
        e.exchange.receivedMs = atMs;
        e.family = Family::Battery;
        for (const auto &[key, value] : values) {
            DecodedValue v;
            v.key = key;
            v.value = value;
            v.timestampMs = atMs;
            e.values.append(v);
        }
        return e;
    };
    capture::CapturedExchange silent;
    silent.exchange.request = modbus::Request::read(0x31, 5042, 1);
    silent.exchange.sentMs = 1000;
    const capture::CaptureTimeline timeline({
        silent,
        reading(0x30, 2000, {{QStringLiteral("a"), 1.0}, {QStringLiteral("b"), 2.0}}),
        reading(0x30, 3000, {{QStringLiteral("a"), 3.0}}),
    });
    QCOMPARE(timeline.startMs(), 1000);
    QCOMPARE(timeline.endMs(), 3000);
    QCOMPARE(timeline.devices().size(), 2);
    QCOMPARE(timeline.device(0x31)->answered, 0);
    QCOMPARE(timeline.device(0x30)->firstMs, 2000);
    QCOMPARE(timeline.device(0x30)->completeMs, 2000); // "a" again at 3000 is no new field
    QVERIFY(timeline.valuesAt(0x30, 1999).isEmpty());
    DecodedValues at = timeline.valuesAt(0x30, 2500);
    QCOMPARE(at.size(), 2);
    QCOMPARE(at.at(0).value.toDouble(), 1.0);
    at = timeline.valuesAt(0x30, 3000);
    QCOMPARE(at.size(), 2);
    QCOMPARE(at.at(0).key, QStringLiteral("a"));
    QCOMPARE(at.at(0).value.toDouble(), 3.0);
    QCOMPARE(at.at(1).timestampMs, 2000); // b was last read at 2000
    QVERIFY(timeline.valuesAt(0x31, 3000).isEmpty());

    // 0xFF's reply came from the one device that answers at its own address too.
    const capture::CaptureTimeline probed({
        reading(0xFF, 1500, {{QStringLiteral("v"), 13.2}}),
        reading(0x30, 2000, {{QStringLiteral("a"), 1.0}}),
    });
    QCOMPARE(probed.devices().size(), 1);
    QCOMPARE(probed.devices().first().slave, 0x30);
    QCOMPARE(probed.devices().first().requests, 2);
    QCOMPARE(probed.devices().first().firstMs, 1500);
    QCOMPARE(probed.valuesAt(0x30, 2000).size(), 2);
    // With two devices at their own addresses, whose reply 0xFF got is unknown: it stays apart.
    const capture::CaptureTimeline two({
        reading(0xFF, 1500, {{QStringLiteral("v"), 13.2}}),
        reading(0x30, 2000, {{QStringLiteral("a"), 1.0}}),
        reading(0x31, 2000, {{QStringLiteral("a"), 2.0}}),
    });
    QCOMPARE(two.devices().size(), 3);
    QCOMPARE(two.valuesAt(0x30, 2000).size(), 1);
    QCOMPARE(capture::captureDeviceSlave(capture::captureDeviceAddress(0x31)),
             std::optional<quint8>(0x31));
    QCOMPARE(capture::captureDeviceSlave(QStringLiteral("sim:battery")), std::nullopt);
}

// A capture with no Modbus request in it says so and leaves what was shown as it was.
void TestCaptureViewer::openRejectsWhatHoldsNoRequest() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("empty.btsnoop"));
    {
        // A valid btsnoop header (version 1, datalink 1002) and no record.
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("btsnoop\0", 8) + QByteArray::fromHex("00000001000003ea"));
    }
    Rig rig;
    rig.choose(QStringLiteral("sim:battery"));
    DeviceSession *live = rig.connections->session();
    QSignalSpy errors(rig.captures.get(), &CaptureController::errorOccurred);
    QVERIFY(rig.captures->openCapture(path));
    QTRY_VERIFY_WITH_TIMEOUT(!rig.captures->isImporting(), kWaitMs);
    QCOMPARE(errors.size(), 1);
    const QString message = errors.first().first().toString();
    QVERIFY2(message.contains(QLatin1String("empty.btsnoop")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("no Modbus request")), qPrintable(message));
    QCOMPARE(rig.connections->session(), live);
    QVERIFY(!rig.viewer->isShowing());
}

QTEST_MAIN(TestCaptureViewer)
#include "tst_captureviewer.moc"
