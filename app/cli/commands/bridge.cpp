// blupow-cli bridge: poll one or more devices and publish them to Home Assistant over MQTT
// (ha-mqtt.md; docs/mqtt.md). Runs until SIGTERM or SIGINT, then publishes `offline` and
// disconnects cleanly.

#include "command.h"
#include "deviceoptions.h"
#include "logging.h"
#include "mqtt/bridgesessionlink.h"
#include "mqtt/mqttbridge.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSettings>
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

QString readPasswordFile(const QString &path, QString *error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the MQTT password file '%1': %2")
                     .arg(path, f.errorString());
        return {};
    }
    QByteArray line = f.readLine();
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    return QString::fromUtf8(line);
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

// The [device...] sections of the config file (see packaging/bridge.conf).
bool readConfigDevices(QSettings &ini, std::vector<BridgeDevice> *devices, QString *error) {
    const QStringList groups = ini.childGroups();
    for (const QString &group : groups) {
        if (!group.startsWith(QLatin1String("device")))
            continue;
        ini.beginGroup(group);
        DeviceOptions o;
        o.address = ini.value(QStringLiteral("address")).toString().trimmed();
        o.name = ini.value(QStringLiteral("name")).toString().trimmed();
        const QString simulate =
            ini.value(QStringLiteral("simulate")).toString().trimmed().toLower();
        if (!simulate.isEmpty())
            o.simulate = simulate;
        const QString family = ini.value(QStringLiteral("family")).toString().trimmed().toLower();
        if (!family.isEmpty() && family != QLatin1String("auto")) {
            o.family = familyFromName(family);
            if (!o.family) {
                *error = QStringLiteral("[%1]: unknown family '%2'").arg(group, family);
                return false;
            }
        }
        if (ini.contains(QStringLiteral("device_id"))) {
            bool ok = false;
            const uint id = ini.value(QStringLiteral("device_id")).toString().toUInt(&ok, 0);
            if (!ok || id < 1 || id > 255) {
                *error = QStringLiteral("[%1]: device_id wants 1-247 or 255").arg(group);
                return false;
            }
            o.deviceId = static_cast<quint8>(id);
        }
        o.requestTimeoutMs = ini.value(QStringLiteral("request_timeout_ms"), 2000).toInt();
        ini.endGroup();
        if (!o.hasDevice()) {
            *error = QStringLiteral("[%1]: give address=, name= or simulate=").arg(group);
            return false;
        }
        BridgeDevice d;
        d.label = group;
        d.options = o;
        devices->push_back(std::move(d));
    }
    return true;
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
    parser.addOptions({
        {QStringLiteral("config"),
         QStringLiteral("INI file with [mqtt], [bridge] and [device...] sections."),
         QStringLiteral("FILE")},
        {QStringLiteral("interval"),
         QStringLiteral("Seconds from one poll cycle to the next (default 5)."),
         QStringLiteral("S")},
        {QStringLiteral("mqtt-host"), QStringLiteral("Broker host (default 127.0.0.1)."),
         QStringLiteral("HOST")},
        {QStringLiteral("mqtt-port"),
         QStringLiteral("Broker port (default 1883, 8883 with --mqtt-tls)."),
         QStringLiteral("PORT")},
        {QStringLiteral("mqtt-user"), QStringLiteral("User name."), QStringLiteral("USER")},
        {QStringLiteral("mqtt-password-file"),
         QStringLiteral("File whose first line is the password (or set BLUPOW_MQTT_PASSWORD)."),
         QStringLiteral("FILE")},
        {QStringLiteral("mqtt-tls"),
         QStringLiteral("Use TLS; the broker's certificate is verified.")},
        {QStringLiteral("mqtt-ca"),
         QStringLiteral("CA certificate file (default: the system's CAs)."),
         QStringLiteral("FILE")},
        {QStringLiteral("mqtt-cert"), QStringLiteral("Client certificate file (with --mqtt-key)."),
         QStringLiteral("FILE")},
        {QStringLiteral("mqtt-key"), QStringLiteral("Client private key file."),
         QStringLiteral("FILE")},
        {QStringLiteral("mqtt-insecure"),
         QStringLiteral(
             "INSECURE: do not verify the broker's certificate or host name (test brokers only).")},
        {QStringLiteral("mqtt-version"), QStringLiteral("MQTT protocol: 3.1.1 (default) or 5."),
         QStringLiteral("V")},
        {QStringLiteral("mqtt-client-id"), QStringLiteral("Client id (default: blupow-<host-id>)."),
         QStringLiteral("ID")},
        {QStringLiteral("discovery-prefix"),
         QStringLiteral("Home Assistant discovery prefix (default homeassistant)."),
         QStringLiteral("PREFIX")},
        {QStringLiteral("base-topic"),
         QStringLiteral("Base of state and availability topics (default renogy)."),
         QStringLiteral("TOPIC")},
        {QStringLiteral("legacy-discovery"),
         QStringLiteral(
             "One discovery message per entity (Home Assistant before 2024.11, openHAB).")},
        {QStringLiteral("host-id"),
         QStringLiteral("Id of this bridge in topics (default: from the machine id)."),
         QStringLiteral("ID")},
        {QStringLiteral("energy-file"),
         QStringLiteral("Where the battery energy counters the bridge integrates and the "
                        "counters' high-water marks survive a restart (default: "
                        "$STATE_DIRECTORY/energy.json under systemd, else the "
                        "user's data directory)."),
         QStringLiteral("FILE")},
    });
    addDeviceOptions(parser, 15,
                     QStringLiteral("Longest scan for --name, at most 15 (a device not seen is "
                                    "looked for again later, for as long as the bridge runs)"));
    if (!parser.parse(normalizeArguments(arguments)))
        return printError(kCommand, parser.errorText(), ExitUsage);
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return ExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return printError(
            kCommand,
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()),
            ExitUsage);
    QString error;
    const auto cliDevice = readDeviceOptions(parser, &error);
    if (!cliDevice)
        return printError(kCommand, error, ExitUsage);

    // Settings: the config file first, then the command line on top.
    std::unique_ptr<QSettings> ini;
    std::vector<BridgeDevice> devices;
    if (parser.isSet(QStringLiteral("config"))) {
        const QString path = parser.value(QStringLiteral("config"));
        if (!QFile::exists(path))
            return printError(kCommand, QStringLiteral("config file '%1' does not exist").arg(path),
                              ExitBadInput);
        ini = std::make_unique<QSettings>(path, QSettings::IniFormat);
        if (ini->status() != QSettings::NoError)
            return printError(kCommand, QStringLiteral("config file '%1' does not parse").arg(path),
                              ExitBadInput);
        if (!readConfigDevices(*ini, &devices, &error))
            return printError(kCommand, path + QStringLiteral(": ") + error, ExitBadInput);
    }
    const auto setting = [&](const QString &option, const QString &key,
                             const QString &fallback = {}) {
        if (parser.isSet(option))
            return parser.value(option);
        return ini ? ini->value(key, fallback).toString() : fallback;
    };
    const auto flag = [&](const QString &option, const QString &key) {
        return parser.isSet(option) || (ini && ini->value(key, false).toBool());
    };
    if (cliDevice->hasDevice()) {
        BridgeDevice d;
        d.label = QStringLiteral("command line");
        d.options = *cliDevice;
        devices.push_back(std::move(d));
    }
    if (devices.empty())
        return printError(
            kCommand,
            QStringLiteral("no device: use --address, --name, --simulate[=MODEL] or --config FILE"),
            ExitUsage);

    bool ok = true;
    const double intervalS =
        setting(QStringLiteral("interval"), QStringLiteral("bridge/interval"), QStringLiteral("5"))
            .toDouble(&ok);
    if (!ok || intervalS < 0.1 || intervalS > 86400)
        return printError(kCommand, QStringLiteral("--interval wants seconds from 0.1 to 86400"),
                          ExitUsage);

    MqttClient::Options mqtt;
    mqtt.host = setting(QStringLiteral("mqtt-host"), QStringLiteral("mqtt/host"),
                        QStringLiteral("127.0.0.1"));
    mqtt.tls = flag(QStringLiteral("mqtt-tls"), QStringLiteral("mqtt/tls"));
    const uint port = setting(QStringLiteral("mqtt-port"), QStringLiteral("mqtt/port"),
                              mqtt.tls ? QStringLiteral("8883") : QStringLiteral("1883"))
                          .toUInt(&ok);
    if (!ok || port == 0 || port > 65535)
        return printError(kCommand, QStringLiteral("--mqtt-port wants 1-65535"), ExitUsage);
    mqtt.port = static_cast<quint16>(port);
    mqtt.username = setting(QStringLiteral("mqtt-user"), QStringLiteral("mqtt/user"));
    const QString passwordFile =
        setting(QStringLiteral("mqtt-password-file"), QStringLiteral("mqtt/password_file"));
    if (!passwordFile.isEmpty()) {
        mqtt.password = readPasswordFile(passwordFile, &error);
        if (!error.isEmpty())
            return printError(kCommand, error, ExitBadInput);
    } else {
        mqtt.password = qEnvironmentVariable("BLUPOW_MQTT_PASSWORD");
    }
    if (!mqtt.password.isEmpty() && mqtt.username.isEmpty())
        return printError(kCommand, QStringLiteral("a password without --mqtt-user"), ExitUsage);
    mqtt.caFile = setting(QStringLiteral("mqtt-ca"), QStringLiteral("mqtt/ca"));
    mqtt.certFile = setting(QStringLiteral("mqtt-cert"), QStringLiteral("mqtt/cert"));
    mqtt.keyFile = setting(QStringLiteral("mqtt-key"), QStringLiteral("mqtt/key"));
    mqtt.tlsInsecureSkipVerify =
        flag(QStringLiteral("mqtt-insecure"), QStringLiteral("mqtt/insecure"));
    if ((!mqtt.caFile.isEmpty() || !mqtt.certFile.isEmpty() || mqtt.tlsInsecureSkipVerify) &&
        !mqtt.tls)
        return printError(
            kCommand, QStringLiteral("--mqtt-ca, --mqtt-cert and --mqtt-insecure need --mqtt-tls"),
            ExitUsage);
    const QString version = setting(QStringLiteral("mqtt-version"), QStringLiteral("mqtt/version"),
                                    QStringLiteral("3.1.1"));
    if (version == QLatin1String("5"))
        mqtt.protocol = MqttClient::ProtocolVersion::V5;
    else if (version != QLatin1String("3.1.1"))
        return printError(kCommand, QStringLiteral("--mqtt-version wants 3.1.1 or 5"), ExitUsage);

    MqttBridge::Options bridgeOptions;
    bridgeOptions.ha.discoveryPrefix =
        setting(QStringLiteral("discovery-prefix"), QStringLiteral("mqtt/discovery_prefix"),
                QStringLiteral("homeassistant"));
    bridgeOptions.ha.baseTopic = setting(
        QStringLiteral("base-topic"), QStringLiteral("mqtt/base_topic"), QStringLiteral("renogy"));
    bridgeOptions.ha.legacy =
        flag(QStringLiteral("legacy-discovery"), QStringLiteral("mqtt/legacy_discovery"));
    bridgeOptions.ha.hostId = HaDiscovery::sanitizeId(
        setting(QStringLiteral("host-id"), QStringLiteral("bridge/host_id"), defaultHostId()));
    bridgeOptions.ha.pollIntervalMs = static_cast<int>(intervalS * 1000);
    bridgeOptions.ha.swVersion = QCoreApplication::applicationVersion();
    bridgeOptions.energyFile = setting(QStringLiteral("energy-file"),
                                       QStringLiteral("bridge/energy_file"), defaultEnergyFile());
    mqtt.clientId = setting(QStringLiteral("mqtt-client-id"), QStringLiteral("mqtt/client_id"),
                            QStringLiteral("blupow-") + bridgeOptions.ha.hostId);
    if (bridgeOptions.ha.discoveryPrefix.isEmpty() || bridgeOptions.ha.baseTopic.isEmpty())
        return printError(kCommand,
                          QStringLiteral("--discovery-prefix and --base-topic may not be empty"),
                          ExitUsage);
    if (mqtt.tlsInsecureSkipVerify)
        QTextStream(stderr)
            << "blupow-cli bridge: warning: --mqtt-insecure: the broker's certificate is NOT "
               "verified; anyone on the path can read the password\n";

    MqttBridge bridge(mqtt, bridgeOptions);
    const RegisterMaps maps = RegisterMaps::builtIn();
    int exitCode = ExitOk;
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
