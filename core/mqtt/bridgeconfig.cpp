#include "bridgeconfig.h"

#include "parse/inifile.h"
#include "parse/numberparse.h"
#include "sim/scenarios.h"

#include <QFile>
#include <QFileInfo>

#include <array>

namespace blupow {

namespace {

// One row per setting: its command-line option and its config key, so the two can never mean
// different things and every key the file may hold is listed here.
struct Setting {
    const char *option;
    const char *section;
    const char *key;
    bool flag;
    const char *help;
    const char *valueName;
};

constexpr std::array kSettings{
    Setting{"interval", "bridge", "interval", false,
            "Seconds from one poll cycle to the next, 0.1 to 86400 (default 5).", "S"},
    Setting{"mqtt-host", "mqtt", "host", false, "Broker host (default 127.0.0.1).", "HOST"},
    Setting{"mqtt-port", "mqtt", "port", false, "Broker port (default 1883, 8883 with --mqtt-tls).",
            "PORT"},
    Setting{"mqtt-user", "mqtt", "user", false, "User name.", "USER"},
    Setting{"mqtt-password-file", "mqtt", "password_file", false,
            "File whose first line is the password, at most 4 KiB (or set "
            "BLUPOW_MQTT_PASSWORD).",
            "FILE"},
    Setting{"mqtt-tls", "mqtt", "tls", true, "Use TLS; the broker's certificate is verified.",
            nullptr},
    Setting{"mqtt-ca", "mqtt", "ca", false,
            "CA certificate file (default: the system's CAs in /etc/ssl/certs).", "FILE"},
    Setting{"mqtt-ca-path", "mqtt", "ca_path", false,
            "Directory of CA certificates named by hash (openssl rehash).", "DIR"},
    Setting{"mqtt-cert", "mqtt", "cert", false, "Client certificate file (with --mqtt-key).",
            "FILE"},
    Setting{"mqtt-key", "mqtt", "key", false, "Client private key file.", "FILE"},
    Setting{"mqtt-insecure", "mqtt", "insecure", true,
            "INSECURE: do not verify the broker's certificate or host name (test brokers only).",
            nullptr},
    Setting{"mqtt-version", "mqtt", "version", false, "MQTT protocol: 3.1.1 (default) or 5.", "V"},
    Setting{"mqtt-client-id", "mqtt", "client_id", false,
            "Client id (default: blupow-<host-id>-<process id>, unique per running bridge).", "ID"},
    Setting{"discovery-prefix", "mqtt", "discovery_prefix", false,
            "Home Assistant discovery prefix (default homeassistant).", "PREFIX"},
    Setting{"base-topic", "mqtt", "base_topic", false,
            "Base of state and availability topics (default renogy).", "TOPIC"},
    Setting{"legacy-discovery", "mqtt", "legacy_discovery", true,
            "One discovery message per entity (Home Assistant before 2024.11, openHAB).", nullptr},
    Setting{"host-id", "bridge", "host_id", false,
            "Id of this bridge in topics (default: from the machine id).", "ID"},
    Setting{"energy-file", "bridge", "energy_file", false,
            "Where the battery energy counters the bridge integrates and the counters' "
            "high-water marks survive a restart (default: $STATE_DIRECTORY/energy.json under "
            "systemd, else the user's data directory).",
            "FILE"},
    Setting{"history", "bridge", "history", false,
            "Record every good numeric value into this history file (SQLite; see `blupow-cli "
            "history`). Off by default.",
            "FILE"},
};

const std::array kDeviceKeys{"address",   "name",       "simulate",          "family",
                             "device_id", "all_slaves", "request_timeout_ms"};

constexpr NumberRange kIntervalS{0.1, 86400};
constexpr int kMaxPasswordFileBytes = 4096;

// A value and where it came from, for messages: "--mqtt-port" or "[mqtt] port (line 4)".
struct Value {
    QString text;
    QString where;
};

class Reader {
public:
    Reader(const BridgeConfigInput &input, const IniFile *ini)
        : m_input(input)
        , m_ini(ini) {}

    [[nodiscard]] std::optional<Value> value(const Setting &s) const {
        const QString option = QString::fromLatin1(s.option);
        if (m_input.arguments.contains(option))
            return Value{m_input.arguments.value(option), QStringLiteral("--") + option};
        if (!m_ini)
            return std::nullopt;
        const IniEntry *e = m_ini->find(QString::fromLatin1(s.section), QString::fromLatin1(s.key));
        if (!e)
            return std::nullopt;
        return Value{e->value, where(*e)};
    }

    static QString where(const IniEntry &e) {
        return QStringLiteral("[%1] %2 (line %3)").arg(e.section, e.key).arg(e.line);
    }

private:
    const BridgeConfigInput &m_input;
    const IniFile *m_ini;
};

const Setting &setting(const char *option) {
    for (const Setting &s : kSettings) {
        if (qstrcmp(s.option, option) == 0)
            return s;
    }
    Q_UNREACHABLE();
}

std::optional<bool> parseFlag(const QString &text) {
    const QString t = text.trimmed().toLower();
    if (t == u"true" || t == u"yes" || t == u"on" || t == u"1")
        return true;
    if (t == u"false" || t == u"no" || t == u"off" || t == u"0")
        return false;
    return std::nullopt;
}

QString knownKeys(const QString &section) {
    QStringList keys;
    for (const Setting &s : kSettings) {
        if (section == QLatin1String(s.section))
            keys.append(QString::fromLatin1(s.key));
    }
    return keys.join(QStringLiteral(", "));
}

// Every section and key of the file is one we read: a misspelt key would otherwise be ignored
// and its default used without a word.
QString checkKeys(const IniFile &ini) {
    for (const IniSection &section : ini.sections) {
        if (section.name != u"mqtt" && section.name != u"bridge" &&
            !section.name.startsWith(QLatin1String("device")))
            return QStringLiteral("line %1: unknown section [%2] (mqtt, bridge, device...)")
                .arg(section.line)
                .arg(section.name);
    }
    for (const IniEntry &e : ini.entries) {
        if (e.section.isEmpty())
            return QStringLiteral("line %1: %2= before any [section]").arg(e.line).arg(e.key);
        if (e.section == u"mqtt" && e.key == u"password")
            return QStringLiteral("%1: the password is never read from the config file; put it "
                                  "in a file named by password_file= (chmod 600) or in "
                                  "BLUPOW_MQTT_PASSWORD")
                .arg(Reader::where(e));
        bool known = false;
        if (e.section.startsWith(QLatin1String("device"))) {
            for (const char *key : kDeviceKeys)
                known = known || e.key == QLatin1String(key);
            if (!known)
                return QStringLiteral("%1: unknown key (%2)")
                    .arg(Reader::where(e), QString::fromLatin1("address, name, simulate, "
                                                               "family, device_id, all_slaves, "
                                                               "request_timeout_ms"));
            continue;
        }
        for (const Setting &s : kSettings)
            known =
                known || (e.section == QLatin1String(s.section) && e.key == QLatin1String(s.key));
        if (!known)
            return QStringLiteral("%1: unknown key (%2)")
                .arg(Reader::where(e), knownKeys(e.section));
    }
    return {};
}

std::optional<BridgeDeviceConfig> readDevice(const IniFile &ini, const IniSection &section,
                                             QString *error) {
    BridgeDeviceConfig d;
    d.label = QStringLiteral("[%1] (line %2)").arg(section.name).arg(section.line);
    const auto fail = [&](const IniEntry &e, const QString &why) {
        *error = QStringLiteral("%1: %2").arg(Reader::where(e), why);
        return std::nullopt;
    };
    for (const IniEntry &e : ini.entriesOf(section.name)) {
        if (e.key == u"address") {
            d.address = e.value;
        } else if (e.key == u"name") {
            d.name = e.value;
        } else if (e.key == u"simulate") {
            d.simulate = e.value.toLower();
            if (!scenarios::byName(d.simulate) || d.simulate.isEmpty())
                return fail(e, QStringLiteral("unknown simulator model '%1' (%2)")
                                   .arg(e.value, scenarios::names().join(QStringLiteral(", "))));
        } else if (e.key == u"family") {
            const QString f = e.value.toLower();
            if (f != u"auto") {
                d.family = familyFromName(f);
                if (!d.family || *d.family == Family::Shunt)
                    return fail(e, QStringLiteral("unknown family '%1' (auto, controller, dcc, "
                                                  "battery, inverter)")
                                       .arg(e.value));
            }
        } else if (e.key == u"device_id") {
            const auto id = parseInteger(e.value, 1, 255, 0);
            if (!id || (*id > 247 && *id != 255))
                return fail(e, QStringLiteral("wants 1-247 or 255, not '%1'").arg(e.value));
            d.deviceId = static_cast<quint8>(*id);
        } else if (e.key == u"all_slaves") {
            const auto on = parseFlag(e.value);
            if (!on)
                return fail(e, QStringLiteral("wants true or false, not '%1'").arg(e.value));
            d.allSlaves = *on;
        } else if (e.key == u"request_timeout_ms") {
            const auto ms = parseInteger(e.value, 10, 60000);
            if (!ms)
                return fail(e, numberError(QStringLiteral("request_timeout_ms"), e.value,
                                           {10, 60000}, QStringLiteral("milliseconds")));
            d.requestTimeoutMs = static_cast<int>(*ms);
        }
    }
    const int selectors =
        (d.simulate.isEmpty() ? 0 : 1) + (d.address.isEmpty() && d.name.isEmpty() ? 0 : 1);
    if (selectors == 0) {
        *error = d.label + QStringLiteral(": give address=, name= or simulate=");
        return std::nullopt;
    }
    if (selectors > 1) {
        *error = d.label + QStringLiteral(": simulate= cannot be combined with address= or name=");
        return std::nullopt;
    }
    if (d.allSlaves && d.deviceId) {
        // The same rule as --all-slaves with --device-id: one asks for one slave, the other for
        // all.
        *error = d.label + QStringLiteral(": all_slaves= cannot be combined with device_id=");
        return std::nullopt;
    }
    return d;
}

// Two devices that select the same device would publish to the same topics.
QString sameDevice(const BridgeDeviceConfig &a, const BridgeDeviceConfig &b) {
    if (!a.address.isEmpty() && a.address.compare(b.address, Qt::CaseInsensitive) == 0)
        return QStringLiteral("address %1").arg(a.address);
    if (!a.name.isEmpty() && a.name.compare(b.name, Qt::CaseInsensitive) == 0)
        return QStringLiteral("name %1").arg(a.name);
    if (!a.simulate.isEmpty() && a.simulate == b.simulate)
        return QStringLiteral("simulator model %1").arg(a.simulate);
    if (!a.replay.isEmpty() && a.replay == b.replay)
        return QStringLiteral("recording %1").arg(a.replay);
    return {};
}

} // namespace

MqttClient::Options BridgeConfig::clientOptions(const QString &password) const {
    return MqttOptionsMapping::toClientOptions(mqtt, password);
}

MqttBridge::Options BridgeConfig::bridgeOptions(const QString &swVersion) const {
    MqttBridge::Options o;
    MqttOptionsMapping::applyTopics(mqtt, &o.ha);
    o.ha.hostId = hostId;
    o.ha.pollIntervalMs = static_cast<int>(intervalS * 1000);
    o.ha.swVersion = swVersion;
    o.energyFile = energyFile;
    return o;
}

namespace BridgeConfigBuilder {

void addOptions(QCommandLineParser &parser) {
    parser.addOption({QStringLiteral("config"),
                      QStringLiteral("INI file with [mqtt], [bridge] and [device...] sections."),
                      QStringLiteral("FILE")});
    for (const Setting &s : kSettings) {
        if (s.flag)
            parser.addOption({QString::fromLatin1(s.option), QString::fromLatin1(s.help)});
        else
            parser.addOption({QString::fromLatin1(s.option), QString::fromLatin1(s.help),
                              QString::fromLatin1(s.valueName)});
    }
}

QHash<QString, QString> arguments(const QCommandLineParser &parser) {
    QHash<QString, QString> out;
    for (const Setting &s : kSettings) {
        const QString option = QString::fromLatin1(s.option);
        if (parser.isSet(option))
            out.insert(option, s.flag ? QString() : parser.value(option));
    }
    return out;
}

std::optional<BridgeConfig> build(const BridgeConfigInput &input, QString *error) {
    const auto fail = [error](const QString &why) {
        *error = why;
        return std::nullopt;
    };
    std::optional<IniFile> ini;
    if (input.configText) {
        QString why;
        ini = IniFile::parse(*input.configText, &why);
        if (!ini)
            return fail(why);
        if (QString why2 = checkKeys(*ini); !why2.isEmpty())
            return fail(why2);
    }
    const Reader reader(input, ini ? &*ini : nullptr);
    const auto text = [&](const char *option, const QString &fallback = {}) {
        const auto v = reader.value(setting(option));
        return v ? v->text.trimmed() : fallback;
    };
    QString flagError;
    const auto flag = [&](const char *option) {
        const Setting &s = setting(option);
        const auto v = reader.value(s);
        if (!v)
            return false;
        if (input.arguments.contains(QString::fromLatin1(s.option)))
            return true;
        const auto b = parseFlag(v->text);
        if (!b && flagError.isEmpty())
            flagError = QStringLiteral("%1 wants true or false, not '%2'").arg(v->where, v->text);
        return b.value_or(false);
    };

    BridgeConfig c;
    if (const auto v = reader.value(setting("interval"))) {
        const auto s = parseNumber(v->text, kIntervalS);
        if (!s)
            return fail(numberError(v->where, v->text, kIntervalS, QStringLiteral("seconds")));
        c.intervalS = *s;
    }

    MqttOptions &m = c.mqtt;
    m.host = text("mqtt-host", m.host);
    if (m.host.isEmpty())
        return fail(QStringLiteral("the MQTT broker host may not be empty"));
    m.tls = flag("mqtt-tls");
    if (const auto v = reader.value(setting("mqtt-port"))) {
        const auto port = parseInteger(v->text, 1, 65535);
        if (!port)
            return fail(QStringLiteral("%1 wants 1-65535, not '%2'").arg(v->where, v->text));
        m.port = static_cast<int>(*port);
    }
    m.username = text("mqtt-user");
    c.passwordFile = text("mqtt-password-file");
    m.caFile = text("mqtt-ca");
    m.caPath = text("mqtt-ca-path");
    m.certFile = text("mqtt-cert");
    m.keyFile = text("mqtt-key");
    m.insecure = flag("mqtt-insecure");
    m.legacyDiscovery = flag("legacy-discovery");
    if (!flagError.isEmpty())
        return fail(flagError);
    if (!m.tls && (!m.caFile.isEmpty() || !m.caPath.isEmpty() || !m.certFile.isEmpty() ||
                   !m.keyFile.isEmpty() || m.insecure))
        return fail(QStringLiteral(
            "--mqtt-ca, --mqtt-ca-path, --mqtt-cert, --mqtt-key and --mqtt-insecure need "
            "--mqtt-tls"));
    const QString version = text("mqtt-version", QStringLiteral("3.1.1"));
    if (version == u"5")
        m.protocol = MqttClient::ProtocolVersion::V5;
    else if (version != u"3.1.1")
        return fail(QStringLiteral("--mqtt-version wants 3.1.1 or 5, not '%1'").arg(version));
    m.discoveryPrefix = text("discovery-prefix", m.discoveryPrefix);
    m.baseTopic = text("base-topic", m.baseTopic);

    c.hostId = HaDiscovery::sanitizeId(text("host-id", input.defaultHostId));
    m.clientId =
        text("mqtt-client-id", MqttOptionsMapping::defaultClientId(c.hostId, input.processId));
    c.energyFile = text("energy-file", input.defaultEnergyFile);
    c.historyFile = text("history", {});
    if (QString why = MqttOptionsMapping::problem(m); !why.isEmpty())
        return fail(why);

    if (ini) {
        for (const IniSection &section : ini->sections) {
            if (!section.name.startsWith(QLatin1String("device")))
                continue;
            QString why;
            auto d = readDevice(*ini, section, &why);
            if (!d)
                return fail(why);
            c.devices.append(*d);
        }
    }
    if (input.commandLineDevice)
        c.devices.append(*input.commandLineDevice);
    for (qsizetype i = 0; i < c.devices.size(); ++i) {
        for (qsizetype j = 0; j < i; ++j) {
            if (const QString what = sameDevice(c.devices.at(i), c.devices.at(j)); !what.isEmpty())
                return fail(QStringLiteral("%1 and %2 both select %3: they would publish to the "
                                           "same topics")
                                .arg(c.devices.at(j).label, c.devices.at(i).label, what));
        }
    }
    return c;
}

std::optional<QString> readPasswordFile(const QString &path, QString *warning, QString *error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the MQTT password file '%1': %2")
                     .arg(path, f.errorString());
        return std::nullopt;
    }
    const QByteArray data = f.read(kMaxPasswordFileBytes + 1);
    if (data.size() > kMaxPasswordFileBytes) {
        *error = QStringLiteral("the MQTT password file '%1' is larger than %2 bytes: not a "
                                "password file")
                     .arg(path)
                     .arg(kMaxPasswordFileBytes);
        return std::nullopt;
    }
    QByteArray line = data.left(data.indexOf('\n') < 0 ? data.size() : data.indexOf('\n'));
    while (line.endsWith('\r'))
        line.chop(1);
    const QFileInfo info(path);
    if (info.isFile() && (info.permissions() & QFileDevice::ReadOther))
        *warning = QStringLiteral("the MQTT password file '%1' is readable by every user "
                                  "(chmod 600 it)")
                       .arg(path);
    return QString::fromUtf8(line);
}

} // namespace BridgeConfigBuilder

} // namespace blupow
