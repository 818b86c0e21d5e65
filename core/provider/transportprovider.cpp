#include "transportprovider.h"

#include "ble/bletransport.h"
#include "ble/devicescanner.h"
#include "capture/replaytransport.h"
#include "logging.h"
#include "sim/simulateddevices.h"

namespace blupow {

DeviceChoice DeviceChoice::of(const DiscoveredDevice &device) {
    DeviceChoice c;
    if (device.simulated || SimulatedDevices::isSimulatedAddress(device.address)) {
        c.simulate = device.simulatorModel.isEmpty() ? device.address.section(QLatin1Char(':'), 1)
                                                     : device.simulatorModel;
        return c;
    }
    c.address = device.address;
    c.name = device.name;
    return c;
}

TransportProvider::TransportProvider(RegisterMaps maps, QObject *parent)
    : QObject(parent)
    , m_maps(std::move(maps)) {}

TransportProvider::~TransportProvider() = default;

std::unique_ptr<Transport> TransportProvider::make(const DeviceChoice &choice, QString *error,
                                                   Failure *failure) const {
    const auto fail = [&](Failure why, const QString &message) {
        *error = message;
        if (failure)
            *failure = why;
        return nullptr;
    };
    if (choice.simulate) {
        auto sim = SimulatedDevices::makeTransport(*choice.simulate, m_maps, error);
        if (!sim)
            return fail(Failure::Unavailable, *error);
        for (DeviceSimulator &device : sim->simulators())
            device.setTimeAcceleration(choice.simSpeed);
        if (choice.simSeed)
            sim->setSeed(choice.simSeed);
        if (choice.faultDelayMs > 0)
            sim->setFaultDelayMs(choice.faultDelayMs);
        for (const auto &f : choice.faults)
            sim->addFault(f);
        return sim;
    }
    if (!choice.replay.isEmpty()) {
        auto replay = ReplayTransport::fromFile(choice.replay, error);
        if (!replay)
            return fail(Failure::BadInput, *error);
        replay->setSpeed(choice.replaySpeed);
        return replay;
    }
    if (choice.address.isEmpty())
        return fail(choice.name.isEmpty() ? Failure::NoDevice : Failure::Unavailable,
                    choice.name.isEmpty()
                        ? QStringLiteral("no device selected: use --address ADDR, --name NAME, "
                                         "--simulate[=MODEL] or --replay FILE")
                        : QStringLiteral("'%1' has to be found by a scan first").arg(choice.name));
    // What the scan saw connects directly; any other address is looked up by the transport.
    if (m_scanner) {
        if (const auto info = m_scanner->deviceInfo(choice.address))
            return std::make_unique<BleTransport>(*info, BleTransport::Options{});
    }
    return std::make_unique<BleTransport>(choice.address, choice.name, BleTransport::Options{});
}

void TransportProvider::start(const DeviceChoice &choice) {
    m_transport.reset();
    m_ownScanner.reset();
    const bool bluetooth = !choice.simulate && choice.replay.isEmpty() &&
                           !(choice.address.isEmpty() && choice.name.isEmpty());
    if (bluetooth) {
        const auto [adapterError, adapterMessage] = DeviceScanner::checkAdapter();
        if (adapterError != DeviceScanner::Error::None) {
            finish(nullptr, adapterMessage, Failure::Unavailable);
            return;
        }
    }
    if (choice.needsScan()) {
        scanFor(choice);
        return;
    }
    QString error;
    Failure failure = Failure::Unavailable;
    auto transport = make(choice, &error, &failure);
    finish(std::move(transport), error, failure);
}

std::unique_ptr<Transport> TransportProvider::take() {
    return std::move(m_transport);
}

void TransportProvider::finish(std::unique_ptr<Transport> transport, const QString &error,
                               Failure failure) {
    m_transport = std::move(transport);
    // Queued: the caller may not be in its event loop yet when start() decides at once.
    QMetaObject::invokeMethod(
        this,
        [this, error, failure] {
            if (m_transport)
                Q_EMIT provided();
            else
                Q_EMIT failed(error, failure);
        },
        Qt::QueuedConnection);
}

void TransportProvider::scanFor(const DeviceChoice &choice) {
    // By name: BlueZ connects only to devices it has seen, so scan until the name shows up.
    m_ownScanner = std::make_unique<DeviceScanner>();
    DeviceScanner *scanner = m_ownScanner.get();
    scanner->setTimeout(choice.scanTimeoutMs);
    connect(scanner, &DeviceScanner::deviceDiscovered, this,
            [this, scanner, name = choice.name](const DiscoveredDevice &d) {
                if (m_transport || d.name.compare(name, Qt::CaseInsensitive) != 0)
                    return;
                const auto info = scanner->deviceInfo(d.address);
                if (!info)
                    return;
                m_transport = std::make_unique<BleTransport>(*info, BleTransport::Options{});
                scanner->stop();
            });
    connect(scanner, &DeviceScanner::finished, this, [this, scanner, name = choice.name] {
        if (m_transport) {
            Q_EMIT provided();
        } else if (scanner->error() != DeviceScanner::Error::None) {
            Q_EMIT failed(scanner->errorString(), Failure::Unavailable);
        } else {
            Q_EMIT failed(
                QStringLiteral(
                    "no device named '%1' seen in %2 s (is the Renogy app connected to it?)")
                    .arg(name)
                    .arg(static_cast<double>(scanner->timeout()) / 1000.0),
                Failure::Unavailable);
        }
    });
    scanner->start();
}

} // namespace blupow
