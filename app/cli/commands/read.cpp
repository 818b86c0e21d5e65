// blupow-cli read: connect, identify, one full poll cycle, print every value, exit.

#include "command.h"
#include "deviceoptions.h"
#include "modbus/linkstatisticsjson.h"
#include "sessionrunner.h"
#include "valueformat.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QJsonDocument>
#include <QTextStream>

namespace blupow::cli {

int runRead(const QStringList &arguments) {
    const QString command = QStringLiteral("read");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Read every value of one device once: connect, identify (family, model, slave id),\n"
        "run one full poll cycle and print the values (one JSON object with --json).\n"
        "Several slaves behind one dongle (a battery bank on a BT-2) are all read: with --json\n"
        "one object whose \"slaves\" list holds each one's device, family, model, slave_id,\n"
        "values and link.\n\n"
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
    // The last values of every slave; a system behind one dongle is read as a whole.
    QHash<quint8, DecodedValues> latest;
    QObject::connect(&runner, &SessionRunner::sessionReady, &runner, [&](DeviceSession *session) {
        QObject::connect(session, &DeviceSession::slaveValuesUpdated, &runner,
                         [&](const DeviceIdentity &slave, const DecodedValues &values) {
                             latest.insert(slave.slave, values);
                         });
        // Once per cycle, after every slave's values.
        QObject::connect(session, &DeviceSession::statisticsChanged, &runner, [&, session] {
            // Wait for a cycle in which something was read; a failed one keeps waiting
            // (deadline). A slave that answered nothing is listed with what it has: stale.
            const bool anyGood =
                std::any_of(latest.cbegin(), latest.cend(), [](const auto &values) {
                    return std::any_of(values.cbegin(), values.cend(), [](const DecodedValue &v) {
                        return v.quality == Quality::Good;
                    });
                });
            const QList<DeviceIdentity> slaves = session->slaves();
            if (!anyGood || slaves.isEmpty())
                return;
            runner.satisfied();
            const LinkStatistics stats = session->statistics();
            const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
            QTextStream out(stdout);
            if (options->json) {
                QJsonObject doc;
                if (slaves.size() == 1) {
                    doc = readingToJson(slaves.first(), latest.value(slaves.first().slave), stats);
                } else {
                    QJsonArray list;
                    for (const DeviceIdentity &id : slaves)
                        list.append(readingToJson(id, latest.value(id.slave), stats));
                    doc = QJsonObject{
                        {QStringLiteral("dongle"),
                         QJsonObject{{QStringLiteral("id"), slaves.first().linkId()},
                                     {QStringLiteral("name"), slaves.first().name},
                                     {QStringLiteral("address"), slaves.first().address}}},
                        {QStringLiteral("slaves"), list},
                        {QStringLiteral("link"), linkStatisticsToJson(stats)},
                    };
                }
                doc.insert(QStringLiteral("timestamp"), now);
                out << QJsonDocument(doc).toJson(QJsonDocument::Compact) << '\n';
            } else {
                for (const DeviceIdentity &id : slaves) {
                    const DecodedValues values = latest.value(id.slave);
                    if (&id != &slaves.first())
                        out << '\n';
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
