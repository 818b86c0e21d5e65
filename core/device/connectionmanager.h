#pragma once

#include "device/devicesession.h"
#include "device/discovereddevice.h"
#include "registers/registermap.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>
#include <optional>

namespace blupow {

class Transport;

// The GUI's one active connection: gets a transport for the chosen device, starts a session that
// owns it, and replaces the session when another device is chosen. Panels follow
// sessionChanged(); whoever keeps the poll interval follows pollIntervalChanged().
class ConnectionManager : public QObject {
    Q_OBJECT

public:
    // Where the transport for a device comes from: TransportProvider::make() in the program
    // (core/provider), a simulator of their own in tests. Nothing below knows which kind it is.
    using MakeTransport = std::function<std::unique_ptr<Transport>(const DiscoveredDevice &device)>;

    ConnectionManager(MakeTransport makeTransport, RegisterMaps maps,
                      DeviceSession::Options options, QObject *parent = nullptr);
    ~ConnectionManager() override;

    void connectTo(const DiscoveredDevice &device);
    // Starts a session on a transport the caller made (a capture replay: the user picked a file,
    // not a device, imported off the GUI thread). Replaces the current connection.
    void connectTransport(std::unique_ptr<Transport> transport, const DiscoveredDevice &device);
    void disconnectDevice();

    [[nodiscard]] DeviceSession *session() const { return m_session; }
    [[nodiscard]] Transport *transport() const;
    [[nodiscard]] std::optional<DiscoveredDevice> device() const { return m_device; }
    [[nodiscard]] bool isConnected() const { return m_session != nullptr; }
    // The interval of this and every later session; followers hear pollIntervalChanged().
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
    void pollIntervalChanged(int ms);

private:
    void release();

    MakeTransport m_makeTransport;
    RegisterMaps m_maps;
    DeviceSession::Options m_options;
    // A child of this object (with its transport); QPointer because deleteLater ends it after a
    // switch.
    QPointer<DeviceSession> m_session;
    std::optional<DiscoveredDevice> m_device;
};

} // namespace blupow
