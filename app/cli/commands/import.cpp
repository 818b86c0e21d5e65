// blupow-cli import FILE: the Modbus conversation inside a Bluetooth capture (Android snoop log,
// `btmon -w` file, a BluPow recording), decoded with the register maps, and a summary.

#include "capture/btsnoop.h"
#include "capture/captureimporter.h"
#include "command.h"
#include "logging.h"
#include "modbus/modbusframe.h"
#include "registers/registermap.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace blupow::cli {

namespace {

using capture::CapturedExchange;
using capture::CaptureImport;
using capture::CaptureImporter;
using capture::CaptureSummary;

QString timeText(qint64 epochMs) {
    return QDateTime::fromMSecsSinceEpoch(epochMs, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

QString slaveText(quint8 slave) {
    return QStringLiteral("0x%1").arg(slave, 2, 16, QLatin1Char('0'));
}

QString functionText(const modbus::Request &r) {
    switch (r.function) {
    case modbus::FunctionCode::ReadHoldingRegisters:
        return QStringLiteral("read");
    case modbus::FunctionCode::WriteSingleRegister:
        return QStringLiteral("write");
    case modbus::FunctionCode::WriteMultipleRegisters:
        return QStringLiteral("write-multiple");
    }
    return QStringLiteral("function 0x%1").arg(static_cast<int>(r.function), 2, 16);
}

QString outcomeText(Exchange::Outcome outcome) {
    switch (outcome) {
    case Exchange::Outcome::Ok:
        return QStringLiteral("ok");
    case Exchange::Outcome::Exception:
        return QStringLiteral("exception");
    case Exchange::Outcome::Error:
        return QStringLiteral("error");
    case Exchange::Outcome::Timeout:
        return QStringLiteral("unanswered");
    case Exchange::Outcome::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

QString familyText(const std::optional<Family> &family) {
    return family ? familyName(*family) : QStringLiteral("unknown");
}

QString wordHex(quint16 w) {
    return QStringLiteral("0x%1").arg(w, 4, 16, QLatin1Char('0'));
}

void printText(QTextStream &out, const QString &path, const CaptureImport &im) {
    const auto &c = im.capture;
    out << "capture " << path << ": " << capture::datalinkName(c.datalink) << ", " << c.records
        << " records, " << c.fileBytes << " bytes";
    if (c.records > 0)
        out << ", " << timeText(c.firstUs / 1000) << " .. " << timeText(c.lastUs / 1000) << " UTC";
    out << '\n';
    out << "characteristics: " << c.handleEvidence << "\n\n";

    for (const CapturedExchange &e : im.exchanges) {
        const Exchange &x = e.exchange;
        const modbus::Request &r = x.request;
        out << '#' << x.id << ' ' << timeText(x.sentMs) << "  TX " << slaveText(r.slave) << ' '
            << familyText(e.family) << ' ' << functionText(r) << ' ' << r.start << " x" << r.count
            << "  -> ";
        if (x.outcome == Exchange::Outcome::Timeout) {
            out << x.error << '\n';
            continue;
        }
        out << "RX " << outcomeText(x.outcome) << " after "
            << QString::number(x.roundTripMs, 'f', 1) << " ms";
        if (!x.error.isEmpty())
            out << ": " << x.error;
        out << '\n';
        for (const DecodedValue &v : e.values) {
            // Derived values (state of charge, power) have no register of their own.
            const QString reg = v.reg < 0 ? QStringLiteral("calc") : QString::number(v.reg);
            out << "    " << reg.rightJustified(5) << "  " << v.label.leftJustified(34) << ' '
                << v.displayText();
            if (v.quality != Quality::Good)
                out << "  [" << qualityName(v.quality)
                    << (v.note.isEmpty() ? QString() : QStringLiteral(": ") + v.note) << ']';
            if (!v.raw.isEmpty())
                out << "  (" << v.rawHex() << ')';
            out << '\n';
        }
        const QList<quint16> words = e.words();
        for (int reg : CaptureImporter::rawOnlyRegisters(e)) {
            out << "    " << QString::number(reg).rightJustified(5) << "  "
                << QStringLiteral("(not in the %1 map)").arg(familyText(e.family)).leftJustified(34)
                << ' ' << wordHex(words.at(reg - r.start)) << '\n';
        }
    }

    const CaptureSummary &s = im.summary;
    out << "\nsummary: " << s.exchanges << " requests, " << s.ok << " ok, " << s.crcErrors
        << " CRC errors, " << s.exceptions << " exceptions, " << s.otherErrors << " other errors, "
        << s.unanswered << " unanswered\n";
    if (c.skippedStretches > 0)
        out << "skipped: " << c.skippedBytes << " bytes in " << c.skippedStretches
            << " corrupt stretch(es); what they held is missing above\n";
    out << "devices:\n";
    for (const auto &d : s.devices)
        out << "  " << slaveText(d.slave) << ' ' << familyText(d.family) << ": " << d.requests
            << " requests, " << d.answered << " answered\n";
    const auto blocks = [&](const char *title, const QList<CaptureSummary::Block> &list) {
        out << title << (list.isEmpty() ? " none\n" : "\n");
        for (const auto &b : list)
            out << "  " << slaveText(b.slave) << ' ' << b.start << " x" << b.count << " ("
                << b.times << (b.times == 1 ? " time)\n" : " times)\n");
    };
    blocks("registers read:", s.reads);
    blocks("registers written:", s.writes);
}

QJsonObject valueJson(const DecodedValue &v) {
    QJsonArray raw;
    for (quint16 w : v.raw)
        raw.append(w);
    return QJsonObject{{QStringLiteral("key"), v.key},
                       {QStringLiteral("label"), v.label},
                       {QStringLiteral("register"), v.reg},
                       {QStringLiteral("raw"), raw},
                       {QStringLiteral("value"), QJsonValue::fromVariant(v.value)},
                       {QStringLiteral("unit"), v.unit},
                       {QStringLiteral("quality"), qualityName(v.quality)}};
}

QJsonObject toJson(const QString &path, const CaptureImport &im) {
    const auto &c = im.capture;
    QJsonArray exchanges;
    for (const CapturedExchange &e : im.exchanges) {
        const Exchange &x = e.exchange;
        QJsonArray values;
        for (const DecodedValue &v : e.values)
            values.append(valueJson(v));
        QJsonArray raw;
        const QList<quint16> words = e.words();
        for (int reg : CaptureImporter::rawOnlyRegisters(e))
            raw.append(QJsonObject{{QStringLiteral("register"), reg},
                                   {QStringLiteral("word"), words.at(reg - x.request.start)}});
        QJsonObject o{{QStringLiteral("id"), static_cast<qint64>(x.id)},
                      {QStringLiteral("time"), timeText(x.sentMs)},
                      {QStringLiteral("sentMs"), x.sentMs},
                      {QStringLiteral("slave"), x.request.slave},
                      {QStringLiteral("function"), static_cast<int>(x.request.function)},
                      {QStringLiteral("start"), x.request.start},
                      {QStringLiteral("count"), x.request.count},
                      {QStringLiteral("family"), familyText(e.family)},
                      {QStringLiteral("outcome"), outcomeText(x.outcome)},
                      {QStringLiteral("request"), modbus::toHex(x.requestFrame)},
                      {QStringLiteral("response"), modbus::toHex(x.responseFrame)},
                      {QStringLiteral("values"), values},
                      {QStringLiteral("raw"), raw},
                      {QStringLiteral("record"), static_cast<qint64>(e.requestRecord)}};
        if (x.outcome != Exchange::Outcome::Timeout) {
            o.insert(QStringLiteral("receivedMs"), x.receivedMs);
            o.insert(QStringLiteral("roundTripMs"), x.roundTripMs);
        }
        if (!x.error.isEmpty())
            o.insert(QStringLiteral("error"), x.error);
        exchanges.append(o);
    }
    const CaptureSummary &s = im.summary;
    QJsonArray devices;
    for (const auto &d : s.devices)
        devices.append(QJsonObject{{QStringLiteral("slave"), d.slave},
                                   {QStringLiteral("family"), familyText(d.family)},
                                   {QStringLiteral("requests"), static_cast<qint64>(d.requests)},
                                   {QStringLiteral("answered"), static_cast<qint64>(d.answered)}});
    const auto blocks = [](const QList<CaptureSummary::Block> &list) {
        QJsonArray a;
        for (const auto &b : list)
            a.append(QJsonObject{{QStringLiteral("slave"), b.slave},
                                 {QStringLiteral("function"), b.function},
                                 {QStringLiteral("start"), b.start},
                                 {QStringLiteral("count"), b.count},
                                 {QStringLiteral("times"), static_cast<qint64>(b.times)}});
        return a;
    };
    const QJsonObject summary{{QStringLiteral("requests"), static_cast<qint64>(s.exchanges)},
                              {QStringLiteral("ok"), static_cast<qint64>(s.ok)},
                              {QStringLiteral("crcErrors"), static_cast<qint64>(s.crcErrors)},
                              {QStringLiteral("exceptions"), static_cast<qint64>(s.exceptions)},
                              {QStringLiteral("otherErrors"), static_cast<qint64>(s.otherErrors)},
                              {QStringLiteral("unanswered"), static_cast<qint64>(s.unanswered)},
                              {QStringLiteral("devices"), devices},
                              {QStringLiteral("reads"), blocks(s.reads)},
                              {QStringLiteral("writes"), blocks(s.writes)}};
    return QJsonObject{
        {QStringLiteral("file"), path},
        {QStringLiteral("datalink"), static_cast<qint64>(c.datalink)},
        {QStringLiteral("records"), static_cast<qint64>(c.records)},
        {QStringLiteral("skippedBytes"), static_cast<qint64>(c.skippedBytes)},
        {QStringLiteral("skippedStretches"), static_cast<qint64>(c.skippedStretches)},
        {QStringLiteral("writeHandle"), c.writeHandle},
        {QStringLiteral("notifyHandle"), c.notifyHandle},
        {QStringLiteral("handleEvidence"), c.handleEvidence},
        {QStringLiteral("warnings"), QJsonArray::fromStringList(im.warnings)},
        {QStringLiteral("exchanges"), exchanges},
        {QStringLiteral("summary"), summary}};
}

} // namespace

int runImport(const QStringList &arguments) {
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Import a Bluetooth capture (btsnoop: an Android HCI snoop log, a `btmon "
                       "-w` file or a BluPow recording) and show the Renogy Modbus conversation "
                       "in it, decoded with the register maps, and a summary."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The btsnoop capture."));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Machine-readable output."));
    const QCommandLineOption verbose(QStringLiteral("verbose"), QStringLiteral("Debug logging."));
    const QCommandLineOption family(
        QStringLiteral("family"),
        QStringLiteral("Decode every request with this family (controller, dcc, battery, "
                       "inverter) instead of guessing it from the registers and slave id."),
        QStringLiteral("F"));
    const QCommandLineOption variant(QStringLiteral("variant"),
                                     QStringLiteral("Register-map variant (battery: legacy, pro, "
                                                    "rngpro, core)."),
                                     QStringLiteral("V"));
    parser.addOptions({json, verbose, family, variant});
    if (!parser.parse(arguments)) {
        err << "blupow-cli import: " << parser.errorText() << '\n';
        return ExitUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return ExitOk;
    }
    if (parser.isSet(verbose))
        enableVerboseLogging();
    if (parser.positionalArguments().size() != 1) {
        err << "blupow-cli import: give exactly one capture FILE (see --help)\n";
        return ExitUsage;
    }
    const QString path = parser.positionalArguments().constFirst();

    CaptureImporter::Options options;
    if (parser.isSet(family)) {
        options.family = familyFromName(parser.value(family));
        if (!options.family) {
            err << "blupow-cli import: unknown family '" << parser.value(family)
                << "' (controller, dcc, battery, inverter)\n";
            return ExitUsage;
        }
    }
    RegisterMaps maps = RegisterMaps::builtIn();
    if (parser.isSet(variant)) {
        options.variant = parser.value(variant);
        const QStringList known = maps.variants(options.family.value_or(Family::Battery));
        if (!known.contains(options.variant)) {
            err << "blupow-cli import: unknown variant '" << options.variant
                << "' (known: " << known.join(QStringLiteral(", ")) << ")\n";
            return ExitUsage;
        }
    }

    const CaptureImport im = CaptureImporter(std::move(maps), options).importFile(path);
    if (!im.ok) {
        err << "blupow-cli import: " << im.error << '\n';
        return ExitBadInput;
    }
    for (const QString &w : im.warnings)
        err << "blupow-cli import: warning: " << w << '\n';
    if (parser.isSet(json))
        out << QJsonDocument(toJson(path, im)).toJson(QJsonDocument::Indented);
    else
        printText(out, path, im);
    // Everything readable is shown, but part of the file was not: not a clean import.
    if (im.capture.skippedStretches > 0) {
        err << "blupow-cli import: " << im.capture.skippedBytes << " corrupt bytes in "
            << im.capture.skippedStretches
            << " place(s) skipped (see the warnings); the rest was read\n";
        return ExitBadInput;
    }
    return ExitOk;
}

} // namespace blupow::cli
