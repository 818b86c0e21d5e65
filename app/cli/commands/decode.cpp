// blupow-cli decode: one response frame (or one shunt notification) through the same
// parseResponse + RegisterDecoder path the session uses, for checking captures by hand.

#include "command.h"
#include "logging.h"
#include "modbus/modbusframe.h"
#include "registers/registerdecoder.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cmath>

namespace blupow::cli {

namespace {

constexpr quint8 kExceptionFlag = 0x80;

QJsonValue jsonValue(const DecodedValue &v) {
    if (!v.value.isValid())
        return QJsonValue::Null;
    if (v.isNumeric()) {
        // Rounded to the field's decimals: 95.38 % of a derived SOC is published as 95.4.
        const double factor = std::pow(10.0, v.decimals);
        return std::round(v.value.toDouble() * factor) / factor;
    }
    if (v.value.typeId() == QMetaType::QStringList)
        return QJsonArray::fromStringList(v.value.toStringList());
    return v.value.toString();
}

// Payload fields carry bytes, registers carry words.
QString rawText(const DecodedValue &v, bool payload) {
    if (v.raw.isEmpty())
        return QStringLiteral("-");
    if (!payload)
        return v.rawHex();
    QByteArray bytes;
    for (const quint16 b : v.raw)
        bytes.append(static_cast<char>(b));
    return modbus::toHex(bytes);
}

QJsonObject toJson(const DecodedValue &v, bool payload) {
    QJsonObject o;
    o.insert(QStringLiteral("key"), v.key);
    o.insert(QStringLiteral("label"), v.label);
    o.insert(payload ? QStringLiteral("offset") : QStringLiteral("register"),
             v.reg >= 0 ? QJsonValue(v.reg) : QJsonValue(QJsonValue::Null));
    QJsonArray raw;
    for (const quint16 w : v.raw)
        raw.append(w);
    o.insert(QStringLiteral("raw"), raw);
    o.insert(QStringLiteral("raw_hex"), rawText(v, payload));
    o.insert(QStringLiteral("value"), jsonValue(v));
    o.insert(QStringLiteral("unit"), v.unit);
    o.insert(QStringLiteral("group"), v.group);
    o.insert(QStringLiteral("quality"), qualityName(v.quality));
    if (!v.note.isEmpty())
        o.insert(QStringLiteral("note"), v.note);
    return o;
}

void printTable(QTextStream &out, const DecodedValues &values, bool payload) {
    out << QString(payload ? QStringLiteral("OFFSET") : QStringLiteral("REG")).leftJustified(8)
        << QStringLiteral("KEY").leftJustified(34) << QStringLiteral("VALUE").leftJustified(26)
        << QStringLiteral("RAW").leftJustified(20) << "QUALITY\n";
    for (const DecodedValue &v : values) {
        const QString where = v.reg < 0 ? QStringLiteral("-")
                              : payload
                                  ? QString::number(v.reg)
                                  : QStringLiteral("0x%1").arg(v.reg, 4, 16, QLatin1Char('0'));
        out << where.leftJustified(8) << v.key.leftJustified(33)
            << ' '
            // An implausible value is shown (marked invalid), so a garbage word can be seen.
            << (v.value.isValid() ? v.displayText() : QStringLiteral("-")).leftJustified(25) << ' '
            << rawText(v, payload).leftJustified(19) << ' ' << qualityName(v.quality);
        if (!v.note.isEmpty())
            out << "  (" << v.note << ')';
        out << '\n';
    }
}

} // namespace

int runDecode(const QStringList &arguments) {
    QTextStream out(stdout);
    QTextStream err(stderr);
    const auto fail = [&err](int code, const QString &message) {
        err << "decode: " << message << '\n';
        return code;
    };

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Decodes one Modbus read response (or one Smart Shunt notification) with a register "
        "map.\n\nExample:\n  blupow-cli decode --family inverter --start 4327 "
        "20030e003cfe1102690069028a000209e7e8e0"));
    const QCommandLineOption familyOption(
        QStringLiteral("family"),
        QStringLiteral("Device family: controller, dcc, battery, inverter, shunt."),
        QStringLiteral("F"));
    const QCommandLineOption variantOption(
        QStringLiteral("variant"),
        QStringLiteral("Map variant (battery: legacy (default), pro, rngpro, core)."),
        QStringLiteral("V"));
    const QCommandLineOption startOption(
        QStringLiteral("start"),
        QStringLiteral("First register of the read, decimal or 0x-hex (not for the shunt)."),
        QStringLiteral("REG"));
    const QCommandLineOption jsonOption(
        QStringLiteral("json"),
        QStringLiteral("Print a JSON array of {key, label, register, raw, value, unit, "
                       "quality} objects."));
    const QCommandLineOption verboseOption(QStringLiteral("verbose"),
                                           QStringLiteral("Debug logging."));
    parser.addOptions({familyOption, variantOption, startOption, jsonOption, verboseOption});
    parser.addHelpOption();
    parser.addPositionalArgument(
        QStringLiteral("HEX"),
        QStringLiteral("The whole response frame in hex (spaces, ':' and '-' ignored)."));

    if (!parser.parse(arguments))
        return fail(ExitUsage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return ExitOk;
    }
    if (parser.isSet(verboseOption))
        enableVerboseLogging();

    if (!parser.isSet(familyOption))
        return fail(
            ExitUsage,
            QStringLiteral("--family is required (controller, dcc, battery, inverter, shunt)"));
    const auto family = familyFromName(parser.value(familyOption));
    if (!family)
        return fail(
            ExitUsage,
            QStringLiteral("unknown family '%1' (controller, dcc, battery, inverter, shunt)")
                .arg(parser.value(familyOption)));
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return fail(ExitUsage, QStringLiteral("no frame given (HEX)"));

    QString hexError;
    const auto frame = modbus::fromHex(positional.join(QLatin1Char(' ')), &hexError);
    if (!frame)
        return fail(ExitBadInput, QStringLiteral("bad hex: %1").arg(hexError));
    if (frame->isEmpty())
        return fail(ExitBadInput, QStringLiteral("empty frame"));

    const RegisterMaps maps = RegisterMaps::builtIn();
    const RegisterMap *map = maps.find(*family, parser.value(variantOption));
    if (!map)
        return fail(ExitUsage, QStringLiteral("no %1 map for variant '%2' (known: %3)")
                                   .arg(familyName(*family), parser.value(variantOption),
                                        maps.variants(*family).join(QStringLiteral(", "))));

    DecodedValues values;
    if (!map->isModbus()) {
        values = RegisterDecoder::decodePayload(*map, *frame);
        if (values.isEmpty())
            return fail(ExitBadInput,
                        QStringLiteral("not a %1 live frame: starts %2, expected %3")
                            .arg(map->title(),
                                 modbus::toHex(frame->first(std::min<qsizetype>(4, frame->size()))),
                                 modbus::toHex(map->payloadHeader())));
    } else {
        if (!parser.isSet(startOption))
            return fail(ExitUsage, QStringLiteral("--start REG is required for a Modbus frame"));
        const auto start = modbus::parseAddress(parser.value(startOption));
        if (!start)
            return fail(ExitUsage, QStringLiteral("bad --start '%1' (0-65535, decimal or 0x-hex)")
                                       .arg(parser.value(startOption)));
        if (frame->size() < modbus::kExceptionFrameSize)
            return fail(ExitBadInput,
                        QStringLiteral("frame too short (%1 bytes)").arg(frame->size()));
        const auto function = static_cast<quint8>(frame->at(1));
        const auto read = static_cast<quint8>(modbus::FunctionCode::ReadHoldingRegisters);
        if (function != read && function != (read | kExceptionFlag))
            return fail(ExitBadInput, QStringLiteral("function 0x%1 is not a read response")
                                          .arg(function, 2, 16, QLatin1Char('0')));
        // The register count is what the frame's byte count says; parseResponse then checks the
        // length against it and the CRC. Any address is accepted, as for a 0xFF request.
        const int byteCount = static_cast<quint8>(frame->at(2));
        if (function == read && byteCount % 2 != 0)
            return fail(ExitBadInput, QStringLiteral("byte count %1 is odd").arg(byteCount));
        if (function == read && frame->size() != byteCount + modbus::kHeaderSize + modbus::kCrcSize)
            return fail(
                ExitBadInput,
                QStringLiteral("byte count %1 does not match the frame: %2 bytes, expected %3")
                    .arg(byteCount)
                    .arg(frame->size())
                    .arg(byteCount + modbus::kHeaderSize + modbus::kCrcSize));
        const int count = std::max(1, byteCount / 2);
        if (*start + count - 1 > 0xFFFF)
            return fail(ExitUsage,
                        QStringLiteral("registers %1 + %2 run past 65535").arg(*start).arg(count));
        const modbus::Request request = modbus::Request::read(
            modbus::kBroadcastSlave, static_cast<quint16>(*start), static_cast<quint16>(count));
        const modbus::Response response = modbus::parseResponse(*frame, request);
        if (response.error == modbus::ResponseError::Exception) {
            err << "decode: " << modbus::describe(response, *frame) << " (from slave 0x"
                << QStringLiteral("%1").arg(response.slave, 2, 16, QLatin1Char('0')) << ")\n";
            return ExitFailure;
        }
        if (!response.ok())
            return fail(ExitBadInput, modbus::describe(response, *frame));
        values =
            RegisterDecoder::decodeBlock(*map, {static_cast<quint16>(*start), response.words, 0});
        if (values.isEmpty())
            return fail(ExitFailure, QStringLiteral("no field of %1 lies wholly in registers %2-%3")
                                         .arg(map->fileName())
                                         .arg(*start)
                                         .arg(*start + count - 1));
    }

    if (parser.isSet(jsonOption)) {
        QJsonArray array;
        for (const DecodedValue &v : std::as_const(values))
            array.append(toJson(v, !map->isModbus()));
        out << QJsonDocument(array).toJson(QJsonDocument::Indented);
    } else {
        printTable(out, values, !map->isModbus());
    }
    return ExitOk;
}

} // namespace blupow::cli
