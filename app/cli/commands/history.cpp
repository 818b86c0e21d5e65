// blupow-cli history: what a history file holds (`list`), what happened (`events`) and a range of
// it as CSV (`export`), for diagnosing a system after the fact (docs/history.md).

#include "command.h"
#include "deviceoptions.h"
#include "history/historyexport.h"
#include "history/historystore.h"
#include "logging.h"
#include "parse/timeparse.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTextStream>

#include <cstdio>

namespace blupow::cli {

namespace {

const QString kCommand = QStringLiteral("history");

QString isoTime(qint64 ms) {
    return ms == 0 ? QStringLiteral("-")
                   : QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

int list(HistoryStore &store, bool json) {
    const QList<HistorySeriesInfo> series = store.series();
    QTextStream out(stdout);
    if (json) {
        QJsonArray array;
        for (const HistorySeriesInfo &s : series)
            array.append(QJsonObject{{QStringLiteral("device"), s.device},
                                     {QStringLiteral("title"), s.title},
                                     {QStringLiteral("field"), s.field},
                                     {QStringLiteral("label"), s.label},
                                     {QStringLiteral("unit"), s.unit},
                                     {QStringLiteral("first"), isoTime(s.firstMs)},
                                     {QStringLiteral("last"), isoTime(s.lastMs)}});
        const QJsonObject doc{{QStringLiteral("file"), store.path()},
                              {QStringLiteral("raw_samples"), double(store.rawSampleCount())},
                              {QStringLiteral("minute_blocks"), double(store.minuteBlockCount())},
                              {QStringLiteral("series"), array}};
        out << QJsonDocument(doc).toJson(QJsonDocument::Compact) << '\n';
        return ExitOk;
    }
    QString device;
    for (const HistorySeriesInfo &s : series) {
        if (s.device != device) {
            device = s.device;
            out << device << (s.title.isEmpty() ? QString() : QStringLiteral("  (%1)").arg(s.title))
                << '\n';
        }
        out << "  " << s.field.leftJustified(34)
            << (s.unit.isEmpty() ? QStringLiteral("-") : s.unit).leftJustified(6)
            << isoTime(s.firstMs) << " .. " << isoTime(s.lastMs) << '\n';
    }
    out << series.size() << " series, " << store.rawSampleCount() << " raw samples (1 Hz, 48 h), "
        << store.minuteBlockCount() << " hours of minutes\n";
    return ExitOk;
}

// The events in [from, to]: alarms raised and cleared, links going up and down.
int events(HistoryStore &store, qint64 fromMs, qint64 toMs, bool json) {
    const QList<HistoryEvent> list = store.events(fromMs, toMs);
    QTextStream out(stdout);
    if (json) {
        QJsonArray array;
        for (const HistoryEvent &e : list)
            array.append(QJsonObject{{QStringLiteral("time"), isoTime(e.timeMs)},
                                     {QStringLiteral("device"), e.device},
                                     {QStringLiteral("kind"), e.kind},
                                     {QStringLiteral("text"), e.text}});
        out << QJsonDocument(QJsonObject{{QStringLiteral("file"), store.path()},
                                         {QStringLiteral("events"), array}})
                   .toJson(QJsonDocument::Compact)
            << '\n';
        return ExitOk;
    }
    if (list.isEmpty())
        out << "no events between " << isoTime(fromMs) << " and " << isoTime(toMs) << '\n';
    for (const HistoryEvent &e : list)
        out << isoTime(e.timeMs) << "  " << e.device << "  " << e.kind << "  " << e.text << '\n';
    return ExitOk;
}

} // namespace

int runHistory(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Read a history file written by monitor --history, bridge --history or the GUI.\n\n"
        "  list     the devices and fields it holds, with their first and last sample\n"
        "  events   what happened in a range: alarms raised and cleared, links up and down\n"
        "  export   a range of fields as CSV: a time column (ISO 8601), then per field its\n"
        "           value (raw, 1 Hz) or mean, min and max per minute (--resolution minute,\n"
        "           and the default beyond 48 h); empty where the field was not read\n\n"
        "Times: ISO 8601 (2026-12-05T07:45:00Z, 2026-12-05 08:45 in local time, 2026-12-05),\n"
        "'now', or before now: -30s, -90m, -2h, -7d.\n\n"
        "Example: blupow-cli history export --history h.sqlite --from -24h --to now \\\n"
        "           --fields battery_voltage,pv_power --csv --out day.csv"));
    parser.addOptions({
        {QStringLiteral("history"), QStringLiteral("The history file (required)."),
         QStringLiteral("FILE")},
        {QStringLiteral("from"),
         QStringLiteral("Start of the range (events, export; default -24h)."),
         QStringLiteral("TIME")},
        {QStringLiteral("to"), QStringLiteral("End of the range (events, export; default now)."),
         QStringLiteral("TIME")},
        {QStringLiteral("fields"),
         QStringLiteral("Comma-separated keys, or device/key for one device (default: all)."),
         QStringLiteral("LIST")},
        {QStringLiteral("csv"), QStringLiteral("CSV output (the only format; for clarity).")},
        {QStringLiteral("resolution"),
         QStringLiteral("auto (default: raw up to 48 h, minutes beyond), raw or minute."),
         QStringLiteral("R")},
        {QStringLiteral("utc"), QStringLiteral("Times in UTC instead of local time.")},
        {QStringLiteral("out"), QStringLiteral("Write to FILE instead of standard output."),
         QStringLiteral("FILE")},
        {QStringLiteral("json"), QStringLiteral("list, events: one JSON object.")},
        {QStringLiteral("verbose"), QStringLiteral("Debug logging.")},
    });
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("ACTION"),
                                 QStringLiteral("list, events or export"));
    if (!parser.parse(arguments))
        return printError(kCommand, parser.errorText(), ExitUsage);
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return ExitOk;
    }
    if (parser.isSet(QStringLiteral("verbose")))
        enableVerboseLogging();
    const QStringList actions = parser.positionalArguments();
    const QStringList known{QStringLiteral("list"), QStringLiteral("events"),
                            QStringLiteral("export")};
    if (actions.size() != 1 || !known.contains(actions.first()))
        return printError(kCommand, QStringLiteral("say list, events or export (see --help)"),
                          ExitUsage);
    if (!parser.isSet(QStringLiteral("history")))
        return printError(kCommand, QStringLiteral("--history FILE is required"), ExitUsage);

    HistoryStore store;
    QString error;
    const QString path = parser.value(QStringLiteral("history"));
    if (!QFile::exists(path))
        return printError(kCommand, QStringLiteral("no history file at %1").arg(path), ExitUsage);
    if (!store.open(path, HistoryStore::Mode::ReadOnly, &error))
        return printError(kCommand, error, ExitBadInput);
    if (actions.first() == QLatin1String("list"))
        return list(store, parser.isSet(QStringLiteral("json")));

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto time = [&](const QString &name, const QString &fallback) -> std::optional<qint64> {
        const QString text = parser.isSet(name) ? parser.value(name) : fallback;
        const auto t = parseTimePoint(text, now);
        if (!t)
            printError(kCommand,
                       QStringLiteral("--%1 wants an ISO 8601 time, 'now' or -N s/m/h/d, not "
                                      "'%2'")
                           .arg(name, text),
                       ExitUsage);
        return t;
    };
    const auto from = time(QStringLiteral("from"), QStringLiteral("-24h"));
    if (!from)
        return ExitUsage;
    const auto to = time(QStringLiteral("to"), QStringLiteral("now"));
    if (!to)
        return ExitUsage;
    if (*to < *from)
        return printError(kCommand, QStringLiteral("--to is before --from"), ExitUsage);
    if (actions.first() == QLatin1String("events"))
        return events(store, *from, *to, parser.isSet(QStringLiteral("json")));

    HistoryExportOptions options;
    options.fromMs = *from;
    options.toMs = *to;
    if (parser.isSet(QStringLiteral("fields"))) {
        for (const QString &f : parser.value(QStringLiteral("fields")).split(QLatin1Char(','))) {
            if (f.trimmed().isEmpty())
                return printError(kCommand, QStringLiteral("--fields has an empty key"), ExitUsage);
            options.fields.append(f.trimmed());
        }
    }
    const QString resolution = parser.value(QStringLiteral("resolution"));
    if (resolution == QLatin1String("raw"))
        options.resolution = HistoryExportOptions::Resolution::Raw;
    else if (resolution == QLatin1String("minute"))
        options.resolution = HistoryExportOptions::Resolution::Minute;
    else if (!resolution.isEmpty() && resolution != QLatin1String("auto"))
        return printError(
            kCommand,
            QStringLiteral("--resolution wants auto, raw or minute, not '%1'").arg(resolution),
            ExitUsage);
    options.utc = parser.isSet(QStringLiteral("utc"));
    const QStringList unknown = [&] {
        QString why;
        (void)selectHistorySeries(store.series(), options.fields, &why);
        return why.isEmpty() ? QStringList{} : QStringList{why};
    }();
    if (!unknown.isEmpty())
        return printError(kCommand, unknown.first(), ExitUsage);

    if (parser.isSet(QStringLiteral("out"))) {
        // All or nothing: a failed export leaves no half file behind.
        QSaveFile file(parser.value(QStringLiteral("out")));
        if (!file.open(QIODevice::WriteOnly))
            return printError(
                kCommand,
                QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString()),
                ExitFailure);
        if (exportHistoryCsv(store, options, file, &error) < 0) {
            file.cancelWriting();
            return printError(kCommand, error, ExitFailure);
        }
        if (!file.commit())
            return printError(
                kCommand,
                QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString()),
                ExitFailure);
        return ExitOk;
    }
    QFile out;
    if (!out.open(stdout, QIODevice::WriteOnly))
        return printError(kCommand, out.errorString(), ExitFailure);
    if (exportHistoryCsv(store, options, out, &error) < 0)
        return printError(kCommand, error, ExitFailure);
    if (!out.flush() || std::fflush(stdout) != 0)
        return printError(kCommand,
                          QStringLiteral("cannot write the output: %1").arg(out.errorString()),
                          ExitFailure);
    return ExitOk;
}

} // namespace blupow::cli
