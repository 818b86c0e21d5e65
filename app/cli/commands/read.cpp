// blupow-cli read: connect, identify, one full poll cycle, print every value, exit.

#include "command.h"
#include "deviceoptions.h"
#include "modbus/linkstatisticsjson.h"
#include "sessionrunner.h"
#include "valueformat.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QTextStream>

namespace blupow::cli {

int runRead(const QStringList &arguments) {
    const QString command = QStringLiteral("read");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Read every value of one device once: connect, identify (family, model, slave id),\n"
        "run one full poll cycle and print the values (one JSON object with --json).\n\n"
        "Example: blupow-cli read --simulate=controller --json"));
    addDeviceOptions(parser, 30, QStringLiteral("Give up when no values arrived within S seconds"));
    int parseExit = ExitOk;
    const auto options = parseDeviceCommand(parser, arguments, command, &parseExit);
    if (!options)
        return parseExit;

    SessionRunner runner(*options, RegisterMaps::builtIn());
    int exitCode = ExitOk;
    QObject::connect(&runner, &SessionRunner::failed, &runner,
                     [&](const QString &message, int code) {
                         exitCode = printError(command, message, code);
                         QCoreApplication::exit(code);
                     });
    QObject::connect(&runner, &SessionRunner::sessionReady, &runner, [&](DeviceSession *session) {
        QObject::connect(
            session, &DeviceSession::valuesUpdated, &runner,
            [&, session](const DecodedValues &values) {
                // Wait for a cycle in which something was read; a failed one keeps waiting
                // (deadline).
                const bool anyGood =
                    std::any_of(values.cbegin(), values.cend(),
                                [](const DecodedValue &v) { return v.quality == Quality::Good; });
                if (!anyGood || !session->identity())
                    return;
                runner.satisfied();
                const DeviceIdentity id = *session->identity();
                QTextStream out(stdout);
                if (options->json) {
                    QJsonObject o = identityToJson(id);
                    QJsonObject doc{
                        {QStringLiteral("device"), o},
                        {QStringLiteral("family"), o.value(QStringLiteral("family"))},
                        {QStringLiteral("model"), id.model},
                        {QStringLiteral("slave_id"), static_cast<int>(id.slave)},
                        {QStringLiteral("timestamp"),
                         QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                        {QStringLiteral("values"), valuesToJson(values)},
                        {QStringLiteral("link"), linkStatisticsToJson(session->statistics())},
                    };
                    out << QJsonDocument(doc).toJson(QJsonDocument::Compact) << '\n';
                } else {
                    out << familyTitle(id.family) << ' ' << id.model << " at slave 0x"
                        << QStringLiteral("%1").arg(id.slave, 2, 16, QLatin1Char('0')) << " ("
                        << id.name << ", " << id.address << ")\n";
                    out << "identified by: " << id.how << "\n\n";
                    int width = 0;
                    for (const DecodedValue &v : values)
                        width = std::max(width, static_cast<int>(v.label.size()));
                    for (const DecodedValue &v : values)
                        out << "  " << v.label.leftJustified(width + 2) << valueToText(v) << "   ["
                            << v.key << "]\n";
                }
                out.flush();
                session->stop();
                QCoreApplication::exit(ExitOk);
            });
    });
    runner.start();
    const int rc = QCoreApplication::exec();
    return rc == ExitOk ? exitCode : rc;
}

} // namespace blupow::cli
