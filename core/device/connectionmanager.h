#pragma once

#include "ble/discovereddevice.h"
#include "device/devicesession.h"
#include "registers/registermap.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>
#include <optional>

namespace blupow {

class Transport;

// Builds the transport for a chosen device: BLE or the simulator. The composition root decides
// (app/*/main.cpp), in one place; nothing below it knows which kind it drives.
using TransportFactory = std::function<std::unique_ptr<Transport>(const DiscoveredDevice &device)>;

// The GUI's one active connection: picks a transport through the factory, starts a session on
// it, and replaces both when another device is chosen. Panels follow sessionChanged().
class ConnectionManager : public QObject {
    Q_OBJECT

public:
    ConnectionManager(TransportFactory factory, RegisterMaps maps, DeviceSession::Options options,
                      QObject *parent = nullptr);
    ~ConnectionManager() override;

    void connectTo(const DiscoveredDevice &device);
    // Starts a session on a transport the caller made (a capture replay: the user picked a file,
    // not a device, so the factory has nothing to choose). Replaces the current connection.
    void connectTransport(std::unique_ptr<Transport> transport, const DiscoveredDevice &device);
    void disconnectDevice();

    [[nodiscard]] DeviceSession *session() const { return m_session; }
    [[nodiscard]] Transport *transport() const { return m_transport; }
    [[nodiscard]] std::optional<DiscoveredDevice> device() const { return m_device; }
    [[nodiscard]] bool isConnected() const { return m_session != nullptr; }
    void setPollInterval(int ms);
    [[nodiscard]] int pollInterval() const { return m_options.pollIntervalMs; }

Q_SIGNALS:
    // A new transport, before any session uses it: what connects here sees each chunk before the
    // session reacts to it (a recorder then writes a reply before the request it triggers).
    void transportCreated(blupow::Transport *transport);
    // nullptr when disconnected. The old session is deleted after this returns (deleteLater).
    void sessionChanged(blupow::DeviceSession *session);
    void deviceChanged(const QString &name, const QString &address);
    void errorOccurred(const QString &message);

private:
    void release();

    TransportFactory m_factory;
    RegisterMaps m_maps;
    DeviceSession::Options m_options;
    // Children of this object; QPointer because deleteLater ends them after a switch.
    QPointer<Transport> m_transport;
    QPointer<DeviceSession> m_session;
    std::optional<DiscoveredDevice> m_device;
};

} // namespace blupow
