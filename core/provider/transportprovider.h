#pragma once

#include "device/discovereddevice.h"
#include "registers/registermap.h"
#include "sim/simulatedtransport.h"

#include <QList>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

namespace blupow {

class DeviceScanner;
class Transport;

// Which device to talk to, as the GUI's device list, the command line (--address, --name,
// --simulate=MODEL, --replay FILE) and the bridge's [device] sections name it.
struct DeviceChoice {
    QString address;                 // Bluetooth address
    QString name;                    // advertised name; without an address, found by a scan
    std::optional<QString> simulate; // the built-in simulator of this MODEL
    QString replay;                  // a btsnoop recording played back as the device

    // Simulator only.
    QList<SimulatedTransport::Fault> faults;
    double simSpeed = 1.0;
    quint32 simSeed = 0;       // 0 = random
    int faultDelayMs = 0;      // how late a `delay` fault's reply comes; 0 = the simulator's
    double replaySpeed = 1.0;  // replay only: 1 = as recorded, 0 = at once
    int scanTimeoutMs = 15000; // finding a device by name

    // A device list entry: a simulated one ("sim:MODEL") or a Bluetooth device.
    [[nodiscard]] static DeviceChoice of(const DiscoveredDevice &device);
    [[nodiscard]] bool needsScan() const {
        return !simulate && replay.isEmpty() && address.isEmpty() && !name.isEmpty();
    }
};

// The one place that turns a device choice into a transport, for the GUI, the commands and the
// bridge alike: SimulatedTransport for a simulated model, ReplayTransport for a recording,
// BleTransport for an address (straight from the scan when the scanner saw it), and a short scan
// first for a bare name. The caller hands the transport to a DeviceSession, which owns it.
class TransportProvider : public QObject {
    Q_OBJECT

public:
    enum class Failure {
        BadInput,    // the recording cannot be read
        Unavailable, // no adapter, an unknown model, the named device not seen
        NoDevice,    // nothing chosen
    };
    Q_ENUM(Failure)

    explicit TransportProvider(RegisterMaps maps, QObject *parent = nullptr);
    ~TransportProvider() override;

    // Devices this scanner saw connect directly, without BlueZ looking them up again.
    void setScanner(DeviceScanner *scanner) { m_scanner = scanner; }

    // At once, for a choice that needs no scan; nothing (with the reason) otherwise.
    [[nodiscard]] std::unique_ptr<Transport> make(const DeviceChoice &choice, QString *error,
                                                  Failure *failure = nullptr) const;

    // Any choice, a bare name included. Checks the Bluetooth adapter first, so a command fails
    // with one line instead of retrying. Always answers later (the caller may not be in its event
    // loop yet): provided() or failed(). Then take() hands the transport over.
    void start(const DeviceChoice &choice);
    [[nodiscard]] std::unique_ptr<Transport> take();

Q_SIGNALS:
    void provided();
    void failed(const QString &message, blupow::TransportProvider::Failure failure);

private:
    void finish(std::unique_ptr<Transport> transport, const QString &error, Failure failure);
    void scanFor(const DeviceChoice &choice);

    RegisterMaps m_maps;
    DeviceScanner *m_scanner = nullptr;
    std::unique_ptr<DeviceScanner> m_ownScanner; // the scan for a bare name
    std::unique_ptr<Transport> m_transport;
};

} // namespace blupow
