#include "connectionmanager.h"

#include "logging.h"
#include "transport/transport.h"

namespace blupow {

ConnectionManager::ConnectionManager(MakeTransport makeTransport, RegisterMaps maps,
                                     DeviceSession::Options options, QObject *parent)
    : QObject(parent)
    , m_makeTransport(std::move(makeTransport))
    , m_maps(std::move(maps))
    , m_options(std::move(options)) {}

ConnectionManager::~ConnectionManager() {
    // Before the other members: the session (and its transport) may still call back.
    delete m_session.data();
}

Transport *ConnectionManager::transport() const {
    return m_session ? m_session->transport() : nullptr;
}

void ConnectionManager::connectTo(const DiscoveredDevice &device) {
    release();
    connectTransport(m_makeTransport ? m_makeTransport(device) : nullptr, device);
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
    Q_EMIT transportCreated(transport.get());
    m_session = new DeviceSession(std::move(transport), m_maps, m_options, this);
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
    if (ms == m_options.pollIntervalMs)
        return;
    m_options.pollIntervalMs = ms;
    if (m_session)
        m_session->setPollInterval(ms);
    Q_EMIT pollIntervalChanged(ms);
}

void ConnectionManager::release() {
    if (m_session) {
        m_session->stop();
        // Deferred: this may run inside one of the session's own signals. Its transport goes
        // with it.
        m_session->deleteLater();
        m_session = nullptr;
    }
    m_device.reset();
}

} // namespace blupow
