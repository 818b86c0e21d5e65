// blupow-cli scan: Renogy devices in range (or the built-in simulated ones).

#include "ble/devicescanner.h"
#include "command.h"
#include "deviceoptions.h"
#include "sim/scenarios.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace blupow::cli {

namespace {

QList<DiscoveredDevice> simulatedDevices() {
    QList<DiscoveredDevice> list;
    for (const QString &model : scenarios::names()) {
        const auto s = scenarios::byName(model);
        DiscoveredDevice d;
        d.name = s->advertisedName;
        d.address = QStringLiteral("sim:") + s->id;
        d.familyGuess = s->family;
        d.variant = s->variant;
        d.simulated = true;
        d.simulatorModel = s->id;
        list.append(d);
    }
    return list;
}

void print(const QList<DiscoveredDevice> &devices, bool json) {
    QTextStream out(stdout);
    if (json) {
        QJsonArray a;
        for (const DiscoveredDevice &d : devices) {
            QJsonObject o{
                {QStringLiteral("name"), d.name},
                {QStringLiteral("address"), d.address},
                {QStringLiteral("rssi"), d.rssi},
                {QStringLiteral("family"), d.familyGuess ? familyName(*d.familyGuess) : QString()},
                {QStringLiteral("variant"), d.variant},
                {QStringLiteral("simulated"), d.simulated},
            };
            if (d.simulated)
                o.insert(QStringLiteral("model"), d.simulatorModel);
            a.append(o);
        }
        out << QJsonDocument(a).toJson(QJsonDocument::Compact) << '\n';
        return;
    }
    for (const DiscoveredDevice &d : devices) {
        out << d.name.leftJustified(18) << ' ' << d.address.leftJustified(18) << ' '
            << (d.rssi ? QStringLiteral("%1 dBm").arg(d.rssi) : QStringLiteral("-"))
                   .leftJustified(8)
            << ' '
            << (d.familyGuess ? familyName(*d.familyGuess) : QStringLiteral("unknown (BT-1/BT-2)"))
            << (d.simulated ? QStringLiteral("  --simulate=%1").arg(d.simulatorModel) : QString())
            << '\n';
    }
    if (devices.isEmpty())
        out << "no Renogy devices seen\n";
}

} // namespace

int runScan(const QStringList &arguments) {
    const QString command = QStringLiteral("scan");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "List Renogy devices in Bluetooth range: name, address, RSSI and the family guessed\n"
        "from the name. With --simulate, or when there is no Bluetooth adapter, lists the\n"
        "built-in simulated devices instead (say so on stderr).\n\n"
        "Example: blupow-cli scan --timeout 8 --json"));
    addDeviceOptions(parser, 10, QStringLiteral("Scan for S seconds"));
    int parseExit = ExitOk;
    const auto options =
        parseDeviceCommand(parser, arguments, command, &parseExit, {0, 0, false, {}});
    if (!options)
        return parseExit;
    if (options->isSimulated()) {
        print(simulatedDevices(), options->json);
        return ExitOk;
    }
    const auto [adapterError, adapterMessage] = DeviceScanner::checkAdapter();
    if (adapterError != DeviceScanner::Error::None) {
        QTextStream(stderr) << "blupow-cli scan: " << adapterMessage
                            << "; listing the simulated devices (use them with --simulate=MODEL)\n";
        print(simulatedDevices(), options->json);
        return ExitOk;
    }
    DeviceScanner scanner;
    scanner.setTimeout(static_cast<int>(options->timeoutS * 1000));
    int exitCode = ExitOk;
    QObject::connect(&scanner, &DeviceScanner::finished, &scanner, [&] {
        if (scanner.error() != DeviceScanner::Error::None) {
            exitCode = printError(command, scanner.errorString(), ExitUnavailable);
        } else {
            print(scanner.devices(), options->json);
        }
        QCoreApplication::exit(exitCode);
    });
    scanner.start();
    const int rc = QCoreApplication::exec();
    return rc == ExitOk ? exitCode : rc;
}

} // namespace blupow::cli
