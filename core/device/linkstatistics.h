#pragma once

#include <QMetaType>

namespace blupow {

struct LinkStatistics {
    double lastRoundTripMs = 0;
    double meanRoundTripMs = 0; // over the last 100 requests that were answered
    double successRate = 1.0;   // 0..1 over the last 100 requests
    quint64 requests = 0;
    quint64 crcErrors = 0;
    quint64 timeouts = 0;
    quint64 exceptions = 0;
    quint64 protocolErrors = 0; // wrong slave, wrong function, byte count, echo
    quint64 reconnects = 0;
    quint64 droppedBytes = 0;
    quint64 cycles = 0;
    double lastCycleMs = 0;
    int rssi = 0; // dBm, 0 = unknown
};

} // namespace blupow

Q_DECLARE_METATYPE(blupow::LinkStatistics)
