#include "deviceoptions.h"

#include "command.h"
#include "logging.h"
#include "sim/scenarios.h"

#include <QTextStream>

#include <algorithm>

namespace blupow::cli {

namespace {

const QString kSimulate = QStringLiteral("simulate");

} // namespace

QStringList normalizeArguments(const QStringList &arguments) {
    QStringList out;
    out.reserve(arguments.size());
    for (const QString &a : arguments)
        out.append(a == QLatin1String("--simulate") ? QStringLiteral("--simulate=inverter") : a);
    return out;
}

void addDeviceOptions(QCommandLineParser &parser, double defaultTimeoutS,
                      const QString &timeoutHelp) {
    parser.addOptions({
        {QStringLiteral("address"),
         QStringLiteral("Bluetooth address of the device (C4:64:E3:38:3D:0E)."),
         QStringLiteral("ADDR")},
        {QStringLiteral("name"),
         QStringLiteral("Advertised name of the device (BTRIC134000035); found by a short scan."),
         QStringLiteral("NAME")},
        {kSimulate,
         QStringLiteral(
             "Use the built-in simulator instead of a device. MODEL: %1 (default inverter).")
             .arg(scenarios::names().join(QStringLiteral(", "))),
         QStringLiteral("MODEL")},
        {QStringLiteral("fault"),
         QStringLiteral("Simulator only, repeatable: inject KIND[:RATE] with KIND drop, corrupt, "
                        "delay, disconnect "
                        "or refuse. RATE < 1 (or with a decimal point) is a probability per reply, "
                        "an integer N "
                        "the next N replies; for refuse the lockout in seconds."),
         QStringLiteral("KIND[:RATE]")},
        {QStringLiteral("sim-speed"),
         QStringLiteral("Simulator only: simulated seconds per second (default 1)."),
         QStringLiteral("X")},
        {QStringLiteral("sim-seed"),
         QStringLiteral("Simulator only: seed of the fault dice (default random)."),
         QStringLiteral("N")},
        {QStringLiteral("replay"),
         QStringLiteral("Play a recording (a btsnoop file from --record or a phone's HCI snoop "
                        "log) back instead of talking to a device."),
         QStringLiteral("FILE")},
        {QStringLiteral("replay-speed"),
         QStringLiteral("Replay only: 1 = at the recorded pace (default), 2 = twice as fast, 0 = "
                        "at once."),
         QStringLiteral("X")},
        {QStringLiteral("record"),
         QStringLiteral("Record every chunk sent and received to FILE (btsnoop: opens in "
                        "Wireshark, reads back with `import` and --replay)."),
         QStringLiteral("FILE")},
        {QStringLiteral("family"),
         QStringLiteral("Skip family detection: auto, controller, dcc, battery or inverter."),
         QStringLiteral("F")},
        {QStringLiteral("device-id"),
         QStringLiteral("Modbus slave id to use (1-247 or 255): this one slave only; default: "
                        "probe (every slave behind the dongle)."),
         QStringLiteral("N")},
        {QStringLiteral("all-slaves"),
         QStringLiteral("Probe every slave id behind the dongle (a battery bank on a BT-2) even "
                        "when one device answers 0xFF alone.")},
        {QStringLiteral("request-timeout"),
         QStringLiteral("Per-request timeout in ms (default 2000)."), QStringLiteral("MS")},
        {QStringLiteral("timeout"),
         QStringLiteral("%1 (default %2 s).").arg(timeoutHelp).arg(defaultTimeoutS),
         QStringLiteral("S")},
        {QStringLiteral("json"), QStringLiteral("Machine-readable output.")},
        {QStringLiteral("verbose"), QStringLiteral("Debug logging of every module on stderr.")},
    });
    parser.addHelpOption();
}

std::optional<DeviceOptions> readDeviceOptions(const QCommandLineParser &parser, QString *error) {
    const auto fail = [error](const QString &why) {
        *error = why;
        return std::nullopt;
    };
    DeviceOptions o;
    o.address = parser.value(QStringLiteral("address")).trimmed();
    o.name = parser.value(QStringLiteral("name")).trimmed();
    o.json = parser.isSet(QStringLiteral("json"));
    o.verbose = parser.isSet(QStringLiteral("verbose"));
    if (parser.isSet(kSimulate)) {
        const QString model = parser.value(kSimulate).trimmed().toLower();
        if (!scenarios::byName(model))
            return fail(QStringLiteral("unknown simulator model '%1' (%2)")
                            .arg(model, scenarios::names().join(QStringLiteral(", "))));
        o.simulate = model.isEmpty() ? QStringLiteral("inverter") : model;
    }
    o.replay = parser.value(QStringLiteral("replay"));
    o.record = parser.value(QStringLiteral("record"));
    if (!o.replay.isEmpty() && (o.simulate || !o.address.isEmpty() || !o.name.isEmpty()))
        return fail(QStringLiteral("--replay cannot be combined with --simulate, --address or "
                                   "--name"));
    if (!o.record.isEmpty() && o.record == o.replay)
        return fail(QStringLiteral("--record and --replay name the same file"));
    const int selectors =
        (o.simulate ? 1 : 0) + (o.address.isEmpty() ? 0 : 1) + (o.name.isEmpty() ? 0 : 1);
    if (selectors > 1 && !(selectors == 2 && !o.address.isEmpty() && !o.name.isEmpty()))
        return fail(QStringLiteral("--simulate cannot be combined with --address or --name"));

    for (const QString &spec : parser.values(QStringLiteral("fault"))) {
        QString why;
        const auto fault = SimulatedTransport::parseFault(spec, &why);
        if (!fault)
            return fail(why);
        o.faults.append(*fault);
    }
    if (!o.faults.isEmpty() && !o.simulate)
        return fail(
            QStringLiteral("--fault needs --simulate (faults are injected by the simulator)"));

    QString why;
    const auto simSpeed =
        numberOption(parser, QStringLiteral("sim-speed"), {0, 1e6}, 1.0, QString(), &why);
    const auto replaySpeed =
        numberOption(parser, QStringLiteral("replay-speed"), {0, 1e6}, 1.0, QString(), &why);
    const auto timeoutS = numberOption(parser, QStringLiteral("timeout"), {0.001, 86400},
                                       o.timeoutS, QStringLiteral("seconds"), &why);
    const auto requestTimeoutMs =
        numberOption(parser, QStringLiteral("request-timeout"), {10, 60000}, o.requestTimeoutMs,
                     QStringLiteral("milliseconds"), &why);
    if (!simSpeed || !replaySpeed || !timeoutS || !requestTimeoutMs)
        return fail(why);
    o.simSpeed = *simSpeed;
    o.replaySpeed = *replaySpeed;
    o.timeoutS = *timeoutS;
    o.requestTimeoutMs = static_cast<int>(*requestTimeoutMs);
    if (parser.isSet(QStringLiteral("replay-speed")) && o.replay.isEmpty())
        return fail(QStringLiteral("--replay-speed needs --replay FILE"));
    bool ok = true;
    if (parser.isSet(QStringLiteral("sim-seed"))) {
        o.simSeed = parser.value(QStringLiteral("sim-seed")).toUInt(&ok);
        if (!ok)
            return fail(QStringLiteral("--sim-seed wants a non-negative integer"));
    }
    if (parser.isSet(QStringLiteral("family"))) {
        const QString f = parser.value(QStringLiteral("family")).trimmed().toLower();
        if (f != QLatin1String("auto")) {
            o.family = familyFromName(f);
            if (!o.family || *o.family == Family::Shunt)
                return fail(
                    QStringLiteral("unknown family '%1' (auto, controller, dcc, battery, inverter)")
                        .arg(f));
        }
    }
    if (parser.isSet(QStringLiteral("device-id"))) {
        const QString text = parser.value(QStringLiteral("device-id"));
        const uint id = text.toUInt(&ok, 0);
        if (!ok || id < 1 || id > 255 || (id > 247 && id != 255))
            return fail(QStringLiteral("--device-id wants 1-247 or 255 (0x01-0xF7, 0xFF), not '%1'")
                            .arg(text));
        o.deviceId = static_cast<quint8>(id);
    }
    o.allSlaves = parser.isSet(QStringLiteral("all-slaves"));
    if (o.allSlaves && o.deviceId)
        return fail(QStringLiteral("--all-slaves and --device-id exclude each other"));
    if (o.verbose)
        enableVerboseLogging();
    return o;
}

std::optional<double> numberOption(const QCommandLineParser &parser, const QString &name,
                                   NumberRange range, double fallback, const QString &unit,
                                   QString *error) {
    if (!parser.isSet(name))
        return fallback;
    const QString text = parser.value(name);
    const auto value = parseNumber(text, range);
    if (!value && error->isEmpty())
        *error = numberError(QStringLiteral("--") + name, text, range, unit);
    return value;
}

DeviceSession::Options sessionOptions(const DeviceOptions &options) {
    DeviceSession::Options s;
    s.requestTimeoutMs = options.requestTimeoutMs;
    s.probeTimeoutMs = std::min(1000, options.requestTimeoutMs);
    s.family = options.family;
    s.slave = options.deviceId;
    s.allSlaves = options.allSlaves;
    return s;
}

int printError(const QString &command, const QString &message, int code) {
    QTextStream err(stderr);
    err << "blupow-cli " << command << ": " << message << '\n';
    return code;
}

DeviceChoice deviceChoice(const DeviceOptions &options) {
    DeviceChoice c;
    c.address = options.address;
    c.name = options.name;
    c.simulate = options.simulate;
    c.replay = options.replay;
    c.faults = options.faults;
    c.simSpeed = options.simSpeed;
    c.simSeed = options.simSeed;
    // A delayed reply must arrive after the session gave up on it (that is the point).
    c.faultDelayMs = options.requestTimeoutMs + options.requestTimeoutMs / 2;
    c.replaySpeed = options.replaySpeed;
    c.scanTimeoutMs = static_cast<int>(std::min(options.timeoutS, 15.0) * 1000);
    return c;
}

int exitCodeFor(TransportProvider::Failure failure) {
    switch (failure) {
    case TransportProvider::Failure::BadInput:
        return ExitBadInput;
    case TransportProvider::Failure::NoDevice:
        return ExitUsage;
    case TransportProvider::Failure::Unavailable:
        break;
    }
    return ExitUnavailable;
}

std::optional<DeviceOptions> parseDeviceCommand(QCommandLineParser &parser,
                                                const QStringList &arguments,
                                                const QString &command, int *exitCode,
                                                const CommandShape &shape) {
    *exitCode = ExitUsage;
    if (!parser.parse(normalizeArguments(arguments))) {
        printError(command, parser.errorText(), ExitUsage);
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        *exitCode = ExitOk;
        return std::nullopt;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > shape.maxPositional) {
        printError(
            command,
            QStringLiteral("unexpected argument '%1'").arg(positional.at(shape.maxPositional)),
            ExitUsage);
        return std::nullopt;
    }
    if (positional.size() < shape.minPositional) {
        printError(command, QStringLiteral("give %1 (see --help)").arg(shape.positionalHelp),
                   ExitUsage);
        return std::nullopt;
    }
    QString error;
    auto options = readDeviceOptions(parser, &error);
    if (!options) {
        printError(command, error, ExitUsage);
        return std::nullopt;
    }
    if (shape.deviceRequired && !options->hasDevice()) {
        printError(command,
                   QStringLiteral("no device selected: use --address ADDR, --name NAME or "
                                  "--simulate[=MODEL]"),
                   ExitUsage);
        return std::nullopt;
    }
    *exitCode = ExitOk;
    return options;
}

} // namespace blupow::cli
