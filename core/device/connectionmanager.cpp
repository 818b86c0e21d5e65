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
    // Before the other members: a session (and its transport) may still call back.
    for (const Entry &entry : std::as_const(m_links))
        delete entry.session.data();
}

DeviceSession *ConnectionManager::session() const {
    return m_current >= 0 ? m_links.at(m_current).session.data() : nullptr;
}

Transport *ConnectionManager::transport() const {
    DeviceSession *current = session();
    return current ? current->transport() : nullptr;
}

std::optional<DiscoveredDevice> ConnectionManager::device() const {
    if (m_current < 0)
        return std::nullopt;
    return m_links.at(m_current).device;
}

QList<ConnectionManager::Link> ConnectionManager::links() const {
    QList<Link> out;
    for (const Entry &entry : m_links)
        out.append({entry.device, entry.session.data()});
    return out;
}

QList<DeviceSession *> ConnectionManager::sessions() const {
    QList<DeviceSession *> out;
    for (const Entry &entry : m_links)
        out.append(entry.session.data());
    return out;
}

DeviceSession *ConnectionManager::sessionFor(const QString &address) const {
    const qsizetype i = indexOf(address);
    return i >= 0 ? m_links.at(i).session.data() : nullptr;
}

qsizetype ConnectionManager::indexOf(const QString &address) const {
    for (qsizetype i = 0; i < m_links.size(); ++i) {
        if (m_links.at(i).device.address.compare(address, Qt::CaseInsensitive) == 0)
            return i;
    }
    return -1;
}

void ConnectionManager::setMaxLinks(int links) {
    m_maxLinks = std::max(1, links);
}

void ConnectionManager::connectTo(const DiscoveredDevice &device) {
    if (select(device.address))
        return;
    if (m_maxLinks == 1 && !m_links.isEmpty())
        disconnectAll();
    if (linkCount() >= m_maxLinks) {
        const QString message =
            QStringLiteral("Not connecting to %1: %2 devices are connected, the most BluPow keeps "
                           "at once (Links at once, in Link health). Disconnect one first.")
                .arg(device.name.isEmpty() ? device.address : device.name)
                .arg(linkCount());
        qCInfo(lcSession).noquote() << message;
        Q_EMIT errorOccurred(message);
        return;
    }
    connectTransport(m_makeTransport ? m_makeTransport(device) : nullptr, device);
}

void ConnectionManager::connectTransport(std::unique_ptr<Transport> transport,
                                         const DiscoveredDevice &device) {
    if (const qsizetype open = indexOf(device.address); open >= 0)
        close(open);
    if (!transport) {
        const QString message =
            QStringLiteral("No transport for %1 (%2)").arg(device.name, device.address);
        qCWarning(lcSession).noquote() << message;
        Q_EMIT errorOccurred(message);
        return;
    }
    Q_EMIT transportCreated(transport.get());
    auto *session = new DeviceSession(std::move(transport), m_maps, m_options, this);
    m_links.append({device, session, false});
    watchTransport(m_links.last());
    Q_EMIT linkOpened(session, device);
    makeCurrent(m_links.size() - 1);
    session->start();
}

void ConnectionManager::watchTransport(Entry &entry) {
    DeviceSession *session = entry.session;
    Transport *transport = session->transport();
    connect(transport, &Transport::stateChanged, this, [this, session](Transport::State state) {
        if (state != Transport::State::Open)
            return;
        for (Entry &e : m_links) {
            if (e.session == session)
                e.everOpen = true;
        }
    });
    // A first connection refused while other links are up is, most often, the adapter's
    // controller out of LE links rather than the device: say so, the session keeps retrying.
    connect(transport, &Transport::errorOccurred, this,
            [this, session](Transport::Error error, const QString &message) {
                if (error != Transport::Error::ConnectionRefused)
                    return;
                qsizetype i = -1;
                int othersOpen = 0;
                for (qsizetype k = 0; k < m_links.size(); ++k) {
                    if (m_links.at(k).session == session)
                        i = k;
                    else if (m_links.at(k).session &&
                             m_links.at(k).session->state() == DeviceSession::State::Polling)
                        ++othersOpen;
                }
                if (i < 0 || m_links.at(i).everOpen || othersOpen == 0)
                    return;
                const DiscoveredDevice &d = m_links.at(i).device;
                Q_EMIT errorOccurred(
                    QStringLiteral("%1 refused a link while %2 other device(s) are connected (%3). "
                                   "The Bluetooth adapter may hold no more links: disconnect a "
                                   "device, or BluPow keeps retrying this one.")
                        .arg(d.name.isEmpty() ? d.address : d.name)
                        .arg(othersOpen)
                        .arg(message));
            });
}

bool ConnectionManager::select(const QString &address) {
    const qsizetype i = indexOf(address);
    if (i < 0)
        return false;
    if (i != m_current)
        makeCurrent(i);
    return true;
}

void ConnectionManager::disconnectDevice() {
    if (m_current >= 0)
        close(m_current);
}

void ConnectionManager::disconnectAddress(const QString &address) {
    if (const qsizetype i = indexOf(address); i >= 0)
        close(i);
}

void ConnectionManager::disconnectAll() {
    while (!m_links.isEmpty())
        close(m_links.size() - 1);
}

void ConnectionManager::setPollInterval(int ms) {
    if (ms == m_options.pollIntervalMs)
        return;
    m_options.pollIntervalMs = ms;
    for (const Entry &entry : std::as_const(m_links)) {
        if (entry.session)
            entry.session->setPollInterval(ms);
    }
    Q_EMIT pollIntervalChanged(ms);
}

void ConnectionManager::close(qsizetype index) {
    const Entry entry = m_links.takeAt(index);
    const bool wasCurrent = index == m_current;
    if (m_current > index)
        --m_current;
    else if (wasCurrent)
        m_current = -1;
    if (entry.session) {
        disconnect(entry.session->transport(), nullptr, this, nullptr);
        entry.session->stop();
        // Deferred: this may run inside one of the session's own signals. Its transport goes
        // with it.
        entry.session->deleteLater();
    }
    Q_EMIT linkClosed(entry.session.data(), entry.device.address);
    if (wasCurrent)
        makeCurrent(m_links.isEmpty() ? -1 : 0);
}

void ConnectionManager::makeCurrent(qsizetype index) {
    m_current = index;
    if (index < 0) {
        Q_EMIT deviceChanged({}, {});
        Q_EMIT sessionChanged(nullptr);
        return;
    }
    const Entry &entry = m_links.at(index);
    Q_EMIT deviceChanged(entry.device.name, entry.device.address);
    Q_EMIT sessionChanged(entry.session.data());
}

} // namespace blupow
