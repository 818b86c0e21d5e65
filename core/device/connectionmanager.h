#pragma once

#include "device/devicesession.h"
#include "device/discovereddevice.h"
#include "registers/registermap.h"

#include <QList>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>
#include <optional>

namespace blupow {

class Transport;

// The GUI's links: one supervised session per connected device (docs/gui.md, "Several devices
// at once"), each owning its transport, and one of them current. The panels that show one
// device follow sessionChanged() (the current link); whatever covers every device (chart,
// system overview, history, alarms, Home Assistant) follows linkOpened() and linkClosed().
class ConnectionManager : public QObject {
    Q_OBJECT

public:
    // Where the transport for a device comes from: TransportProvider::make() in the program
    // (core/provider), a simulator of their own in tests. Nothing below knows which kind it is.
    using MakeTransport = std::function<std::unique_ptr<Transport>(const DiscoveredDevice &device)>;

    // BlueZ itself sets no limit on LE links, the adapter's controller does: common USB and
    // on-board controllers keep 4 to 7 at once, a Raspberry Pi's about as many. Four links (a
    // controller, a bank's dongle, an inverter and a DC-DC charger) is what an installation has.
    static constexpr int kDefaultMaxLinks = 4;

    struct Link {
        DiscoveredDevice device;
        DeviceSession *session = nullptr;
    };

    ConnectionManager(MakeTransport makeTransport, RegisterMaps maps,
                      DeviceSession::Options options, QObject *parent = nullptr);
    ~ConnectionManager() override;

    // Opens a link to the device beside those open and makes it current; a device already
    // linked is made current. At the limit nothing changes and errorOccurred() says why, except
    // with a limit of one, where the new link replaces the open one (one device at a time).
    void connectTo(const DiscoveredDevice &device);
    // The same with a transport the caller made (a test's, a capture replay's).
    void connectTransport(std::unique_ptr<Transport> transport, const DiscoveredDevice &device);
    // Makes a linked device the current one (false when it is not linked).
    bool select(const QString &address);
    // Closes the current link; another open one, if any, becomes current.
    void disconnectDevice();
    void disconnectAddress(const QString &address);
    void disconnectAll();

    // The current link (nullptr / nothing when none is open).
    [[nodiscard]] DeviceSession *session() const;
    [[nodiscard]] Transport *transport() const;
    [[nodiscard]] std::optional<DiscoveredDevice> device() const;
    [[nodiscard]] bool isConnected() const { return !m_links.isEmpty(); }

    // Every open link, in the order they were opened.
    [[nodiscard]] QList<Link> links() const;
    [[nodiscard]] QList<DeviceSession *> sessions() const;
    [[nodiscard]] DeviceSession *sessionFor(const QString &address) const;
    [[nodiscard]] int linkCount() const { return static_cast<int>(m_links.size()); }
    void setMaxLinks(int links);
    [[nodiscard]] int maxLinks() const { return m_maxLinks; }

    // The interval of every session, open and later; followers hear pollIntervalChanged().
    void setPollInterval(int ms);
    [[nodiscard]] int pollInterval() const { return m_options.pollIntervalMs; }

Q_SIGNALS:
    // A new transport, before any session uses it: what connects here sees each chunk before the
    // session reacts to it (a recorder then writes a reply before the request it triggers).
    void transportCreated(blupow::Transport *transport);
    // The current link's session; nullptr when no link is open. A closed session is deleted
    // after this returns (deleteLater).
    void sessionChanged(blupow::DeviceSession *session);
    // The current link's device; empty when no link is open.
    void deviceChanged(const QString &name, const QString &address);
    // A link was opened (before its session starts) or closed (its session is deleted later).
    void linkOpened(blupow::DeviceSession *session, const blupow::DiscoveredDevice &device);
    void linkClosed(blupow::DeviceSession *session, const QString &address);
    void errorOccurred(const QString &message);
    void pollIntervalChanged(int ms);

private:
    struct Entry {
        DiscoveredDevice device;
        QPointer<DeviceSession> session; // a child of this object, with its transport
        bool everOpen = false;           // its transport has been open at least once
    };

    [[nodiscard]] qsizetype indexOf(const QString &address) const;
    void close(qsizetype index);
    void makeCurrent(qsizetype index); // -1: none
    void watchTransport(Entry &entry);

    MakeTransport m_makeTransport;
    RegisterMaps m_maps;
    DeviceSession::Options m_options;
    QList<Entry> m_links;
    qsizetype m_current = -1;
    int m_maxLinks = kDefaultMaxLinks;
};

} // namespace blupow
