#include "sessionrunner.h"

#include "command.h"
#include "transport/transport.h"

namespace blupow::cli {

SessionRunner::SessionRunner(DeviceOptions options, RegisterMaps maps, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_maps(maps)
    , m_factory(m_options, std::move(maps)) {
    m_deadlineTimer.setSingleShot(true);
    connect(&m_deadlineTimer, &QTimer::timeout, this, [this] {
        const QString state =
            m_session ? sessionStateName(m_session->state()) : QStringLiteral("connecting");
        Q_EMIT failed(QStringLiteral("no values within %1 s (%2%3)")
                          .arg(m_options.timeoutS)
                          .arg(state, m_lastReason.isEmpty() ? QString()
                                                             : QStringLiteral(": ") + m_lastReason),
                      ExitFailure);
    });
    connect(&m_factory, &TransportFactory::ready, this, &SessionRunner::onTransportReady);
    connect(&m_factory, &TransportFactory::failed, this, &SessionRunner::failed);
}

SessionRunner::~SessionRunner() {
    // The session refers to the transport: it goes first; the recorder closes its file.
    m_session.reset();
    m_recorder.reset();
    m_transport.reset();
}

void SessionRunner::start() {
    m_deadlineTimer.start(static_cast<int>(m_options.timeoutS * 1000));
    m_factory.start();
}

void SessionRunner::satisfied() {
    m_deadlineTimer.stop();
}

void SessionRunner::onTransportReady() {
    m_transport = m_factory.takeTransport();
    if (!m_options.record.isEmpty()) {
        // Attached before the session starts, so the recording holds the whole conversation
        // from the first request (identification included) and a replay can identify the same.
        m_recorder = std::make_unique<capture::Recorder>();
        QString error;
        if (!m_recorder->start(m_options.record, &error)) {
            Q_EMIT failed(error, ExitFailure);
            return;
        }
        m_recorder->attach(m_transport.get());
        connect(m_recorder.get(), &capture::Recorder::errorOccurred, this,
                [this](const QString &message) { Q_EMIT failed(message, ExitFailure); });
    }
    m_session =
        std::make_unique<DeviceSession>(m_transport.get(), m_maps, sessionOptions(m_options));
    connect(m_session.get(), &DeviceSession::stateChanged, this,
            [this](DeviceSession::State, const QString &reason) { m_lastReason = reason; });
    Q_EMIT sessionReady(m_session.get());
    m_session->start();
}

} // namespace blupow::cli
