// blupow-cli backup: save every readable setting and the identity of a device to a JSON file.

#include "command.h"
#include "config/snapshotreader.h"
#include "deviceoptions.h"
#include "sessionrunner.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QSaveFile>
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

    SessionRunner runner(*options, RegisterMaps::builtIn());
    std::unique_ptr<SnapshotReader> reader;
    int exitCode = ExitOk;
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
        reader = std::make_unique<SnapshotReader>(session);
        QObject::connect(
            reader.get(), &SnapshotReader::failed, &runner,
            [&](const QString &message) { finish(printError(command, message, ExitFailure)); });
        QObject::connect(
            reader.get(), &SnapshotReader::finished, &runner, [&](const Snapshot &snapshot) {
                for (const QString &s : reader->skippedBlocks())
                    printError(command, QStringLiteral("warning: left out %1").arg(s), ExitOk);
                const QByteArray bytes = snapshot.toJsonBytes();
                if (outPath == QLatin1String("-")) {
                    QTextStream(stdout) << bytes;
                    finish(ExitOk);
                    return;
                }
                // All or nothing: a half-written backup is worse than none.
                QSaveFile file(outPath);
                if (!file.open(QIODevice::WriteOnly) || file.write(bytes) < 0 || !file.commit()) {
                    finish(printError(
                        command,
                        QStringLiteral("cannot write %1: %2").arg(outPath, file.errorString()),
                        ExitFailure));
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
                finish(ExitOk);
            });
        QObject::connect(session, &DeviceSession::identified, &runner, [&] {
            runner.satisfied();
            QString why;
            if (!reader->start(&why))
                finish(printError(command, why, ExitFailure));
        });
    });
    runner.start();
    const int rc = QCoreApplication::exec();
    reader.reset();
    return rc == ExitOk ? exitCode : rc;
}

} // namespace blupow::cli
