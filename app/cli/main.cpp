// blupow-cli: the composition root of the headless tool. It picks the command; each command
// builds its own objects (transport, session, publisher) from core and wires them together.

#include "commands/command.h"
#include "sim/scenarios.h"

#include <QCoreApplication>
#include <QTextStream>

#include <array>
#include <cstdio>

using namespace blupow::cli;

namespace {

const std::array kCommands{
    Command{"scan", "List Renogy devices in range (or the simulated ones)", runScan},
    Command{"read", "Read every value of one device once", runRead},
    Command{"monitor", "Poll one device and print one line per cycle", runMonitor},
    Command{"decode", "Decode one Modbus response frame with a register map", runDecode},
    Command{"bridge", "Publish devices to Home Assistant over MQTT until stopped", runBridge},
    Command{"write", "Change one setting: validate, preview, confirm, write, read back", runWrite},
    Command{"backup", "Save the settings of one device to a JSON snapshot", runBackup},
    Command{"restore", "Write back the differing settings of a snapshot, verified", runRestore},
    Command{"diff", "Compare two snapshots, or a snapshot with a live device", runDiff},
    Command{"import", "Show the Renogy conversation in a Bluetooth capture (btsnoop)", runImport},
    Command{"logs", "Read the device's own logs: daily history, fault records", runLogs},
    Command{"history", "List or export (CSV) what a history file recorded", runHistory},
    Command{"support-bundle", "Write one zip for a bug report (secrets removed)", runSupportBundle},
};

void printUsage(QTextStream &out) {
    out << "Usage: blupow-cli COMMAND [options]\n\n"
           "BluPow talks Modbus RTU over Bluetooth LE to Renogy charge controllers, DC-DC "
           "chargers,\n"
           "smart batteries and inverter-chargers, and bridges them to Home Assistant over "
           "MQTT.\n\n"
           "Commands:\n";
    for (const auto &c : kCommands)
        out << "  " << QString::fromLatin1(c.name).leftJustified(10)
            << QString::fromLatin1(c.summary) << '\n';
    out << "\nEvery command takes --help, --json (machine-readable output) and --verbose (debug\n"
           "logging per module). Devices are chosen with --address ADDR, --name NAME,\n"
        << QStringLiteral("--simulate[=MODEL] (%1) or --replay FILE\n")
               .arg(blupow::scenarios::names().join(QStringLiteral(", ")))
        << "(a recording); read and monitor take --record FILE (btsnoop, opens in Wireshark);\n"
           "monitor and bridge take --history FILE (every value into a history file).\n\n"
           "Exit codes: 0 ok, 1 operation failed, 2 bad command line, 3 input that does not "
           "parse,\n"
           "4 adapter, device or broker unavailable.\n";
}

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("blupow-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("BluPow"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BLUPOW_VERSION));

    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 2 || args.at(1) == QLatin1String("--help") ||
        args.at(1) == QLatin1String("-h") || args.at(1) == QLatin1String("help")) {
        printUsage(out);
        return args.size() < 2 ? ExitUsage : ExitOk;
    }
    if (args.at(1) == QLatin1String("--version") || args.at(1) == QLatin1String("-v")) {
        out << "blupow-cli " << QCoreApplication::applicationVersion() << '\n';
        return ExitOk;
    }
    for (const auto &c : kCommands) {
        if (args.at(1) == QLatin1String(c.name)) {
            QStringList rest = args.mid(2);
            rest.prepend(QStringLiteral("blupow-cli %1").arg(QLatin1String(c.name)));
            return c.run(rest);
        }
    }
    err << "blupow-cli: unknown command '" << args.at(1) << "' (see blupow-cli --help)\n";
    return ExitUsage;
}
