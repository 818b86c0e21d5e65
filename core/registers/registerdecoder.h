#pragma once

#include "decodedvalue.h"
#include "registermap.h"

#include <optional>

namespace blupow {

struct RegisterBlock {
    quint16 start = 0;
    QList<quint16> words;
    qint64 timestampMs = 0;
};

// One row of a device log (LogDef), a value per column in column order. A cell whose words were
// not read (the device refused that request) is Stale with an empty value, never a zero.
struct LogRow {
    int row = 0;    // position in the log
    int number = 0; // LogDef::rowNumber: days back, record number
    QString label;
    DecodedValues values;
    [[nodiscard]] bool complete() const;
    // Read, and every word zero: an unused record (the inverter's fault history before 16 faults).
    [[nodiscard]] bool empty() const;
};

// Pure functions from words to values (and back, for the simulator and writes).
namespace RegisterDecoder {

// Every field of `map` lying wholly inside the block; a field that only starts inside it is
// left out rather than read from bytes that are not there (the CRC-as-data pitfall).
[[nodiscard]] DecodedValues decodeBlock(const RegisterMap &map, const RegisterBlock &block);

// All blocks of one poll cycle, then the map-wide checks that need several blocks: fields
// beyond a count (cell 5 of a 4-cell pack), absent-sensor sentinels, the cell-voltage scale
// chosen from the sum of cells against the pack voltage (docs/protocol.md F.35).
[[nodiscard]] DecodedValues decodeCycle(const RegisterMap &map, const QList<RegisterBlock> &blocks);

// Every row of `log` from the blocks its read plan brought back (RegisterMap::readPlan(log)):
// a per-row log takes each row from the block at the row's own address only.
[[nodiscard]] QList<LogRow> decodeLog(const LogDef &log, const QList<RegisterBlock> &blocks);

// One field from its own words (raw.size() == field.words).
[[nodiscard]] DecodedValue decodeField(const FieldDef &field, const QList<quint16> &raw,
                                       qint64 timestampMs = 0);

// The integer a field's raw words hold (folded high word first, byte, mask and sign applied),
// before scale and tables: what alarm conditions test bits of.
[[nodiscard]] qint64 integerValue(const FieldDef &field, const QList<quint16> &raw);

// Cooked value to register words: numbers are divided by the scale and range-checked against
// the encoding, enum names or numbers mapped back, text padded. Nothing on failure (with why).
[[nodiscard]] std::optional<QList<quint16>>
encodeField(const FieldDef &field, const QVariant &cooked, QString *error = nullptr);

// A read field's decoding resolved ahead of time; the loader stores one per field in the map
// (RegisterMap::decodeSteps()) and decodeBlock / decodeCycle follow them.
[[nodiscard]] DecodeStep compileStep(const FieldDef &field);

// The shunt's notification payload (docs/protocol.md 6.5): fields by byte offset.
[[nodiscard]] DecodedValues decodePayload(const RegisterMap &map, QByteArrayView payload,
                                          qint64 timestampMs = 0);

} // namespace RegisterDecoder

} // namespace blupow
