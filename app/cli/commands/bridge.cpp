// blupow-cli bridge: poll one or more devices and publish them to Home Assistant over MQTT
// (docs/ha-mqtt.md; docs/mqtt.md). Runs until SIGTERM or SIGINT, then publishes `offline` and
// disconnects cleanly.

#include "alarms/alarmtracker.h"
#include "command.h"
#include "deviceoptions.h"
#include "history/historysessionlink.h"
#include "historyoption.h"
#include "logging.h"
#include "mqtt/bridgeconfig.h"
#include "mqtt/bridgesessionlink.h"
#include "mqtt/mqttbridge.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSocketNotifier>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <csignal>
#include <memory>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace blupow::cli {

namespace {

const QString kCommand = QStringLiteral("bridge");

// The write end of the signal self-pipe. A POSIX signal handler has no context argument, so this
// one file-scope descriptor is the only way to reach it; it is set once before the handlers are
// installed and the handler does nothing but write(2), which is async-signal-safe.
int g_signalFd = -1;

extern "C" void onTerminationSignal(int signal) {
    const char byte = static_cast<char>(signal);
    const ssize_t written = ::write(g_signalFd, &byte, 1);
    static_cast<void>(written);
}

// SIGTERM/SIGINT -> a byte on a socketpair -> QSocketNotifier on the Qt thread -> `handler`.
class SignalWatcher {
public:
    explicit SignalWatcher(std::function<void(int)> handler)
        : m_handler(std::move(handler)) {
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, m_fds) != 0)
            return;
        g_signalFd = m_fds[0];
        m_notifier = std::make_unique<QSocketNotifier>(m_fds[1], QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, m_notifier.get(), [this] {
            char byte = 0;
            if (::read(m_fds[1], &byte, 1) == 1)
                m_handler(byte);
        });
        struct sigaction action = {};
        action.sa_handler = onTerminationSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        sigaction(SIGTERM, &action, nullptr);
        sigaction(SIGINT, &action, nullptr);
    }
    ~SignalWatcher() {
        std::signal(SIGTERM, SIG_DFL);
        std::signal(SIGINT, SIG_DFL);
        m_notifier.reset();
        g_signalFd = -1;
        if (m_fds[0] >= 0) {
            ::close(m_fds[0]);
            ::close(m_fds[1]);
        }
    }
    SignalWatcher(const SignalWatcher &) = delete;
    SignalWatcher &operator=(const SignalWatcher &) = delete;

private:
    std::function<void(int)> m_handler;
    int m_fds[2] = {-1, -1};
    std::unique_ptr<QSocketNotifier> m_notifier;
};

// Stable per installation without storing anything: derived from the machine id, so a restart,
// a reinstall of the package or a new config keeps the same bridge device in Home Assistant.
QString defaultHostId() {
    QByteArray machine = QSysInfo::machineUniqueId();
    if (machine.isEmpty())
        machine = QSysInfo::machineHostName().toUtf8();
    return QString::fromLatin1(
        QCryptographicHash::hash(QByteArray("blupow-bridge:" + machine), QCryptographicHash::Sha256)
            .toHex()
            .left(8));
}

// systemd's StateDirectory= (packaging/blupow-bridge.service) sets STATE_DIRECTORY; elsewhere the
// user's data directory, created on demand.
QString defaultEnergyFile() {
    QString dir = qEnvironmentVariable("STATE_DIRECTORY").section(QLatin1Char(':'), 0, 0);
    if (dir.isEmpty()) {
        dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        if (dir.isEmpty() || !QDir().mkpath(dir))
            return {};
    }
    return QDir(dir).filePath(QStringLiteral("energy.json"));
}

struct BridgeDevice {
    QString label; // config section or "command line"
    DeviceOptions options;
    std::unique_ptr<TransportProvider> provider;
    std::unique_ptr<DeviceSession> session; // owns the transport
    // A device that is not there yet (out of range, held by the Renogy app, adapter not up at
    // boot) is looked for again, less and less often, for as long as the bridge runs.
    std::unique_ptr<QTimer> retry;
    int retryDelayMs = 5000;
};

constexpr int kMaxRetryDelayMs = 300000;

// The device a [device...] section or the command line selects, as the device commands take it.
DeviceOptions deviceOptions(const BridgeDeviceConfig &d) {
    DeviceOptions o;
    o.address = d.address;
    o.name = d.name;
    if (!d.simulate.isEmpty())
        o.simulate = d.simulate;
    o.replay = d.replay;
    o.family = d.family;
    o.deviceId = d.deviceId;
    o.allSlaves = d.allSlaves;
    o.requestTimeoutMs = d.requestTimeoutMs;
    return o;
}

BridgeDeviceConfig deviceConfig(const DeviceOptions &o) {
    BridgeDeviceConfig d;
    d.label = QStringLiteral("command line");
    d.address = o.address;
    d.name = o.name;
    d.simulate = o.simulate.value_or(QString());
    d.replay = o.replay;
    d.family = o.family;
    d.deviceId = o.deviceId;
    d.allSlaves = o.allSlaves;
    d.requestTimeoutMs = o.requestTimeoutMs;
    return d;
}

// The options and the config file, read and checked; nothing (with the message printed) when
// the bridge should not start. `exitCode` says why.
std::optional<BridgeConfig> readConfig(const QCommandLineParser &parser,
                                       const DeviceOptions &cliDevice, int *exitCode) {
    BridgeConfigInput input;
    input.arguments = BridgeConfigBuilder::arguments(parser);
    if (parser.isSet(QStringLiteral("config"))) {
        const QString path = parser.value(QStringLiteral("config"));
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            *exitCode = printError(kCommand,
                                   QStringLiteral("cannot read the config file '%1': %2")
                                       .arg(path, file.errorString()),
                                   ExitBadInput);
            return std::nullopt;
        }
        input.configText = file.readAll();
    }
    if (cliDevice.hasDevice())
        input.commandLineDevice = deviceConfig(cliDevice);
    input.defaultHostId = defaultHostId();
    input.defaultEnergyFile = defaultEnergyFile();
    input.processId = QCoreApplication::applicationPid();
    QString error;
    auto config = BridgeConfigBuilder::build(input, &error);
    if (!config) {
        const QString where =
            parser.isSet(QStringLiteral("config")) && error.contains(QLatin1String("line "))
                ? parser.value(QStringLiteral("config")) + QStringLiteral(": ")
                : QString();
        *exitCode = printError(kCommand, where + error, ExitUsage);
        return std::nullopt;
    }
    if (config->devices.isEmpty()) {
        *exitCode = printError(
            kCommand,
            QStringLiteral("no device: use --address, --name, --simulate[=MODEL] or --config FILE"),
            ExitUsage);
        return std::nullopt;
    }
    return config;
}

} // namespace

int runBridge(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Poll Renogy devices and publish them to Home Assistant over MQTT (device-based "
        "discovery,\n"
        "availability with a last will, one state message per poll). Runs until SIGTERM or "
        "SIGINT,\n"
        "then publishes offline and disconnects.\n\n"
        "One device from the device options, or several from --config FILE (INI; see\n"
        "/etc/blupow/bridge.conf). Command-line MQTT options override the file.\n"
        "The password is read from --mqtt-password-file or the environment variable\n"
        "BLUPOW_MQTT_PASSWORD, never from the command line (other users can read it in ps).\n\n"
        "Example: blupow-cli bridge --simulate --mqtt-host 127.0.0.1"));
    BridgeConfigBuilder::addOptions(parser);
    addDeviceOptions(parser, 15,
                     QStringLiteral("Longest scan for --name, at most 15 (a device not seen is "
                                    "looked for again later, for as long as the bridge runs)"));
    int exitCode = ExitOk;
    // No device on the command line is fine: the config file may list them.
    const auto cliDevice =
        parseDeviceCommand(parser, arguments, kCommand, &exitCode, {0, 0, false, {}});
    if (!cliDevice)
        return exitCode;
    QString error;
    const auto config = readConfig(parser, *cliDevice, &exitCode);
    if (!config)
        return exitCode;
    QString password = qEnvironmentVariable("BLUPOW_MQTT_PASSWORD");
    if (!config->passwordFile.isEmpty()) {
        QString warning;
        const auto fromFile =
            BridgeConfigBuilder::readPasswordFile(config->passwordFile, &warning, &error);
        if (!fromFile)
            return printError(kCommand, error, ExitBadInput);
        if (!warning.isEmpty())
            printError(kCommand, QStringLiteral("warning: ") + warning, ExitOk);
        password = *fromFile;
    }
    if (!password.isEmpty() && config->mqtt.username.isEmpty())
        return printError(kCommand, QStringLiteral("a password without --mqtt-user"), ExitUsage);
    if (config->mqtt.insecure)
        printError(kCommand,
                   QStringLiteral("warning: --mqtt-insecure: the broker's certificate is NOT "
                                  "verified; anyone on the path can read the password"),
                   ExitOk);

    std::vector<BridgeDevice> devices;
    for (qsizetype i = 0; i < config->devices.size(); ++i) {
        // The command line's device comes last and keeps its simulator and replay options.
        const bool fromCommandLine = cliDevice->hasDevice() && i == config->devices.size() - 1;
        BridgeDevice device;
        device.label = config->devices.at(i).label;
        device.options = fromCommandLine ? *cliDevice : deviceOptions(config->devices.at(i));
        devices.push_back(std::move(device));
    }
    const MqttClient::Options mqtt = config->clientOptions(password);
    const MqttBridge::Options bridgeOptions =
        config->bridgeOptions(QCoreApplication::applicationVersion());
    std::unique_ptr<HistoryRecorder> history;
    if (!config->historyFile.isEmpty()) {
        history = startHistory(config->historyFile, kCommand, &exitCode);
        if (!history)
            return exitCode;
    }
    // Alarms raised and cleared go into the history file too (docs/history.md, Events).
    AlarmTracker alarms;
    if (history)
        linkAlarmsToHistory(&alarms, history.get());
    MqttBridge bridge(mqtt, bridgeOptions);
    const RegisterMaps maps = RegisterMaps::builtIn();
    bool everConnected = false;
    bool stopping = false;

    const auto shutdown = [&](int code) {
        if (stopping)
            return;
        stopping = true;
        exitCode = code;
        bridge.stop(); // offline for every device and the bridge, then disconnect -> stopped()
    };
    QObject::connect(&bridge, &MqttBridge::stopped, &bridge, [&] {
        for (auto &d : devices) {
            if (d.session)
                d.session->stop();
        }
        if (!bridge.energyError().isEmpty() && exitCode == ExitOk)
            exitCode = printError(kCommand,
                                  bridge.energyError() +
                                      QStringLiteral("; the energy counters of this run are lost"),
                                  ExitFailure);
        QCoreApplication::exit(exitCode);
    });
    QObject::connect(bridge.client(), &MqttClient::connected, &bridge,
                     [&] { everConnected = true; });
    QObject::connect(bridge.client(), &MqttClient::errorOccurred, &bridge,
                     [&](MqttClient::Error e, const QString &message) {
                         const bool fatal = e == MqttClient::Error::BadCredentials ||
                                            e == MqttClient::Error::NotAuthorized ||
                                            e == MqttClient::Error::InvalidOptions ||
                                            e == MqttClient::Error::TlsFailure;
                         // A wrong password or certificate does not fix itself: fail so the
                         // service manager shows it. An absent broker may come up later: retry.
                         if (fatal && !everConnected) {
                             printError(kCommand, message, ExitUnavailable);
                             shutdown(ExitUnavailable);
                         }
                     });

    SignalWatcher signals([&](int signal) {
        qCInfo(lcMqtt) << "signal" << signal << "received; publishing offline and disconnecting";
        shutdown(ExitOk);
    });

    for (auto &d : devices) {
        d.provider = std::make_unique<TransportProvider>(maps);
        BridgeDevice *device = &d;
        d.retry = std::make_unique<QTimer>();
        d.retry->setSingleShot(true);
        QObject::connect(d.retry.get(), &QTimer::timeout, &bridge,
                         [device] { device->provider->start(deviceChoice(device->options)); });
        QObject::connect(d.provider.get(), &TransportProvider::failed, &bridge,
                         [&, device](const QString &message, TransportProvider::Failure failure) {
                             const int code = exitCodeFor(failure);
                             const QString what = device->label + QStringLiteral(": ") + message;
                             // A bad option or file does not fix itself; a device or adapter that
                             // is not there now may be later.
                             if (code != ExitUnavailable) {
                                 printError(kCommand, what, code);
                                 if (devices.size() == 1)
                                     shutdown(code);
                                 return;
                             }
                             printError(kCommand,
                                        QStringLiteral("%1; looking again in %2 s")
                                            .arg(what)
                                            .arg(device->retryDelayMs / 1000),
                                        code);
                             device->retry->start(device->retryDelayMs);
                             device->retryDelayMs =
                                 std::min(device->retryDelayMs * 2, kMaxRetryDelayMs);
                         });
        QObject::connect(d.provider.get(), &TransportProvider::provided, &bridge, [&, device] {
            device->retryDelayMs = 5000;
            DeviceSession::Options so = sessionOptions(device->options);
            so.pollIntervalMs = bridgeOptions.ha.pollIntervalMs;
            device->session = std::make_unique<DeviceSession>(device->provider->take(), maps, so);
            linkSessionToBridge(device->session.get(), &bridge);
            if (history) {
                linkSessionToHistory(device->session.get(), history.get());
                linkSessionToHistory(device->session.get(), history.get());
                alarms.watch(device->session.get());
            }
            device->session->start();
        });
    }

    qCInfo(lcMqtt).noquote() << "bridge" << bridgeOptions.ha.hostId << "publishing"
                             << devices.size() << "device(s) to" << MqttClient::describe(mqtt);
    bridge.start();
    for (auto &d : devices)
        d.provider->start(deviceChoice(d.options));
    QCoreApplication::exec();
    return exitCode;
}

} // namespace blupow::cli
