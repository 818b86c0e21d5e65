#include "registerdecoder.h"

#include <QStringList>

#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

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

// The raw words (one byte per entry in the shunt payload) folded big-endian into one integer:
// 32-bit values are high word first (protocol.md 5.8).
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
qint64 integerOf(const FieldDef &f, quint64 v) {
    const FieldType enc = encodingOf(f);
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
    if (f.mask)
        v = (v & f.mask) >> std::countr_zero(f.mask);
    switch (enc) {
    case FieldType::S16:
        return static_cast<qint16>(static_cast<quint16>(v));
    case FieldType::S32:
        return static_cast<qint32>(static_cast<quint32>(v));
    case FieldType::S24:
        return (v & 0x800000u) ? static_cast<qint64>(v) - 0x1000000 : static_cast<qint64>(v);
    case FieldType::SignMag8Hi:
    case FieldType::SignMag8Lo:
        // bit 7 = minus, bits 0-6 = magnitude (protocol.md 5.8, controller temperatures)
        return (v & 0x80) ? -static_cast<qint64>(v & 0x7F) : static_cast<qint64>(v & 0x7F);
    default:
        return static_cast<qint64>(v);
    }
}

// Dividing by 10 rather than multiplying by 0.1 keeps 123 -> 12.3 exact as a double.
double applyScale(double raw, double scale) {
    const double inverse = 1.0 / scale;
    const double rounded = std::round(inverse);
    if (rounded >= 2 && std::abs(inverse - rounded) < 1e-9)
        return raw / rounded;
    return raw * scale;
}

int decimalsOf(double scale) {
    int d = 0;
    while (d < 6 &&
           std::abs(scale * std::pow(10.0, d) - std::round(scale * std::pow(10.0, d))) > 1e-9)
        ++d;
    return d;
}

QString asciiOf(const QList<quint16> &raw) {
    QByteArray bytes;
    bytes.reserve(2 * raw.size());
    for (const quint16 w : raw) {
        bytes.append(static_cast<char>(w >> 8));
        bytes.append(static_cast<char>(w & 0xFF));
    }
    // Leading spaces occur ("  RNG-CTRL-RVR40", protocol-open-questions D.28); NUL or space pad.
    qsizetype begin = 0;
    qsizetype end = bytes.size();
    const auto pad = [](char c) { return c == ' ' || c == '\0'; };
    while (begin < end && pad(bytes.at(begin)))
        ++begin;
    while (end > begin && pad(bytes.at(end - 1)))
        --end;
    return QString::fromLatin1(bytes.constData() + begin, end - begin);
}

DecodedValue skeleton(const FieldDef &field, qint64 timestampMs) {
    DecodedValue v;
    v.key = field.key;
    v.label = field.label;
    v.unit = field.unit;
    v.group = field.group;
    v.reg = field.reg;
    v.wordCount = field.words;
    v.decimals = field.decimals;
    v.timestampMs = timestampMs;
    return v;
}

// Decoded values with the index of their field, for the checks that relate fields.
struct Entry {
    int field;
    DecodedValue value;
};

void appendBlock(const RegisterMap &map, const RegisterBlock &block, std::vector<Entry> *out) {
    const QList<FieldDef> &fields = map.fields();
    const QList<int> &order = map.byRegister();
    const int first = block.start;
    const int last = block.start + static_cast<int>(block.words.size()) - 1;
    auto it = std::lower_bound(order.begin(), order.end(), first,
                               [&fields](int i, int reg) { return fields.at(i).reg < reg; });
    for (; it != order.end(); ++it) {
        const FieldDef &f = fields.at(*it);
        if (f.reg > last)
            break;
        // Wholly inside, or not at all: never read a field's tail from the CRC (protocol.md 5.9).
        if (f.lastReg() > last)
            continue;
        out->push_back(
            {*it, decodeField(f, block.words.mid(f.reg - first, f.words), block.timestampMs)});
    }
}

const Entry *findEntry(const std::vector<Entry> &entries, int field) {
    for (const Entry &e : entries)
        if (e.field == field)
            return &e;
    return nullptr;
}

void applyCounts(const RegisterMap &map, std::vector<Entry> *entries) {
    for (Entry &e : *entries) {
        const FieldDef &f = map.fields().at(e.field);
        if (f.countKey.isEmpty() || e.value.quality != Quality::Good)
            continue;
        const Entry *count = findEntry(*entries, f.countField);
        if (!count || count->value.quality != Quality::Good)
            continue; // the count was not read with it: nothing to judge by
        const double n = count->value.value.toDouble();
        if (n < f.countIndex) {
            e.value.quality = Quality::Invalid;
            e.value.note = QStringLiteral("not present: ") + f.countKey + QStringLiteral(" is ") +
                           QString::number(static_cast<qint64>(n)) +
                           QStringLiteral(" (protocol-open-questions F.40)");
        }
    }
}

void applyScaleRules(const RegisterMap &map, std::vector<Entry> *entries) {
    for (const ScaleRule &rule : map.scaleRules()) {
        const Entry *ref = findEntry(*entries, rule.referenceIndex);
        if (!ref || ref->value.quality != Quality::Good || ref->value.value.toDouble() <= 0)
            continue;
        const double pack = ref->value.value.toDouble();
        std::vector<Entry *> cells;
        double rawSum = 0;
        for (const int index : rule.fieldIndex) {
            for (Entry &e : *entries) {
                if (e.field == index && e.value.quality == Quality::Good) {
                    const FieldDef &f = map.fields().at(index);
                    rawSum += static_cast<double>(integerOf(f, foldRaw(f, e.value.raw)));
                    cells.push_back(&e);
                }
            }
        }
        if (cells.empty())
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
        const QString unit = ref->value.unit;
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
        for (Entry *e : cells) {
            const FieldDef &f = map.fields().at(e->field);
            const double scale = fits ? best : f.scale;
            e->value.value =
                applyScale(static_cast<double>(integerOf(f, foldRaw(f, e->value.raw))), scale);
            e->value.decimals = std::max(f.decimals, decimalsOf(scale));
            e->value.note = note;
        }
    }
}

void applyDerived(const RegisterMap &map, std::vector<Entry> *entries) {
    const QList<FieldDef> &fields = map.fields();
    for (const FieldDef &f : fields) {
        if (!f.isDerived())
            continue;
        const Entry *a = findEntry(*entries, f.derivedFromIndex.at(0));
        const Entry *b = findEntry(*entries, f.derivedFromIndex.at(1));
        if (!a || !b)
            continue;
        DecodedValue v = skeleton(f, std::max(a->value.timestampMs, b->value.timestampMs));
        const double x = a->value.value.toDouble();
        const double y = b->value.value.toDouble();
        if (a->value.quality != Quality::Good || b->value.quality != Quality::Good) {
            v.quality = Quality::Invalid;
            v.note = QStringLiteral("an operand is not good");
        } else {
            switch (f.derivedOp) {
            case DerivedOp::Percent:
                if (y <= 0) {
                    v.quality = Quality::Invalid;
                    v.note = QStringLiteral("%1 is 0").arg(f.derivedFrom.at(1));
                } else {
                    v.value = x / y * 100.0 * f.scale;
                }
                break;
            case DerivedOp::Product:
                v.value = x * y * f.scale;
                break;
            case DerivedOp::Sum:
                v.value = (x + y) * f.scale;
                break;
            case DerivedOp::Difference:
                v.value = (x - y) * f.scale;
                break;
            case DerivedOp::None:
                break;
            }
        }
        entries->push_back({f.index, std::move(v)});
    }
}

DecodedValues finish(const RegisterMap &map, std::vector<Entry> &entries, bool fileOrder) {
    applyCounts(map, &entries);
    if (!map.scaleRules().isEmpty())
        applyScaleRules(map, &entries);
    applyDerived(map, &entries);
    if (fileOrder)
        std::stable_sort(entries.begin(), entries.end(),
                         [](const Entry &a, const Entry &b) { return a.field < b.field; });
    DecodedValues out;
    out.reserve(static_cast<qsizetype>(entries.size()));
    for (Entry &e : entries)
        out.append(std::move(e.value));
    return out;
}

} // namespace

DecodedValue decodeField(const FieldDef &field, const QList<quint16> &raw, qint64 timestampMs) {
    DecodedValue v = skeleton(field, timestampMs);
    v.raw = raw;
    if (raw.size() != field.words || field.isDerived()) {
        v.quality = Quality::Invalid;
        v.note = QStringLiteral("expected %1 words, got %2").arg(field.words).arg(raw.size());
        return v;
    }
    if (field.type == FieldType::Ascii) {
        v.value = asciiOf(raw);
        return v;
    }
    const quint64 folded = foldRaw(field, raw);
    if (field.absentRaw && folded == *field.absentRaw) {
        v.quality = Quality::Invalid;
        v.note = QStringLiteral("no sensor (raw 0x%1)").arg(folded, 4, 16, QLatin1Char('0'));
        return v;
    }
    const qint64 n = integerOf(field, folded);
    switch (field.type) {
    case FieldType::Enum: {
        const auto it = field.enumValues.constFind(static_cast<int>(n));
        if (it == field.enumValues.cend()) {
            v.value = QStringLiteral("unknown %1").arg(n);
            v.quality = Quality::Invalid;
            v.note = QStringLiteral("value %1 is not in the enum table").arg(n);
        } else {
            v.value = it.value();
        }
        return v;
    }
    case FieldType::Bits: {
        QStringList set;
        for (auto it = field.bits.cbegin(); it != field.bits.cend(); ++it)
            if ((static_cast<quint64>(n) >> it.key()) & 1u)
                set.append(it.value());
        v.value = set;
        return v;
    }
    default:
        break;
    }
    switch (field.format) {
    case FieldFormat::Hex:
        v.value =
            QStringLiteral("%1")
                .arg(static_cast<quint64>(n), 2 * static_cast<int>(typeBits(encodingOf(field)) / 8),
                     16, QLatin1Char('0'))
                .toUpper();
        return v;
    case FieldFormat::Version: {
        const auto u = static_cast<quint64>(n);
        v.value = QStringLiteral("V%1.%2.%3")
                      .arg((u >> 16) & 0xFF, 2, 10, QLatin1Char('0'))
                      .arg((u >> 8) & 0xFF, 2, 10, QLatin1Char('0'))
                      .arg(u & 0xFF, 2, 10, QLatin1Char('0'));
        return v;
    }
    case FieldFormat::Number:
        break;
    }
    const double cooked = applyScale(static_cast<double>(n), field.scale);
    v.value = cooked;
    if ((field.plausibleMin && cooked < *field.plausibleMin) ||
        (field.plausibleMax && cooked > *field.plausibleMax)) {
        v.quality = Quality::Invalid;
        v.note = QStringLiteral("implausible: outside %1..%2")
                     .arg(*field.plausibleMin)
                     .arg(*field.plausibleMax);
    }
    return v;
}

DecodedValues decodeBlock(const RegisterMap &map, const RegisterBlock &block) {
    std::vector<Entry> entries;
    entries.reserve(16);
    appendBlock(map, block, &entries);
    if (!map.hasRelations()) {
        DecodedValues out;
        out.reserve(static_cast<qsizetype>(entries.size()));
        for (Entry &e : entries)
            out.append(std::move(e.value));
        return out;
    }
    return finish(map, entries, false);
}

DecodedValues decodeCycle(const RegisterMap &map, const QList<RegisterBlock> &blocks) {
    std::vector<Entry> entries;
    for (const RegisterBlock &b : blocks) {
        std::vector<Entry> one;
        appendBlock(map, b, &one);
        for (Entry &e : one) {
            // A field read twice in one cycle keeps the later reading.
            auto same = std::find_if(entries.begin(), entries.end(),
                                     [&e](const Entry &x) { return x.field == e.field; });
            if (same != entries.end())
                *same = std::move(e);
            else
                entries.push_back(std::move(e));
        }
    }
    return finish(map, entries, true);
}

DecodedValues decodePayload(const RegisterMap &map, QByteArrayView payload, qint64 timestampMs) {
    // Some stacks put a 4-byte `61 d2 xx xx` prefix before the frame (protocol.md 6.5); other
    // frame types (`42 57 01 0b`, history) carry none of these fields.
    const QByteArray prefix = map.payloadPrefix();
    if (!prefix.isEmpty() && payload.startsWith(prefix) &&
        payload.size() > map.payloadPrefixLength())
        payload = payload.sliced(map.payloadPrefixLength());
    if (!payload.startsWith(map.payloadHeader()))
        return {};
    std::vector<Entry> entries;
    for (const int i : map.byRegister()) {
        const FieldDef &f = map.fields().at(i);
        if (f.lastReg() >= payload.size())
            continue;
        QList<quint16> raw;
        raw.reserve(f.words);
        for (int b = f.reg; b <= f.lastReg(); ++b)
            raw.append(static_cast<quint8>(payload.at(b)));
        entries.push_back({i, decodeField(f, raw, timestampMs)});
    }
    return finish(map, entries, true);
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
