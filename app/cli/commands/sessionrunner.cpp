#include "sessionrunner.h"

#include "command.h"
#include "transport/transport.h"

namespace blupow::cli {

SessionRunner::SessionRunner(DeviceOptions options, RegisterMaps maps, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_maps(maps)
    , m_provider(std::move(maps)) {
    m_deadlineTimer.setSingleShot(true);
    connect(&m_deadlineTimer, &QTimer::timeout, this, [this] {
        if (!m_lastTransportError.isEmpty()) {
            Q_EMIT failed(QStringLiteral("%1 (no values within %2 s)")
                              .arg(m_lastTransportError)
                              .arg(m_options.timeoutS),
                          m_lastTransportErrorIsUnavailable ? ExitUnavailable : ExitFailure);
            return;
        }
        const QString state =
            m_session ? sessionStateName(m_session->state()) : QStringLiteral("connecting");
        Q_EMIT failed(QStringLiteral("no values within %1 s (%2%3)")
                          .arg(m_options.timeoutS)
                          .arg(state, m_lastReason.isEmpty() ? QString()
                                                             : QStringLiteral(": ") + m_lastReason),
                      ExitFailure);
    });
    connect(&m_provider, &TransportProvider::provided, this, &SessionRunner::onTransportReady);
    connect(&m_provider, &TransportProvider::failed, this,
            [this](const QString &message, TransportProvider::Failure failure) {
                Q_EMIT failed(message, exitCodeFor(failure));
            });
}

SessionRunner::~SessionRunner() {
    // The session and its transport go first; then the recorder closes its file.
    m_session.reset();
    m_recorder.reset();
}

void SessionRunner::start() {
    m_deadlineTimer.start(static_cast<int>(m_options.timeoutS * 1000));
    m_provider.start(deviceChoice(m_options));
}

void SessionRunner::satisfied() {
    m_deadlineTimer.stop();
}

void SessionRunner::onTransportReady() {
    std::unique_ptr<Transport> transport = m_provider.take();
    if (!m_options.record.isEmpty()) {
        // Attached before the session starts, so the recording holds the whole conversation
        // from the first request (identification included) and a replay can identify the same.
        m_recorder = std::make_unique<capture::Recorder>();
        QString error;
        if (!m_recorder->start(m_options.record, &error)) {
            Q_EMIT failed(error, ExitFailure);
            return;
        }
        m_recorder->attach(transport.get());
        connect(m_recorder.get(), &capture::Recorder::errorOccurred, this,
                [this](const QString &message) { Q_EMIT failed(message, ExitFailure); });
    }
    connect(transport.get(), &Transport::errorOccurred, this,
            [this](Transport::Error error, const QString &message) {
                m_lastTransportError = message;
                m_lastTransportErrorIsUnavailable = error == Transport::Error::DeviceNotFound ||
                                                    error == Transport::Error::AdapterUnavailable ||
                                                    error == Transport::Error::AdapterPoweredOff ||
                                                    error == Transport::Error::PermissionDenied;
            });
    m_session =
        std::make_unique<DeviceSession>(std::move(transport), m_maps, sessionOptions(m_options));
    connect(m_session.get(), &DeviceSession::stateChanged, this,
            [this](DeviceSession::State state, const QString &reason) {
                m_lastReason = reason;
                if (state == DeviceSession::State::Polling)
                    m_lastTransportError.clear();
            });
    Q_EMIT sessionReady(m_session.get());
    m_session->start();
}

} // namespace blupow::cli
