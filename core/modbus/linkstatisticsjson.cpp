#include "linkstatisticsjson.h"

namespace blupow {

QJsonObject linkStatisticsToJson(const LinkStatistics &s) {
    return QJsonObject{
        {QStringLiteral("rtt_ms"), s.lastRoundTripMs},
        {QStringLiteral("mean_rtt_ms"), s.meanRoundTripMs},
        {QStringLiteral("success_rate"), s.successRate},
        {QStringLiteral("requests"), static_cast<double>(s.requests)},
        {QStringLiteral("timeouts"), static_cast<double>(s.timeouts)},
        {QStringLiteral("crc_errors"), static_cast<double>(s.crcErrors)},
        {QStringLiteral("exceptions"), static_cast<double>(s.exceptions)},
        {QStringLiteral("protocol_errors"), static_cast<double>(s.protocolErrors)},
        {QStringLiteral("reconnects"), static_cast<double>(s.reconnects)},
        {QStringLiteral("dropped_bytes"), static_cast<double>(s.droppedBytes)},
        {QStringLiteral("invalid_values"), static_cast<double>(s.invalidValues)},
        {QStringLiteral("cycles"), static_cast<double>(s.cycles)},
        {QStringLiteral("cycle_ms"), s.lastCycleMs},
        {QStringLiteral("rssi"), s.rssi},
    };
}

} // namespace blupow
