#include "connectionmanager.h"

#include "logging.h"
#include "transport/transport.h"

namespace blupow {

ConnectionManager::ConnectionManager(TransportFactory factory, RegisterMaps maps,
                                     DeviceSession::Options options, QObject *parent)
    : QObject(parent)
    , m_factory(std::move(factory))
    , m_maps(std::move(maps))
    , m_options(std::move(options)) {}

ConnectionManager::~ConnectionManager() {
    // The session stops (closing its transport) before the transport it uses goes away.
    delete m_session.data();
    delete m_transport.data();
}

void ConnectionManager::connectTo(const DiscoveredDevice &device) {
    release();
    connectTransport(m_factory ? m_factory(device) : nullptr, device);
}

void ConnectionManager::connectTransport(std::unique_ptr<Transport> transport,
                                         const DiscoveredDevice &device) {
    release();
    if (!transport) {
        const QString message =
            QStringLiteral("No transport for %1 (%2)").arg(device.name, device.address);
        qCWarning(lcSession).noquote() << message;
        Q_EMIT sessionChanged(nullptr);
        Q_EMIT errorOccurred(message);
        return;
    }
    transport->setParent(this);
    m_transport = transport.release();
    Q_EMIT transportCreated(m_transport);
    m_session = new DeviceSession(m_transport, m_maps, m_options, this);
    m_device = device;
    Q_EMIT deviceChanged(device.name, device.address);
    Q_EMIT sessionChanged(m_session);
    m_session->start();
}

void ConnectionManager::disconnectDevice() {
    if (!m_session)
        return;
    release();
    Q_EMIT deviceChanged({}, {});
    Q_EMIT sessionChanged(nullptr);
}

void ConnectionManager::setPollInterval(int ms) {
    m_options.pollIntervalMs = ms;
    if (m_session)
        m_session->setPollInterval(ms);
}

void ConnectionManager::release() {
    if (m_session) {
        m_session->stop();
        // The transport goes with its session and after it (the session's destructor still
        // disconnects from it), whether the deferred delete runs or this object is destroyed
        // first and deletes its children.
        if (m_transport)
            m_transport->setParent(m_session);
        m_transport = nullptr;
        // Deferred: this may run inside one of the session's own signals.
        m_session->deleteLater();
        m_session = nullptr;
    }
    if (m_transport) {
        m_transport->deleteLater();
        m_transport = nullptr;
    }
    m_device.reset();
}

} // namespace blupow
