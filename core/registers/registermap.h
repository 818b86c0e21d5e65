#pragma once

// Register maps are data: one JSON file per family (and battery variant) under
// resources/registers/, validated against registers.schema.json when loaded. Nothing about a
// field's place, width, scale or unit lives in code. Raw words and cooked values stay separate.

#include "family.h"
#include "mapexpansion.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>

namespace blupow {

enum class FieldType {
    U16,
    S16,
    U32,
    S32, // 32-bit values: high word first (docs/protocol.md 5.8)
    U8Hi,
    U8Lo, // one byte of a register
    SignMag8Hi,
    SignMag8Lo, // bit 7 = minus, bits 0-6 = magnitude (controller temperatures)
    Ascii,      // `words` registers of text; spaces and NULs trimmed at both ends
    Enum,       // `width` encoding mapped through `enumValues`
    Bits,       // `width` encoding; the set bits named by `bits`
    S24,
    U24, // shunt payload only (3 bytes, big-endian)
};

// How an integer is presented: a number (scaled), hex digits ("1501FFFF", a serial), or a version
// from the last three bytes ("V03.02.01", docs/protocol.md 6.1.1: byte 0 unused).
enum class FieldFormat { Number, Hex, Version };

// A value computed from other fields of the same cycle, never read (battery SOC is remaining /
// total capacity, docs/protocol.md 6.3; shunt power is V x I, 6.5).
enum class DerivedOp { None, Percent, Product, Sum, Difference };

// When a field is read: every poll cycle, once per connection (identity, ratings), or only on
// demand (settings, the register console).
enum class PollClass { Cycle, Once, Demand };

// A named alarm condition read from a fault or alarm word (docs/alarms.md): active when the
// `width` bits from `bit` of the field's integer equal `value`. Data from the map's `alarms`
// (or `alarm_codes` for enum-coded faults), never code.
enum class AlarmSeverity { Warning, Fault };

struct AlarmCondition {
    QString key; // unique within its field
    QString label;
    AlarmSeverity severity = AlarmSeverity::Fault;
    QString meaning; // for the owner, in plain words
    // Whose reading of the bits this is, where public sources disagree (each is listed,
    // labelled); empty where they agree.
    QString reading;
    QString source;
    int bit = 0;
    int width = 1;
    quint32 value = 1;

    [[nodiscard]] bool activeIn(quint64 n) const {
        return ((n >> bit) & ((quint64(1) << width) - 1)) == value;
    }
};

[[nodiscard]] QString alarmSeverityName(AlarmSeverity severity);

struct FieldDef {
    QString key;
    QString label;
    int reg = 0;   // register; byte offset in the payload for the shunt
    int words = 1; // registers covered (bytes for the shunt)
    FieldType type = FieldType::U16;
    FieldType width = FieldType::U16; // the raw encoding under Enum and Bits
    double scale = 1.0;
    QString unit;
    int decimals = 0;
    bool writable = false;
    std::optional<double> min, max; // cooked units, writable fields
    double step = 0;
    QMap<int, QString> enumValues;
    QMap<int, QString> bits;
    QString group;
    PollClass poll = PollClass::Cycle;
    QString haDeviceClass; // Home Assistant hints; empty = none
    QString haStateClass;
    QString haComponent; // "sensor" (default), "binary_sensor"
    QString countKey;    // present only when field `countKey` >= countIndex (cells, sensors)
    int countIndex = 0;
    std::optional<quint32> absentRaw; // a raw value that means "no sensor" (0x8000 style)
    QString source;                   // docs/protocol.md source keys
    QString note;                     // why a choice was made where the references disagree
    // For people, not for developers: what a setting does (the GUI shows it; the note and source
    // go to a tooltip) and plain words for enum values (the enum names stay the JSON/MQTT
    // values).
    QString help;
    QMap<int, QString> enumLabels;
    QList<AlarmCondition> alarms; // empty: not a fault or alarm word

    // Extensions (additive): presentation, derivation, sub-register masks.
    FieldFormat format = FieldFormat::Number;
    DerivedOp derivedOp = DerivedOp::None;
    QStringList derivedFrom;   // the operand keys of a derived field
    quint32 mask = 0;          // bits of the raw value that belong to this field (0 = all)
    bool allowOverlap = false; // shares bits with another field on purpose
    // Fields of different read groups never share a request: registers only some models implement
    // (the street-light block) are asked for alone, so a model without them fails that request
    // and nothing else.
    QString readGroup;
    int index = -1; // position in RegisterMap::fields()
    // Cooked values outside this range are Invalid (the shunt's 6-80 V, docs/protocol.md
    // G.41).
    std::optional<double> plausibleMin, plausibleMax;
    // Resolved by the loader so decoding never looks a key up: countKey's and the operands'
    // positions in RegisterMap::fields().
    int countField = -1;
    QList<int> derivedFromIndex;

    [[nodiscard]] int lastReg() const { return reg + words - 1; }
    [[nodiscard]] bool isDerived() const { return derivedOp != DerivedOp::None; }
    [[nodiscard]] bool isText() const {
        return type == FieldType::Ascii || format != FieldFormat::Number;
    }
};

// A map-level plausibility rule (docs/protocol.md F.35): pick the scale of `fields` whose
// sum best matches `reference` (within `tolerance`, relative), e.g. cell voltages 0.1 V or 0.001 V
// against the pack voltage.
struct ScaleRule {
    QStringList fields;
    QString reference;
    QList<double> scales;
    double tolerance = 0.05;
    QList<int> fieldIndex; // resolved positions in RegisterMap::fields()
    int referenceIndex = -1;
};

// A read field's decoding, resolved once by the loader (RegisterDecoder::compileStep) so that
// decodeBlock and decodeCycle, which run for every reply, neither look into FieldDef's maps nor
// recompute a scale. The QStrings share FieldDef's data: copying them into each DecodedValue is a
// reference-count increment, never an allocation.
struct DecodeStep {
    int field = -1; // position in RegisterMap::fields()
    int reg = 0;
    int lastReg = 0;
    int words = 1;
    // A plain scaled integer (u16, s16, u32, s32, one byte, sign-magnitude byte) in number format;
    // everything else (text, enums, bit fields, hex and version formats) goes through decodeField.
    bool numeric = false;
    FieldType encoding = FieldType::U16;
    quint32 mask = 0;
    int maskShift = 0;
    // cooked = n / divisor when the scale is 1/divisor (0.1 -> 10, exact as a double), else
    // n * scale, as applyScale decides.
    double divisor = 0;
    double scale = 1.0;
    std::optional<quint32> absentRaw;
    std::optional<double> plausibleMin, plausibleMax;
    QString key, label, unit, group;
    int decimals = 0;
    QString absentNote;      // the note of an absent-sensor reading
    QString implausibleNote; // the note of a value outside the plausible range
};

struct ReadBlock {
    quint16 start = 0;
    quint16 count = 0;
    PollClass poll = PollClass::Cycle;
    friend bool operator==(const ReadBlock &, const ReadBlock &) = default;
};

// A table the device keeps of its own past (docs/logs.md): the controller's days (0xF000 + n),
// the inverter's last seven days and fault records, the load timer's stages. Read only on
// demand, never polled, and decoded with the same FieldDef rules as the map's fields: column c of
// row r lies at rowAddress(r) + c.reg.
struct LogDef {
    QString key; // snake_case, unique in the map
    QString title;
    QString source;
    QString note;
    int rows = 1;
    int rowStart = 0;
    int rowStride = 1;
    // Each row is its own request of rowWords() registers at the row's address: the controller
    // answers a read at 0xF000 + n with day n's ten-word record, not with the registers after
    // 0xF000 + n (docs/protocol.md 6.1.4), so rows are never coalesced.
    bool readPerRow = false;
    // Row number n (rowNumberFrom + row) counts days back from the device's own today.
    bool daysAgo = false;
    int rowNumberFrom = 0;
    QString rowLabel;        // "{n} days ago": {n} is the row number
    QStringList rowLabels;   // the first rows' own labels ("Today", "Yesterday")
    QList<FieldDef> columns; // reg: offset from the row's address

    [[nodiscard]] int rowAddress(int row) const { return rowStart + row * rowStride; }
    [[nodiscard]] int rowNumber(int row) const { return rowNumberFrom + row; }
    // Registers one row spans: up to the end of its last column.
    [[nodiscard]] int rowWords() const;
    [[nodiscard]] QString labelOf(int row) const;
    [[nodiscard]] const FieldDef *column(QStringView columnKey) const;
};

class RegisterMap {
public:
    // Parses and validates a map. On failure returns nothing and sets `error` to one line that
    // names the file, the field and the problem ("inverter.json: field 'ac_input_voltage':
    // unknown type 'u17'"). `reader` finds the map named by `base` (mapexpansion.h); load() reads
    // it from the same directory.
    static std::optional<RegisterMap> fromJson(const QByteArray &json, const QString &fileName,
                                               QString *error,
                                               const MapExpansion::MapReader &reader = {});
    static std::optional<RegisterMap> load(const QString &path, QString *error);

    [[nodiscard]] Family family() const { return m_family; }
    [[nodiscard]] QString variant() const {
        return m_variant;
    } // "default", or battery: legacy, pro, rngpro, core
    [[nodiscard]] QString title() const { return m_title; }
    [[nodiscard]] QString fileName() const { return m_fileName; }
    [[nodiscard]] bool isModbus() const { return m_family != Family::Shunt; }
    [[nodiscard]] quint8 defaultSlave() const { return m_defaultSlave; }
    [[nodiscard]] QList<quint8> probeSlaves() const { return m_probeSlaves; }
    [[nodiscard]] int maxReadCount() const { return m_maxReadCount; }
    // Ranges a read must never span (the REGO inverter fails reads that cross 4010-4059).
    [[nodiscard]] QList<QPair<int, int>> noReadRanges() const { return m_noReadRanges; }

    [[nodiscard]] const QList<FieldDef> &fields() const { return m_fields; }
    [[nodiscard]] const FieldDef *field(QStringView key) const;
    [[nodiscard]] QList<const FieldDef *> fieldsAt(int reg) const; // fields covering `reg`

    // The read requests that cover every field of `poll`, coalesced into blocks of at most
    // maxReadCount registers that bridge small gaps but never span a noReadRange.
    [[nodiscard]] QList<ReadBlock> readPlan(PollClass poll) const;
    // The requests that read one log: a request per row, or its cells coalesced like the poll's.
    [[nodiscard]] QList<ReadBlock> readPlan(const LogDef &log) const;

    [[nodiscard]] const QList<LogDef> &logs() const { return m_logs; }
    [[nodiscard]] const LogDef *log(QStringView key) const;

    [[nodiscard]] int maxGap() const { return m_maxGap; }
    [[nodiscard]] const QList<ScaleRule> &scaleRules() const { return m_scaleRules; }
    // Indices into fields() of the read (not derived) fields, ordered by first register.
    [[nodiscard]] const QList<int> &byRegister() const { return m_byRegister; }
    [[nodiscard]] int indexOf(QStringView key) const;
    // True when decoding needs the cycle-wide pass (counts, derived values, scale rules).
    [[nodiscard]] bool hasRelations() const { return m_hasRelations; }
    // The read fields' decoding, in byRegister() order.
    [[nodiscard]] const QList<DecodeStep> &decodeSteps() const { return m_steps; }
    // Indices into fields() of the derived fields, in file order.
    [[nodiscard]] const QList<int> &derivedFields() const { return m_derived; }

    // Payload maps (the shunt, docs/protocol.md 6.5): the bytes a live notification starts with,
    // its length, and a prefix that some stacks put before it and that is stripped.
    [[nodiscard]] QByteArray payloadHeader() const { return m_payloadHeader; }
    [[nodiscard]] int payloadLength() const { return m_payloadLength; }
    [[nodiscard]] QByteArray payloadPrefix() const { return m_payloadPrefix; }
    [[nodiscard]] int payloadPrefixLength() const { return m_payloadPrefixLength; }

private:
    Family m_family = Family::Controller;
    QString m_variant;
    QString m_title;
    QString m_fileName;
    quint8 m_defaultSlave = 0xFF;
    QList<quint8> m_probeSlaves;
    int m_maxReadCount = 32;
    int m_maxGap = 4;
    QList<QPair<int, int>> m_noReadRanges;
    QList<FieldDef> m_fields;
    QList<ScaleRule> m_scaleRules;
    QList<LogDef> m_logs;
    QList<int> m_byRegister;
    QList<DecodeStep> m_steps;
    QList<int> m_derived;
    QHash<QString, int> m_keyIndex;
    bool m_hasRelations = false;
    QByteArray m_payloadHeader;
    int m_payloadLength = 0;
    QByteArray m_payloadPrefix;
    int m_payloadPrefixLength = 0;
};

// The maps shipped as Qt resources (:/registers/*.json). A plain value, created where needed.
class RegisterMaps {
public:
    static RegisterMaps builtIn();
    // Loads every *.json but the schema in `directory`; errors are collected, good maps kept.
    static RegisterMaps fromDirectory(const QString &directory, QStringList *errors);

    [[nodiscard]] const QList<RegisterMap> &all() const { return m_maps; }
    // `variant` empty = the common case (legacy for batteries, docs/protocol.md 6.3).
    [[nodiscard]] const RegisterMap *find(Family family, QStringView variant = {}) const;
    [[nodiscard]] QStringList variants(Family family) const;

private:
    QList<RegisterMap> m_maps;
};

} // namespace blupow
