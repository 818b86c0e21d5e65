#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <QVariant>

namespace blupow {

// Good: read and decoded in this cycle. Stale: not read in the latest cycle (timeout, exception,
// link down); the value shown is the last good one with its age. Invalid: read, but implausible
// or not present (a cell beyond the cell count, the 0x8000 "no sensor" sentinel). Only Good values
// are ever published as fresh.
enum class Quality : quint8 { Good, Stale, Invalid };

struct DecodedValue {
    QString key; // stable snake_case; the MQTT / Home Assistant key
    QString label;
    QString unit;  // spelled as Home Assistant accepts it ("°C", "V", "Wh")
    QString group; // battery, pv, load, ac, status, faults, identity, settings
    int reg = -1;  // first register (byte offset for the shunt's notification payload)
    int wordCount = 1;
    QList<quint16> raw; // the words exactly as received
    // Cooked value: double for numbers, QString for text and enum names, QStringList for the
    // flags of a bit field that are set.
    QVariant value;
    int decimals = 0;
    Quality quality = Quality::Good;
    qint64 timestampMs = 0; // when the words were received
    QString note;           // why a value is Invalid, or what a plausibility check chose

    [[nodiscard]] bool isNumeric() const { return value.typeId() == QMetaType::Double; }
    // "14.4 V", "boost", "charge MOSFET on, discharge MOSFET on", "-" for nothing set.
    [[nodiscard]] QString displayText() const;
    // "0x0090" or "0x0001 0x0230" for multi-word values.
    [[nodiscard]] QString rawHex() const;
};

using DecodedValues = QList<DecodedValue>;

[[nodiscard]] QString qualityName(Quality quality);

} // namespace blupow

Q_DECLARE_METATYPE(blupow::DecodedValue)
Q_DECLARE_METATYPE(blupow::DecodedValues)
