#pragma once

#include "modbus/exchange.h"
#include "registers/decodedvalue.h"
#include "registers/family.h"

#include <QByteArray>
#include <QList>

#include <optional>

namespace blupow::capture {

// One notification (or write) as it was on the air.
struct CapturedChunk {
    QByteArray bytes;
    qint64 offsetUs = 0; // after the request was written
};

// One Modbus request found in a capture and what came back, with the raw reply chunks (for
// replay at the original pace) and, once decoded, the values.
struct CapturedExchange {
    Exchange exchange;
    QList<CapturedChunk> replyChunks;
    qsizetype requestRecord = 0; // btsnoop record of the request, for "show me in Wireshark"
    qint64 sentUs = 0;           // epoch microseconds (Exchange keeps milliseconds)

    // Filled by CaptureImporter: the family guessed (or forced), the map variant used, and the
    // values of the registers the map knows. Registers outside the map stay raw words.
    std::optional<Family> family;
    QString variant;
    DecodedValues values;

    [[nodiscard]] bool isWrite() const {
        return exchange.request.function != modbus::FunctionCode::ReadHoldingRegisters;
    }
    // The registers with their words: read replies or the values written.
    [[nodiscard]] QList<quint16> words() const {
        return isWrite() ? exchange.request.values : exchange.response.words;
    }
};

} // namespace blupow::capture
