#pragma once

// Shared by the simulator, transport, session and GUI tests: a simulator for one built-in model,
// and a connection manager that reaches the simulated devices over a fast simulated link.

#include "device/connectionmanager.h"
#include "sim/devicesimulator.h"
#include "sim/scenarios.h"
#include "sim/simulateddevices.h"
#include "sim/simulatedtransport.h"

#include <QDateTime>
#include <QStringList>
#include <QTest>

#include <memory>
#include <optional>

namespace blupow::testing {

// A timeout that a test does not exercise: the simulator answers in well under a millisecond, but
// a loaded machine (CI beside a build, ASan) can stall the event loop for a second or more, and a
// timeout that fires then changes what the test sees. Tests that exercise a timeout force it
// instead: a reply held back far past it (Delay fault) or never sent (Drop), never a race.
inline constexpr int kNeverRacedTimeoutMs = 20000;

inline const RegisterMaps &builtInMaps() {
    static const RegisterMaps maps = RegisterMaps::builtIn(); // read-only test fixture
    return maps;
}

// One device's scenario: a model, or a member of a system as "system/3" (the third member).
inline std::optional<Scenario> deviceScenario(const QString &model) {
    const qsizetype slash = model.indexOf(QLatin1Char('/'));
    auto scenario = scenarios::byName(slash < 0 ? model : model.first(slash));
    if (!scenario || (slash < 0) == scenario->isSystem())
        return std::nullopt;
    if (slash < 0)
        return scenario;
    const auto index = model.sliced(slash + 1).toULongLong() - 1;
    if (index >= scenario->members.size())
        return std::nullopt;
    return scenario->members.at(index);
}

// Every simulated device a test can run on its own: the models, with a system's members
// ("system/1", ...) in place of the system.
inline QStringList deviceModels() {
    QStringList out;
    for (const QString &name : scenarios::names()) {
        const auto scenario = scenarios::byName(name);
        if (!scenario || !scenario->isSystem()) {
            out.append(name);
            continue;
        }
        for (std::size_t i = 0; i < scenario->members.size(); ++i)
            out.append(QStringLiteral("%1/%2").arg(name).arg(i + 1));
    }
    return out;
}

// Nothing when this build has no register map for the model's family (the test then fails).
inline std::optional<DeviceSimulator> simulatorFor(const QString &model, qint64 startMs = 0) {
    const auto scenario = deviceScenario(model);
    if (!scenario)
        return std::nullopt;
    const RegisterMap *map = builtInMaps().find(scenario->family, scenario->variant);
    if (!map)
        return std::nullopt;
    return DeviceSimulator(*map, *scenario,
                           startMs ? startMs : QDateTime::currentMSecsSinceEpoch());
}

inline std::optional<DeviceSimulator> simulatorFor(const char *model, qint64 startMs = 0) {
    return simulatorFor(QString::fromLatin1(model), startMs);
}

inline QString modelName(const QString &model) {
    return model;
}
inline QString modelName(const char *model) {
    return QString::fromLatin1(model);
}

// What the GUI's composition root builds, with the simulated devices answering at once.
inline std::unique_ptr<ConnectionManager> fastSimulatedConnections(const RegisterMaps &maps,
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

#define BLUPOW_REQUIRE_SIM_AT(var, model, start)                                                   \
    auto var##Opt = blupow::testing::simulatorFor(model, start);                                   \
    if (!var##Opt)                                                                                 \
        QFAIL(qPrintable(QStringLiteral("no register map for the %1 simulator in this build")      \
                             .arg(blupow::testing::modelName(model))));                            \
    blupow::DeviceSimulator &var = *var##Opt

#define BLUPOW_REQUIRE_SIM(var, model) BLUPOW_REQUIRE_SIM_AT(var, model, 0)
