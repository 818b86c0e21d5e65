#pragma once

#include "modbus/linkstatistics.h"

#include <QJsonObject>

namespace blupow {

// As `read --json`, `monitor --json` and the support bundle write it.
[[nodiscard]] QJsonObject linkStatisticsToJson(const LinkStatistics &statistics);

} // namespace blupow
