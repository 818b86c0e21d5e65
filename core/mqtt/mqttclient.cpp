#include "mqttclient.h"

#include "logging.h"

#include <QFileInfo>
#include <QPointer>
#include <QRandomGenerator>
#include <QSocketNotifier>

#include <cerrno>
#include <cstring>
#include <mosquitto.h>
#include <mqtt_protocol.h>

namespace blupow {

MqttClient::LibraryGuard::LibraryGuard() {
    mosquitto_lib_init();
}

MqttClient::LibraryGuard::~LibraryGuard() {
    mosquitto_lib_cleanup();
}

void MqttClient::HandleDeleter::operator()(mosquitto *handle) const {
    mosquitto_destroy(handle);
}

struct MqttClient::Callbacks {
    static MqttClient *client(void *self) { return static_cast<MqttClient *>(self); }

    static void onConnect(mosquitto *, void *self, int rc, int, const mosquitto_property *) {
        Event e;
        e.kind = Event::Kind::Connack;
        e.code = rc;
        client(self)->m_events.push_back(std::move(e));
    }
    static void onDisconnect(mosquitto *, void *self, int rc, const mosquitto_property *) {
        // errno of the failed socket call is still set here (close() on success keeps it).
        const int sysErrno = errno;
        Event e;
        e.kind = Event::Kind::Disconnect;
        e.code = rc;
        e.sysErrno = sysErrno;
        client(self)->m_events.push_back(std::move(e));
    }
    static void onMessage(mosquitto *, void *self, const mosquitto_message *m,
                          const mosquitto_property *) {
        Event e;
        e.kind = Event::Kind::Message;
        e.topic = QString::fromUtf8(m->topic);
        e.payload = QByteArray(static_cast<const char *>(m->payload), m->payloadlen);
        e.retained = m->retain;
        client(self)->m_events.push_back(std::move(e));
    }
    static void onPublish(mosquitto *, void *self, int mid, int, const mosquitto_property *) {
        Event e;
        e.kind = Event::Kind::Published;
        e.code = mid;
        client(self)->m_events.push_back(std::move(e));
    }
    static void onLog(mosquitto *, void *self, int level, const char *text) {
        // libmosquitto's log lines name packets and OpenSSL errors; CONNECT is logged without
        // its password. Errors are kept to explain a failed attempt.
        const QString line = QString::fromUtf8(text);
        qCDebug(lcMqtt).noquote() << "libmosquitto:" << line;
        if (level & (MOSQ_LOG_ERR | MOSQ_LOG_WARNING)) {
            MqttClient *c = client(self);
            c->m_recentLog.append(line);
            if (c->m_recentLog.size() > 8)
                c->m_recentLog.removeFirst();
        }
    }
};

MqttClient::MqttClient(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options)) {
    m_clock.start();
    m_miscTimer.setObjectName(QStringLiteral("mqttMiscTimer"));
    m_miscTimer.setInterval(1000);
    connect(&m_miscTimer, &QTimer::timeout, this, [this] { drive(mosquitto_loop_misc); });

    m_connectTimer.setObjectName(QStringLiteral("mqttConnectTimer"));
    m_connectTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        if (m_state == State::Connecting)
            fail(Error::HostUnreachable,
                 QStringLiteral("no answer from MQTT broker %1 within %2 s (host down or "
                                "firewalled?)")
                     .arg(endpoint())
                     .arg(m_options.connectTimeoutMs / 1000.0));
    });

    m_reconnectTimer.setObjectName(QStringLiteral("mqttReconnectTimer"));
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &MqttClient::attempt);
}

MqttClient::~MqttClient() {
    // No signals from a half-destroyed object: drop notifiers first, then the handle (closes
    // the socket without DISCONNECT, so the broker publishes the will, as after a crash).
    m_readNotifier.reset();
    m_writeNotifier.reset();
    m_handle.reset();
}

namespace {

// The person's CA directory; the system's when they named neither a file nor a directory.
QString effectiveCaPath(const MqttClient::Options &o) {
    if (!o.caPath.isEmpty() || !o.caFile.isEmpty())
        return o.caPath;
    return QString::fromLatin1(MqttClient::kSystemCaPath);
}

} // namespace

QString MqttClient::describe(const Options &o) {
    QString s = QStringLiteral("%1:%2").arg(o.host).arg(o.port);
    s += o.protocol == ProtocolVersion::V5 ? QStringLiteral(" MQTT 5")
                                           : QStringLiteral(" MQTT 3.1.1");
    if (!o.username.isEmpty())
        s += QStringLiteral(" user '%1' (password %2)")
                 .arg(o.username,
                      o.password.isEmpty() ? QStringLiteral("empty") : QStringLiteral("set"));
    if (o.tls) {
        s += QStringLiteral(" TLS");
        if (!o.caFile.isEmpty())
            s += QStringLiteral(" CA %1").arg(o.caFile);
        if (const QString dir = effectiveCaPath(o); !dir.isEmpty())
            s += QStringLiteral(" CA path %1").arg(dir);
        if (!o.certFile.isEmpty())
            s += QStringLiteral(" client certificate %1").arg(o.certFile);
        s += o.tlsInsecureSkipVerify ? QStringLiteral(" verification OFF (insecure)")
                                     : QStringLiteral(" verification on");
    }
    return s;
}

QString MqttClient::errorName(Error error) {
    switch (error) {
    case Error::None:
        return QStringLiteral("none");
    case Error::InvalidOptions:
        return QStringLiteral("invalid options");
    case Error::HostUnreachable:
        return QStringLiteral("host unreachable");
    case Error::TlsFailure:
        return QStringLiteral("TLS failure");
    case Error::BadCredentials:
        return QStringLiteral("bad user name or password");
    case Error::NotAuthorized:
        return QStringLiteral("not authorised");
    case Error::Refused:
        return QStringLiteral("refused");
    case Error::ConnectionLost:
        return QStringLiteral("connection lost");
    }
    return QStringLiteral("unknown");
}

QString MqttClient::endpoint() const {
    return QStringLiteral("%1:%2").arg(m_options.host).arg(m_options.port);
}

void MqttClient::connectToBroker() {
    m_wantConnection = true;
    m_backoffMs = 0;
    if (m_state == State::Disconnected && !m_reconnectTimer.isActive())
        attempt();
}

bool MqttClient::configureHandle(QString *error) {
    mosquitto *h = m_handle.get();
    mosquitto_connect_v5_callback_set(h, &Callbacks::onConnect);
    mosquitto_disconnect_v5_callback_set(h, &Callbacks::onDisconnect);
    mosquitto_message_v5_callback_set(h, &Callbacks::onMessage);
    mosquitto_publish_v5_callback_set(h, &Callbacks::onPublish);
    mosquitto_log_callback_set(h, &Callbacks::onLog);
    mosquitto_int_option(h, MOSQ_OPT_PROTOCOL_VERSION,
                         m_options.protocol == ProtocolVersion::V5 ? MQTT_PROTOCOL_V5
                                                                   : MQTT_PROTOCOL_V311);

    if (!m_options.username.isEmpty()) {
        const QByteArray user = m_options.username.toUtf8();
        const QByteArray password = m_options.password.toUtf8();
        if (mosquitto_username_pw_set(h, user.constData(),
                                      m_options.password.isEmpty()
                                          ? nullptr
                                          : password.constData()) != MOSQ_ERR_SUCCESS) {
            *error = QStringLiteral("invalid MQTT user name");
            return false;
        }
    }
    if (m_options.tls) {
        for (const QString *file : {&m_options.caFile, &m_options.certFile, &m_options.keyFile}) {
            if (!file->isEmpty() && !QFileInfo(*file).isReadable()) {
                *error = QStringLiteral("cannot read TLS file '%1'").arg(*file);
                return false;
            }
        }
        if (!m_options.caPath.isEmpty() && !QFileInfo(m_options.caPath).isDir()) {
            *error = QStringLiteral("TLS CA path '%1' is not a directory").arg(m_options.caPath);
            return false;
        }
        if (m_options.certFile.isEmpty() != m_options.keyFile.isEmpty()) {
            *error =
                QStringLiteral("a TLS client certificate needs both a certificate and a key file");
            return false;
        }
        const QByteArray ca = QFile::encodeName(m_options.caFile);
        const QByteArray caPath = QFile::encodeName(effectiveCaPath(m_options));
        const QByteArray cert = QFile::encodeName(m_options.certFile);
        const QByteArray key = QFile::encodeName(m_options.keyFile);
        const int rc = mosquitto_tls_set(h, ca.isEmpty() ? nullptr : ca.constData(),
                                         caPath.isEmpty() ? nullptr : caPath.constData(),
                                         cert.isEmpty() ? nullptr : cert.constData(),
                                         key.isEmpty() ? nullptr : key.constData(), nullptr);
        if (rc != MOSQ_ERR_SUCCESS) {
            *error = QStringLiteral("TLS setup failed: %1")
                         .arg(QString::fromUtf8(mosquitto_strerror(rc)));
            return false;
        }
        // SSL_VERIFY_PEER (1) unless explicitly opted out; host name checked unless insecure.
        mosquitto_tls_opts_set(h, m_options.tlsInsecureSkipVerify ? 0 : 1, nullptr, nullptr);
        mosquitto_tls_insecure_set(h, m_options.tlsInsecureSkipVerify);
    }
    if (m_options.will) {
        const QByteArray topic = m_options.will->topic.toUtf8();
        const int rc = mosquitto_will_set(
            h, topic.constData(), static_cast<int>(m_options.will->payload.size()),
            m_options.will->payload.constData(), m_options.will->qos, m_options.will->retain);
        if (rc != MOSQ_ERR_SUCCESS) {
            *error = QStringLiteral("invalid last will on '%1': %2")
                         .arg(m_options.will->topic, QString::fromUtf8(mosquitto_strerror(rc)));
            return false;
        }
    }
    return true;
}

void MqttClient::attempt() {
    if (!m_wantConnection || m_state != State::Disconnected)
        return;
    m_events.clear();
    m_recentLog.clear();
    m_pendingMids.clear();
    if (m_options.host.isEmpty()) {
        fail(Error::InvalidOptions, QStringLiteral("no MQTT broker host given"));
        return;
    }
    const QByteArray clientId = m_options.clientId.toUtf8();
    m_handle.reset(mosquitto_new(clientId.isEmpty() ? nullptr : clientId.constData(), true, this));
    if (!m_handle) {
        fail(Error::InvalidOptions, QStringLiteral("cannot create an MQTT client (%1)")
                                        .arg(QString::fromLocal8Bit(std::strerror(errno))));
        return;
    }
    QString error;
    if (!configureHandle(&error)) {
        m_wantConnection = false; // retrying cannot fix a bad configuration
        fail(Error::InvalidOptions, error);
        return;
    }
    qCInfo(lcMqtt).noquote() << "connecting to" << describe(m_options);
    setState(State::Connecting);
    const QByteArray host = m_options.host.toUtf8();
    errno = 0;
    const int rc = mosquitto_connect_async(m_handle.get(), host.constData(), m_options.port,
                                           m_options.keepAliveSeconds);
    const int sysErrno = errno;
    if (rc != MOSQ_ERR_SUCCESS) {
        fail(rc == MOSQ_ERR_TLS ? Error::TlsFailure : Error::HostUnreachable,
             connectFailure(rc, sysErrno));
        return;
    }
    m_connectTimer.start(m_options.connectTimeoutMs);
    m_miscTimer.start();
    syncNotifiers();
    dispatchQueuedCallbacks();
}

void MqttClient::drive(int (*loop)(mosquitto *)) {
    if (!m_handle)
        return;
    errno = 0;
    const int rc = loop(m_handle.get());
    handleLoopResult(rc, errno);
}

void MqttClient::handleLoopResult(int rc, int sysErrno) {
    QPointer<MqttClient> alive(this);
    dispatchQueuedCallbacks();
    if (!alive || !m_handle)
        return;
    if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN) {
        if (m_state == State::Connected)
            fail(Error::ConnectionLost, lostMessage(rc, sysErrno));
        else if (m_state == State::Disconnecting)
            teardown();
        else
            fail(rc == MOSQ_ERR_TLS ? Error::TlsFailure : Error::HostUnreachable,
                 connectFailure(rc, sysErrno));
        return;
    }
    syncNotifiers();
}

QString MqttClient::connectFailure(int rc, int sysErrno) const {
    const QString where = QStringLiteral("MQTT broker %1").arg(endpoint());
    QString openssl;
    for (const QString &line : m_recentLog) {
        if (line.contains(QLatin1String("OpenSSL"), Qt::CaseInsensitive) ||
            line.contains(QLatin1String("SSL")))
            openssl = line;
    }
    switch (rc) {
    case MOSQ_ERR_EAI:
        return QStringLiteral("cannot resolve host name of %1").arg(where);
    case MOSQ_ERR_TLS:
    case MOSQ_ERR_TLS_HANDSHAKE:
        return QStringLiteral("TLS handshake with %1 failed%2 (check --mqtt-ca, the broker's "
                              "certificate and its host name)")
            .arg(where, openssl.isEmpty() ? QString() : QStringLiteral(": ") + openssl);
    case MOSQ_ERR_ERRNO:
        if (sysErrno == ECONNREFUSED)
            return QStringLiteral("connection refused by %1 (no broker listening on that port?)")
                .arg(where);
        if (sysErrno == EHOSTUNREACH || sysErrno == ENETUNREACH)
            return QStringLiteral("%1 is unreachable (%2)")
                .arg(where, QString::fromLocal8Bit(std::strerror(sysErrno)));
        if (sysErrno == ETIMEDOUT)
            return QStringLiteral("connection to %1 timed out").arg(where);
        if (sysErrno != 0)
            return QStringLiteral("cannot connect to %1: %2")
                .arg(where, QString::fromLocal8Bit(std::strerror(sysErrno)));
        break;
    case MOSQ_ERR_CONN_LOST:
        if (m_options.tls && m_state == State::Connecting)
            return QStringLiteral("%1 closed the connection during the TLS handshake%2")
                .arg(where, openssl.isEmpty() ? QString() : QStringLiteral(": ") + openssl);
        return QStringLiteral("%1 closed the connection").arg(where);
    case MOSQ_ERR_KEEPALIVE:
        return QStringLiteral("%1 stopped answering (keepalive timeout)").arg(where);
    default:
        break;
    }
    return QStringLiteral("cannot connect to %1: %2")
        .arg(where, QString::fromUtf8(mosquitto_strerror(rc)));
}

QString MqttClient::lostMessage(int rc, int sysErrno) {
    constexpr int kDrops = 3;
    constexpr qint64 kWindowMs = 120000;
    const QString hint =
        QStringLiteral("; another client is probably connected with the same client id '%1' "
                       "(two bridges with the same --host-id or --mqtt-client-id?)")
            .arg(m_options.clientId);
    if (rc == MQTT_RC_SESSION_TAKEN_OVER)
        return QStringLiteral("MQTT broker %1 handed our session to another client (MQTT 5 "
                              "\"session taken over\")%2")
            .arg(endpoint(), hint);
    QString message = QStringLiteral("connection to MQTT broker %1 lost: %2")
                          .arg(endpoint(), connectFailure(rc, sysErrno));
    // MQTT 3.1.1 has no reason: the broker just closes the older connection (and with
    // libmosquitto 2.0.11 an MQTT 5 client sees the same, not the DISCONNECT reason above). A
    // network that fails three times in two minutes is possible too, hence "probably".
    if (rc != MOSQ_ERR_CONN_LOST)
        return message;
    const qint64 now = m_clock.elapsed();
    m_recentDrops.append(now);
    while (!m_recentDrops.isEmpty() && now - m_recentDrops.first() > kWindowMs)
        m_recentDrops.removeFirst();
    if (m_recentDrops.size() >= kDrops)
        message += QStringLiteral(" (%1 times within %2 s)")
                       .arg(m_recentDrops.size())
                       .arg(kWindowMs / 1000) +
                   hint;
    return message;
}

void MqttClient::dispatchQueuedCallbacks() {
    QPointer<MqttClient> alive(this);
    while (!m_events.empty() && alive) {
        Event e = std::move(m_events.front());
        m_events.erase(m_events.begin());
        switch (e.kind) {
        case Event::Kind::Connack: {
            if (e.code == 0) {
                m_connectTimer.stop();
                m_backoffMs = 0;
                m_error = Error::None;
                m_errorString.clear();
                setState(State::Connected);
                qCInfo(lcMqtt).noquote() << "connected to" << endpoint();
                if (alive)
                    Q_EMIT connected();
                break;
            }
            // 3.1.1 CONNACK codes 4/5 and MQTT 5 reason codes 134/135 (mosquitto answers "not
            // authorised" for a wrong password too; both mean: check the credentials).
            Error error = Error::Refused;
            QString why;
            if (e.code == CONNACK_REFUSED_BAD_USERNAME_PASSWORD ||
                e.code == MQTT_RC_BAD_USERNAME_OR_PASSWORD) {
                error = Error::BadCredentials;
                why = QStringLiteral(
                    "bad user name or password (check --mqtt-user and the password file)");
            } else if (e.code == CONNACK_REFUSED_NOT_AUTHORIZED ||
                       e.code == MQTT_RC_NOT_AUTHORIZED) {
                error = Error::NotAuthorized;
                why = QStringLiteral(
                    "not authorised (wrong user name or password, or this user may not connect)");
            } else {
                why = m_options.protocol == ProtocolVersion::V5
                          ? QString::fromUtf8(mosquitto_reason_string(e.code))
                          : QString::fromUtf8(mosquitto_connack_string(e.code));
            }
            fail(error,
                 QStringLiteral("MQTT broker %1 refused the connection: %2").arg(endpoint(), why));
            return;
        }
        case Event::Kind::Disconnect:
            if (m_state == State::Disconnecting || e.code == MOSQ_ERR_SUCCESS) {
                teardown();
                return;
            }
            if (m_state == State::Connected)
                fail(Error::ConnectionLost, lostMessage(e.code, e.sysErrno));
            else
                fail(e.code == MOSQ_ERR_TLS ? Error::TlsFailure : Error::HostUnreachable,
                     connectFailure(e.code, e.sysErrno));
            return;
        case Event::Kind::Message:
            Q_EMIT messageReceived(e.topic, e.payload, e.retained);
            break;
        case Event::Kind::Published:
            m_pendingMids.remove(e.code);
            Q_EMIT published(e.code);
            break;
        case Event::Kind::Log:
            break;
        }
    }
}

void MqttClient::fail(Error error, const QString &message) {
    const bool wasConnected = m_state == State::Connected;
    m_error = error;
    m_errorString = message;
    qCWarning(lcMqtt).noquote() << message;
    teardown();
    QPointer<MqttClient> alive(this);
    Q_EMIT errorOccurred(error, message);
    if (alive && wasConnected)
        Q_EMIT disconnected();
    if (alive)
        scheduleReconnect();
}

void MqttClient::teardown() {
    const bool wasConnected = m_state == State::Connected || m_state == State::Disconnecting;
    m_connectTimer.stop();
    m_miscTimer.stop();
    m_readNotifier.reset();
    m_writeNotifier.reset();
    m_handle.reset();
    m_events.clear();
    m_pendingMids.clear();
    const bool clean = m_state == State::Disconnecting;
    setState(State::Disconnected);
    if (clean && wasConnected)
        Q_EMIT disconnected();
}

void MqttClient::scheduleReconnect() {
    if (!m_wantConnection || !m_options.autoReconnect || m_state != State::Disconnected)
        return;
    m_backoffMs = m_backoffMs == 0 ? m_options.reconnectInitialMs
                                   : std::min(m_backoffMs * 2, m_options.reconnectMaxMs);
    // +-20 % so several bridges do not hammer a restarted broker in step.
    const int jitter = m_backoffMs / 5;
    const int delay =
        m_backoffMs + (jitter > 0 ? QRandomGenerator::global()->bounded(-jitter, jitter) : 0);
    qCInfo(lcMqtt) << "reconnecting in" << delay << "ms";
    m_reconnectTimer.start(delay);
}

void MqttClient::disconnectFromBroker() {
    m_wantConnection = false;
    m_reconnectTimer.stop();
    if (!m_handle) {
        setState(State::Disconnected);
        return;
    }
    if (m_state != State::Connected) {
        teardown();
        return;
    }
    setState(State::Disconnecting);
    const int rc = mosquitto_disconnect(m_handle.get());
    if (rc != MOSQ_ERR_SUCCESS) {
        teardown();
        return;
    }
    // libmosquitto writes DISCONNECT at once when it can and then reports the disconnect;
    // otherwise the write notifier finishes the job.
    handleLoopResult(MOSQ_ERR_SUCCESS, 0);
}

int MqttClient::publish(const QString &topic, const QByteArray &payload, int qos, bool retain) {
    if (!m_handle || m_state != State::Connected)
        return -1;
    int mid = 0;
    const QByteArray t = topic.toUtf8();
    const int rc =
        mosquitto_publish(m_handle.get(), &mid, t.constData(), static_cast<int>(payload.size()),
                          payload.constData(), qos, retain);
    if (rc != MOSQ_ERR_SUCCESS) {
        qCWarning(lcMqtt).noquote()
            << "publish to" << topic << "failed:" << QString::fromUtf8(mosquitto_strerror(rc));
        if (rc == MOSQ_ERR_NO_CONN || rc == MOSQ_ERR_CONN_LOST || rc == MOSQ_ERR_ERRNO)
            handleLoopResult(rc, errno);
        return -1;
    }
    if (qos > 0)
        m_pendingMids.insert(mid);
    qCDebug(lcMqtt).noquote() << "published" << topic << payload.size() << "bytes"
                              << (retain ? "retained" : "");
    syncNotifiers();
    return mid;
}

bool MqttClient::subscribe(const QString &topic, int qos) {
    return request(QStringLiteral("subscribe to"), topic, [qos](mosquitto *m, const char *t) {
        return mosquitto_subscribe(m, nullptr, t, qos);
    });
}

bool MqttClient::unsubscribe(const QString &topic) {
    return request(QStringLiteral("unsubscribe from"), topic, [](mosquitto *m, const char *t) {
        return mosquitto_unsubscribe(m, nullptr, t);
    });
}

bool MqttClient::request(const QString &what, const QString &topic,
                         const std::function<int(mosquitto *, const char *)> &call) {
    if (!m_handle || m_state != State::Connected)
        return false;
    const QByteArray t = topic.toUtf8();
    const int rc = call(m_handle.get(), t.constData());
    if (rc != MOSQ_ERR_SUCCESS) {
        qCWarning(lcMqtt).noquote()
            << what << topic << "failed:" << QString::fromUtf8(mosquitto_strerror(rc));
        return false;
    }
    syncNotifiers();
    return true;
}

void MqttClient::syncNotifiers() {
    const int fd = m_handle ? mosquitto_socket(m_handle.get()) : -1;
    if (fd < 0) {
        m_readNotifier.reset();
        m_writeNotifier.reset();
        return;
    }
    if (!m_readNotifier || m_readNotifier->socket() != fd) {
        m_readNotifier = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
        connect(m_readNotifier.get(), &QSocketNotifier::activated, this,
                [this] { drive([](mosquitto *h) { return mosquitto_loop_read(h, 1); }); });
        m_writeNotifier = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Write);
        connect(m_writeNotifier.get(), &QSocketNotifier::activated, this, [this] {
            // While a TLS handshake is in progress, libmosquitto advances it from loop_read
            // only; reading with nothing to read is harmless, so do both.
            drive([](mosquitto *h) {
                const int rc = mosquitto_loop_write(h, 1);
                return rc != MOSQ_ERR_SUCCESS ? rc : mosquitto_loop_read(h, 1);
            });
        });
    }
    m_writeNotifier->setEnabled(mosquitto_want_write(m_handle.get()));
}

void MqttClient::setState(State state) {
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

} // namespace blupow
