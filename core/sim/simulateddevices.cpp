#include "simulateddevices.h"

#include "sim/scenarios.h"
#include "sim/simulatedtransport.h"

#include <QDateTime>

namespace blupow::SimulatedDevices {

namespace {
const QLatin1String kPrefix("sim:");
} // namespace

QList<DiscoveredDevice> all() {
    QList<DiscoveredDevice> out;
    for (const QString &name : scenarios::names()) {
        if (const auto device = byModel(name))
            out.append(*device);
    }
    return out;
}

std::optional<DiscoveredDevice> byModel(QStringView model) {
    const auto scenario = scenarios::byName(model);
    if (!scenario)
        return std::nullopt;
    DiscoveredDevice d;
    d.name = scenario->advertisedName;
    d.address = kPrefix + scenario->id;
    // A system's dongle fronts several families: identification finds them.
    if (!scenario->isSystem())
        d.familyGuess = scenario->family;
    d.variant = scenario->variant;
    d.simulated = true;
    d.simulatorModel = scenario->id;
    return d;
}

bool isSimulatedAddress(QStringView address) {
    return address.startsWith(kPrefix);
}

std::optional<DiscoveredDevice> byAddress(QStringView address) {
    if (!isSimulatedAddress(address))
        return std::nullopt;
    for (const DiscoveredDevice &device : all()) {
        if (device.address == address)
            return device;
    }
    return std::nullopt;
}

std::unique_ptr<SimulatedTransport> makeTransport(const DiscoveredDevice &device,
                                                  const RegisterMaps &maps, QString *error) {
    const QString model = device.simulatorModel.isEmpty() && isSimulatedAddress(device.address)
                              ? device.address.mid(kPrefix.size())
                              : device.simulatorModel;
    return makeTransport(model, maps, error);
}

std::unique_ptr<SimulatedTransport> makeTransport(QStringView model, const RegisterMaps &maps,
                                                  QString *error) {
    const auto scenario = scenarios::byName(model);
    if (!scenario) {
        if (error)
            *error = QStringLiteral("unknown simulated model '%1' (one of: %2)")
                         .arg(model, scenarios::names().join(QStringLiteral(", ")));
        return nullptr;
    }
    const qint64 start = QDateTime::currentMSecsSinceEpoch();
    std::vector<DeviceSimulator> bus;
    for (const Scenario &device :
         scenario->isSystem() ? scenario->members : std::vector<Scenario>{*scenario}) {
        const RegisterMap *map = maps.find(device.family, device.variant);
        if (!map) {
            if (error)
                *error = QStringLiteral("no register map for %1").arg(familyName(device.family));
            return nullptr;
        }
        bus.emplace_back(*map, device, start);
    }
    return std::make_unique<SimulatedTransport>(std::move(bus), scenario->advertisedName,
                                                scenario->id);
}

} // namespace blupow::SimulatedDevices
