#pragma once

// The mosquitto started by the mqtt_broker CTest fixture (tests/mqtt/broker.sh), a private
// broker a test starts and restarts itself, and an independent subscriber (mosquitto_sub).

#include "mqtt/mqttclient.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUuid>

#include <memory>

namespace blupow::test {

inline QString readText(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll()).trimmed();
}

struct TestBroker {
    QString dir;
    quint16 port = 0;          // anonymous
    quint16 authPort = 0;      // user + password
    quint16 tlsPort = 0;       // TLS, anonymous
    quint16 wrongHostPort = 0; // TLS, a certificate for elsewhere.invalid from the same CA
    QString user;
    QString password;

    [[nodiscard]] bool isValid() const {
        return port != 0 && authPort != 0 && tlsPort != 0 && wrongHostPort != 0;
    }
    [[nodiscard]] QString file(const QString &name) const { return dir + QLatin1Char('/') + name; }

    static TestBroker load(const QString &dir) {
        TestBroker b;
        b.dir = dir;
        b.port = readText(b.file(QStringLiteral("port"))).toUShort();
        b.authPort = readText(b.file(QStringLiteral("auth_port"))).toUShort();
        b.tlsPort = readText(b.file(QStringLiteral("tls_port"))).toUShort();
        b.wrongHostPort = readText(b.file(QStringLiteral("wrong_host_port"))).toUShort();
        b.user = readText(b.file(QStringLiteral("user")));
        b.password = readText(b.file(QStringLiteral("password")));
        return b;
    }
    // The fixture's broker.
    static TestBroker fromEnvironment() {
        return load(qEnvironmentVariable("BLUPOW_MQTT_BROKER_DIR"));
    }

    [[nodiscard]] MqttClient::Options anonymous() const {
        MqttClient::Options o;
        o.host = QStringLiteral("127.0.0.1");
        o.port = port;
        o.autoReconnect = false;
        o.connectTimeoutMs = 5000;
        return o;
    }
};

// Runs broker.sh (start / relaunch / stop) for a broker private to one test; bounded.
inline bool brokerScript(const QString &command, const QString &dir) {
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(QStringLiteral("sh"),
            {qEnvironmentVariable("BLUPOW_MQTT_BROKER_SCRIPT"), command, dir});
    return p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

// A broker owned by one test case, stopped (by PID) when this goes out of scope.
class PrivateBroker {
public:
    PrivateBroker() {
        if (m_tmp.isValid() && brokerScript(QStringLiteral("start"), dir()))
            m_broker = TestBroker::load(dir());
    }
    ~PrivateBroker() { brokerScript(QStringLiteral("stop"), dir()); }
    PrivateBroker(const PrivateBroker &) = delete;
    PrivateBroker &operator=(const PrivateBroker &) = delete;

    [[nodiscard]] QString dir() const { return m_tmp.path() + QStringLiteral("/broker"); }
    [[nodiscard]] const TestBroker &broker() const { return m_broker; }
    bool stop() { return brokerScript(QStringLiteral("stop"), dir()); }
    bool relaunch() { return brokerScript(QStringLiteral("relaunch"), dir()); }

private:
    QTemporaryDir m_tmp;
    TestBroker m_broker;
};

struct ReceivedMessage {
    bool retained = false;
    QString topic;
    QByteArray payload;
};

// What the broker holds retained under `topic`, as an independent client (mosquitto_sub) sees it,
// complete however slow the machine is: with --retained-only mosquitto_sub exits at the first
// message that is not retained, so a sentinel published once it has subscribed ends it, and the
// broker sends every retained message of a SUBSCRIBE before any later publish. No fixed wait
// decides what counts as "all of them".
inline QList<ReceivedMessage> retainedMessages(quint16 port, const QString &topic,
                                               int ceilingSeconds = 30) {
    const QString sentinel =
        QStringLiteral("blupow-test/sentinel/") + QUuid::createUuid().toString(QUuid::Id128);
    QProcess p;
    p.start(QStringLiteral("mosquitto_sub"),
            {QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
             QString::number(port), QStringLiteral("--retained-only"), QStringLiteral("-W"),
             QString::number(ceilingSeconds), QStringLiteral("-F"), QStringLiteral("%r\t%t\t%p"),
             QStringLiteral("-t"), topic, QStringLiteral("-t"), sentinel});
    QElapsedTimer waited;
    waited.start();
    // A sentinel sent before the subscription took effect is lost: send until one ends it.
    while (!p.waitForFinished(100) && waited.elapsed() < ceilingSeconds * 1000LL) {
        QProcess::execute(QStringLiteral("mosquitto_pub"),
                          {QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                           QString::number(port), QStringLiteral("-t"), sentinel,
                           QStringLiteral("-m"), QStringLiteral("end")});
    }
    p.waitForFinished(10000);
    QList<ReceivedMessage> out;
    const QList<QByteArray> lines = p.readAllStandardOutput().split('\n');
    for (const QByteArray &line : lines) {
        const QList<QByteArray> parts = line.split('\t');
        if (parts.size() < 3)
            continue;
        ReceivedMessage m;
        m.retained = parts.at(0) == "1";
        m.topic = QString::fromUtf8(parts.at(1));
        m.payload = line.mid(parts.at(0).size() + parts.at(1).size() + 2);
        out.append(m);
    }
    return out;
}

inline QByteArray retainedPayload(const QList<ReceivedMessage> &messages, const QString &topic) {
    for (const ReceivedMessage &m : messages) {
        if (m.topic == topic)
            return m.payload;
    }
    return {};
}

} // namespace blupow::test
