#pragma once

#include "device/devicesession.h"
#include "settings/numberparse.h"
#include "sim/simulatedtransport.h"

#include <QCommandLineParser>
#include <QObject>
#include <QStringList>

#include <memory>
#include <optional>

namespace blupow {
class DeviceScanner;
class Transport;
} // namespace blupow

namespace blupow::cli {

// The device selector and common options every device command takes (design.md 5): --address,
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

// The one place that picks the transport: SimulatedTransport for --simulate, ReplayTransport
// for --replay, BleTransport for --address, or a short Bluetooth scan for --name followed by
// BleTransport. Asynchronous because finding a device by name needs a scan: start(), then ready()
// or failed().
class TransportFactory : public QObject {
    Q_OBJECT

public:
    TransportFactory(DeviceOptions options, RegisterMaps maps, QObject *parent = nullptr);
    ~TransportFactory() override;

    void start();
    // Hands over the transport after ready().
    [[nodiscard]] std::unique_ptr<Transport> takeTransport();

    // The simulated transport of a model (also used by tests and `scan --simulate`).
    [[nodiscard]] static std::unique_ptr<SimulatedTransport>
    createSimulated(const QString &model, const RegisterMaps &maps, QString *error);

Q_SIGNALS:
    void ready();
    void failed(const QString &message, int exitCode);

private:
    void fail(const QString &message, int exitCode);

    DeviceOptions m_options;
    RegisterMaps m_maps;
    std::unique_ptr<Transport> m_transport;
    std::unique_ptr<DeviceScanner> m_scanner;
};

// "blupow-cli read: message" on stderr; returns `code` so callers can `return fail(...)`.
int printError(const QString &command, const QString &message, int code);

} // namespace blupow::cli
