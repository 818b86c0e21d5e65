#pragma once

// Shared by the configuration tests: a polling session on one simulated model that counts the
// write frames the transport actually sent.

#include "device/devicesession.h"
#include "sim/simulatedtransport.h"
#include "simtesthelpers.h"

#include <QSignalSpy>

#include <memory>

namespace blupow::testing {

struct ConfigRig {
    std::unique_ptr<SimulatedTransport> transport;
    std::unique_ptr<DeviceSession> session;
    int writeFrames = 0; // 0x06 / 0x10 frames written to the link

    bool create(const QString &model) {
        auto sim = simulatorFor(model);
        if (!sim)
            return false;
        transport = std::make_unique<SimulatedTransport>(std::move(*sim));
        transport->setLatency(SimulatedTransport::Latency::fast());
        DeviceSession::Options o;
        o.pollIntervalMs = 50;
        // No faults here: no timeout is meant to fire, so none may race a reply.
        o.requestTimeoutMs = kNeverRacedTimeoutMs;
        o.probeTimeoutMs = kNeverRacedTimeoutMs;
        o.maxRetries = 1;
        o.randomSeed = 5;
        session = std::make_unique<DeviceSession>(transport.get(), builtInMaps(), o);
        QObject::connect(transport.get(), &Transport::bytesWritten, transport.get(),
                         [this](const QByteArray &frame, qint64) {
                             if (frame.size() > 1 && (frame.at(1) == 0x06 || frame.at(1) == 0x10))
                                 ++writeFrames;
                         });
        return true;
    }

    // Started and polling (identified, map chosen).
    [[nodiscard]] bool startPolling() {
        session->start();
        return QTest::qWaitFor([this] { return session->state() == DeviceSession::State::Polling; },
                               10000);
    }

    [[nodiscard]] DeviceSimulator &sim() { return transport->simulator(); }

    [[nodiscard]] QList<quint16> words(int reg, int count = 1) {
        return sim()
            .registers(static_cast<quint16>(reg), static_cast<quint16>(count),
                       transport->nowEpochMs())
            .value_or(QList<quint16>());
    }
};

} // namespace blupow::testing

#define BLUPOW_REQUIRE_RIG(rig, model)                                                             \
    blupow::testing::ConfigRig rig;                                                                \
    if (!rig.create(blupow::testing::modelName(model)))                                            \
        QFAIL("no register map for this simulator model in this build");                           \
    QVERIFY(rig.startPolling())
