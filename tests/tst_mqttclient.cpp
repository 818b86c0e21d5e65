#include "logging.h"
#include "mqtt/mqttclient.h"
#include "mqtt/testbroker.h"
#include "testprerequisite.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <algorithm>

using namespace blupow;
using namespace blupow::test;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(blupow::MqttClient::Error)
Q_DECLARE_METATYPE(blupow::MqttClient::ProtocolVersion)

namespace {

// Every line any logging category produced while a test ran (the password check).
QStringList g_logLines; // test-only capture; the message handler has no context pointer
void captureMessage(QtMsgType, const QMessageLogContext &, const QString &message) {
    g_logLines.append(message);
}

quint16 closedPort() {
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort(); // closed again when `server` goes away
}

} // namespace

class TestMqttClient : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void roundTrip_data();
    void roundTrip();
    void connectErrors_data();
    void connectErrors();
    void insecureOptOutConnects_data();
    void insecureOptOutConnects();
    void passwordNeverLogged();
    void willOnAbruptClose();
    void cleanDisconnectSendsNoWill();
    void duplicateClientIdNamed_data();
    void duplicateClientIdNamed();

private:
    MqttClient::Options optionsFor(const QString &kind) const;
    TestBroker m_broker;
};

void TestMqttClient::initTestCase() {
    m_broker = TestBroker::fromEnvironment();
    BLUPOW_REQUIRE_PREREQUISITE(m_broker.isValid(),
                                "a broker from the mqtt_broker fixture (run through ctest)");
}

MqttClient::Options TestMqttClient::optionsFor(const QString &kind) const {
    MqttClient::Options o = m_broker.anonymous();
    if (kind == u"auth"_s) {
        o.port = m_broker.authPort;
        o.username = m_broker.user;
        o.password = m_broker.password;
    } else if (kind == u"tls"_s) {
        o.port = m_broker.tlsPort;
        o.tls = true;
        o.caFile = m_broker.file(u"ca.crt"_s);
    } else if (kind == u"tls capath"_s) {
        o.port = m_broker.tlsPort;
        o.tls = true;
        o.caPath = m_broker.file(u"capath"_s);
    }
    return o;
}

void TestMqttClient::roundTrip_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<MqttClient::ProtocolVersion>("protocol");
    QTest::newRow("3.1.1 anonymous") << u"plain"_s << MqttClient::ProtocolVersion::V311;
    QTest::newRow("5 anonymous") << u"plain"_s << MqttClient::ProtocolVersion::V5;
    QTest::newRow("3.1.1 user and password") << u"auth"_s << MqttClient::ProtocolVersion::V311;
    QTest::newRow("5 user and password") << u"auth"_s << MqttClient::ProtocolVersion::V5;
    QTest::newRow("3.1.1 TLS verified") << u"tls"_s << MqttClient::ProtocolVersion::V311;
    QTest::newRow("5 TLS verified") << u"tls"_s << MqttClient::ProtocolVersion::V5;
    QTest::newRow("3.1.1 TLS verified by a CA directory")
        << u"tls capath"_s << MqttClient::ProtocolVersion::V311;
}

void TestMqttClient::roundTrip() {
    QFETCH(QString, kind);
    QFETCH(MqttClient::ProtocolVersion, protocol);
    MqttClient::Options o = optionsFor(kind);
    o.protocol = protocol;
    MqttClient client(o);
    QSignalSpy connected(&client, &MqttClient::connected);
    QSignalSpy errors(&client, &MqttClient::errorOccurred);
    client.connectToBroker();
    QVERIFY2(connected.wait(10000), qPrintable(client.errorString()));
    QCOMPARE(client.state(), MqttClient::State::Connected);
    QCOMPARE(errors.size(), 0);

    const QString topic = u"blupow/test/roundtrip/"_s +
                          QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'_');
    QSignalSpy messages(&client, &MqttClient::messageReceived);
    QVERIFY(client.subscribe(topic, 1));
    // The subscription is active once a message published after it comes back; retry bounded.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            client.publish(topic, "hello \xC2\xB0", 1, false);
            return messages.wait(300);
        }(),
        10000);
    QCOMPARE(messages.first().at(0).toString(), topic);
    QCOMPARE(messages.first().at(1).toByteArray(), QByteArray("hello \xC2\xB0"));
    QCOMPARE(messages.first().at(2).toBool(), false);

    // Retained messages come back flagged as retained to a new subscriber.
    QSignalSpy acked(&client, &MqttClient::published);
    const int mid = client.publish(topic + u"/r"_s, "kept", 1, true);
    QVERIFY(mid > 0);
    QTRY_VERIFY_WITH_TIMEOUT(client.pendingAcks() == 0, 5000);
    QVERIFY(acked.size() >= 1);
    QSignalSpy disconnected(&client, &MqttClient::disconnected);
    client.disconnectFromBroker();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), MqttClient::State::Disconnected, 5000);
    QCOMPARE(disconnected.size(), 1);

    const auto retained =
        retainedMessages(kind == u"plain"_s ? o.port : m_broker.port, topic + u"/r"_s);
    QCOMPARE(retained.size(), 1);
    QVERIFY(retained.first().retained);
    QCOMPARE(retained.first().payload, QByteArray("kept"));
}

void TestMqttClient::connectErrors_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<MqttClient::ProtocolVersion>("protocol");
    QTest::addColumn<QList<MqttClient::Error>>("expected");
    QTest::addColumn<QString>("messagePart");

    const QList<MqttClient::Error> credentials{MqttClient::Error::BadCredentials,
                                               MqttClient::Error::NotAuthorized};
    QTest::newRow("wrong password 3.1.1")
        << u"wrong password"_s << MqttClient::ProtocolVersion::V311 << credentials
        << u"refused the connection"_s;
    QTest::newRow("wrong password 5") << u"wrong password"_s << MqttClient::ProtocolVersion::V5
                                      << credentials << u"refused the connection"_s;
    QTest::newRow("unknown user") << u"unknown user"_s << MqttClient::ProtocolVersion::V311
                                  << credentials << u"user name or password"_s;
    QTest::newRow("anonymous on the password listener")
        << u"no credentials"_s << MqttClient::ProtocolVersion::V311 << credentials
        << u"refused the connection"_s;
    QTest::newRow("nothing listening")
        << u"closed port"_s << MqttClient::ProtocolVersion::V311
        << QList<MqttClient::Error>{MqttClient::Error::HostUnreachable}
        << u"connection refused by MQTT broker 127.0.0.1:"_s;
    QTest::newRow("host name does not resolve")
        << u"bad host"_s << MqttClient::ProtocolVersion::V311
        << QList<MqttClient::Error>{MqttClient::Error::HostUnreachable} << u"resolve"_s;
    QTest::newRow("TLS with an unrelated CA")
        << u"bad ca"_s << MqttClient::ProtocolVersion::V311
        << QList<MqttClient::Error>{MqttClient::Error::TlsFailure} << u"TLS handshake"_s;
    QTest::newRow("TLS to a plain listener")
        << u"tls to plain"_s << MqttClient::ProtocolVersion::V311
        << QList<MqttClient::Error>{MqttClient::Error::TlsFailure} << u"TLS"_s;
    // No CA given: the system's CAs, which do not include the test CA (libmosquitto 2.0.11
    // refused this setup outright with "Invalid function arguments provided").
    QTest::newRow("TLS with the system CAs")
        << u"system ca"_s << MqttClient::ProtocolVersion::V311
        << QList<MqttClient::Error>{MqttClient::Error::TlsFailure} << u"TLS handshake"_s;
    QTest::newRow("TLS to the wrong host name")
        << u"wrong host"_s << MqttClient::ProtocolVersion::V311
        << QList<MqttClient::Error>{MqttClient::Error::TlsFailure} << u"TLS handshake"_s;
    QTest::newRow("TLS CA path not a directory")
        << u"missing capath"_s << MqttClient::ProtocolVersion::V311
        << QList<MqttClient::Error>{MqttClient::Error::InvalidOptions} << u"not a directory"_s;
    QTest::newRow("TLS CA file missing")
        << u"missing ca"_s << MqttClient::ProtocolVersion::V311
        << QList<MqttClient::Error>{MqttClient::Error::InvalidOptions} << u"cannot read TLS file"_s;
}

void TestMqttClient::connectErrors() {
    QFETCH(QString, kind);
    QFETCH(MqttClient::ProtocolVersion, protocol);
    QFETCH(QList<MqttClient::Error>, expected);
    QFETCH(QString, messagePart);

    MqttClient::Options o = m_broker.anonymous();
    o.protocol = protocol;
    if (kind == u"wrong password"_s) {
        o = optionsFor(u"auth"_s);
        o.protocol = protocol;
        o.password = u"not-the-password"_s;
    } else if (kind == u"unknown user"_s) {
        o = optionsFor(u"auth"_s);
        o.username = u"mallory"_s;
    } else if (kind == u"no credentials"_s) {
        o.port = m_broker.authPort;
    } else if (kind == u"closed port"_s) {
        o.port = closedPort();
    } else if (kind == u"bad host"_s) {
        o.host = u"no-such-host.invalid"_s;
    } else if (kind == u"bad ca"_s) {
        o = optionsFor(u"tls"_s);
        o.caFile = m_broker.file(u"other-ca.crt"_s);
    } else if (kind == u"tls to plain"_s) {
        o = optionsFor(u"tls"_s);
        o.port = m_broker.port;
    } else if (kind == u"system ca"_s) {
        o = optionsFor(u"tls"_s);
        o.caFile.clear();
    } else if (kind == u"wrong host"_s) {
        o = optionsFor(u"tls capath"_s);
        o.port = m_broker.wrongHostPort;
    } else if (kind == u"missing capath"_s) {
        o = optionsFor(u"tls capath"_s);
        o.caPath = m_broker.file(u"no-such-dir"_s);
    } else if (kind == u"missing ca"_s) {
        o = optionsFor(u"tls"_s);
        o.caFile = m_broker.file(u"does-not-exist.crt"_s);
    }
    MqttClient client(o);
    QSignalSpy connected(&client, &MqttClient::connected);
    QSignalSpy errors(&client, &MqttClient::errorOccurred);
    client.connectToBroker();
    QTRY_VERIFY_WITH_TIMEOUT(errors.size() >= 1, 10000);
    QCOMPARE(connected.size(), 0);
    const auto error = errors.first().at(0).value<MqttClient::Error>();
    const QString message = errors.first().at(1).toString();
    QVERIFY2(expected.contains(error),
             qPrintable(MqttClient::errorName(error) + u": "_s + message));
    QVERIFY2(message.contains(messagePart), qPrintable(message));
    QCOMPARE(client.state(), MqttClient::State::Disconnected);
    QCOMPARE(client.errorString(), message);
    // autoReconnect is off: no second attempt.
    QTest::qWait(200);
    QCOMPARE(errors.size(), 1);
}

void TestMqttClient::insecureOptOutConnects_data() {
    QTest::addColumn<QString>("caFile");
    QTest::newRow("unrelated CA") << u"other-ca.crt"_s;
    QTest::newRow("no CA (the system's)") << QString();
}

void TestMqttClient::insecureOptOutConnects() {
    QFETCH(QString, caFile);
    MqttClient::Options o = optionsFor(u"tls"_s);
    o.caFile = caFile.isEmpty() ? QString() : m_broker.file(caFile);
    o.tlsInsecureSkipVerify = true;
    QVERIFY(MqttClient::describe(o).contains(u"insecure"_s));
    MqttClient client(o);
    QSignalSpy connected(&client, &MqttClient::connected);
    client.connectToBroker();
    QVERIFY2(connected.wait(10000), qPrintable(client.errorString()));
}

void TestMqttClient::passwordNeverLogged() {
    enableVerboseLogging();
    g_logLines.clear();
    const QtMessageHandler previous = qInstallMessageHandler(captureMessage);
    {
        MqttClient::Options good = optionsFor(u"auth"_s);
        MqttClient client(good);
        QSignalSpy connected(&client, &MqttClient::connected);
        client.connectToBroker();
        QVERIFY(connected.wait(10000));
        client.publish(u"blupow/test/log"_s, "x", 1, false);
        QTRY_VERIFY_WITH_TIMEOUT(client.pendingAcks() == 0, 5000);
        client.disconnectFromBroker();

        MqttClient::Options bad = good;
        bad.password = u"Wr0ng-Secret-Value"_s;
        MqttClient refused(bad);
        QSignalSpy errors(&refused, &MqttClient::errorOccurred);
        refused.connectToBroker();
        QTRY_VERIFY_WITH_TIMEOUT(errors.size() == 1, 10000);
        QVERIFY(!errors.first().at(1).toString().contains(bad.password));
        QVERIFY(!MqttClient::describe(bad).contains(bad.password));
        QVERIFY(MqttClient::describe(bad).contains(bad.username));
    }
    qInstallMessageHandler(previous);
    QLoggingCategory::setFilterRules(QString());
    QVERIFY2(g_logLines.size() > 3,
             "verbose logging produced nothing: the check would prove nothing");
    for (const QString &line : std::as_const(g_logLines)) {
        QVERIFY2(!line.contains(m_broker.password), qPrintable(line));
        QVERIFY2(!line.contains(u"Wr0ng-Secret-Value"_s), qPrintable(line));
    }
}

void TestMqttClient::willOnAbruptClose() {
    const QString topic = u"blupow/test/will"_s;
    MqttClient::Options o = m_broker.anonymous();
    o.will = MqttClient::Will{topic, "offline", 1, true};
    {
        MqttClient dying(o);
        QSignalSpy connected(&dying, &MqttClient::connected);
        dying.connectToBroker();
        QVERIFY(connected.wait(10000));
        dying.publish(topic, "online", 1, true);
        QTRY_VERIFY_WITH_TIMEOUT(dying.pendingAcks() == 0, 5000);
        QCOMPARE(retainedPayload(retainedMessages(m_broker.port, topic), topic),
                 QByteArray("online"));
    } // destroyed without DISCONNECT: the broker sees a dropped connection
    QTRY_COMPARE_WITH_TIMEOUT(retainedPayload(retainedMessages(m_broker.port, topic), topic),
                              QByteArray("offline"), 10000);
}

void TestMqttClient::cleanDisconnectSendsNoWill() {
    const QString topic = u"blupow/test/nowill"_s;
    MqttClient::Options o = m_broker.anonymous();
    o.will = MqttClient::Will{topic, "offline", 1, true};
    MqttClient client(o);
    QSignalSpy connected(&client, &MqttClient::connected);
    client.connectToBroker();
    QVERIFY(connected.wait(10000));
    client.publish(topic, "bye", 1, true);
    QTRY_VERIFY_WITH_TIMEOUT(client.pendingAcks() == 0, 5000);
    client.disconnectFromBroker();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), MqttClient::State::Disconnected, 5000);
    QTest::qWait(300);
    QCOMPARE(retainedPayload(retainedMessages(m_broker.port, topic), topic), QByteArray("bye"));
}

void TestMqttClient::duplicateClientIdNamed_data() {
    QTest::addColumn<MqttClient::ProtocolVersion>("protocol");
    QTest::newRow("3.1.1") << MqttClient::ProtocolVersion::V311;
    QTest::newRow("5") << MqttClient::ProtocolVersion::V5;
}

// Two clients with one client id knock each other off the broker for ever; once sure enough,
// the error says why instead of a bare "connection lost".
void TestMqttClient::duplicateClientIdNamed() {
    QFETCH(MqttClient::ProtocolVersion, protocol);
    MqttClient::Options o = m_broker.anonymous();
    o.protocol = protocol;
    o.clientId = u"blupow-test-twin-"_s + QString::number(int(protocol));
    o.autoReconnect = true;
    o.reconnectInitialMs = 100;
    o.reconnectMaxMs = 200;
    MqttClient first(o);
    MqttClient second(o);
    QStringList messages;
    for (MqttClient *c : {&first, &second})
        connect(c, &MqttClient::errorOccurred, this,
                [&messages](MqttClient::Error, const QString &m) { messages.append(m); });
    first.connectToBroker();
    second.connectToBroker();
    QTRY_VERIFY_WITH_TIMEOUT(
        std::any_of(messages.cbegin(), messages.cend(),
                    [](const QString &m) { return m.contains(u"same client id"_s); }),
        20000);
}

QTEST_GUILESS_MAIN(TestMqttClient)
#include "tst_mqttclient.moc"
