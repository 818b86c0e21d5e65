#include "linkkeeper.h"

#include "logging.h"

namespace blupow {

LinkKeeper::LinkKeeper(Transport *transport, int connectTimeoutMs, QObject *parent)
    : QObject(parent)
    , m_transport(transport) {
    m_connectTimer.setSingleShot(true);
    m_connectTimer.setInterval(connectTimeoutMs);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        if (m_phase != Phase::Opening)
            return;
        m_phase = Phase::Closed;
        Q_EMIT failed(QStringLiteral("connection attempt timed out after %1 ms")
                          .arg(m_connectTimer.interval()));
    });
    connect(transport, &Transport::errorOccurred, this,
            [this](Transport::Error error, const QString &message) {
                m_lastError = message;
                qCDebug(lcSession) << "transport error" << error << message;
                if (error == Transport::Error::ConnectionLost && m_phase == Phase::Open) {
                    m_phase = Phase::Closed;
                    Q_EMIT lost(message);
                }
            });
    connect(transport, &Transport::stateChanged, this, &LinkKeeper::onState);
}

void LinkKeeper::open() {
    m_phase = Phase::Opening;
    m_connectTimer.start();
    switch (m_transport->state()) {
    case Transport::State::Open:
        onState(Transport::State::Open);
        break;
    case Transport::State::Closed:
        m_openWhenClosed = false;
        m_transport->open();
        break;
    case Transport::State::Closing:
        m_openWhenClosed = true; // reopen once the old link is really gone
        break;
    case Transport::State::Opening:
        break;
    }
}

void LinkKeeper::close() {
    m_phase = Phase::Closed;
    m_connectTimer.stop();
    if (m_transport->state() != Transport::State::Closed)
        m_transport->close();
}

void LinkKeeper::onState(Transport::State state) {
    if (state == Transport::State::Open && m_phase == Phase::Opening) {
        m_connectTimer.stop();
        m_phase = Phase::Open;
        Q_EMIT opened();
    } else if (state == Transport::State::Closed) {
        const QString error = std::exchange(m_lastError, {});
        if (m_phase == Phase::Opening && m_openWhenClosed) {
            m_openWhenClosed = false;
            m_transport->open();
        } else if (m_phase == Phase::Opening) {
            m_connectTimer.stop();
            m_phase = Phase::Closed;
            Q_EMIT failed(error.isEmpty() ? QStringLiteral("connection failed") : error);
        } else if (m_phase == Phase::Open) {
            m_phase = Phase::Closed;
            Q_EMIT lost(error.isEmpty() ? QStringLiteral("link closed") : error);
        }
    }
}

} // namespace blupow
