// blupow-cli diff: compare two snapshots, or a snapshot with the live device.

#include "command.h"
#include "config/snapshotdiff.h"
#include "configformat.h"
#include "devicecommand.h"
#include "deviceoptions.h"

#include <QJsonDocument>
#include <QTextStream>

namespace blupow::cli {

namespace {

int report(const QString &command, const Snapshot &a, const Snapshot &b, const QString &nameA,
           const QString &nameB, bool json) {
    if (const auto why = SnapshotDiff::incompatibility(a, b))
        return printError(command, *why, ExitBadInput);
    const auto rows = SnapshotDiff::compare(a, b);
    QTextStream out(stdout);
    if (json)
        out << QJsonDocument(QJsonObject{
                                 {QStringLiteral("a"), nameA},
                                 {QStringLiteral("b"), nameB},
                                 {QStringLiteral("differences"), rows.size()},
                                 {QStringLiteral("rows"), diffToJson(rows)},
                             })
                   .toJson(QJsonDocument::Compact)
            << '\n';
    else
        printDiff(out, rows, nameA, nameB);
    return ExitOk;
}

} // namespace

int runDiff(const QStringList &arguments) {
    const QString command = QStringLiteral("diff");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Compare two snapshots field by field (raw words decide, cooked values shown), or one\n"
        "snapshot (A) with the live device (B) when a device is selected.\n\n"
        "Examples:\n"
        "  blupow-cli diff before.json after.json\n"
        "  blupow-cli diff rover.json --simulate=controller"));
    addDeviceOptions(parser, 60,
                     QStringLiteral("Give up when the device was not identified within S seconds"));
    parser.addPositionalArgument(QStringLiteral("A"), QStringLiteral("Snapshot file."));
    parser.addPositionalArgument(QStringLiteral("B"),
                                 QStringLiteral("Second snapshot file (or select a device)."),
                                 QStringLiteral("[B]"));
    int parseExit = ExitOk;
    const auto options = parseDeviceCommand(parser, arguments, command, &parseExit,
                                            {1, 2, false, QStringLiteral("snapshot file A")});
    if (!options)
        return parseExit;
    QString error;
    const QStringList files = parser.positionalArguments();
    if ((files.size() == 2) == options->hasDevice())
        return printError(command,
                          QStringLiteral("give two snapshot files, or one file and a device "
                                         "(--address, --name or --simulate)"),
                          ExitUsage);
    const auto a = loadSnapshot(files.first(), &error);
    if (!a)
        return printError(command, error, ExitBadInput);
    if (files.size() == 2) {
        const auto b = loadSnapshot(files.at(1), &error);
        if (!b)
            return printError(command, error, ExitBadInput);
        return report(command, *a, *b, files.first(), files.at(1), options->json);
    }

    DeviceCommand run(command, *options);
    return run.exec([&](DeviceSession *session) {
        run.readSnapshot(session, [&](const Snapshot &live) {
            run.finish(report(command, *a, live, files.first(),
                              QStringLiteral("live %1").arg(live.model), options->json));
        });
    });
}

} // namespace blupow::cli
