#include "historyblock.h"

namespace blupow {

namespace {

constexpr char kPlain = 1;
constexpr char kZlib = 2;

void putVarint(QByteArray &out, quint64 v) {
    while (v >= 0x80) {
        out.append(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.append(static_cast<char>(v));
}

void putSigned(QByteArray &out, qint64 v) {
    putVarint(out, (static_cast<quint64>(v) << 1) ^ static_cast<quint64>(v >> 63));
}

class Reader {
public:
    explicit Reader(const QByteArray &bytes)
        : m_bytes(bytes) {}
    [[nodiscard]] bool atEnd() const { return m_pos >= m_bytes.size(); }
    std::optional<quint64> varint() {
        quint64 v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (atEnd())
                return std::nullopt;
            const auto byte = static_cast<quint8>(m_bytes.at(m_pos++));
            v |= quint64(byte & 0x7f) << shift;
            if ((byte & 0x80) == 0)
                return v;
        }
        return std::nullopt;
    }
    std::optional<qint64> signedVarint() {
        const auto v = varint();
        if (!v)
            return std::nullopt;
        return static_cast<qint64>((*v >> 1) ^ (~(*v & 1) + 1));
    }

private:
    const QByteArray &m_bytes;
    qsizetype m_pos = 0;
};

} // namespace

QByteArray encodeMinuteBlock(const QList<MinuteAggregate> &minutes) {
    QByteArray plain;
    plain.reserve(minutes.size() * 6);
    int previousMinute = -1;
    qint64 previousMin = 0;
    for (const MinuteAggregate &m : minutes) {
        putVarint(plain, static_cast<quint64>(m.minute - previousMinute - 1));
        putVarint(plain, static_cast<quint64>(m.count));
        putSigned(plain, m.min - previousMin);
        putSigned(plain, m.mean10 - m.min * 10);
        putSigned(plain, m.max - m.min);
        previousMinute = m.minute;
        previousMin = m.min;
    }
    const QByteArray packed = qCompress(plain, 9);
    if (packed.size() + 1 < plain.size() + 1 && plain.size() > 32)
        return QByteArray(1, kZlib) + packed;
    return QByteArray(1, kPlain) + plain;
}

std::optional<QList<MinuteAggregate>> decodeMinuteBlock(const QByteArray &bytes) {
    if (bytes.isEmpty())
        return std::nullopt;
    QByteArray plain;
    if (bytes.at(0) == kPlain)
        plain = bytes.mid(1);
    else if (bytes.at(0) == kZlib) {
        plain = qUncompress(bytes.mid(1));
        if (plain.isEmpty())
            return std::nullopt; // never written so: an empty block is stored plain
    } else
        return std::nullopt;
    QList<MinuteAggregate> out;
    Reader in(plain);
    int minute = -1;
    qint64 min = 0;
    while (!in.atEnd()) {
        const auto skip = in.varint();
        const auto count = in.varint();
        const auto dMin = in.signedVarint();
        const auto dMean = in.signedVarint();
        const auto dMax = in.signedVarint();
        if (!skip || !count || !dMin || !dMean || !dMax || *skip > 59)
            return std::nullopt;
        minute += static_cast<int>(*skip) + 1;
        if (minute > 59)
            return std::nullopt;
        min += *dMin;
        out.append({minute, min, min * 10 + *dMean, min + *dMax, static_cast<qint64>(*count)});
    }
    return out;
}

} // namespace blupow
