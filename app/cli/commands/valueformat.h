#pragma once

#include "device/deviceidentity.h"
#include "modbus/linkstatistics.h"
#include "registers/decodedvalue.h"

#include <QJsonArray>
#include <QJsonObject>

namespace blupow::cli {

// JSON spellings shared by read, monitor (and the bridge's logs): stable keys, numbers as numbers.
[[nodiscard]] QJsonObject valueToJson(const DecodedValue &value);
[[nodiscard]] QJsonArray valuesToJson(const DecodedValues &values);
[[nodiscard]] QJsonObject identityToJson(const DeviceIdentity &identity);
// One device's reading as `read --json` prints it: device, family, model, slave_id, values, link.
[[nodiscard]] QJsonObject readingToJson(const DeviceIdentity &identity, const DecodedValues &values,
                                        const LinkStatistics &statistics);
// "14.4 V", "RIV1230RCH-SPS", "stale 14.4 V" for people.
[[nodiscard]] QString valueToText(const DecodedValue &value);

} // namespace blupow::cli
