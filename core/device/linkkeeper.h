#pragma once

#include "transport/transport.h"

#include <QObject>
#include <QString>
#include <QTimer>

namespace blupow {

// Opens and closes one transport and says what came of it: opened(); or failed() when the open
// is refused or takes longer than the connect timeout; or lost() once it was open. The reason is
// the transport's own error message when it gave one. The session's supervisor decides what
// follows (identify, back off); this only knows the link.
class LinkKeeper : public QObject {
    Q_OBJECT

public:
    LinkKeeper(Transport *transport, int connectTimeoutMs, QObject *parent = nullptr);

    // opened() at once (from inside this call) when the transport is open already; a link still
    // closing is reopened once it is gone.
    void open();
    // Without a signal: the caller knows why.
    void close();

Q_SIGNALS:
    void opened();
    void failed(const QString &reason);
    void lost(const QString &reason);

private:
    enum class Phase { Closed, Opening, Open };

    void onState(Transport::State state);

    Transport *m_transport;
    QTimer m_connectTimer; // an open() that neither succeeds nor fails
    Phase m_phase = Phase::Closed;
    bool m_openWhenClosed = false;
    QString m_lastError;
};

} // namespace blupow
