// blupow-cli write: change one setting safely: validate against the register map, show the exact
// frame and old -> new value, ask, write, read back (docs/config.md).

#include "command.h"
#include "config/settingswriter.h"
#include "configformat.h"
#include "confirmprompt.h"
#include "deviceoptions.h"
#include "sessionrunner.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QTextStream>

namespace blupow::cli {

namespace {

std::optional<int> parseRegister(const QString &text) {
    bool ok = false;
    const QString t = text.trimmed();
    const int reg = t.startsWith(QLatin1String("0x"), Qt::CaseInsensitive) ? t.mid(2).toInt(&ok, 16)
                                                                           : t.toInt(&ok, 10);
    if (!ok || reg < 0 || reg > 0xFFFF)
        return std::nullopt;
    return reg;
}

} // namespace

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
        "  blupow-cli write --simulate=controller --load on --yes"));
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
    if ((byRegister ? 1 : 0) + (byKey ? 1 : 0) + (load ? 1 : 0) != 1)
        return printError(command,
                          QStringLiteral("give exactly one of --register R, --key KEY or --load"),
                          ExitUsage);
    SettingTarget target;
    bool loadOn = false;
    if (load) {
        const QString v = parser.value(QStringLiteral("load")).trimmed().toLower();
        if (v != QLatin1String("on") && v != QLatin1String("off"))
            return printError(command, QStringLiteral("--load wants on or off"), ExitUsage);
        loadOn = v == QLatin1String("on");
    } else {
        if (!parser.isSet(QStringLiteral("value")))
            return printError(command, QStringLiteral("--value V is required"), ExitUsage);
        target.value = parser.value(QStringLiteral("value")).trimmed();
        if (byKey) {
            target.key = parser.value(QStringLiteral("key")).trimmed();
        } else {
            const auto reg = parseRegister(parser.value(QStringLiteral("register")));
            if (!reg)
                return printError(command,
                                  QStringLiteral("--register wants 0-65535 or 0x0000-0xFFFF"),
                                  ExitUsage);
            target.reg = *reg;
        }
    }
    const bool yes = parser.isSet(QStringLiteral("yes"));

    SessionRunner runner(*options, RegisterMaps::builtIn());
    std::unique_ptr<SettingsWriter> writer;
    ConfirmPrompt prompt;
    int exitCode = ExitOk;
    QTextStream out(stdout);
    const auto finish = [&](int code) {
        exitCode = code;
        if (runner.session())
            runner.session()->stop();
        QCoreApplication::exit(code);
    };
    QObject::connect(
        &runner, &SessionRunner::failed, &runner,
        [&](const QString &message, int code) { finish(printError(command, message, code)); });
    QObject::connect(&runner, &SessionRunner::sessionReady, &runner, [&](DeviceSession *session) {
        writer = std::make_unique<SettingsWriter>(session);
        QObject::connect(writer.get(), &SettingsWriter::previewReady, &runner, [&, session] {
            if (!options->json) {
                out << "About to write to " << session->identity()->model << " (slave 0x"
                    << QStringLiteral("%1").arg(session->identity()->slave, 2, 16, QLatin1Char('0'))
                    << "):\n"
                    << writer->previewText() << '\n';
                out.flush();
            }
            if (yes) {
                writer->confirm();
            } else if (!ConfirmPrompt::stdinIsTerminal()) {
                finish(printError(command,
                                  QStringLiteral("not written: confirmation needed and stdin is "
                                                 "not a terminal (review the preview, then add "
                                                 "--yes)"),
                                  ExitUsage));
            } else {
                prompt.ask(QStringLiteral("Write?"));
            }
        });
        QObject::connect(&prompt, &ConfirmPrompt::answered, &runner, [&](bool confirmed) {
            if (confirmed)
                writer->confirm();
            else
                writer->cancel();
        });
        QObject::connect(
            writer.get(), &SettingsWriter::finished, &runner, [&](bool ok, const QString &msg) {
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
                finish(ok ? ExitOk : printError(command, msg, ExitFailure));
            });
        QObject::connect(session, &DeviceSession::identified, &runner, [&] {
            runner.satisfied();
            QString why;
            const bool started = load ? writer->prepareLoadSwitch(loadOn, &why)
                                      : writer->prepare({target}, SettingsWriter::Options{}, &why);
            if (!started)
                finish(printError(command, QStringLiteral("refused, nothing sent: %1").arg(why),
                                  ExitBadInput));
        });
    });
    runner.start();
    const int rc = QCoreApplication::exec();
    writer.reset();
    return rc == ExitOk ? exitCode : rc;
}

} // namespace blupow::cli
