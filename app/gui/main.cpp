// blupow: the desktop GUI's composition root. Every object is created and wired here; the
// transport for a chosen device comes from TransportProvider (core/provider), as in the commands
// and the bridge. No singletons, no global "simulator" flag (README, Architecture).

#include "alarmnotifier.h"
#include "alarms/alarmtracker.h"
#include "alarmspanel.h"
#include "ble/devicescanner.h"
#include "capturecontroller.h"
#include "captureviewer.h"
#include "chartpanel.h"
#include "config/snapshot.h"
#include "device/connectionmanager.h"
#include "devicelogspanel.h"
#include "devicespanel.h"
#include "framespanel.h"
#include "history/historyexport.h"
#include "history/historyreader.h"
#include "history/historyrecorder.h"
#include "history/historysessionlink.h"
#include "historycontrol.h"
#include "linkhealthpanel.h"
#include "livevaluespanel.h"
#include "logging.h"
#include "mainwindow.h"
#include "models/alarmlistmodel.h"
#include "models/devicelistlinks.h"
#include "models/devicelistmodel.h"
#include "models/framelogmodel.h"
#include "models/livevaluesmodel.h"
#include "mqtt/sessionpublisher.h"
#include "mqttdialog.h"
#include "passwordstore.h"
#include "preferences/appsettings.h"
#include "provider/transportprovider.h"
#include "registerconsole.h"
#include "scancontroller.h"
#include "settingspanel.h"
#include "sim/scenarios.h"
#include "sim/simulateddevices.h"
#include "support/logbuffer.h"
#include "supportbundleaction.h"
#include "systemoverviewpanel.h"

#include <QAction>
#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QPointer>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTextStream>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

using namespace blupow;

namespace {

struct Invocation {
    bool simulate = false;
    QString simulateModel; // empty = the default demo device
    QString screenshot;
    int screenshotDelayMs = 2500;
    QString settingsFile;
    QString capture;     // opened at start instead of connecting to a device
    QStringList connect; // devices to link at start (--connect, repeated)
    bool verbose = false;
};

// --simulate takes an optional value (--simulate or --simulate=MODEL), which QCommandLineParser
// cannot express; it is taken out of the arguments before the parser sees them.
std::optional<Invocation> parseArguments(const QApplication &app, QString *error) {
    Invocation inv;
    QStringList args;
    for (const QString &arg : QCoreApplication::arguments()) {
        if (arg == QLatin1String("--simulate")) {
            inv.simulate = true;
        } else if (arg.startsWith(QLatin1String("--simulate="))) {
            inv.simulate = true;
            inv.simulateModel = arg.mid(static_cast<qsizetype>(qstrlen("--simulate=")));
        } else {
            args.append(arg);
        }
    }
    Q_UNUSED(app)
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral(
            "Diagnostics for Renogy solar devices over Bluetooth LE: live values, charts, "
            "annotated Modbus frames, link health, and publishing to Home Assistant.\n\n"
            "--simulate[=MODEL]  list the built-in simulated devices and connect to MODEL "
            "(%1; default inverter). Without a Bluetooth adapter this happens by itself.")
            .arg(scenarios::names().join(QStringLiteral(", "))));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Save a PNG of the main window to FILE, then quit."),
        QStringLiteral("FILE"));
    const QCommandLineOption delay(
        QStringLiteral("screenshot-delay"),
        QStringLiteral("Wait MS milliseconds before --screenshot (default 2500)."),
        QStringLiteral("MS"), QStringLiteral("2500"));
    const QCommandLineOption settings(
        QStringLiteral("settings"),
        QStringLiteral("Read and write settings in this INI file instead of "
                       "the user's configuration."),
        QStringLiteral("FILE"));
    const QCommandLineOption verbose(QStringLiteral("verbose"),
                                     QStringLiteral("Debug logging per module."));
    const QCommandLineOption connectTo(
        QStringLiteral("connect"),
        QStringLiteral("Link this device at start, beside the others given (a Bluetooth address, "
                       "or sim:MODEL for a simulated one); the last one given is shown."),
        QStringLiteral("ADDRESS"));
    parser.addOptions({screenshot, delay, settings, verbose, connectTo});
    parser.addPositionalArgument(QStringLiteral("capture"),
                                 QStringLiteral("A btsnoop capture to open at start, as File > "
                                                "Open capture does."),
                                 QStringLiteral("[capture]"));
    parser.process(args); // exits on --help, --version and unknown options
    if (parser.positionalArguments().size() > 1) {
        *error = QStringLiteral("one capture at a time");
        return std::nullopt;
    }
    inv.capture = parser.positionalArguments().value(0);
    inv.screenshot = parser.value(screenshot);
    bool ok = false;
    inv.screenshotDelayMs = parser.value(delay).toInt(&ok);
    if (!ok || inv.screenshotDelayMs < 0) {
        *error = QStringLiteral("--screenshot-delay needs a number of milliseconds");
        return std::nullopt;
    }
    inv.settingsFile = parser.value(settings);
    inv.verbose = parser.isSet(verbose);
    inv.connect = parser.values(connectTo);
    for (const QString &address : std::as_const(inv.connect)) {
        if (SimulatedDevices::isSimulatedAddress(address) &&
            !SimulatedDevices::byAddress(address)) {
            *error = QStringLiteral("unknown simulated device '%1' (one of: sim:%2)")
                         .arg(address, scenarios::names().join(QStringLiteral(", sim:")));
            return std::nullopt;
        }
    }
    if (inv.simulate && !inv.simulateModel.isEmpty() &&
        !SimulatedDevices::byModel(inv.simulateModel)) {
        *error = QStringLiteral("unknown simulated model '%1' (one of: %2)")
                     .arg(inv.simulateModel, scenarios::names().join(QStringLiteral(", ")));
        return std::nullopt;
    }
    return inv;
}

const QStringList &defaultChartFields() {
    // Power on one axis reads well for every family; the user adds more in the chart panel.
    static const QStringList fields{QStringLiteral("pv_power"), QStringLiteral("load_active_power"),
                                    QStringLiteral("load_power"), QStringLiteral("charging_power")};
    return fields;
}

} // namespace

int main(int argc, char *argv[]) {
    QApplication app(argc, argv);
    // The last lines logged, for Help > Create support bundle (docs/support.md).
    LogBuffer logBuffer;
    logBuffer.install();
    QApplication::setApplicationName(QStringLiteral("blupow"));
    QApplication::setApplicationDisplayName(QStringLiteral("BluPow"));
    QApplication::setOrganizationName(QStringLiteral("BluPow"));
    QApplication::setApplicationVersion(QStringLiteral(BLUPOW_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.github.blupow.BluPow"));

    QString error;
    const auto inv = parseArguments(app, &error);
    if (!inv) {
        QTextStream(stderr) << "blupow: " << error << '\n';
        return 2;
    }
    if (inv->verbose)
        enableVerboseLogging();

    std::unique_ptr<QSettings> qsettings =
        inv->settingsFile.isEmpty()
            ? std::make_unique<QSettings>()
            : std::make_unique<QSettings>(inv->settingsFile, QSettings::IniFormat);
    AppSettings settings(*qsettings);
    const RegisterMaps maps = RegisterMaps::builtIn();
    const auto [adapterError, adapterMessage] = DeviceScanner::checkAdapter();
    const bool adapter = adapterError == DeviceScanner::Error::None;
    const bool simulate = inv->simulate || !adapter;
    DeviceScanner scanner;

    TransportProvider transports(maps);
    transports.setScanner(&scanner);
    const auto makeTransport = [&transports](const DiscoveredDevice &device) {
        QString why;
        auto transport = transports.make(DeviceChoice::of(device), &why);
        if (!transport)
            qCWarning(lcUi).noquote() << why;
        return transport;
    };

    DeviceSession::Options sessionOptions;
    sessionOptions.pollIntervalMs = settings.pollIntervalMs();
    ConnectionManager connections(makeTransport, maps, sessionOptions);
    connections.setMaxLinks(settings.maxLinks());
    SessionPublisher publisher;
    PasswordStore passwords(QStringLiteral("BluPow"));

    DeviceListModel deviceModel;
    LiveValuesModel liveModel;
    FrameLogModel frameModel;

    auto *devicesPanel = new DevicesPanel(&deviceModel);
    auto *livePanel = new LiveValuesPanel(&liveModel);
    auto *chartPanel = new ChartPanel;
    auto *framesPanel = new FramesPanel(&frameModel);
    auto *linkPanel = new LinkHealthPanel;
    auto *console = new RegisterConsole;
    auto *settingsPanel = new SettingsPanel;
    auto *logsPanel = new DeviceLogsPanel;
    auto *publishAction = new QAction(QStringLiteral("&Publish to Home Assistant…"));
    // Alarms: the current device's named conditions (docs/alarms.md), listed in a dock, the
    // newest active one in a banner over the values, and new ones told to the desktop.
    AlarmTracker alarms;
    AlarmListModel alarmModel(&alarms);
    auto *alarmsPanel = new AlarmsPanel(&alarmModel);
    // The whole installation at a glance (docs/system.md): brought forward once the link has
    // several devices behind it.
    auto *systemPanel = new SystemOverviewPanel(&alarms);
    auto *alarmBanner = new AlarmBanner(&alarms);
    publishAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));

    // File > Open capture / Record session. An open capture's devices are listed with the others;
    // choosing one shows its recorded values (CaptureViewer), no connection is made.
    CaptureController captures(&connections, maps);
    auto *captureViewer =
        new CaptureViewer(&connections, {&deviceModel, livePanel, chartPanel, &frameModel}, maps);
    QObject::connect(&captures, &CaptureController::captureOpened, captureViewer,
                     &CaptureViewer::open);

    // The history file: every good value of every linked device, written and read in threads of
    // their own (docs/history.md); the chart's longer ranges come from it. File > Record history
    // switches the recording; what was recorded stays readable either way.
    HistoryRecorder history;
    HistoryReader historyReader;
    QString historyPath = settings.historyFile();
    if (historyPath.isEmpty())
        historyPath = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) +
                      QStringLiteral("/history.sqlite");
    historyReader.setPath(historyPath);
    chartPanel->setHistoryReader(&historyReader);
    linkAlarmsToHistory(&alarms, &history);
    QObject::connect(
        &connections, &ConnectionManager::linkOpened, &history,
        [&history](DeviceSession *session) { linkSessionToHistory(session, &history); });
    HistoryControl historyControl(&history, settings, historyPath);

    // The MQTT password in use, once the publish dialog exists (it is declared after the window,
    // its parent): the bundle removes it wherever it appears.
    std::function<QString()> mqttPassword = [] { return QString(); };
    // Help > Create support bundle: what the program holds at that moment (docs/support.md).
    SupportBundleAction supportBundle(
        [&]() {
            SupportBundle::Contents c;
            c.now = QDateTime::currentDateTimeUtc();
            for (const ConnectionManager::Link &link : connections.links()) {
                DeviceSession *session = link.session;
                if (!session)
                    continue;
                SupportBundle::Device d;
                d.name = link.device.name;
                d.address = link.device.address;
                if (const auto identity = session->identity())
                    d.id = identity->deviceId();
                if (const auto identity = session->identity(); identity && session->map())
                    d.settingsSnapshot =
                        Snapshot::fromValues(*identity, *session->map(), session->currentValues(),
                                             QDateTime::currentDateTime())
                            .toJsonBytes();
                d.statistics = session->statistics();
                // The frames panel records the device it shows.
                if (session == connections.session()) {
                    for (int i = 0; i < frameModel.log().size(); ++i)
                        d.frames.append(frameModel.log().at(i));
                }
                c.devices.append(d);
            }
            for (int row = 0; row < deviceModel.rowCount(); ++row)
                c.otherAddresses.append(deviceModel.device(row).address);
            c.alarms = alarms.recent();
            if (QFileInfo::exists(historyPath)) {
                c.history = [path = historyPath, to = c.now](const QString &device,
                                                             const QDateTime &since, QString *why) {
                    return exportDeviceHistoryCsv(path, device, since.toMSecsSinceEpoch(),
                                                  to.toMSecsSinceEpoch(), why);
                };
            }
            c.log = logBuffer.lines();
            c.secrets.append(mqttPassword());
            qsettings->sync();
            if (QFile file(qsettings->fileName()); file.open(QIODevice::ReadOnly))
                c.settings = file.read(1 << 20);
            return c;
        },
        nullptr);
    // The window owns the panels (in its docks) and, from here on, the action.
    MainWindow window({devicesPanel, livePanel, chartPanel, framesPanel, linkPanel, console,
                       settingsPanel, publishAction, captures.openAction(), captures.recordAction(),
                       captureViewer, alarmsPanel, alarmBanner, supportBundle.action(), logsPanel,
                       systemPanel, historyControl.action()});
    supportBundle.setDialogParent(&window);
    AlarmNotifier notifier(&alarms, QApplication::windowIcon());
    publishAction->setParent(&window);
    window.setPublisher(&publisher);
    QObject::connect(&captures, &CaptureController::recordingChanged, &window,
                     [&](bool on) { window.setRecording(on, captures.recordingPath()); });
    captures.setDialogParent(&window);
    std::unique_ptr<MqttDialog> mqttDialog;
    mqttPassword = [&] { return mqttDialog ? mqttDialog->password() : QString(); };

    QObject::connect(
        &historyControl, &HistoryControl::statusMessage, &window,
        [&window](const QString &message) { window.statusBar()->showMessage(message, 10000); });

    // The panels about one device follow the current link; the chart, the system overview, the
    // alarms and Home Assistant cover every open link (docs/gui.md, "Several devices at once").
    showLinksInDeviceList(&connections, &deviceModel);
    QObject::connect(&connections, &ConnectionManager::sessionChanged, framesPanel,
                     &FramesPanel::setSession);
    QObject::connect(&connections, &ConnectionManager::sessionChanged, linkPanel,
                     &LinkHealthPanel::setSession);
    QObject::connect(&connections, &ConnectionManager::sessionChanged, devicesPanel,
                     &DevicesPanel::setSession);
    // The panels about one device follow the device in focus on the current link
    // (DeviceSession::focusChanged) by themselves.
    QObject::connect(&connections, &ConnectionManager::sessionChanged, livePanel,
                     &LiveValuesPanel::setSession);
    QObject::connect(&connections, &ConnectionManager::sessionChanged, console,
                     &RegisterConsole::setSession);
    QObject::connect(&connections, &ConnectionManager::sessionChanged, settingsPanel,
                     &SettingsPanel::setSession);
    QObject::connect(&connections, &ConnectionManager::sessionChanged, logsPanel,
                     &DeviceLogsPanel::setSession);
    // The overview comes forward once two or more devices answer, on one link or several.
    const auto devicesAnswering = [&connections] {
        qsizetype n = 0;
        for (DeviceSession *session : connections.sessions())
            n += session ? session->slaves().size() : 0;
        return n;
    };
    const auto saveLinks = [&] {
        QStringList addresses;
        for (const ConnectionManager::Link &link : connections.links())
            addresses.append(link.device.address);
        settings.setLinkedAddresses(addresses);
    };
    QObject::connect(&connections, &ConnectionManager::linkOpened, &window,
                     [&](DeviceSession *session) {
                         chartPanel->addSession(session);
                         publisher.addSession(session);
                         alarms.watch(session);
                         systemPanel->setSessions(connections.sessions());
                         QObject::connect(session, &DeviceSession::slavesIdentified, &window, [&] {
                             if (devicesAnswering() >= 2)
                                 window.bringForward(QStringLiteral("systemDock"));
                         });
                         saveLinks();
                     });
    QObject::connect(&connections, &ConnectionManager::linkClosed, &window,
                     [&](DeviceSession *session) {
                         chartPanel->removeSession(session);
                         publisher.removeSession(session);
                         systemPanel->setSessions(connections.sessions());
                         saveLinks();
                     });
    QObject::connect(&connections, &ConnectionManager::deviceChanged, &window,
                     [&](const QString &name, const QString &address) {
                         devicesPanel->setConnectedAddress(address);
                         window.showDevice(name, SimulatedDevices::isSimulatedAddress(address));
                         if (!address.isEmpty()) {
                             settings.setLastDeviceAddress(address);
                             settings.setLastDeviceName(name);
                         }
                     });
    QObject::connect(&connections, &ConnectionManager::errorOccurred, devicesPanel,
                     &DevicesPanel::setMessage);
    QObject::connect(devicesPanel, &DevicesPanel::connectRequested, captureViewer,
                     &CaptureViewer::connectOrShow);
    QObject::connect(captureViewer, &CaptureViewer::deviceShown, &window,
                     [&](const QString &name, const QString &address) {
                         devicesPanel->setConnectedAddress(address);
                         devicesPanel->selectAddress(address);
                         window.showDevice(name, false);
                     });
    QObject::connect(devicesPanel, &DevicesPanel::showRequested, &connections,
                     &ConnectionManager::select);
    QObject::connect(devicesPanel, &DevicesPanel::disconnectRequested, &connections,
                     &ConnectionManager::disconnectAddress);
    QObject::connect(devicesPanel, &DevicesPanel::disconnectRequested, captureViewer,
                     &CaptureViewer::stopShowing);
    ScanController scans(&scanner, &deviceModel, devicesPanel);
    scans.setSimulatedDevicesListed(simulate);
    QObject::connect(&captures, &CaptureController::errorOccurred, &window,
                     [&](const QString &message) {
                         QMessageBox::warning(&window, QStringLiteral("BluPow"), message);
                     });
    QObject::connect(&captures, &CaptureController::statusMessage, &window,
                     [&](const QString &message) { window.statusBar()->showMessage(message); });
    QObject::connect(chartPanel, &ChartPanel::chosenFieldsChanged, &window,
                     [&](const QStringList &keys) { settings.setChartFields(keys); });
    QObject::connect(chartPanel, &ChartPanel::windowSecondsChanged, &window,
                     [&](int seconds) { settings.setChartWindowSeconds(seconds); });
    QObject::connect(chartPanel, &ChartPanel::rangeChanged, &window,
                     [&](qint64 ms) { settings.setChartRangeMs(ms); });
    // The poll interval: the link health panel sets it; the running session, the saved settings,
    // the Home Assistant publisher and the MQTT dialog follow it.
    linkPanel->setPollInterval(connections.pollInterval());
    linkPanel->setMaxLinks(connections.maxLinks());
    QObject::connect(linkPanel, &LinkHealthPanel::maxLinksChanged, &window, [&](int links) {
        connections.setMaxLinks(links);
        settings.setMaxLinks(links);
    });
    QObject::connect(linkPanel, &LinkHealthPanel::pollIntervalChanged, &connections,
                     &ConnectionManager::setPollInterval);
    QObject::connect(&connections, &ConnectionManager::pollIntervalChanged, &window,
                     [&](int ms) { settings.setPollIntervalMs(ms); });
    QObject::connect(&connections, &ConnectionManager::pollIntervalChanged, &publisher,
                     &SessionPublisher::setPollInterval);
    QObject::connect(publishAction, &QAction::triggered, &window, [&] {
        if (!mqttDialog) {
            mqttDialog = std::make_unique<MqttDialog>(settings, &publisher, &passwords,
                                                      connections.pollInterval(), &window);
            QObject::connect(&connections, &ConnectionManager::pollIntervalChanged,
                             mqttDialog.get(), &MqttDialog::setPollIntervalMs);
        }
        mqttDialog->show();
        mqttDialog->raise();
    });
    QObject::connect(&app, &QApplication::aboutToQuit, &window, [&] {
        settings.setWindowGeometry(window.saveGeometry());
        settings.setWindowState(window.saveState());
        settings.sync();
    });

    // Devices: the simulated ones when asked for or when there is no adapter to scan with.
    if (simulate) {
        for (const DiscoveredDevice &d : SimulatedDevices::all())
            deviceModel.addOrUpdate(d);
        if (!adapter)
            devicesPanel->setMessage(adapterMessage +
                                     QStringLiteral(" Showing the built-in simulated devices."));
    }
    const QStringList chartFields = settings.chartFields();
    chartPanel->setChosenFields(chartFields.isEmpty() ? defaultChartFields() : chartFields);
    chartPanel->setWindowSeconds(settings.chartWindowSeconds());
    chartPanel->setRange(settings.chartRangeMs());

    window.showWithLayout(settings.windowGeometry(), settings.windowState());

    // Start showing data at once: a capture named on the command line, else the devices named
    // with --connect, else the requested model, else the devices linked last time if they can
    // be reached, else the demo inverter when there is nothing else to talk to.
    // A simulated device is reached when listed (--simulate, or no adapter) or named.
    const auto reachable = [&](const QString &address,
                               bool named = false) -> std::optional<DiscoveredDevice> {
        if (const int row = deviceModel.rowOf(address); row >= 0)
            return deviceModel.device(row);
        if (auto simulated = SimulatedDevices::byAddress(address); simulated && named)
            return simulated;
        if (!adapter || SimulatedDevices::isSimulatedAddress(address))
            return std::nullopt;
        // A Bluetooth device: BleTransport finds it again by address.
        DiscoveredDevice last;
        last.address = address;
        if (address.compare(settings.lastDeviceAddress(), Qt::CaseInsensitive) == 0)
            last.name = settings.lastDeviceName();
        return last;
    };
    std::optional<DiscoveredDevice> initial;
    // Linked beside the initial one: the other --connect devices, else the other devices linked
    // last time (not when a capture or a simulated model was asked for).
    QStringList besides;
    if (!inv->capture.isEmpty()) {
        captures.openCapture(inv->capture);
    } else if (!inv->connect.isEmpty()) {
        initial = reachable(inv->connect.constLast(), true);
        besides = inv->connect.first(inv->connect.size() - 1);
        if (!initial)
            devicesPanel->setMessage(QStringLiteral("Cannot reach %1: %2")
                                         .arg(inv->connect.constLast(), adapterMessage));
    } else if (inv->simulate && !inv->simulateModel.isEmpty()) {
        initial = SimulatedDevices::byModel(inv->simulateModel);
    } else if (!settings.lastDeviceAddress().isEmpty() &&
               (initial = reachable(settings.lastDeviceAddress()))) {
        besides = settings.linkedAddresses();
    } else if (simulate) {
        initial = SimulatedDevices::byModel(QStringLiteral("inverter"));
    }
    for (const QString &address : std::as_const(besides)) {
        if (initial && address.compare(initial->address, Qt::CaseInsensitive) == 0)
            continue;
        if (const auto device = reachable(address, !inv->connect.isEmpty())) {
            deviceModel.addOrUpdate(*device);
            connections.connectTo(*device);
        }
    }
    if (initial) {
        deviceModel.addOrUpdate(*initial);
        devicesPanel->selectAddress(initial->address);
        connections.connectTo(*initial);
    }
    // Scan at start unless a Bluetooth connection is already being set up (BlueZ connects more
    // reliably without a discovery running at the same time).
    if (adapter && !inv->simulate && (!initial || initial->simulated))
        scans.startScan();

    QTimer screenshotTimer;
    screenshotTimer.setSingleShot(true);
    if (!inv->screenshot.isEmpty()) {
        QObject::connect(&screenshotTimer, &QTimer::timeout, &window, [&] {
            // Show what the frames panel is for: the newest reply, annotated, one value lit.
            framesPanel->selectLatest(FrameRecord::Direction::Rx);
            framesPanel->highlightAnnotation(4);
            // With alarms active (--simulate=battery-alarms), show their list instead.
            if (!alarms.active().isEmpty()) {
                if (QAction *go = window.focusAction(QStringLiteral("alarmsDock")))
                    go->trigger();
            }
            const bool saved = window.grab().save(inv->screenshot, "PNG");
            QTextStream(saved ? stdout : stderr)
                << (saved ? "blupow: saved " : "blupow: cannot write ") << inv->screenshot << " ("
                << connections.linkCount() << " device(s) linked)\n";
            app.exit(saved ? 0 : 1);
        });
        screenshotTimer.start(inv->screenshotDelayMs);
    }
    return app.exec();
}
