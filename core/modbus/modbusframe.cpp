#include "modbusframe.h"

#include "crc16.h"

namespace blupow::modbus {

namespace {

quint8 byteAt(QByteArrayView frame, qsizetype i) {
    return static_cast<quint8>(frame[i]);
}

quint16 wordAt(QByteArrayView frame, qsizetype i) {
    return static_cast<quint16>((byteAt(frame, i) << 8) | byteAt(frame, i + 1));
}

void appendWord(QByteArray &frame, quint16 word) {
    frame.append(static_cast<char>(word >> 8));
    frame.append(static_cast<char>(word & 0xFF));
}

constexpr quint8 kExceptionFlag = 0x80;

} // namespace

Request Request::read(quint8 slave, quint16 start, quint16 count) {
    return Request{slave, FunctionCode::ReadHoldingRegisters, start, count, {}};
}

Request Request::writeSingle(quint8 slave, quint16 reg, quint16 value) {
    return Request{slave, FunctionCode::WriteSingleRegister, reg, 1, {value}};
}

Request Request::writeMultiple(quint8 slave, quint16 start, const QList<quint16> &values) {
    return Request{slave, FunctionCode::WriteMultipleRegisters, start,
                   static_cast<quint16>(values.size()), values};
}

QByteArray buildRequest(const Request &request) {
    QByteArray frame;
    frame.reserve(9 + 2 * request.values.size());
    frame.append(static_cast<char>(request.slave));
    frame.append(static_cast<char>(request.function));
    appendWord(frame, request.start);
    switch (request.function) {
    case FunctionCode::ReadHoldingRegisters:
        appendWord(frame, request.count);
        break;
    case FunctionCode::WriteSingleRegister:
        appendWord(frame, request.values.value(0));
        break;
    case FunctionCode::WriteMultipleRegisters:
        // The standard form with a byte count; one Rover document example omits it
        // (docs/protocol.md 5.5).
        appendWord(frame, static_cast<quint16>(request.values.size()));
        frame.append(static_cast<char>(2 * request.values.size()));
        for (const quint16 v : request.values)
            appendWord(frame, v);
        break;
    }
    appendCrc(frame);
    return frame;
}

QByteArray buildReadRequest(quint8 slave, quint16 start, quint16 count) {
    return buildRequest(Request::read(slave, start, count));
}

QByteArray buildWriteSingleRequest(quint8 slave, quint16 reg, quint16 value) {
    return buildRequest(Request::writeSingle(slave, reg, value));
}

QByteArray buildWriteMultipleRequest(quint8 slave, quint16 start, const QList<quint16> &values) {
    return buildRequest(Request::writeMultiple(slave, start, values));
}

std::optional<Request> parseRequest(QByteArrayView frame) {
    if (frame.size() < 8 || !hasValidCrc(frame))
        return std::nullopt;
    const quint8 slave = byteAt(frame, 0);
    const quint16 start = wordAt(frame, 2);
    switch (byteAt(frame, 1)) {
    case 0x03:
        if (frame.size() != 8)
            return std::nullopt;
        return Request::read(slave, start, wordAt(frame, 4));
    case 0x06:
        if (frame.size() != 8)
            return std::nullopt;
        return Request::writeSingle(slave, start, wordAt(frame, 4));
    case 0x10: {
        const quint16 count = wordAt(frame, 4);
        if (frame.size() < 9 || byteAt(frame, 6) != 2 * count || frame.size() != 9 + 2 * count)
            return std::nullopt;
        QList<quint16> values;
        values.reserve(count);
        for (int i = 0; i < count; ++i)
            values.append(wordAt(frame, 7 + 2 * i));
        return Request::writeMultiple(slave, start, values);
    }
    default:
        return std::nullopt;
    }
}

int expectedResponseLength(const Request &request) noexcept {
    if (request.function == FunctionCode::ReadHoldingRegisters)
        return kHeaderSize + 2 * request.count + kCrcSize;
    return 8;
}

Response parseResponse(QByteArrayView frame, const Request &request) {
    Response r;
    if (frame.size() < kExceptionFrameSize) {
        r.error = ResponseError::TooShort;
        return r;
    }
    r.slave = byteAt(frame, 0);
    r.function = byteAt(frame, 1);
    const auto asked = static_cast<quint8>(request.function);

    if (request.slave != kBroadcastSlave && r.slave != request.slave) {
        r.error = ResponseError::WrongSlave;
        return r;
    }
    if (r.function == (asked | kExceptionFlag)) {
        if (frame.size() > kExceptionFrameSize) {
            r.error = ResponseError::TooLong;
            return r;
        }
        if (!hasValidCrc(frame)) {
            r.error = ResponseError::BadCrc;
            return r;
        }
        r.exceptionCode = byteAt(frame, 2);
        r.error = ResponseError::Exception;
        return r;
    }
    if (r.function != asked) {
        r.error = ResponseError::WrongFunction;
        return r;
    }

    if (request.function == FunctionCode::ReadHoldingRegisters) {
        const int byteCount = byteAt(frame, 2);
        if (byteCount != 2 * request.count) {
            r.error = ResponseError::ByteCountMismatch;
            return r;
        }
        const qsizetype expected = kHeaderSize + byteCount + kCrcSize;
        if (frame.size() < expected) {
            r.error = ResponseError::TooShort;
            return r;
        }
        if (frame.size() > expected) {
            r.error = ResponseError::TooLong;
            return r;
        }
        if (!hasValidCrc(frame)) {
            r.error = ResponseError::BadCrc;
            return r;
        }
        QList<quint16> words(request.count);
        quint16 *out = words.data();
        for (int i = 0; i < request.count; ++i)
            out[i] = wordAt(frame, kHeaderSize + 2 * i);
        r.words = std::move(words);
        return r;
    }

    // 0x06 echoes the request; 0x10 answers address, function, start and count
    // (docs/protocol.md 5.4-5.5).
    if (frame.size() < 8) {
        r.error = ResponseError::TooShort;
        return r;
    }
    if (frame.size() > 8) {
        r.error = ResponseError::TooLong;
        return r;
    }
    if (!hasValidCrc(frame)) {
        r.error = ResponseError::BadCrc;
        return r;
    }
    const quint16 second = request.function == FunctionCode::WriteSingleRegister
                               ? request.values.value(0)
                               : request.count;
    if (wordAt(frame, 2) != request.start || wordAt(frame, 4) != second)
        r.error = ResponseError::EchoMismatch;
    return r;
}

QString describe(ResponseError error) {
    switch (error) {
    case ResponseError::None:
        return QStringLiteral("ok");
    case ResponseError::TooShort:
        return QStringLiteral("frame too short");
    case ResponseError::TooLong:
        return QStringLiteral("frame too long");
    case ResponseError::BadCrc:
        return QStringLiteral("bad CRC");
    case ResponseError::WrongSlave:
        return QStringLiteral("reply from the wrong slave id");
    case ResponseError::WrongFunction:
        return QStringLiteral("reply with the wrong function code");
    case ResponseError::ByteCountMismatch:
        return QStringLiteral("byte count does not match the registers requested");
    case ResponseError::EchoMismatch:
        return QStringLiteral("write reply does not echo the request");
    case ResponseError::Exception:
        return QStringLiteral("Modbus exception");
    }
    return QStringLiteral("unknown error");
}

QString describe(const Response &response, QByteArrayView frame) {
    const auto hex2 = [](unsigned v) {
        return QStringLiteral("0x%1").arg(v, 2, 16, QLatin1Char('0'));
    };
    switch (response.error) {
    case ResponseError::Exception:
        return QStringLiteral("Modbus exception %1: %2")
            .arg(hex2(response.exceptionCode), exceptionMeaning(response.exceptionCode));
    case ResponseError::BadCrc:
        if (frame.size() >= 3) {
            const qsizetype n = frame.size() - 2;
            const unsigned got = byteAt(frame, n) | (byteAt(frame, n + 1) << 8);
            return QStringLiteral("bad CRC (frame carries %1, computed %2)")
                .arg(QStringLiteral("0x%1").arg(got, 4, 16, QLatin1Char('0')),
                     QStringLiteral("0x%1").arg(crc16(frame.first(n)), 4, 16, QLatin1Char('0')));
        }
        break;
    case ResponseError::WrongSlave:
        return QStringLiteral("reply from slave %1, not the one asked").arg(hex2(response.slave));
    case ResponseError::WrongFunction:
        return QStringLiteral("reply with function %1, not the one asked")
            .arg(hex2(response.function));
    case ResponseError::ByteCountMismatch:
        if (frame.size() >= 3)
            return QStringLiteral("byte count %1 does not match the registers requested")
                .arg(byteAt(frame, 2));
        break;
    default:
        break;
    }
    return describe(response.error);
}

QString exceptionMeaning(quint8 code) {
    switch (code) {
    case 0x01:
        return QStringLiteral("function code not supported");
    case 0x02:
        return QStringLiteral("start address wrong, or start + count out of range");
    case 0x03:
        return QStringLiteral("too many registers requested (data too long)");
    case 0x04:
        return QStringLiteral("device failed to read or write the register");
    case 0x05:
        return QStringLiteral("CRC of the request is wrong");
    default:
        return QStringLiteral("unknown exception code");
    }
}

QByteArray buildReadResponse(quint8 slave, const QList<quint16> &words) {
    QByteArray frame;
    frame.reserve(5 + 2 * words.size());
    frame.append(static_cast<char>(slave));
    frame.append(static_cast<char>(FunctionCode::ReadHoldingRegisters));
    frame.append(static_cast<char>(2 * words.size()));
    for (const quint16 w : words)
        appendWord(frame, w);
    appendCrc(frame);
    return frame;
}

QByteArray buildExceptionResponse(quint8 slave, quint8 function, quint8 code) {
    QByteArray frame;
    frame.append(static_cast<char>(slave));
    frame.append(static_cast<char>(function | kExceptionFlag));
    frame.append(static_cast<char>(code));
    appendCrc(frame);
    return frame;
}

QByteArray buildWriteResponse(const Request &request) {
    if (request.function == FunctionCode::WriteSingleRegister)
        return buildRequest(request);
    QByteArray frame;
    frame.append(static_cast<char>(request.slave));
    frame.append(static_cast<char>(request.function));
    appendWord(frame, request.start);
    appendWord(frame, request.count);
    appendCrc(frame);
    return frame;
}

std::optional<quint16> parseAddress(QStringView text) {
    const QStringView t = text.trimmed();
    bool ok = false;
    const uint value =
        t.startsWith(u"0x", Qt::CaseInsensitive) ? t.mid(2).toUInt(&ok, 16) : t.toUInt(&ok, 10);
    if (!ok || value > 0xFFFF)
        return std::nullopt;
    return static_cast<quint16>(value);
}

QString toHex(QByteArrayView bytes) {
    return QString::fromLatin1(bytes.toByteArray().toHex(' '));
}

std::optional<QByteArray> fromHex(QStringView text, QString *error) {
    QByteArray digits;
    digits.reserve(text.size());
    for (const QChar c : text) {
        if (c.isSpace() || c == QLatin1Char(':') || c == QLatin1Char('-'))
            continue;
        if (!isxdigit(c.toLatin1()) || c.unicode() > 0x7F) {
            if (error)
                *error = QStringLiteral("not a hex digit: '%1'").arg(c);
            return std::nullopt;
        }
        digits.append(c.toLatin1());
    }
    if (digits.size() % 2 != 0) {
        if (error)
            *error = QStringLiteral("odd number of hex digits (%1)").arg(digits.size());
        return std::nullopt;
    }
    return QByteArray::fromHex(digits);
}

} // namespace blupow::modbus
