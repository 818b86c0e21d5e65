#pragma once

#include "capture/recorder.h"
#include "deviceoptions.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace blupow::cli {

// Wires one device for a command: the transport from TransportProvider, a DeviceSession that owns
// it, and a deadline for the first poll cycle (--timeout). Commands connect to session() after
// sessionReady() and decide when they are done; failures come as one line and an exit code.
class SessionRunner : public QObject {
    Q_OBJECT

public:
    SessionRunner(DeviceOptions options, RegisterMaps maps, QObject *parent = nullptr);
    ~SessionRunner() override;

    void start();
    // Stops the deadline (the command got what it needed).
    void satisfied();
    [[nodiscard]] DeviceSession *session() const { return m_session.get(); }
    [[nodiscard]] Transport *transport() const {
        return m_session ? m_session->transport() : nullptr;
    }
    [[nodiscard]] const DeviceOptions &options() const { return m_options; }

Q_SIGNALS:
    void sessionReady(blupow::DeviceSession *session);
    void failed(const QString &message, int exitCode);

private:
    void onTransportReady();

    DeviceOptions m_options;
    RegisterMaps m_maps;
    TransportProvider m_provider;
    std::unique_ptr<capture::Recorder> m_recorder; // --record
    std::unique_ptr<DeviceSession> m_session;      // owns the transport
    QTimer m_deadlineTimer;                        // --timeout for the first values
    QString m_lastReason;
    // The transport's last error: what a one-shot command reports when it ends without values
    // ("... was not seen in a 8 s scan" says more than the session's backoff state).
    QString m_lastTransportError;
    bool m_lastTransportErrorIsUnavailable = false;
};

} // namespace blupow::cli
