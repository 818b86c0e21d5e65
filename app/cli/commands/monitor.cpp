// blupow-cli monitor: poll one device and print one line per cycle (JSON Lines with --json).

#include "alarms/alarmtracker.h"
#include "command.h"
#include "deviceoptions.h"
#include "history/historysessionlink.h"
#include "historyoption.h"
#include "modbus/linkstatisticsjson.h"
#include "sessionrunner.h"
#include "valueformat.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QTextStream>

namespace blupow::cli {

int runMonitor(const QStringList &arguments) {
    const QString command = QStringLiteral("monitor");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Poll one device and print one line per poll cycle: every value with its quality\n"
        "and the link statistics (JSON Lines with --json). Stops after --count cycles.\n"
        "Several slaves behind one dongle: one line per slave per cycle, with its slave_id.\n\n"
        "Example: blupow-cli monitor --simulate=inverter --interval 2 --count 10 --json"));
    parser.addOptions({
        {QStringLiteral("interval"),
         QStringLiteral("Seconds from one poll cycle to the next (default 5)."),
         QStringLiteral("S")},
        {QStringLiteral("count"),
         QStringLiteral("Stop after N cycles (default 0: run until interrupted)."),
         QStringLiteral("N")},
        {QStringLiteral("history"),
         QStringLiteral("Also record every good numeric value into this history file (SQLite, "
                        "created if missing; see `blupow-cli history`)."),
         QStringLiteral("FILE")},
    });
    addDeviceOptions(
        parser, 30, QStringLiteral("Give up when the first values do not arrive within S seconds"));
    int parseExit = ExitOk;
    const auto options = parseDeviceCommand(parser, arguments, command, &parseExit);
    if (!options)
        return parseExit;
    QString error;
    const auto intervalS = numberOption(parser, QStringLiteral("interval"), {0.05, 86400}, 5,
                                        QStringLiteral("seconds"), &error);
    if (!intervalS)
        return printError(command, error, ExitUsage);
    bool ok = true;
    qint64 count = 0;
    if (parser.isSet(QStringLiteral("count"))) {
        count = parser.value(QStringLiteral("count")).toLongLong(&ok);
        if (!ok || count < 0)
            return printError(
                command, QStringLiteral("--count wants a number of cycles, 0 or more"), ExitUsage);
    }

    int exitCode = ExitOk;
    std::unique_ptr<HistoryRecorder> history;
    if (parser.isSet(QStringLiteral("history"))) {
        history = startHistory(parser.value(QStringLiteral("history")), command, &exitCode);
        if (!history)
            return exitCode;
    }
    // Alarms raised and cleared go into the history file too (docs/history.md, Events).
    AlarmTracker alarms;
    if (history)
        linkAlarmsToHistory(&alarms, history.get());
    SessionRunner runner(*options, RegisterMaps::builtIn());
    qint64 printed = 0;
    quint64 lastCycle = 0;
    QObject::connect(&runner, &SessionRunner::failed, &runner,
                     [&](const QString &message, int code) {
                         exitCode = printError(command, message, code);
                         QCoreApplication::exit(code);
                     });
    QObject::connect(&runner, &SessionRunner::sessionReady, &runner, [&](DeviceSession *session) {
        session->setPollInterval(static_cast<int>(*intervalS * 1000));
        if (history) {
            linkSessionToHistory(session, history.get());
            linkSessionToHistory(session, history.get());
            alarms.watch(session);
        }
        // One line per slave per cycle: several slaves behind one dongle each get their own.
        QObject::connect(
            session, &DeviceSession::slaveValuesUpdated, &runner,
            [&, session](const DeviceIdentity &slave, const DecodedValues &values) {
                if (printed >= count && count > 0)
                    return; // stopping
                const QList<DeviceIdentity> slaves = session->slaves();
                const bool last = !slaves.isEmpty() && slaves.last().slave == slave.slave;
                const LinkStatistics stats = session->statistics();
                // A link loss also reports (all stale) values; only finished cycles count.
                const bool cycle = stats.cycles != lastCycle;
                if (last)
                    lastCycle = stats.cycles;
                runner.satisfied();
                QTextStream out(stdout);
                const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
                if (options->json) {
                    QJsonObject doc{
                        {QStringLiteral("timestamp"), now},
                        {QStringLiteral("cycle"), static_cast<double>(stats.cycles)},
                        {QStringLiteral("complete_cycle"), cycle},
                        {QStringLiteral("state"), sessionStateName(session->state())},
                        {QStringLiteral("values"), valuesToJson(values)},
                        {QStringLiteral("link"), linkStatisticsToJson(stats)},
                        {QStringLiteral("device"), identityToJson(slave)},
                    };
                    if (slaves.size() > 1) {
                        doc.insert(QStringLiteral("slave_id"), static_cast<int>(slave.slave));
                        doc.insert(QStringLiteral("online"), session->isSlaveOnline(slave.slave));
                    }
                    out << QJsonDocument(doc).toJson(QJsonDocument::Compact) << '\n';
                } else {
                    QStringList parts;
                    for (const DecodedValue &v : values) {
                        if (v.group != QLatin1String("identity"))
                            parts.append(QStringLiteral("%1=%2").arg(v.key, valueToText(v)));
                    }
                    out << now << " #" << stats.cycles << ' ';
                    if (slaves.size() > 1)
                        out << QStringLiteral("0x%1 ").arg(slave.slave, 2, 16, QLatin1Char('0'));
                    out << parts.join(QStringLiteral(", "))
                        << QStringLiteral(
                               " | rtt %1 ms, ok %2 %, timeouts %3, crc %4, reconnects %5")
                               .arg(stats.lastRoundTripMs, 0, 'f', 1)
                               .arg(stats.successRate * 100, 0, 'f', 0)
                               .arg(stats.timeouts)
                               .arg(stats.crcErrors)
                               .arg(stats.reconnects)
                        << '\n';
                }
                out.flush();
                if (last && cycle && count > 0 && ++printed >= count) {
                    session->stop();
                    QCoreApplication::exit(ExitOk);
                }
            });
    });
    runner.start();
    const int rc = QCoreApplication::exec();
    return rc == ExitOk ? exitCode : rc;
}

} // namespace blupow::cli
