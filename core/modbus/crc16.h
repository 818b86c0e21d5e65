#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace blupow::modbus {

// CRC-16/MODBUS: reflected polynomial 0xA001, init 0xFFFF, no final XOR (docs/protocol.md 5.7).
[[nodiscard]] quint16 crc16(QByteArrayView data) noexcept;

// Appends the CRC low byte first, as every Renogy device expects; high-byte-first makes a REGO
// inverter answer exception 0x05 (docs/protocol.md 5.7, the blupow pitfall).
void appendCrc(QByteArray &frame);

// True when the last two bytes are the CRC of everything before them.
[[nodiscard]] bool hasValidCrc(QByteArrayView frame) noexcept;

} // namespace blupow::modbus
