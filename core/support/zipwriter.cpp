#include "zipwriter.h"

#include <QtEndian>

#include <array>

namespace blupow {

namespace {

void put16(QByteArray &out, quint16 v) {
    std::array<char, 2> b{};
    qToLittleEndian(v, b.data());
    out.append(b.data(), 2);
}

void put32(QByteArray &out, quint32 v) {
    std::array<char, 4> b{};
    qToLittleEndian(v, b.data());
    out.append(b.data(), 4);
}

constexpr std::array<quint32, 256> kCrcTable = [] {
    std::array<quint32, 256> t{};
    for (quint32 i = 0; i < 256; ++i) {
        quint32 c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        t[i] = c;
    }
    return t;
}();

constexpr quint16 kVersion = 20;        // 2.0: stored entries
constexpr quint16 kFlagUtf8 = 1u << 11; // names are UTF-8

} // namespace

quint32 ZipWriter::crc32(const QByteArray &data) {
    quint32 c = 0xFFFFFFFFu;
    for (const char ch : data)
        c = kCrcTable[(c ^ static_cast<quint8>(ch)) & 0xFFu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

void ZipWriter::add(const QString &name, const QByteArray &data, const QDateTime &modified) {
    Entry e;
    e.name = name.toUtf8();
    e.data = data;
    // MS-DOS time: local time, 2-second steps, years from 1980.
    const QDateTime t = modified.toLocalTime();
    const int year = std::max(1980, t.date().year());
    e.dosDate =
        static_cast<quint16>(((year - 1980) << 9) | (t.date().month() << 5) | t.date().day());
    e.dosTime = static_cast<quint16>((t.time().hour() << 11) | (t.time().minute() << 5) |
                                     (t.time().second() / 2));
    m_entries.append(e);
}

QStringList ZipWriter::names() const {
    QStringList out;
    for (const Entry &e : m_entries)
        out.append(QString::fromUtf8(e.name));
    return out;
}

QByteArray ZipWriter::finish() const {
    QByteArray out;
    QByteArray central;
    for (const Entry &e : m_entries) {
        const auto offset = static_cast<quint32>(out.size());
        const quint32 crc = crc32(e.data);
        const auto size = static_cast<quint32>(e.data.size());
        const auto nameLength = static_cast<quint16>(e.name.size());
        // The fields the local header and the central directory share, from "version needed"
        // to "extra field length".
        const auto shared = [&](QByteArray &to) {
            put16(to, kVersion);
            put16(to, kFlagUtf8);
            put16(to, 0); // stored
            put16(to, e.dosTime);
            put16(to, e.dosDate);
            put32(to, crc);
            put32(to, size);
            put32(to, size);
            put16(to, nameLength);
            put16(to, 0); // extra
        };
        put32(out, 0x04034b50);
        shared(out);
        out.append(e.name);
        out.append(e.data);

        put32(central, 0x02014b50);
        put16(central, (3u << 8) | kVersion); // made by: Unix
        shared(central);
        put16(central, 0);              // comment
        put16(central, 0);              // disk
        put16(central, 0);              // internal attributes
        put32(central, 0100644u << 16); // -rw-r--r--
        put32(central, offset);
        central.append(e.name);
    }
    const auto centralOffset = static_cast<quint32>(out.size());
    out.append(central);
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, static_cast<quint16>(m_entries.size()));
    put16(out, static_cast<quint16>(m_entries.size()));
    put32(out, static_cast<quint32>(central.size()));
    put32(out, centralOffset);
    put16(out, 0);
    return out;
}

} // namespace blupow
