#include "crc16.h"

#include <array>

namespace blupow::modbus {

namespace {

// kTables[0] is the classic byte-at-a-time table; kTables[1][i] is the CRC contribution of byte i
// followed by one zero byte, so two bytes are folded in with two independent look-ups
// (slicing-by-2: T0[a ^ b] = T0[a] ^ T0[b] as the CRC is linear).
using Table = std::array<quint16, 256>;

constexpr std::array<Table, 2> makeTables() {
    std::array<Table, 2> tables{};
    for (unsigned i = 0; i < 256; ++i) {
        unsigned crc = i;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 1u) ? (crc >> 1) ^ 0xA001u : crc >> 1;
        tables[0][i] = static_cast<quint16>(crc);
    }
    for (unsigned i = 0; i < 256; ++i)
        tables[1][i] = static_cast<quint16>((tables[0][i] >> 8) ^ tables[0][tables[0][i] & 0xFFu]);
    return tables;
}

constexpr auto kTables = makeTables();

} // namespace

quint16 crc16(QByteArrayView data) noexcept {
    unsigned crc = 0xFFFF;
    const char *p = data.data();
    qsizetype n = data.size();
    for (; n >= 2; n -= 2, p += 2) {
        const unsigned x = crc ^ (static_cast<quint8>(p[0]) |
                                  (static_cast<unsigned>(static_cast<quint8>(p[1])) << 8));
        crc = kTables[1][x & 0xFFu] ^ kTables[0][x >> 8];
    }
    if (n)
        crc = (crc >> 8) ^ kTables[0][(crc ^ static_cast<quint8>(*p)) & 0xFFu];
    return static_cast<quint16>(crc);
}

void appendCrc(QByteArray &frame) {
    const quint16 crc = crc16(frame);
    frame.append(static_cast<char>(crc & 0xFF));
    frame.append(static_cast<char>(crc >> 8));
}

bool hasValidCrc(QByteArrayView frame) noexcept {
    if (frame.size() < 3)
        return false;
    const qsizetype n = frame.size() - 2;
    const quint16 crc = crc16(frame.first(n));
    return static_cast<quint8>(frame[n]) == (crc & 0xFF) &&
           static_cast<quint8>(frame[n + 1]) == (crc >> 8);
}

} // namespace blupow::modbus
