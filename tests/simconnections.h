#pragma once

// Shared by the tests that connect through a ConnectionManager the way the GUI does: every
// simulated device reachable by its `sim:` address, over a fast simulated link.

#include "device/connectionmanager.h"
#include "sim/simulateddevices.h"
#include "sim/simulatedtransport.h"

#include <memory>

namespace blupow::testing {

inline std::unique_ptr<ConnectionManager> simulatedConnections(const RegisterMaps &maps,
                                                               int pollIntervalMs) {
    DeviceSession::Options options;
    options.pollIntervalMs = pollIntervalMs;
    return std::make_unique<ConnectionManager>(
        [maps](const DiscoveredDevice &d) -> std::unique_ptr<Transport> {
            auto t = SimulatedDevices::makeTransport(d, maps);
            if (t)
                t->setLatency(SimulatedTransport::Latency::fast());
            return t;
        },
        maps, options);
}

} // namespace blupow::testing
