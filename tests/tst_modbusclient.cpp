#include "modbus/crc16.h"
#include "modbus/modbusclient.h"
#include "transport/transport.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace blupow;

namespace {

// A link the test speaks for: it keeps what the client writes and delivers what the test says,
// when the test says it, so every reply order can be played out exactly.
class ScriptedLink : public Transport {
public:
    void open() override { setState(State::Open); }
    void close() override { setState(State::Closed); }
    bool write(const QByteArray &frame) override {
        if (m_state != State::Open)
            return false;
        written.append(frame);
        Q_EMIT bytesWritten(frame, QDateTime::currentMSecsSinceEpoch());
        return true;
    }
    [[nodiscard]] State state() const override { return m_state; }
    [[nodiscard]] QString peerName() const override { return QStringLiteral("scripted"); }
    [[nodiscard]] QString peerAddress() const override { return {}; }

    void deliver(const QByteArray &bytes) {
        Q_EMIT bytesReceived(bytes, QDateTime::currentMSecsSinceEpoch());
    }

    QList<QByteArray> written;

private:
    void setState(State s) {
        m_state = s;
        Q_EMIT stateChanged(s);
    }
    State m_state = State::Open;
};

constexpr quint8 kSlave = 0x01;
// Long enough never to expire by itself on a busy machine: a script's "timeout" step expires the
// request timer on purpose, so no verdict depends on how fast the test gets back to the link.
constexpr int kTimeoutMs = 600000;

// The request in flight times out now, as if its timer had run out.
void expireRequest(ModbusClient &client) {
    auto *timer = client.findChild<QTimer *>(QStringLiteral("modbusRequestTimer"));
    QVERIFY(timer);
    QVERIFY2(timer->isActive(), "no request timer running");
    timer->start(0);
}

// A and B have the same signature (slave, function, count): a reply to one fits the other.
modbus::Request named(QStringView name) {
    if (name == u"A")
        return modbus::Request::read(kSlave, 0x0100, 2);
    if (name == u"B")
        return modbus::Request::read(kSlave, 0x0200, 2);
    if (name == u"C")
        return modbus::Request::read(kSlave, 0x0300, 3);
    if (name == u"W")
        return modbus::Request::writeSingle(kSlave, 0x0010, 5);
    if (name == u"P") // the resync probe the client picks from the known-good read K
        return modbus::Request::read(kSlave, 0x0010, 1);
    qFatal("unknown request name");
}

// Each register answers its own address, so a reply shows whose it is.
QByteArray replyTo(const modbus::Request &r) {
    if (r.function != modbus::FunctionCode::ReadHoldingRegisters)
        return modbus::buildWriteResponse(r);
    QList<quint16> words;
    for (quint16 i = 0; i < r.count; ++i)
        words.append(static_cast<quint16>(r.start + i));
    return modbus::buildReadResponse(r.slave, words);
}

QString describeWrite(const QByteArray &frame) {
    const auto reg = static_cast<quint16>((static_cast<quint8>(frame.at(2)) << 8) |
                                          static_cast<quint8>(frame.at(3)));
    const auto n = static_cast<quint16>((static_cast<quint8>(frame.at(4)) << 8) |
                                        static_cast<quint8>(frame.at(5)));
    if (static_cast<quint8>(frame.at(1)) != 0x03)
        return QStringLiteral("w%1").arg(reg, 4, 16, QLatin1Char('0'));
    return QStringLiteral("%1x%2").arg(reg, 4, 16, QLatin1Char('0')).arg(n);
}

QString outcomeName(Exchange::Outcome o) {
    // In the order of the enum.
    static const char *const names[] = {"ok", "exception", "error", "timeout", "cancelled"};
    return QString::fromLatin1(names[static_cast<int>(o)]);
}

// "A:ok:0100" - the request (by start), what came of it and, when Ok, the first word.
QString describeFinished(const Exchange &e) {
    QString name = QStringLiteral("?");
    for (const char *n : {"A", "B", "C", "W"}) {
        const auto r = named(QString::fromLatin1(n));
        if (r.start == e.request.start && r.function == e.request.function)
            name = QString::fromLatin1(n);
    }
    QString s = name + QLatin1Char(':') + outcomeName(e.outcome);
    if (e.outcome == Exchange::Outcome::Ok && !e.response.words.isEmpty())
        s += QStringLiteral(":%1").arg(e.response.words.first(), 4, 16, QLatin1Char('0'));
    return s;
}

} // namespace

class TestModbusClient : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Each row is a script of what the caller and the link do, in order:
    //   send:X / retry:X  the caller sends request X (retry: with one retry)
    //   reply:X           the full reply to X arrives (X may long have timed out)
    //   chunks:X          the same in 3-byte notifications
    //   exception:X       an exception reply (illegal address) with X's slave and function
    //   badcrc:X          the reply to X with its CRC broken
    //   junk              bytes nobody asked for
    //   timeout           the request in flight times out (the script waits for it)
    //   expire            the request's timer runs out, whatever comes of it
    //   cancel            the caller gives up (link lost)
    // and checks what went on the wire, what every exchange came to, and what the caller heard.
    void replyOrders_data() {
        QTest::addColumn<QString>("script");
        QTest::addColumn<QString>("written");
        QTest::addColumn<QString>("finished");
        QTest::addColumn<bool>("desynchronised");

        QTest::newRow("reply in time") << "send:A reply:A"
                                       << "0100x2"
                                       << "A:ok:0100" << false;
        QTest::newRow("reply in 3-byte notifications") << "send:A chunks:A"
                                                       << "0100x2"
                                                       << "A:ok:0100" << false;
        QTest::newRow("unsolicited notification before the request") << "junk send:A reply:A"
                                                                     << "0100x2"
                                                                     << "A:ok:0100" << false;
        QTest::newRow("junk while pending, then the reply") << "send:A junk reply:A"
                                                            << "0100x2"
                                                            << "A:ok:0100" << false;
        QTest::newRow("two replies: the second is nobody's")
            << "send:A reply:A reply:A send:C reply:C"
            << "0100x2 0300x3"
            << "A:ok:0100 C:ok:0300" << false;
        // The interleaving this class exists for: B matches A's signature, so A's late reply
        // would be B's. A probe goes first; A's reply is dropped; B gets its own.
        QTest::newRow("reply after timeout, then the next request's")
            << "send:A timeout send:B reply:A reply:P reply:B"
            << "0100x2 0010x1 0200x2"
            << "A:timeout B:ok:0200" << false;
        QTest::newRow("late reply in notifications while the probe is pending")
            << "send:A timeout send:B chunks:A reply:P reply:B"
            << "0100x2 0010x1 0200x2"
            << "A:timeout B:ok:0200" << false;
        QTest::newRow("late reply lost for good: the probe settles it")
            << "send:A timeout send:B reply:P reply:B"
            << "0100x2 0010x1 0200x2"
            << "A:timeout B:ok:0200" << false;
        QTest::newRow("after a timeout, another signature goes at once")
            << "send:A timeout send:C reply:A reply:C"
            << "0100x2 0300x3"
            << "A:timeout C:ok:0300" << false;
        QTest::newRow("timeout, then the retry behind a probe") << "retry:A timeout reply:P reply:A"
                                                                << "0100x2 0010x1 0100x2"
                                                                << "A:ok:0100" << false;
        QTest::newRow("retries exhausted") << "retry:A badcrc:A badcrc:A"
                                           << "0100x2 0100x2"
                                           << "A:error" << false;
        QTest::newRow("exception is an answer, not retried") << "retry:A exception:A send:C reply:C"
                                                             << "0100x2 0300x3"
                                                             << "A:exception C:ok:0300" << false;
        // An exception carries no byte count: it may be A's late answer. C waits for its own
        // reply until its timeout; the exception is C's only when nothing else comes, and even
        // then C's own reply may still be on its way.
        QTest::newRow("late exception, then the request's own reply")
            << "send:A timeout send:C exception:C reply:C"
            << "0100x2 0300x3"
            << "A:timeout C:ok:0300" << false;
        QTest::newRow("exception after a timeout may be the late one")
            << "send:A timeout send:C exception:C expire send:C reply:P reply:C"
            << "0100x2 0300x3 0010x1 0300x3"
            << "A:timeout C:exception C:ok:0300" << false;
        QTest::newRow("bad CRC is retried at once") << "retry:A badcrc:A reply:A"
                                                    << "0100x2 0100x2"
                                                    << "A:ok:0100" << false;
        QTest::newRow("bad CRC without retries") << "send:A badcrc:A"
                                                 << "0100x2"
                                                 << "A:error" << false;
        QTest::newRow("write echoed") << "send:W reply:W"
                                      << "w0010"
                                      << "W:ok" << false;
        QTest::newRow("cancel in flight") << "send:A cancel"
                                          << "0100x2"
                                          << "A:cancelled" << false;
        QTest::newRow("cancel behind a probe: the request never went")
            << "send:A timeout send:B cancel"
            << "0100x2 0010x1"
            << "A:timeout B:cancelled" << false;
        QTest::newRow("probes unanswered: a new link is the way out")
            << "send:A timeout send:B timeout timeout timeout"
            << "0100x2 0010x1 0010x3 0010x4"
            << "A:timeout" << true;
    }

    void replyOrders() {
        QFETCH(QString, script);
        QFETCH(QString, written);
        QFETCH(QString, finished);
        QFETCH(bool, desynchronised);

        ScriptedLink link;
        ModbusClient client(&link, {kTimeoutMs, 0});
        client.setProbeSlave(kSlave);
        // K: the read this device answered before, the probes' target.
        client.rememberAnswered(modbus::Request::read(kSlave, 0x0010, 4));
        QStringList heard;
        int timeouts = 0;
        connect(&client, &ModbusClient::finished, this,
                [&](const Exchange &e) { heard.append(describeFinished(e)); });
        connect(&client, &ModbusClient::exchangeFinished, this, [&](const Exchange &e) {
            if (e.outcome == Exchange::Outcome::Timeout)
                ++timeouts;
        });
        QSignalSpy desync(&client, &ModbusClient::desynchronised);

        for (const QString &step : script.split(QLatin1Char(' '))) {
            const QString verb = step.section(QLatin1Char(':'), 0, 0);
            const QString name = step.section(QLatin1Char(':'), 1);
            // The client writes a retry, a probe or a held request on a later turn of the event
            // loop: let it, so that each step meets the wire as it is.
            QTRY_VERIFY2_WITH_TIMEOUT(client.inFlight() || !client.busy() || !desync.isEmpty(),
                                      qPrintable(step), 2000);
            if (verb == QLatin1String("send") || verb == QLatin1String("retry")) {
                QTRY_VERIFY2_WITH_TIMEOUT(!client.busy(), qPrintable(step), 2000);
                client.send(named(name), kTimeoutMs, verb == QLatin1String("retry") ? 1 : 0);
            } else if (verb == QLatin1String("reply")) {
                link.deliver(replyTo(named(name)));
            } else if (verb == QLatin1String("chunks")) {
                const QByteArray frame = replyTo(named(name));
                for (qsizetype i = 0; i < frame.size(); i += 3)
                    link.deliver(frame.mid(i, 3));
            } else if (verb == QLatin1String("exception")) {
                link.deliver(modbus::buildExceptionResponse(kSlave, 0x03, 0x02));
            } else if (verb == QLatin1String("badcrc")) {
                QByteArray frame = replyTo(named(name));
                frame[frame.size() - 1] = static_cast<char>(frame.back() ^ 0x5a);
                link.deliver(frame);
            } else if (verb == QLatin1String("junk")) {
                link.deliver(QByteArray::fromHex("00fe7713"));
            } else if (verb == QLatin1String("timeout")) {
                const int before = timeouts;
                expireRequest(client);
                QTRY_VERIFY2_WITH_TIMEOUT(timeouts > before, qPrintable(step), 2000);
            } else if (verb == QLatin1String("expire")) {
                expireRequest(client);
            } else if (verb == QLatin1String("cancel")) {
                client.cancel(QStringLiteral("link lost"));
            } else {
                QFAIL(qPrintable(QStringLiteral("bad step ") + step));
            }
        }
        if (!desynchronised)
            QTRY_VERIFY_WITH_TIMEOUT(!client.busy() || !desync.isEmpty(), 2000);
        QStringList wire;
        for (const QByteArray &f : std::as_const(link.written))
            wire.append(describeWrite(f));
        QCOMPARE(wire.join(QLatin1Char(' ')), written);
        QCOMPARE(heard.join(QLatin1Char(' ')), finished);
        QCOMPARE(!desync.isEmpty(), desynchronised);
    }

    // Without a device slave to probe (identification) a request that matches an unsettled one
    // is not sent at all: only a new link discards what may still arrive.
    void noProbeTargetAsksForANewLink() {
        ScriptedLink link;
        ModbusClient client(&link, {kTimeoutMs, 0});
        QSignalSpy desync(&client, &ModbusClient::desynchronised);
        client.send(named(u"A"), kTimeoutMs);
        expireRequest(client);
        QTRY_VERIFY_WITH_TIMEOUT(!client.busy(), 2000);
        client.send(named(u"B"), kTimeoutMs);
        QCOMPARE(desync.size(), 1);
        QCOMPARE(link.written.size(), 1);
        // The new link forgets the old one's unsettled requests.
        client.cancel(QStringLiteral("reconnecting"));
        client.linkOpened();
        client.send(named(u"B"), kTimeoutMs);
        QCOMPARE(link.written.size(), 2);
        link.deliver(replyTo(named(u"B")));
        QTRY_VERIFY_WITH_TIMEOUT(!client.busy(), 2000);
    }

    // A caller that sends from its finished() slot waits for idle(), and the gap is kept.
    void sendFromASlotWaitsForTheGap() {
        ScriptedLink link;
        ModbusClient client(&link, {kTimeoutMs, 30});
        bool busyInSlot = false;
        connect(&client, &ModbusClient::finished, this,
                [&](const Exchange &) { busyInSlot = client.busy(); });
        QSignalSpy idle(&client, &ModbusClient::idle);
        client.send(named(u"A"), kTimeoutMs);
        link.deliver(replyTo(named(u"A")));
        QVERIFY(busyInSlot);
        QVERIFY(client.busy()); // the gap
        QCOMPARE(idle.size(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(idle.size(), 1, 2000);
        QVERIFY(!client.busy());
    }

    // A listener connected to the transport after the client (a recorder attached to a running
    // session) hears each reply before the request the caller sends on it.
    void nextRequestAfterTheReplyIsHeard() {
        ScriptedLink link;
        ModbusClient client(&link, {kTimeoutMs, 0});
        QStringList heard;
        QList<modbus::Request> queue{named(u"A"), named(u"C")};
        connect(&client, &ModbusClient::idle, this, [&] {
            if (!queue.isEmpty())
                client.send(queue.takeFirst(), kTimeoutMs);
        });
        connect(&link, &Transport::bytesWritten, this, [&](const QByteArray &f) {
            heard.append(QStringLiteral("tx ") + describeWrite(f));
        });
        connect(&link, &Transport::bytesReceived, this,
                [&](const QByteArray &) { heard.append(QStringLiteral("rx")); });
        client.send(queue.takeFirst(), kTimeoutMs);
        link.deliver(replyTo(named(u"A")));
        QTRY_COMPARE_WITH_TIMEOUT(link.written.size(), 2, 2000);
        link.deliver(replyTo(named(u"C")));
        QCOMPARE(heard.join(QStringLiteral(", ")), QStringLiteral("tx 0100x2, rx, tx 0300x3, rx"));
    }

    void statisticsCountEveryOutcome() {
        ScriptedLink link;
        ModbusClient client(&link, {kTimeoutMs, 0});
        client.send(named(u"A"), kTimeoutMs, 1);
        QByteArray bad = replyTo(named(u"A"));
        bad[bad.size() - 1] = static_cast<char>(bad.back() ^ 0x5a);
        link.deliver(bad);
        QTRY_VERIFY_WITH_TIMEOUT(client.inFlight(), 2000); // the retry
        link.deliver(replyTo(named(u"A")));
        link.deliver(QByteArray::fromHex("00fe")); // nobody's
        QTRY_VERIFY_WITH_TIMEOUT(!client.busy(), 2000);
        client.send(named(u"C"), kTimeoutMs);
        link.deliver(modbus::buildExceptionResponse(kSlave, 0x03, 0x02));
        const LinkStatistics &s = client.statistics();
        QCOMPARE(s.requests, quint64{3});
        QCOMPARE(s.crcErrors, quint64{1});
        QCOMPARE(s.exceptions, quint64{1});
        QCOMPARE(s.droppedBytes, quint64{2});
        QCOMPARE(s.successRate, 2.0 / 3.0);
    }
};

QTEST_GUILESS_MAIN(TestModbusClient)
#include "tst_modbusclient.moc"
