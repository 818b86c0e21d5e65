#include "registerdecoder.h"

#include <QStringBuilder>
#include <QStringList>
#include <QVarLengthArray>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <optional>

namespace blupow::RegisterDecoder {

namespace {

// Bits a type occupies in the raw value (before a mask).
int typeBits(FieldType t) {
    switch (t) {
    case FieldType::U32:
    case FieldType::S32:
        return 32;
    case FieldType::S24:
    case FieldType::U24:
        return 24;
    default:
        return 16;
    }
}

FieldType encodingOf(const FieldDef &f) {
    return (f.type == FieldType::Enum || f.type == FieldType::Bits) ? f.width : f.type;
}

// Every possible register word. A one-word field's raw list points into this constant table
// (QList's raw-data mode) instead of allocating: decoding a block then costs no allocation per
// value, copying such a list costs nothing, and modifying one detaches it like any shared list.
constexpr auto kEveryWord = [] {
    std::array<quint16, 0x10000> words{};
    for (std::size_t i = 0; i < words.size(); ++i)
        words[i] = static_cast<quint16>(i);
    return words;
}();

QList<quint16> rawWords(const quint16 *words, int count) {
    if (count == 1)
        return QList<quint16>(QArrayDataPointer<quint16>::fromRawData(&kEveryWord[words[0]], 1));
    return QList<quint16>(words, words + count);
}

// The raw words (one byte per entry in the shunt payload) folded big-endian into one integer:
// 32-bit values are high word first (docs/protocol.md 5.8).
quint64 foldRaw(const FieldDef &f, const QList<quint16> &raw) {
    const FieldType enc = encodingOf(f);
    const int total = enc == FieldType::Ascii ? 16 : typeBits(enc);
    const int per = raw.isEmpty() ? 16 : std::max(1, total / static_cast<int>(raw.size()));
    const quint64 entryMask = per >= 16 ? 0xFFFFu : ((1u << per) - 1);
    quint64 v = 0;
    for (const quint16 w : raw)
        v = (v << per) | (w & entryMask);
    return v;
}

// The field's integer from the folded raw value: byte selection, mask, sign.
qint64 integerOf(FieldType enc, quint32 mask, int maskShift, quint64 v) {
    switch (enc) {
    case FieldType::U8Hi:
    case FieldType::SignMag8Hi:
        v = (v >> 8) & 0xFF;
        break;
    case FieldType::U8Lo:
    case FieldType::SignMag8Lo:
        v &= 0xFF;
        break;
    default:
        break;
    }
    if (mask)
        v = (v & mask) >> maskShift;
    switch (enc) {
    case FieldType::S16:
        return static_cast<qint16>(static_cast<quint16>(v));
    case FieldType::S32:
        return static_cast<qint32>(static_cast<quint32>(v));
    case FieldType::S24:
        return (v & 0x800000u) ? static_cast<qint64>(v) - 0x1000000 : static_cast<qint64>(v);
    case FieldType::SignMag8Hi:
    case FieldType::SignMag8Lo:
        // bit 7 = minus, bits 0-6 = magnitude (docs/protocol.md 5.8, controller temperatures)
        return (v & 0x80) ? -static_cast<qint64>(v & 0x7F) : static_cast<qint64>(v & 0x7F);
    default:
        return static_cast<qint64>(v);
    }
}

qint64 integerOf(const FieldDef &f, quint64 v) {
    return integerOf(encodingOf(f), f.mask, f.mask ? std::countr_zero(f.mask) : 0, v);
}

// Dividing by 10 rather than multiplying by 0.1 keeps 123 -> 12.3 exact as a double: the divisor
// to use for `scale`, or 0 to multiply.
double scaleDivisor(double scale) {
    const double inverse = 1.0 / scale;
    const double rounded = std::round(inverse);
    return rounded >= 2 && std::abs(inverse - rounded) < 1e-9 ? rounded : 0;
}

double applyScale(double raw, double scale, double divisor) {
    return divisor > 0 ? raw / divisor : raw * scale;
}

double applyScale(double raw, double scale) {
    return applyScale(raw, scale, scaleDivisor(scale));
}

int decimalsOf(double scale) {
    int d = 0;
    while (d < 6 &&
           std::abs(scale * std::pow(10.0, d) - std::round(scale * std::pow(10.0, d))) > 1e-9)
        ++d;
    return d;
}

// Leading spaces occur ("  RNG-CTRL-RVR40", docs/protocol.md D.28); NUL or space pad.
QString asciiOf(const QList<quint16> &raw) {
    const auto byteAt = [&raw](qsizetype i) {
        const quint16 w = raw.at(i / 2);
        return static_cast<quint8>(i % 2 ? w & 0xFF : w >> 8);
    };
    const auto pad = [](quint8 c) { return c == ' ' || c == '\0'; };
    qsizetype begin = 0;
    qsizetype end = 2 * raw.size();
    while (begin < end && pad(byteAt(begin)))
        ++begin;
    while (end > begin && pad(byteAt(end - 1)))
        --end;
    QString text(end - begin, Qt::Uninitialized);
    QChar *out = text.data();
    for (qsizetype i = begin; i < end; ++i)
        *out++ = QLatin1Char(static_cast<char>(byteAt(i)));
    return text;
}

// Upper-case hex digits, zero-padded to `width` (serial numbers, "1501FFFF").
QString hexText(quint64 u, int width) {
    std::array<char, 16> digits{};
    int n = 0;
    do {
        digits[static_cast<std::size_t>(n++)] = "0123456789ABCDEF"[u & 0xF];
        u >>= 4;
    } while (u);
    QString text(std::max(n, width), Qt::Uninitialized);
    QChar *out = text.data();
    for (int i = n; i < width; ++i)
        *out++ = QLatin1Char('0');
    while (n > 0)
        *out++ = QLatin1Char(digits[static_cast<std::size_t>(--n)]);
    return text;
}

// "V03.02.01" from the last three bytes (docs/protocol.md 6.1.1: byte 0 unused).
QString versionText(quint64 u) {
    std::array<char, 16> text{};
    int n = 0;
    text[static_cast<std::size_t>(n++)] = 'V';
    for (int shift = 16; shift >= 0; shift -= 8) {
        const auto part = static_cast<unsigned>((u >> shift) & 0xFF);
        if (part >= 100)
            text[static_cast<std::size_t>(n++)] = static_cast<char>('0' + part / 100);
        text[static_cast<std::size_t>(n++)] = static_cast<char>('0' + part / 10 % 10);
        text[static_cast<std::size_t>(n++)] = static_cast<char>('0' + part % 10);
        if (shift > 0)
            text[static_cast<std::size_t>(n++)] = '.';
    }
    return QString::fromLatin1(text.data(), n);
}

QString absentNote(quint64 raw) {
    return QStringLiteral("no sensor (raw 0x%1)").arg(raw, 4, 16, QLatin1Char('0'));
}

QString implausibleNote(const FieldDef &f) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    return QStringLiteral("implausible: outside %1..%2")
        .arg(f.plausibleMin.value_or(-inf))
        .arg(f.plausibleMax.value_or(inf));
}

bool implausible(double cooked, const std::optional<double> &min,
                 const std::optional<double> &max) {
    return (min && cooked < *min) || (max && cooked > *max);
}

// The hot path: a plain scaled integer, constructed in place at the end of `out` (the double
// initialises the value's QVariant directly: no temporary to move and destroy).
void appendNumber(const DecodeStep &s, const quint16 *w, qint64 timestampMs, DecodedValues &out) {
    const quint64 folded = s.words == 2 ? (quint64(w[0]) << 16) | w[1] : w[0];
    if (s.absentRaw && folded == *s.absentRaw) {
        out.emplaceBack(s.key, s.label, s.unit, s.group, s.reg, s.words, rawWords(w, s.words),
                        QVariant(), s.decimals, Quality::Invalid, timestampMs, s.absentNote);
        return;
    }
    const double cooked =
        applyScale(static_cast<double>(integerOf(s.encoding, s.mask, s.maskShift, folded)), s.scale,
                   s.divisor);
    if (implausible(cooked, s.plausibleMin, s.plausibleMax))
        out.emplaceBack(s.key, s.label, s.unit, s.group, s.reg, s.words, rawWords(w, s.words),
                        cooked, s.decimals, Quality::Invalid, timestampMs, s.implausibleNote);
    else
        out.emplaceBack(s.key, s.label, s.unit, s.group, s.reg, s.words, rawWords(w, s.words),
                        cooked, s.decimals, Quality::Good, timestampMs);
}

// The cooked value of `field` from its raw words; `quality` and `note` are set when the value is
// not Good.
QVariant cook(const FieldDef &field, const QList<quint16> &raw, Quality *quality, QString *note) {
    const auto invalid = [&](QString why) {
        *quality = Quality::Invalid;
        *note = std::move(why);
    };
    if (raw.size() != field.words || field.isDerived()) {
        invalid(QStringLiteral("expected %1 words, got %2").arg(field.words).arg(raw.size()));
        return {};
    }
    if (field.type == FieldType::Ascii)
        return asciiOf(raw);
    const quint64 folded = foldRaw(field, raw);
    if (field.absentRaw && folded == *field.absentRaw) {
        invalid(absentNote(folded));
        return {};
    }
    const qint64 n = integerOf(field, folded);
    switch (field.type) {
    case FieldType::Enum: {
        const auto it = field.enumValues.constFind(static_cast<int>(n));
        if (it == field.enumValues.cend()) {
            invalid(QStringLiteral("value %1 is not in the enum table").arg(n));
            return QStringLiteral("unknown %1").arg(n);
        }
        return it.value();
    }
    case FieldType::Bits: {
        QStringList set;
        set.reserve(field.bits.size());
        for (auto it = field.bits.cbegin(); it != field.bits.cend(); ++it)
            if ((static_cast<quint64>(n) >> it.key()) & 1u)
                set.append(it.value());
        return set;
    }
    default:
        break;
    }
    switch (field.format) {
    case FieldFormat::Hex:
        return hexText(static_cast<quint64>(n), 2 * (typeBits(encodingOf(field)) / 8));
    case FieldFormat::Version:
        return versionText(static_cast<quint64>(n));
    case FieldFormat::Number:
        break;
    }
    const double cooked = applyScale(static_cast<double>(n), field.scale);
    if (implausible(cooked, field.plausibleMin, field.plausibleMax))
        invalid(implausibleNote(field));
    return cooked;
}

// A Good numeric value is a double (the count and operands of the relations); anything else goes
// through QVariant's conversion.
double numberOf(const QVariant &value) {
    if (value.metaType() == QMetaType::fromType<double>())
        return *static_cast<const double *>(value.constData());
    return value.toDouble();
}

// Field indices of decoded values, one per value, and the reverse: each field's position in the
// values (-1 for none). Sized for the largest maps without a heap allocation.
using FieldIndices = QVarLengthArray<int, 64>;
using Positions = QVarLengthArray<int, 256>;

void fillPositions(const RegisterMap &map, const FieldIndices &fields, Positions *pos) {
    pos->resize(map.fields().size());
    std::fill(pos->begin(), pos->end(), -1);
    for (qsizetype i = 0; i < fields.size(); ++i)
        (*pos)[fields.at(i)] = static_cast<int>(i);
}

// The decode steps of the fields that start inside `block`.
struct StepRange {
    const DecodeStep *begin;
    const DecodeStep *end;
};

StepRange stepsIn(const RegisterMap &map, const RegisterBlock &block) {
    const QList<DecodeStep> &steps = map.decodeSteps();
    const int first = block.start;
    const int last = block.start + static_cast<int>(block.words.size()) - 1;
    const DecodeStep *begin =
        std::partition_point(steps.constData(), steps.constData() + steps.size(),
                             [first](const DecodeStep &s) { return s.reg < first; });
    // A block holds a handful of fields: walking to its end beats a second binary search.
    const DecodeStep *end = begin;
    while (end != steps.constData() + steps.size() && end->reg <= last)
        ++end;
    return {begin, end};
}

void appendBlock(const RegisterMap &map, const RegisterBlock &block, StepRange steps,
                 DecodedValues &out, FieldIndices *fields) {
    const int first = block.start;
    const int last = block.start + static_cast<int>(block.words.size()) - 1;
    const quint16 *words = block.words.constData();
    for (const DecodeStep *s = steps.begin; s != steps.end; ++s) {
        // Wholly inside, or not at all: never read a field's tail from the CRC
        // (docs/protocol.md 5.9).
        if (s->lastReg > last)
            continue;
        const quint16 *w = words + (s->reg - first);
        if (s->numeric) {
            appendNumber(*s, w, block.timestampMs, out);
        } else {
            QList<quint16> raw = rawWords(w, s->words);
            Quality quality = Quality::Good;
            QString note;
            QVariant value = cook(map.fields().at(s->field), raw, &quality, &note);
            out.emplaceBack(s->key, s->label, s->unit, s->group, s->reg, s->words, std::move(raw),
                            std::move(value), s->decimals, quality, block.timestampMs,
                            std::move(note));
        }
        if (fields)
            fields->append(s->field);
    }
}

void appendBlock(const RegisterMap &map, const RegisterBlock &block, DecodedValues &out,
                 FieldIndices *fields) {
    appendBlock(map, block, stepsIn(map, block), out, fields);
}

void applyCounts(const RegisterMap &map, DecodedValues &values, const FieldIndices &fields,
                 const Positions &pos) {
    DecodedValue *v = values.data();
    // Cells 5-16 of a 4-cell pack carry the same note: built once, shared by the others.
    int noteField = -1;
    qint64 noteCount = 0;
    QString note;
    for (qsizetype i = 0; i < values.size(); ++i) {
        const FieldDef &f = map.fields().at(fields.at(i));
        if (f.countKey.isEmpty() || v[i].quality != Quality::Good)
            continue;
        const int count = f.countField < 0 ? -1 : pos.at(f.countField);
        if (count < 0 || v[count].quality != Quality::Good)
            continue; // the count was not read with it: nothing to judge by
        const double n = numberOf(v[count].value);
        if (n < f.countIndex) {
            if (noteField != f.countField || noteCount != static_cast<qint64>(n)) {
                noteField = f.countField;
                noteCount = static_cast<qint64>(n);
                note = QStringLiteral("not present: ") % f.countKey % QStringLiteral(" is ") %
                       QString::number(noteCount) % QStringLiteral(" (docs/protocol.md F.40)");
            }
            v[i].quality = Quality::Invalid;
            v[i].note = note;
        }
    }
}

void applyScaleRules(const RegisterMap &map, DecodedValues &values, const Positions &pos) {
    DecodedValue *v = values.data();
    for (const ScaleRule &rule : map.scaleRules()) {
        const int refAt = pos.at(rule.referenceIndex);
        if (refAt < 0 || v[refAt].quality != Quality::Good || numberOf(v[refAt].value) <= 0)
            continue;
        const DecodedValue &ref = v[refAt];
        const double pack = numberOf(ref.value);
        QVarLengthArray<std::pair<int, int>, 32> cells; // field index, position
        double rawSum = 0;
        for (const int index : rule.fieldIndex) {
            const int at = pos.at(index);
            if (at >= 0 && v[at].quality == Quality::Good) {
                const FieldDef &f = map.fields().at(index);
                rawSum += static_cast<double>(integerOf(f, foldRaw(f, v[at].raw)));
                cells.append({index, at});
            }
        }
        if (cells.isEmpty())
            continue;
        double best = rule.scales.first();
        double bestError = -1;
        for (const double s : rule.scales) {
            const double error = std::abs(rawSum * s - pack) / pack;
            if (bestError < 0 || error < bestError) {
                bestError = error;
                best = s;
            }
        }
        const QString unit = ref.unit;
        const bool fits = bestError <= rule.tolerance;
        const QString note =
            fits ? QStringLiteral("scale %1 %2 chosen: cells sum %3 %2 vs %4 %5 %2 (F.35)")
                       .arg(best)
                       .arg(unit)
                       .arg(rawSum * best, 0, 'f', 2)
                       .arg(rule.reference)
                       .arg(pack, 0, 'f', 2)
                 : QStringLiteral(
                       "no scale makes the cells sum to %1 %2; kept the map's scale (F.35)")
                       .arg(rule.reference)
                       .arg(pack, 0, 'f', 2);
        for (const auto &[index, at] : cells) {
            const FieldDef &f = map.fields().at(index);
            const double scale = fits ? best : f.scale;
            v[at].value =
                applyScale(static_cast<double>(integerOf(f, foldRaw(f, v[at].raw))), scale);
            v[at].decimals = std::max(f.decimals, decimalsOf(scale));
            v[at].note = note;
        }
    }
}

void applyDerived(const RegisterMap &map, DecodedValues &values, FieldIndices &fields,
                  Positions &pos) {
    for (const int index : map.derivedFields()) {
        const FieldDef &f = map.fields().at(index);
        const int a = pos.at(f.derivedFromIndex.at(0));
        const int b = pos.at(f.derivedFromIndex.at(1));
        if (a < 0 || b < 0)
            continue;
        const DecodedValue &va = values.at(a);
        const DecodedValue &vb = values.at(b);
        const double x = numberOf(va.value);
        const double y = numberOf(vb.value);
        const bool good = va.quality == Quality::Good && vb.quality == Quality::Good;
        const qint64 timestampMs = std::max(va.timestampMs, vb.timestampMs);
        QVariant value;
        Quality quality = Quality::Good;
        QString note;
        if (!good) {
            quality = Quality::Invalid;
            note = QStringLiteral("an operand is not good");
        } else {
            switch (f.derivedOp) {
            case DerivedOp::Percent:
                if (y <= 0) {
                    quality = Quality::Invalid;
                    note = QStringLiteral("%1 is 0").arg(f.derivedFrom.at(1));
                } else {
                    value = x / y * 100.0 * f.scale;
                }
                break;
            case DerivedOp::Product:
                value = x * y * f.scale;
                break;
            case DerivedOp::Sum:
                value = (x + y) * f.scale;
                break;
            case DerivedOp::Difference:
                value = (x - y) * f.scale;
                break;
            case DerivedOp::None:
                break;
            }
            if (value.isValid() && implausible(value.toDouble(), f.plausibleMin, f.plausibleMax)) {
                quality = Quality::Invalid; // 65535 % from a garbage capacity is shown, never good
                note = implausibleNote(f);
            }
        }
        // A derived field may be an operand of a later one: it gets a position like a read one.
        pos[index] = static_cast<int>(values.size());
        fields.append(index);
        values.emplaceBack(f.key, f.label, f.unit, f.group, f.reg, f.words, QList<quint16>(),
                           std::move(value), f.decimals, quality, timestampMs, std::move(note));
    }
}

void applyRelations(const RegisterMap &map, DecodedValues &values, FieldIndices &fields,
                    Positions &pos) {
    applyCounts(map, values, fields, pos);
    if (!map.scaleRules().isEmpty())
        applyScaleRules(map, values, pos);
    applyDerived(map, values, fields, pos);
}

// `values` (one per field) in the order of the map file.
DecodedValues inFileOrder(DecodedValues &values, const Positions &pos) {
    DecodedValues out;
    out.reserve(values.size());
    for (const int at : pos)
        if (at >= 0)
            out.append(std::move(values[at]));
    return out;
}

} // namespace

DecodeStep compileStep(const FieldDef &field) {
    DecodeStep s;
    s.field = field.index;
    s.reg = field.reg;
    s.lastReg = field.lastReg();
    s.words = field.words;
    s.encoding = encodingOf(field);
    switch (field.type) {
    case FieldType::U16:
    case FieldType::S16:
    case FieldType::U8Hi:
    case FieldType::U8Lo:
    case FieldType::SignMag8Hi:
    case FieldType::SignMag8Lo:
        s.numeric = field.words == 1;
        break;
    case FieldType::U32:
    case FieldType::S32:
        s.numeric = field.words == 2;
        break;
    default:
        s.numeric = false;
        break;
    }
    s.numeric = s.numeric && field.format == FieldFormat::Number && !field.isDerived();
    s.mask = field.mask;
    s.maskShift = field.mask ? std::countr_zero(field.mask) : 0;
    s.scale = field.scale;
    s.divisor = scaleDivisor(field.scale);
    s.absentRaw = field.absentRaw;
    s.plausibleMin = field.plausibleMin;
    s.plausibleMax = field.plausibleMax;
    s.key = field.key;
    s.label = field.label;
    s.unit = field.unit;
    s.group = field.group;
    s.decimals = field.decimals;
    if (field.absentRaw)
        s.absentNote = absentNote(*field.absentRaw);
    if (field.plausibleMin || field.plausibleMax)
        s.implausibleNote = implausibleNote(field);
    return s;
}

qint64 integerValue(const FieldDef &field, const QList<quint16> &raw) {
    return integerOf(field, foldRaw(field, raw));
}

DecodedValue decodeField(const FieldDef &field, const QList<quint16> &raw, qint64 timestampMs) {
    Quality quality = Quality::Good;
    QString note;
    QVariant value = cook(field, raw, &quality, &note);
    return {field.key, field.label,      field.unit,     field.group, field.reg,   field.words,
            raw,       std::move(value), field.decimals, quality,     timestampMs, std::move(note)};
}

QList<LogRow> decodeLog(const LogDef &log, const QList<RegisterBlock> &blocks) {
    // The words at [first, first + count) from the block that holds them all; a per-row log only
    // from the block that starts at the row (its words belong to that row's record alone).
    const auto wordsAt = [&](int rowAddress, int first,
                             int count) -> std::optional<QList<quint16>> {
        for (const RegisterBlock &b : blocks) {
            if (log.readPerRow && b.start != rowAddress)
                continue;
            const int offset = first - b.start;
            if (offset >= 0 && offset + count <= b.words.size())
                return b.words.mid(offset, count);
        }
        return std::nullopt;
    };
    const auto timestampOf = [&](int rowAddress) {
        for (const RegisterBlock &b : blocks)
            if (b.start <= rowAddress && rowAddress < b.start + b.words.size())
                return b.timestampMs;
        return qint64(0);
    };
    QList<LogRow> rows;
    rows.reserve(log.rows);
    for (int r = 0; r < log.rows; ++r) {
        LogRow row{r, log.rowNumber(r), log.labelOf(r), {}};
        const int address = log.rowAddress(r);
        const qint64 at = timestampOf(address);
        row.values.reserve(log.columns.size());
        for (const FieldDef &c : log.columns) {
            const int first = address + c.reg;
            DecodedValue v;
            if (const auto words = wordsAt(address, first, c.words)) {
                v = decodeField(c, *words, at);
            } else {
                v = DecodedValue{
                    c.key,      c.label,
                    c.unit,     c.group,
                    first,      c.words,
                    {},         {},
                    c.decimals, Quality::Stale,
                    0,          QStringLiteral("not read: the device did not answer this row")};
            }
            v.reg = first;
            row.values.append(std::move(v));
        }
        rows.append(std::move(row));
    }
    return rows;
}

DecodedValues decodeBlock(const RegisterMap &map, const RegisterBlock &block) {
    const StepRange steps = stepsIn(map, block);
    DecodedValues out;
    out.reserve((steps.end - steps.begin) + (map.hasRelations() ? map.derivedFields().size() : 0));
    if (!map.hasRelations()) {
        appendBlock(map, block, steps, out, nullptr);
        return out;
    }
    FieldIndices fields;
    appendBlock(map, block, steps, out, &fields);
    Positions pos;
    fillPositions(map, fields, &pos);
    applyRelations(map, out, fields, pos);
    return out;
}

DecodedValues decodeCycle(const RegisterMap &map, const QList<RegisterBlock> &blocks) {
    DecodedValues all;
    FieldIndices fields;
    Positions pos;
    fillPositions(map, fields, &pos);
    for (const RegisterBlock &b : blocks) {
        DecodedValues one;
        FieldIndices oneFields;
        appendBlock(map, b, one, &oneFields);
        for (qsizetype i = 0; i < one.size(); ++i) {
            // A field read twice in one cycle keeps the later reading.
            const int field = oneFields.at(i);
            if (pos.at(field) >= 0) {
                all[pos.at(field)] = std::move(one[i]);
                continue;
            }
            pos[field] = static_cast<int>(all.size());
            fields.append(field);
            all.append(std::move(one[i]));
        }
    }
    applyRelations(map, all, fields, pos);
    return inFileOrder(all, pos);
}

DecodedValues decodePayload(const RegisterMap &map, QByteArrayView payload, qint64 timestampMs) {
    // Some stacks put a 4-byte `61 d2 xx xx` prefix before the frame (docs/protocol.md 6.5); other
    // frame types (`42 57 01 0b`, history) carry none of these fields.
    const QByteArray prefix = map.payloadPrefix();
    if (!prefix.isEmpty() && payload.startsWith(prefix) &&
        payload.size() > map.payloadPrefixLength())
        payload = payload.sliced(map.payloadPrefixLength());
    if (!payload.startsWith(map.payloadHeader()))
        return {};
    DecodedValues values;
    FieldIndices fields;
    for (const int i : map.byRegister()) {
        const FieldDef &f = map.fields().at(i);
        if (f.lastReg() >= payload.size())
            continue;
        QList<quint16> raw;
        raw.reserve(f.words);
        for (int b = f.reg; b <= f.lastReg(); ++b)
            raw.append(static_cast<quint8>(payload.at(b)));
        values.append(decodeField(f, raw, timestampMs));
        fields.append(i);
    }
    Positions pos;
    fillPositions(map, fields, &pos);
    applyRelations(map, values, fields, pos);
    return inFileOrder(values, pos);
}

std::optional<QList<quint16>> encodeField(const FieldDef &field, const QVariant &cooked,
                                          QString *error) {
    const auto fail = [&](const QString &why) -> std::optional<QList<quint16>> {
        if (error)
            *error = QStringLiteral("%1: %2").arg(field.key, why);
        return std::nullopt;
    };
    if (field.isDerived())
        return fail(QStringLiteral("a derived value has no registers"));

    const bool bytes = field.type == FieldType::S24 || field.type == FieldType::U24 ||
                       (field.type != FieldType::Ascii && field.words > 2) ||
                       (field.words == 2 && typeBits(encodingOf(field)) == 16);
    if (field.type == FieldType::Ascii) {
        const QByteArray text = cooked.toString().toLatin1();
        if (text.size() > 2 * field.words)
            return fail(QStringLiteral("text longer than %1 characters").arg(2 * field.words));
        QByteArray padded = text;
        padded.append(2 * field.words - text.size(), '\0');
        QList<quint16> words;
        for (int i = 0; i < field.words; ++i)
            words.append(static_cast<quint16>((static_cast<quint8>(padded.at(2 * i)) << 8) |
                                              static_cast<quint8>(padded.at(2 * i + 1))));
        return words;
    }

    qint64 n = 0;
    bool ok = false;
    switch (field.type) {
    case FieldType::Enum: {
        const QString name = cooked.toString();
        for (auto it = field.enumValues.cbegin(); it != field.enumValues.cend(); ++it) {
            if (it.value() == name) {
                n = it.key();
                ok = true;
            }
        }
        if (!ok) {
            const int number = cooked.toInt(&ok);
            if (!ok || !field.enumValues.contains(number))
                return fail(QStringLiteral("'%1' is not one of the choices").arg(name));
            n = number;
        }
        break;
    }
    case FieldType::Bits: {
        if (cooked.typeId() == QMetaType::QStringList ||
            cooked.typeId() == QMetaType::QVariantList) {
            for (const QString &name : cooked.toStringList()) {
                const int bit = field.bits.key(name, -1);
                if (bit < 0)
                    return fail(QStringLiteral("unknown flag '%1'").arg(name));
                n |= qint64(1) << bit;
            }
        } else {
            n = cooked.toLongLong(&ok);
            if (!ok)
                return fail(QStringLiteral("not a flag list or number"));
        }
        break;
    }
    default:
        if (field.format == FieldFormat::Hex) {
            n = cooked.toString().toLongLong(&ok, 16);
            if (!ok)
                return fail(QStringLiteral("'%1' is not hex").arg(cooked.toString()));
        } else if (field.format == FieldFormat::Version) {
            const QStringList parts = cooked.toString().mid(1).split(QLatin1Char('.'));
            if (parts.size() != 3 || !cooked.toString().startsWith(QLatin1Char('V')))
                return fail(QStringLiteral("'%1' is not Vaa.bb.cc").arg(cooked.toString()));
            for (const QString &p : parts)
                n = (n << 8) | (p.toInt() & 0xFF);
        } else {
            const double x = cooked.toDouble(&ok);
            if (!ok || !std::isfinite(x))
                return fail(QStringLiteral("'%1' is not a number").arg(cooked.toString()));
            if (field.min && x < *field.min - 1e-9)
                return fail(QStringLiteral("%1 is below the minimum %2").arg(x).arg(*field.min));
            if (field.max && x > *field.max + 1e-9)
                return fail(QStringLiteral("%1 is above the maximum %2").arg(x).arg(*field.max));
            n = std::llround(x / field.scale);
        }
        break;
    }

    // Range of the encoding, then place the integer where the field's bits are.
    const FieldType enc = encodingOf(field);
    qint64 lo = 0;
    qint64 hi = 0xFFFF;
    switch (enc) {
    case FieldType::S16:
        lo = -32768;
        hi = 32767;
        break;
    case FieldType::U32:
        hi = 0xFFFFFFFFLL;
        break;
    case FieldType::S32:
        lo = -2147483648LL;
        hi = 2147483647LL;
        break;
    case FieldType::S24:
        lo = -0x800000;
        hi = 0x7FFFFF;
        break;
    case FieldType::U24:
        hi = 0xFFFFFF;
        break;
    case FieldType::U8Hi:
    case FieldType::U8Lo:
        hi = 0xFF;
        break;
    case FieldType::SignMag8Hi:
    case FieldType::SignMag8Lo:
        lo = -127;
        hi = 127;
        break;
    default:
        break;
    }
    if (field.mask) {
        lo = 0;
        hi = field.mask >> std::countr_zero(field.mask);
    }
    if (n < lo || n > hi)
        return fail(
            QStringLiteral("raw %1 does not fit the encoding (%2..%3)").arg(n).arg(lo).arg(hi));

    quint64 u = 0;
    if (enc == FieldType::SignMag8Hi || enc == FieldType::SignMag8Lo)
        u = n < 0 ? (0x80u | static_cast<quint64>(-n)) : static_cast<quint64>(n);
    else
        u = static_cast<quint64>(n) & ((quint64(1) << typeBits(enc)) - 1);
    if (field.mask)
        u <<= std::countr_zero(field.mask);
    if (enc == FieldType::U8Hi || enc == FieldType::SignMag8Hi)
        u <<= 8;

    QList<quint16> words;
    const int per = bytes ? 8 : 16;
    for (int i = field.words - 1; i >= 0; --i)
        words.prepend(
            static_cast<quint16>((u >> (per * (field.words - 1 - i))) & (bytes ? 0xFFu : 0xFFFFu)));
    return words;
}

} // namespace blupow::RegisterDecoder

namespace blupow {

bool LogRow::complete() const {
    return std::none_of(values.cbegin(), values.cend(),
                        [](const DecodedValue &v) { return v.quality == Quality::Stale; });
}

bool LogRow::empty() const {
    return complete() && std::all_of(values.cbegin(), values.cend(), [](const DecodedValue &v) {
               return std::all_of(v.raw.cbegin(), v.raw.cend(), [](quint16 w) { return w == 0; });
           });
}

} // namespace blupow
