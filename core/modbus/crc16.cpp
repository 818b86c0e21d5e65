#include "crc16.h"

#include <array>

namespace blupow::modbus {

namespace {

constexpr std::array<quint16, 256> makeTable() {
    std::array<quint16, 256> table{};
    for (unsigned i = 0; i < 256; ++i) {
        unsigned crc = i;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 1u) ? (crc >> 1) ^ 0xA001u : crc >> 1;
        table[i] = static_cast<quint16>(crc);
    }
    return table;
}

constexpr auto kTable = makeTable();

} // namespace

quint16 crc16(QByteArrayView data) noexcept {
    unsigned crc = 0xFFFF;
    for (const char c : data)
        crc = (crc >> 8) ^ kTable[(crc ^ static_cast<quint8>(c)) & 0xFFu];
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
