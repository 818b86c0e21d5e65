// blupow-cli backup: save every readable setting and the identity of a device to a JSON file.

#include "command.h"
#include "devicecommand.h"
#include "deviceoptions.h"

#include <QJsonDocument>
#include <QTextStream>

namespace blupow::cli {

int runBackup(const QStringList &arguments) {
    const QString command = QStringLiteral("backup");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Save the settings of one device (every field read once or on demand: identity,\n"
        "ratings, charge parameters) with family, variant, model, firmware, slave id and time\n"
        "to a JSON file. Each field keeps its key, register, raw words and cooked value.\n\n"
        "Example: blupow-cli backup --simulate=controller --out rover.json"));
    addDeviceOptions(parser, 60,
                     QStringLiteral("Give up when the device was not identified within S seconds"));
    parser.addOption({QStringLiteral("out"), QStringLiteral("File to write (- for stdout)."),
                      QStringLiteral("FILE")});
    int parseExit = ExitOk;
    const auto options = parseDeviceCommand(parser, arguments, command, &parseExit);
    if (!options)
        return parseExit;
    const QString outPath = parser.value(QStringLiteral("out"));
    if (outPath.isEmpty())
        return printError(command, QStringLiteral("--out FILE is required"), ExitUsage);

    DeviceCommand run(command, *options);
    return run.exec([&](DeviceSession *session) {
        run.readSnapshot(session, [&](const Snapshot &snapshot) {
            const QByteArray bytes = snapshot.toJsonBytes();
            if (outPath == QLatin1String("-")) {
                QTextStream(stdout) << bytes;
                run.finish(ExitOk);
                return;
            }
            QString error;
            if (!snapshot.save(outPath, &error)) {
                run.fail(error, ExitFailure);
                return;
            }
            QTextStream out(stdout);
            if (options->json)
                out << QJsonDocument(QJsonObject{
                                         {QStringLiteral("file"), outPath},
                                         {QStringLiteral("fields"), snapshot.entries.size()},
                                     })
                           .toJson(QJsonDocument::Compact)
                    << '\n';
            else
                out << "saved " << snapshot.entries.size() << " fields of " << snapshot.model
                    << " to " << outPath << '\n';
            run.finish(ExitOk);
        });
    });
}

} // namespace blupow::cli
