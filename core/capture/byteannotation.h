#pragma once

#include <QList>
#include <QString>

namespace blupow {

// One labelled byte range of a Modbus frame (docs/protocol.md 5.1-5.5): what the frames panel shows
// under a selected frame, and what it highlights in the hex view.
struct ByteAnnotation {
    enum class Kind {
        Slave,
        Function,
        Address,
        Count,
        ByteCount,
        Value,
        ExceptionCode,
        Crc,
        Extra
    };

    int offset = 0;
    int length = 1;
    Kind kind = Kind::Extra;
    QString title;  // "slave id", "function", "register 0x0101", "CRC"
    QString text;   // "0xff", "0x03 read holding registers", "battery_voltage 14.4 V"
    QString key;    // register field key, empty for framing bytes
    QString label;  // register field label
    int reg = -1;   // first register covered, -1 for framing bytes
    QString raw;    // "0x0090"
    QString value;  // cooked value with unit, as the register map decodes it
    bool ok = true; // false: bad CRC, exception, bytes that were not expected

    [[nodiscard]] int end() const { return offset + length; }
    [[nodiscard]] bool contains(int byte) const { return byte >= offset && byte < end(); }
};

using ByteAnnotations = QList<ByteAnnotation>;

} // namespace blupow
