#pragma once

#include <QMetaType>

namespace blupow {

// The health of one link as the Link health panel, `monitor` and the bridge report it. ModbusClient
// counts the request outcomes; the session adds reconnects, cycles and the signal strength.
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
    // Values the device did send but that are outside their field's plausible range (a 65535 %
    // state of charge): shown as invalid, never published, and counted here because they say the
    // link or the device's firmware delivered garbage.
    quint64 invalidValues = 0;
    quint64 cycles = 0;
    double lastCycleMs = 0;
    int rssi = 0; // dBm, 0 = unknown
};

} // namespace blupow

Q_DECLARE_METATYPE(blupow::LinkStatistics)
