// blupow-cli restore: write back the settings of a snapshot that differ from the device, after
// one confirmation, each verified by reading it back.

#include "command.h"
#include "config/settingswriter.h"
#include "config/snapshotdiff.h"
#include "configformat.h"
#include "devicecommand.h"
#include "deviceoptions.h"

#include <QJsonDocument>
#include <QTextStream>

namespace blupow::cli {

int runRestore(const QStringList &arguments) {
    const QString command = QStringLiteral("restore");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Restore the settings saved by `backup`: read the device, show every difference, and\n"
        "after ONE confirmation write only the differing writable settings (exact raw words\n"
        "from the file), each validated against the register map and verified by reading it\n"
        "back. Read-only differences (model, serial, ratings) are shown and never written. The\n"
        "first failure stops the restore.\n\n"
        "Example: blupow-cli restore rover.json --address C4:64:E3:38:3D:0E"));
    addDeviceOptions(parser, 60,
                     QStringLiteral("Give up when the device was not identified within S seconds"));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Snapshot to restore."));
    parser.addOption(
        {QStringLiteral("yes"), QStringLiteral("Confirm without asking (after reviewing).")});
    int parseExit = ExitOk;
    const auto options = parseDeviceCommand(parser, arguments, command, &parseExit,
                                            {1, 1, true, QStringLiteral("one snapshot FILE")});
    if (!options)
        return parseExit;
    QString error;
    const QString path = parser.positionalArguments().constFirst();
    const auto saved = loadSnapshot(path, &error);
    if (!saved)
        return printError(command, error, ExitBadInput);
    const bool yes = parser.isSet(QStringLiteral("yes"));

    DeviceCommand run(command, *options);
    std::unique_ptr<SettingsWriter> writer;
    QList<SnapshotDiffRow> rows;
    QTextStream out(stdout);
    const auto printJson = [&](bool ok, const QString &message) {
        out << QJsonDocument(QJsonObject{
                                 {QStringLiteral("ok"), ok},
                                 {QStringLiteral("message"), message},
                                 {QStringLiteral("diff"), diffToJson(rows)},
                                 {QStringLiteral("changes"),
                                  writer ? changesToJson(writer->changes()) : QJsonArray()},
                             })
                   .toJson(QJsonDocument::Compact)
            << '\n';
        out.flush();
    };
    return run.exec([&](DeviceSession *session) {
        writer = std::make_unique<SettingsWriter>(session);
        QObject::connect(writer.get(), &SettingsWriter::previewReady, &run, [&] {
            if (!options->json) {
                out << "About to write " << writer->changes().size() << " setting(s):\n"
                    << writer->previewText() << '\n';
                out.flush();
            }
            run.confirm(writer.get(), yes, QStringLiteral("Restore these settings?"));
        });
        QObject::connect(writer.get(), &SettingsWriter::finished, &run,
                         [&](bool ok, const QString &message) {
                             if (options->json)
                                 printJson(ok, message);
                             else
                                 printResults(out, writer->changes());
                             out.flush();
                             if (ok)
                                 run.finish(ExitOk);
                             else
                                 run.fail(message, writer->state() == SettingsWriter::State::Refused
                                                       ? ExitBadInput
                                                       : ExitFailure);
                         });
        run.readSnapshot(session, [&, session](const Snapshot &live) {
            if (const auto why = SnapshotDiff::incompatibility(live, *saved)) {
                run.fail(*why, ExitBadInput);
                return;
            }
            rows = SnapshotDiff::compare(live, *saved);
            if (!options->json) {
                printDiff(out, rows, QStringLiteral("device"), path);
                out.flush();
            }
            const QList<SettingTarget> targets =
                SnapshotDiff::restoreTargets(rows, *session->map());
            if (targets.isEmpty()) {
                if (options->json)
                    printJson(true, QStringLiteral("nothing to restore"));
                else
                    out << "nothing to restore: every writable setting already matches\n";
                run.finish(ExitOk);
                return;
            }
            SettingsWriter::Options writeOptions;
            writeOptions.skipUnchanged = true;
            QString why;
            if (!writer->prepare(targets, writeOptions, &why))
                run.fail(QStringLiteral("refused, nothing sent: %1").arg(why), ExitBadInput);
        });
    });
}

} // namespace blupow::cli
