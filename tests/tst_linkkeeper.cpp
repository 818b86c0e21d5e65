#include "device/linkkeeper.h"

#include <QSignalSpy>
#include <QTest>

using namespace blupow;

namespace {

// A transport whose state the test sets; open() and close() only note that they were asked.
class PuppetLink : public Transport {
public:
    void open() override { asked.append(QStringLiteral("open")); }
    void close() override { asked.append(QStringLiteral("close")); }
    bool write(const QByteArray &) override { return false; }
    [[nodiscard]] State state() const override { return m_state; }
    [[nodiscard]] QString peerName() const override { return {}; }
    [[nodiscard]] QString peerAddress() const override { return {}; }

    void become(State s) {
        m_state = s;
        Q_EMIT stateChanged(s);
    }
    void fail(Error e, const QString &message) { Q_EMIT errorOccurred(e, message); }

    QStringList asked;
    State m_state = State::Closed;
};

constexpr int kConnectTimeoutMs = 50;

} // namespace

class TestLinkKeeper : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Each row: the transport's state when open() is called, then what the transport does
    //   open / closed / closing        it becomes that
    //   refused:MSG / lost:MSG         errorOccurred (ConnectionRefused / ConnectionLost)
    //   wait                           nothing happens until the connect timeout
    //   close / reopen                 the keeper is told to close / to open again
    // and what the keeper said, and what it asked the transport.
    void transitions_data() {
        QTest::addColumn<int>("initial");
        QTest::addColumn<QString>("script");
        QTest::addColumn<QString>("said");
        QTest::addColumn<QString>("asked");
        const int closed = int(Transport::State::Closed);
        QTest::newRow("opens") << closed << "open"
                               << "opened"
                               << "open";
        QTest::newRow("open already") << int(Transport::State::Open) << ""
                                      << "opened"
                                      << "";
        QTest::newRow("refused with a reason") << closed << "refused:lockout closed"
                                               << "failed: lockout"
                                               << "open";
        QTest::newRow("refused without one") << closed << "closed"
                                             << "failed: connection failed"
                                             << "open";
        QTest::newRow("a closing link is reopened once gone")
            << int(Transport::State::Closing) << "closed open"
            << "opened"
            << "open";
        QTest::newRow("an open that never ends")
            << closed << "wait"
            << "failed: connection attempt timed out after 50 ms"
            << "open";
        QTest::newRow("lost when open") << closed << "open lost:gone"
                                        << "opened, lost: gone"
                                        << "open";
        QTest::newRow("closed under it") << closed << "open closed"
                                         << "opened, lost: link closed"
                                         << "open";
        QTest::newRow("closed by the caller: nothing to say") << closed << "open close closed"
                                                              << "opened"
                                                              << "open close";
        QTest::newRow("the last error is not the next close's reason")
            << closed << "refused:old closed reopen closed"
            << "failed: old, failed: connection failed"
            << "open open";
    }
    void transitions() {
        QFETCH(int, initial);
        QFETCH(QString, script);
        QFETCH(QString, said);
        QFETCH(QString, asked);
        PuppetLink link;
        link.m_state = static_cast<Transport::State>(initial);
        LinkKeeper keeper(&link, kConnectTimeoutMs);
        QStringList heard;
        connect(&keeper, &LinkKeeper::opened, this,
                [&] { heard.append(QStringLiteral("opened")); });
        connect(&keeper, &LinkKeeper::failed, this,
                [&](const QString &why) { heard.append(QStringLiteral("failed: ") + why); });
        connect(&keeper, &LinkKeeper::lost, this,
                [&](const QString &why) { heard.append(QStringLiteral("lost: ") + why); });
        keeper.open();
        for (const QString &step : script.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            const QString verb = step.section(QLatin1Char(':'), 0, 0);
            const QString text = step.section(QLatin1Char(':'), 1);
            if (verb == QLatin1String("open")) {
                link.become(Transport::State::Open);
            } else if (verb == QLatin1String("closed")) {
                link.become(Transport::State::Closed);
            } else if (verb == QLatin1String("refused")) {
                link.fail(Transport::Error::ConnectionRefused, text);
            } else if (verb == QLatin1String("lost")) {
                link.fail(Transport::Error::ConnectionLost, text);
            } else if (verb == QLatin1String("reopen")) {
                keeper.open();
            } else if (verb == QLatin1String("close")) {
                keeper.close();
            } else if (verb == QLatin1String("wait")) {
                QTRY_VERIFY_WITH_TIMEOUT(!heard.isEmpty(), 2000);
            } else {
                QFAIL(qPrintable(QStringLiteral("bad step ") + step));
            }
        }
        QCOMPARE(heard.join(QStringLiteral(", ")), said);
        QCOMPARE(link.asked.join(QLatin1Char(' ')), asked);
    }
};

QTEST_GUILESS_MAIN(TestLinkKeeper)
#include "tst_linkkeeper.moc"
