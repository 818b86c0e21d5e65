#include "frameannotator.h"

#include "modbus/crc16.h"
#include "registers/registerdecoder.h"
#include "registers/registermap.h"

namespace blupow::FrameAnnotator {

namespace {

using Kind = ByteAnnotation::Kind;

constexpr quint8 kExceptionFlag = 0x80;

quint8 byteAt(QByteArrayView frame, int i) {
    return static_cast<quint8>(frame[i]);
}

quint16 wordAt(QByteArrayView frame, int i) {
    return static_cast<quint16>((byteAt(frame, i) << 8) | byteAt(frame, i + 1));
}

QString hex8(quint8 b) {
    return QStringLiteral("0x%1").arg(b, 2, 16, QLatin1Char('0'));
}

QString hex16(quint16 w) {
    return QStringLiteral("0x%1").arg(w, 4, 16, QLatin1Char('0'));
}

ByteAnnotation make(int offset, int length, Kind kind, const QString &title, const QString &text,
                    bool ok = true) {
    ByteAnnotation a;
    a.offset = offset;
    a.length = length;
    a.kind = kind;
    a.title = title;
    a.text = text;
    a.ok = ok;
    return a;
}

// Which byte of its register an 8-bit field lives in: -1 for whole words, 0 high, 1 low.
int byteInWord(const FieldDef &field) {
    const FieldType encoding =
        (field.type == FieldType::Enum || field.type == FieldType::Bits) ? field.width : field.type;
    switch (encoding) {
    case FieldType::U8Hi:
    case FieldType::SignMag8Hi:
        return 0;
    case FieldType::U8Lo:
    case FieldType::SignMag8Lo:
        return 1;
    default:
        return -1;
    }
}

// Labels the register words of a read reply or a write request. A field is decoded only when all
// of its words are in the frame; the words of a field cut by the block edge are labelled as a part
// of it instead of being decoded from bytes that are not there (docs/protocol.md 5.9).
void annotateWords(ByteAnnotations &out, QByteArrayView frame, int base, quint16 start, int count,
                   const RegisterMap *map) {
    const bool useMap = map && map->isModbus();
    const int available = std::min(count, (static_cast<int>(frame.size()) - base) / 2);
    QList<bool> covered(available, false);
    for (int i = 0; i < available; ++i) {
        const int reg = start + i;
        const int offset = base + 2 * i;
        if (!useMap)
            continue;
        for (const FieldDef *field : map->fieldsAt(reg)) {
            if (field->reg != reg || field->lastReg() >= start + available)
                continue;
            QList<quint16> raw;
            raw.reserve(field->words);
            for (int w = 0; w < field->words; ++w)
                raw.append(wordAt(frame, offset + 2 * w));
            const DecodedValue value = RegisterDecoder::decodeField(*field, raw);
            const int half = byteInWord(*field);
            ByteAnnotation a = make(
                half < 0 ? offset : offset + half, half < 0 ? 2 * field->words : 1, Kind::Value,
                QStringLiteral("register %1").arg(hex16(quint16(reg))), QString());
            a.key = field->key;
            a.label = field->label;
            a.reg = reg;
            a.raw = half < 0 ? value.rawHex() : hex8(byteAt(frame, offset + half));
            a.value = value.displayText();
            if (value.quality == Quality::Invalid && !value.note.isEmpty())
                a.value += QStringLiteral(" (%1)").arg(value.note);
            a.text = QStringLiteral("%1 = %2").arg(field->key, a.value);
            out.append(a);
            for (int w = 0; w < field->words; ++w)
                covered[i + w] = true;
        }
    }
    for (int i = 0; i < available; ++i) {
        if (covered.at(i))
            continue;
        const int reg = start + i;
        const quint16 word = wordAt(frame, base + 2 * i);
        ByteAnnotation a = make(base + 2 * i, 2, Kind::Value,
                                QStringLiteral("register %1").arg(hex16(quint16(reg))), QString());
        a.reg = reg;
        a.raw = hex16(word);
        const QList<const FieldDef *> partOf =
            useMap ? map->fieldsAt(reg) : QList<const FieldDef *>{};
        if (!partOf.isEmpty()) {
            a.key = partOf.first()->key;
            a.label = partOf.first()->label;
            a.text = QStringLiteral("%1 (word %2 of %3, not all in this frame) raw %4")
                         .arg(a.key)
                         .arg(reg - partOf.first()->reg + 1)
                         .arg(partOf.first()->words)
                         .arg(a.raw);
        } else {
            a.text = QStringLiteral("raw %1 = %2 (not in the map)").arg(a.raw).arg(word);
        }
        out.append(a);
    }
}

// The CRC at `pos` over everything before it, then anything after it as unexpected bytes.
void annotateTail(ByteAnnotations &out, QByteArrayView frame, int pos) {
    const int size = static_cast<int>(frame.size());
    if (pos + 2 > size) {
        if (pos < size)
            out.append(make(pos, size - pos, Kind::Crc, QStringLiteral("CRC"),
                            QStringLiteral("frame ends inside the CRC"), false));
        return;
    }
    const quint16 got = static_cast<quint16>(byteAt(frame, pos) | (byteAt(frame, pos + 1) << 8));
    const quint16 computed = modbus::crc16(frame.first(pos));
    const bool ok = got == computed;
    out.append(make(pos, 2, Kind::Crc, QStringLiteral("CRC"),
                    ok ? QStringLiteral("%1 ok (low byte first)").arg(hex16(got))
                       : QStringLiteral("%1 BAD, computed %2").arg(hex16(got), hex16(computed)),
                    ok));
    if (pos + 2 < size)
        out.append(make(pos + 2, size - pos - 2, Kind::Extra, QStringLiteral("extra"),
                        QStringLiteral("%1 bytes after the CRC").arg(size - pos - 2), false));
}

// Marks the bytes from `from` to the end when the frame is too short for the field that starts
// there; returns false so the caller stops.
bool require(ByteAnnotations &out, QByteArrayView frame, int from, int needed) {
    const int size = static_cast<int>(frame.size());
    if (from + needed <= size)
        return true;
    if (from < size)
        out.append(make(from, size - from, Kind::Extra, QStringLiteral("truncated"),
                        QStringLiteral("frame ends early"), false));
    return false;
}

} // namespace

QString functionName(quint8 function) {
    const bool exception = (function & kExceptionFlag) != 0;
    QString name;
    switch (function & ~kExceptionFlag) {
    case 0x03:
        name = QStringLiteral("read holding registers");
        break;
    case 0x06:
        name = QStringLiteral("write single register");
        break;
    case 0x10:
        name = QStringLiteral("write multiple registers");
        break;
    case 0x78:
        name = QStringLiteral("restore factory defaults");
        break;
    case 0x79:
        name = QStringLiteral("clear history");
        break;
    default:
        name = QStringLiteral("unknown function");
        break;
    }
    return exception ? QStringLiteral("exception to ") + name : name;
}

ByteAnnotations annotateRequest(QByteArrayView frame, const RegisterMap *map) {
    ByteAnnotations out;
    if (!require(out, frame, 0, 2)) {
        return out;
    }
    out.append(make(0, 1, Kind::Slave, QStringLiteral("slave id"),
                    byteAt(frame, 0) == modbus::kBroadcastSlave
                        ? QStringLiteral("0xff (any: the attached device answers)")
                        : hex8(byteAt(frame, 0))));
    const quint8 function = byteAt(frame, 1);
    out.append(make(1, 1, Kind::Function, QStringLiteral("function"),
                    hex8(function) + QLatin1Char(' ') + functionName(function)));
    switch (function) {
    case 0x03:
        if (!require(out, frame, 2, 4))
            return out;
        out.append(
            make(2, 2, Kind::Address, QStringLiteral("start register"),
                 QStringLiteral("%1 (%2)").arg(hex16(wordAt(frame, 2))).arg(wordAt(frame, 2))));
        out.append(make(4, 2, Kind::Count, QStringLiteral("register count"),
                        QString::number(wordAt(frame, 4))));
        annotateTail(out, frame, 6);
        break;
    case 0x06:
        if (!require(out, frame, 2, 4))
            return out;
        out.append(
            make(2, 2, Kind::Address, QStringLiteral("register"),
                 QStringLiteral("%1 (%2)").arg(hex16(wordAt(frame, 2))).arg(wordAt(frame, 2))));
        annotateWords(out, frame, 4, wordAt(frame, 2), 1, map);
        annotateTail(out, frame, 6);
        break;
    case 0x10: {
        if (!require(out, frame, 2, 5))
            return out;
        const quint16 start = wordAt(frame, 2);
        const int count = wordAt(frame, 4);
        out.append(make(2, 2, Kind::Address, QStringLiteral("start register"),
                        QStringLiteral("%1 (%2)").arg(hex16(start)).arg(start)));
        out.append(
            make(4, 2, Kind::Count, QStringLiteral("register count"), QString::number(count)));
        const int byteCount = byteAt(frame, 6);
        out.append(make(6, 1, Kind::ByteCount, QStringLiteral("byte count"),
                        QString::number(byteCount), byteCount == 2 * count));
        annotateWords(out, frame, 7, start, std::min(count, byteCount / 2), map);
        if (require(out, frame, 7, byteCount))
            annotateTail(out, frame, 7 + byteCount);
        break;
    }
    default:
        if (frame.size() > 2)
            annotateTail(out, frame, static_cast<int>(frame.size()) - 2);
        break;
    }
    return out;
}

ByteAnnotations annotateResponse(QByteArrayView frame, const modbus::Request &request,
                                 const RegisterMap *map) {
    ByteAnnotations out;
    if (!require(out, frame, 0, 2))
        return out;
    const quint8 slave = byteAt(frame, 0);
    const bool slaveOk = request.slave == modbus::kBroadcastSlave || slave == request.slave;
    out.append(make(0, 1, Kind::Slave, QStringLiteral("slave id"),
                    slaveOk ? hex8(slave)
                            : QStringLiteral("%1, asked %2").arg(hex8(slave), hex8(request.slave)),
                    slaveOk));
    const quint8 function = byteAt(frame, 1);
    const quint8 asked = static_cast<quint8>(request.function);
    const bool exception = function == (asked | kExceptionFlag);
    out.append(make(1, 1, Kind::Function, QStringLiteral("function"),
                    hex8(function) + QLatin1Char(' ') + functionName(function),
                    function == asked || exception));
    if (exception) {
        if (!require(out, frame, 2, 1))
            return out;
        const quint8 code = byteAt(frame, 2);
        out.append(make(2, 1, Kind::ExceptionCode, QStringLiteral("exception code"),
                        QStringLiteral("%1 %2").arg(hex8(code), modbus::exceptionMeaning(code)),
                        false));
        annotateTail(out, frame, 3);
        return out;
    }
    if (function != asked) {
        if (frame.size() > 2)
            annotateTail(out, frame, static_cast<int>(frame.size()) - 2);
        return out;
    }
    switch (request.function) {
    case modbus::FunctionCode::ReadHoldingRegisters: {
        if (!require(out, frame, 2, 1))
            return out;
        const int byteCount = byteAt(frame, 2);
        const bool countOk = byteCount == 2 * request.count;
        out.append(
            make(2, 1, Kind::ByteCount, QStringLiteral("byte count"),
                 countOk ? QStringLiteral("%1 (%2 registers)").arg(byteCount).arg(byteCount / 2)
                         : QStringLiteral("%1, expected %2").arg(byteCount).arg(2 * request.count),
                 countOk));
        annotateWords(out, frame, 3, request.start, byteCount / 2, map);
        if (require(out, frame, 3, byteCount))
            annotateTail(out, frame, 3 + byteCount);
        break;
    }
    case modbus::FunctionCode::WriteSingleRegister:
        if (!require(out, frame, 2, 4))
            return out;
        out.append(make(2, 2, Kind::Address, QStringLiteral("register (echo)"),
                        hex16(wordAt(frame, 2)), wordAt(frame, 2) == request.start));
        annotateWords(out, frame, 4, wordAt(frame, 2), 1, map);
        annotateTail(out, frame, 6);
        break;
    case modbus::FunctionCode::WriteMultipleRegisters:
        if (!require(out, frame, 2, 4))
            return out;
        out.append(make(2, 2, Kind::Address, QStringLiteral("start register (echo)"),
                        hex16(wordAt(frame, 2)), wordAt(frame, 2) == request.start));
        out.append(make(4, 2, Kind::Count, QStringLiteral("register count (echo)"),
                        QString::number(wordAt(frame, 4)), wordAt(frame, 4) == request.count));
        annotateTail(out, frame, 6);
        break;
    }
    return out;
}

} // namespace blupow::FrameAnnotator
