#pragma once

#include "device/devicesession.h"
#include "parse/numberparse.h"
#include "provider/transportprovider.h"
#include "sim/simulatedtransport.h"

#include <QCommandLineParser>
#include <QStringList>

#include <optional>

namespace blupow::cli {

// The device selector and common options every device command takes (README, Using BluPow):
// --address,
// --name, --simulate[=MODEL] or --replay FILE, --record FILE, --fault (simulator only), --json,
// --verbose, --timeout, plus the session options (--family, --device-id, --request-timeout). scan,
// read, monitor and the bridge share this so the commands behave alike.
struct DeviceOptions {
    QString address;
    QString name;
    std::optional<QString> simulate; // the MODEL, when --simulate was given
    QList<SimulatedTransport::Fault> faults;
    double simSpeed = 1.0;
    quint32 simSeed = 0; // 0 = random
    bool json = false;
    bool verbose = false;
    double timeoutS = 30;
    int requestTimeoutMs = 2000;
    std::optional<Family> family;
    std::optional<quint8> deviceId;
    bool allSlaves = false;   // --all-slaves: probe every slave id behind the dongle
    QString replay;           // --replay FILE: a btsnoop recording played back as the device
    double replaySpeed = 1.0; // 1 = as recorded, 2 = twice as fast, 0 = at once
    QString record;           // --record FILE: the session's traffic written as btsnoop

    [[nodiscard]] bool isSimulated() const { return simulate.has_value(); }
    [[nodiscard]] bool hasDevice() const {
        return simulate || !address.isEmpty() || !name.isEmpty() || !replay.isEmpty();
    }
};

// `--simulate` may stand alone or carry a MODEL (`--simulate=controller`); QCommandLineParser has
// no optional values, so the bare form is rewritten to `--simulate=inverter` before parsing.
[[nodiscard]] QStringList normalizeArguments(const QStringList &arguments);

// Adds the options above to `parser`; `timeoutHelp` says what --timeout bounds for this command.
void addDeviceOptions(QCommandLineParser &parser, double defaultTimeoutS,
                      const QString &timeoutHelp);

// Reads and checks them. Nothing, with a one-line error, when the command line is wrong.
[[nodiscard]] std::optional<DeviceOptions> readDeviceOptions(const QCommandLineParser &parser,
                                                             QString *error);

// What a command accepts besides the device options.
struct CommandShape {
    int minPositional = 0; // file arguments
    int maxPositional = 0;
    bool deviceRequired = true;
    QString positionalHelp; // "FILE", "A [B]": for the message when the count is wrong
};

// The common start of every device command: parses `arguments` into `parser` (with the device
// options already added), prints --help, checks the number of file arguments and, when the
// command needs one, that a device was selected. Nothing when the command should end now, with
// `exitCode` set (ExitOk after --help).
[[nodiscard]] std::optional<DeviceOptions> parseDeviceCommand(QCommandLineParser &parser,
                                                              const QStringList &arguments,
                                                              const QString &command, int *exitCode,
                                                              const CommandShape &shape = {});

// A numeric option, parsed as every number a person gives (parseNumber: NaN and infinities
// refused): `fallback` when the option is not given; nothing, with the error, when it does not
// parse or is out of `range`.
[[nodiscard]] std::optional<double> numberOption(const QCommandLineParser &parser,
                                                 const QString &name, NumberRange range,
                                                 double fallback, const QString &unit,
                                                 QString *error);

// Session options that follow from the device options (family, slave id, timeouts).
[[nodiscard]] DeviceSession::Options sessionOptions(const DeviceOptions &options);

// The device these options choose, for TransportProvider (core/provider), which makes the
// transport for the commands, the bridge and the GUI alike.
[[nodiscard]] DeviceChoice deviceChoice(const DeviceOptions &options);

// The exit code for a transport that could not be had.
[[nodiscard]] int exitCodeFor(TransportProvider::Failure failure);

// "blupow-cli read: message" on stderr; returns `code` so callers can `return fail(...)`.
int printError(const QString &command, const QString &message, int code);

} // namespace blupow::cli
