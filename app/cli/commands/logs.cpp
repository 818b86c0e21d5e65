// blupow-cli logs: read the device's own logs (daily history, last seven days, fault records,
// the load timer) on demand and print them as tables or JSON (docs/logs.md).

#include "command.h"
#include "device/devicelogreader.h"
#include "devicecommand.h"
#include "deviceoptions.h"
#include "models/devicelogmodel.h"
#include "valueformat.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

#include <memory>

namespace blupow::cli {

namespace {

QJsonObject logToJson(const DeviceLog &log) {
    QJsonArray rows;
    for (const LogRow &row : log.rows) {
        QJsonObject o{
            {QStringLiteral("row"), row.row},
            {QStringLiteral("number"), row.number},
            {QStringLiteral("label"), row.label},
            {QStringLiteral("empty"), row.empty()},
            {QStringLiteral("values"), valuesToJson(row.values)},
        };
        if (const QDate date = log.dateOf(row); date.isValid())
            o.insert(QStringLiteral("date"), date.toString(Qt::ISODate));
        rows.append(o);
    }
    return QJsonObject{
        {QStringLiteral("key"), log.def.key},
        {QStringLiteral("title"), log.def.title},
        {QStringLiteral("read_at"), log.readAt.toString(Qt::ISODate)},
        {QStringLiteral("source"), log.def.source},
        {QStringLiteral("note"), log.def.note},
        {QStringLiteral("skipped"), QJsonArray::fromStringList(log.skipped)},
        {QStringLiteral("rows"), rows},
    };
}

// One aligned table, as the GUI's table shows it (DeviceLogModel): empty records left out and
// counted, the unit of each column in its header.
void printLog(QTextStream &out, const DeviceLog &log) {
    DeviceLogModel model;
    model.setLog(log);
    QList<QStringList> lines;
    for (int r = -1; r < model.rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < model.columnCount(); ++c)
            cells.append(r < 0 ? model.headerData(c, Qt::Horizontal, Qt::DisplayRole).toString()
                               : model.index(r, c).data().toString());
        lines.append(cells);
    }
    QList<qsizetype> widths(model.columnCount(), 0);
    for (const QStringList &l : std::as_const(lines))
        for (qsizetype i = 0; i < l.size(); ++i)
            widths[i] = std::max(widths[i], l.at(i).size());
    out << log.def.title << '\n';
    for (const QStringList &l : std::as_const(lines)) {
        QStringList padded;
        for (qsizetype i = 0; i < l.size(); ++i)
            padded.append(l.at(i).leftJustified(widths.at(i)));
        out << "  " << padded.join(QStringLiteral("  ")).trimmed() << '\n';
    }
    if (const int empty = model.hiddenRows())
        out << "  (" << empty << " empty record" << (empty == 1 ? "" : "s") << " not shown)\n";
    for (const QString &s : log.skipped)
        out << "  not answered (shown as ?): " << s << '\n';
    out << '\n';
}

} // namespace

int runLogs(const QStringList &arguments) {
    const QString command = QStringLiteral("logs");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Read the logs a device keeps of its own past, on demand: a charge controller's daily\n"
        "history (0xF000 + day) and load timer, an inverter's last seven days of energy and its\n"
        "fault records. Rows the device does not answer are shown as '?', never as zero.\n\n"
        "Examples:\n"
        "  blupow-cli logs --simulate=controller\n"
        "  blupow-cli logs --simulate=inverter --log fault_history --json"));
    addDeviceOptions(parser, 60,
                     QStringLiteral("Give up when the device was not identified within S seconds"));
    parser.addOption({QStringLiteral("log"),
                      QStringLiteral("Read only this log (its key, e.g. daily_history); may be "
                                     "given several times. Default: every log of the device."),
                      QStringLiteral("KEY")});
    int parseExit = ExitOk;
    const auto options = parseDeviceCommand(parser, arguments, command, &parseExit);
    if (!options)
        return parseExit;
    const QStringList wanted = parser.values(QStringLiteral("log"));

    DeviceCommand run(command, *options);
    std::unique_ptr<DeviceLogReader> reader;
    QStringList queue;
    QJsonArray logs;
    QTextStream out(stdout);
    return run.exec([&](DeviceSession *session) {
        const RegisterMap *map = session->map();
        if (wanted.isEmpty()) {
            for (const LogDef &l : map->logs())
                queue.append(l.key);
            if (queue.isEmpty()) {
                run.fail(QStringLiteral("%1 keeps no log that BluPow can read").arg(map->title()),
                         ExitFailure);
                return;
            }
        } else {
            queue = wanted;
        }
        reader = std::make_unique<DeviceLogReader>(session);
        const auto next = [&, session] {
            if (queue.isEmpty()) {
                if (options->json)
                    out << QJsonDocument(
                               QJsonObject{
                                   {QStringLiteral("device"), identityToJson(*session->identity())},
                                   {QStringLiteral("logs"), logs},
                               })
                               .toJson(QJsonDocument::Compact)
                        << '\n';
                run.finish(ExitOk);
                return;
            }
            QString why;
            if (!reader->start(queue.takeFirst(), &why))
                run.fail(why, ExitUsage);
        };
        QObject::connect(reader.get(), &DeviceLogReader::failed, &run,
                         [&](const QString &message) { run.fail(message, ExitFailure); });
        QObject::connect(reader.get(), &DeviceLogReader::finished, &run,
                         [&, next](const DeviceLog &log) {
                             if (options->json)
                                 logs.append(logToJson(log));
                             else
                                 printLog(out, log);
                             out.flush();
                             // Started from the event loop: the reader's own signal is still on
                             // the stack.
                             QMetaObject::invokeMethod(&run, next, Qt::QueuedConnection);
                         });
        next();
    });
}

} // namespace blupow::cli
