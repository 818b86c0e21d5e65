// blupow-cli write: change one setting safely: validate against the register map, show the exact
// frame and old -> new value, ask, write, read back (docs/config.md).

#include "command.h"
#include "config/settingswriter.h"
#include "configformat.h"
#include "devicecommand.h"
#include "deviceoptions.h"
#include "modbus/modbusframe.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QTextStream>

namespace blupow::cli {

int runWrite(const QStringList &arguments) {
    const QString command = QStringLiteral("write");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Change one setting of a device. The value is checked against the register map (the\n"
        "field exists, is writable, in range, on the step, an enum choice) before anything is\n"
        "sent; then the exact Modbus frame and the old -> new value are shown, and nothing is\n"
        "written until you answer y (or gave --yes). The value is read back: success only when\n"
        "the device holds what was written. Destructive registers are never written.\n\n"
        "Examples:\n"
        "  blupow-cli write --simulate=controller --key float_voltage --value 13.8\n"
        "  blupow-cli write --address C4:64:E3:38:3D:0E --register 0xE004 --value gel\n"
        "  blupow-cli write --simulate=controller --load on --yes\n"
        "  blupow-cli write --simulate=inverter --set-clock"));
    addDeviceOptions(parser, 60,
                     QStringLiteral("Give up when the device was not identified within S seconds"));
    parser.addOptions({
        {QStringLiteral("register"),
         QStringLiteral("First register of the setting, decimal or 0x-hex."), QStringLiteral("R")},
        {QStringLiteral("key"), QStringLiteral("The setting's key (see `read --json`)."),
         QStringLiteral("KEY")},
        {QStringLiteral("value"),
         QStringLiteral("New value in the setting's units (14.4) or an enum name (gel)."),
         QStringLiteral("V")},
        {QStringLiteral("load"),
         QStringLiteral("Charge controllers: switch the load output on or off (0x010A)."),
         QStringLiteral("on|off")},
        {QStringLiteral("set-clock"),
         QStringLiteral("Inverters: set the clock (4402-4404) to this computer's local time.")},
        {QStringLiteral("yes"),
         QStringLiteral("Confirm without asking (after reviewing the preview once).")},
    });
    int parseExit = ExitOk;
    const auto options = parseDeviceCommand(parser, arguments, command, &parseExit);
    if (!options)
        return parseExit;

    const bool byRegister = parser.isSet(QStringLiteral("register"));
    const bool byKey = parser.isSet(QStringLiteral("key"));
    const bool load = parser.isSet(QStringLiteral("load"));
    const bool clock = parser.isSet(QStringLiteral("set-clock"));
    if ((byRegister ? 1 : 0) + (byKey ? 1 : 0) + (load ? 1 : 0) + (clock ? 1 : 0) != 1)
        return printError(
            command,
            QStringLiteral("give exactly one of --register R, --key KEY, --load or --set-clock"),
            ExitUsage);
    if (clock && parser.isSet(QStringLiteral("value")))
        return printError(command, QStringLiteral("--set-clock takes no --value"), ExitUsage);
    SettingTarget target;
    bool loadOn = false;
    if (load) {
        const QString v = parser.value(QStringLiteral("load")).trimmed().toLower();
        if (v != QLatin1String("on") && v != QLatin1String("off"))
            return printError(command, QStringLiteral("--load wants on or off"), ExitUsage);
        loadOn = v == QLatin1String("on");
    } else if (!clock) {
        if (!parser.isSet(QStringLiteral("value")))
            return printError(command, QStringLiteral("--value V is required"), ExitUsage);
        target.value = parser.value(QStringLiteral("value")).trimmed();
        if (byKey) {
            target.key = parser.value(QStringLiteral("key")).trimmed();
        } else {
            const auto reg = modbus::parseAddress(parser.value(QStringLiteral("register")));
            if (!reg)
                return printError(command,
                                  QStringLiteral("--register wants 0-65535 or 0x0000-0xFFFF"),
                                  ExitUsage);
            target.reg = *reg;
        }
    }
    const bool yes = parser.isSet(QStringLiteral("yes"));

    DeviceCommand run(command, *options);
    std::unique_ptr<SettingsWriter> writer;
    QTextStream out(stdout);
    return run.exec([&](DeviceSession *session) {
        writer = std::make_unique<SettingsWriter>(session);
        QObject::connect(writer.get(), &SettingsWriter::previewReady, &run, [&, session] {
            if (!options->json) {
                out << "About to write to " << session->identity()->model << " (slave 0x"
                    << QStringLiteral("%1").arg(session->identity()->slave, 2, 16, QLatin1Char('0'))
                    << "):\n"
                    << writer->previewText() << '\n';
                out.flush();
            }
            run.confirm(writer.get(), yes, QStringLiteral("Write?"));
        });
        QObject::connect(
            writer.get(), &SettingsWriter::finished, &run, [&](bool ok, const QString &msg) {
                if (options->json) {
                    out << QJsonDocument(
                               QJsonObject{
                                   {QStringLiteral("ok"), ok},
                                   {QStringLiteral("message"), msg},
                                   {QStringLiteral("changes"), changesToJson(writer->changes())},
                               })
                               .toJson(QJsonDocument::Compact)
                        << '\n';
                } else {
                    printResults(out, writer->changes());
                }
                out.flush();
                if (ok)
                    run.finish(ExitOk);
                else
                    run.fail(msg, writer->state() == SettingsWriter::State::Refused ? ExitBadInput
                                                                                    : ExitFailure);
            });
        QString why;
        // The time is taken when the device is ready, not when the command started: identification
        // can take seconds.
        const bool started = load    ? writer->prepareLoadSwitch(loadOn, &why)
                             : clock ? writer->prepareClock(QDateTime::currentDateTime(), &why)
                                     : writer->prepare({target}, SettingsWriter::Options{}, &why);
        if (!started)
            run.fail(QStringLiteral("refused, nothing sent: %1").arg(why), ExitBadInput);
    });
}

} // namespace blupow::cli
