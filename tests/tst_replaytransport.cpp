// ReplayTransport: a recording answers the requests it holds, in order, at the recorded pace
// scaled by the speed; what it does not hold gets no answer.

#include "capture/replaytransport.h"
#include "modbus/modbusframe.h"

#include <QSignalSpy>
#include <QTest>

using namespace blupow;
using namespace blupow::capture;

namespace {

CapturedExchange recorded(quint16 start, const QList<QByteArray> &chunks, qint64 stepUs) {
    CapturedExchange e;
    e.exchange.request = modbus::Request::read(0x30, start, 1);
    e.exchange.requestFrame = modbus::buildRequest(e.exchange.request);
    qint64 at = 0;
    for (const QByteArray &c : chunks) {
        at += stepUs;
        e.replyChunks.append(CapturedChunk{c, at});
    }
    return e;
}

QByteArray joined(const QSignalSpy &spy) {
    QByteArray all;
    for (const auto &args : spy)
        all += args.at(0).toByteArray();
    return all;
}

} // namespace

class TestReplayTransport : public QObject {
    Q_OBJECT

private:
    static void openTransport(ReplayTransport &t) {
        QSignalSpy states(&t, &Transport::stateChanged);
        t.open();
        QCOMPARE(t.state(), Transport::State::Opening);
        QTRY_COMPARE_WITH_TIMEOUT(t.state(), Transport::State::Open, 2000);
        QCOMPARE(states.size(), 2);
    }

private Q_SLOTS:
    void writeWhenClosedFails() {
        ReplayTransport t({recorded(5000, {"x"}, 10)});
        QSignalSpy errors(&t, &Transport::errorOccurred);
        QVERIFY(!t.write(modbus::buildReadRequest(0x30, 5000, 1)));
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.at(0).at(0).value<Transport::Error>(), Transport::Error::WriteFailed);
    }

    void answersInChunks_data() {
        QTest::addColumn<double>("speed");
        QTest::newRow("as recorded") << 1.0;
        QTest::newRow("ten times faster") << 10.0;
        QTest::newRow("at once") << 0.0;
        QTest::newRow("negative means at once") << -3.0;
    }
    void answersInChunks() {
        QFETCH(double, speed);
        const QByteArray reply = modbus::buildReadResponse(0x30, {15});
        ReplayTransport t(
            {recorded(5000, {reply.first(3), reply.sliced(3, 2), reply.sliced(5)}, 20'000)});
        t.setSpeed(speed);
        QCOMPARE(t.speed(), std::max(speed, 0.0));
        openTransport(t);
        QSignalSpy written(&t, &Transport::bytesWritten);
        QSignalSpy received(&t, &Transport::bytesReceived);
        QVERIFY(t.write(modbus::buildReadRequest(0x30, 5000, 1)));
        QCOMPARE(written.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 3, 5000);
        QCOMPARE(joined(received), reply);
        QCOMPARE(received.at(0).at(0).toByteArray(), reply.first(3));
        QCOMPARE(t.repliesPlayed(), 1);
        QCOMPARE(t.unmatchedRequests(), 0);
    }

    void unknownRequestGetsNoAnswer() {
        ReplayTransport t({recorded(5000, {"abc"}, 10)});
        t.setSpeed(0);
        openTransport(t);
        QSignalSpy received(&t, &Transport::bytesReceived);
        QVERIFY(t.write(modbus::buildReadRequest(0x30, 5042, 6)));
        QVERIFY(!received.wait(200));
        QCOMPARE(t.unmatchedRequests(), 1);
    }

    void matchesInOrderAndWrapsAround() {
        ReplayTransport t(
            {recorded(5000, {"A1"}, 10), recorded(5042, {"B"}, 10), recorded(5000, {"A2"}, 10)});
        t.setSpeed(0);
        openTransport(t);
        QSignalSpy received(&t, &Transport::bytesReceived);
        const QByteArray a = modbus::buildReadRequest(0x30, 5000, 1);
        const QByteArray b = modbus::buildReadRequest(0x30, 5042, 1);
        const QList<QPair<QByteArray, QByteArray>> steps{
            {a, "A1"}, {a, "A2"}, {b, "B"}, {a, "A2"}, {a, "A1"}};
        for (const auto &[request, expected] : steps) {
            QVERIFY(t.write(request));
            QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 2000);
            QCOMPARE(received.takeFirst().at(0).toByteArray(), expected);
        }
    }

    void newRequestSupersedesAReplyInFlight() {
        ReplayTransport t({recorded(5000, {"late"}, 60'000'000), recorded(5042, {"now"}, 1)});
        openTransport(t);
        QSignalSpy received(&t, &Transport::bytesReceived);
        QVERIFY(t.write(modbus::buildReadRequest(0x30, 5000, 1)));
        QVERIFY(t.write(modbus::buildReadRequest(0x30, 5042, 1)));
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 2000);
        QCOMPARE(received.at(0).at(0).toByteArray(), QByteArray("now"));
    }

    void closeStopsPlayback() {
        ReplayTransport t({recorded(5000, {"one", "two"}, 50'000)});
        openTransport(t);
        QSignalSpy received(&t, &Transport::bytesReceived);
        QVERIFY(t.write(modbus::buildReadRequest(0x30, 5000, 1)));
        t.close();
        QTRY_COMPARE_WITH_TIMEOUT(t.state(), Transport::State::Closed, 2000);
        QVERIFY(!received.wait(200));
        QCOMPARE(received.size(), 0);
    }

    void fromFileErrors_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing file")
            << QStringLiteral("/nonexistent/x.btsnoop") << QStringLiteral("cannot open");
        QTest::newRow("not a capture") << QStringLiteral(BLUPOW_SOURCE_DIR "/CMakeLists.txt")
                                       << QStringLiteral("not a btsnoop capture");
    }
    void fromFileErrors() {
        QFETCH(QString, path);
        QFETCH(QString, message);
        QString error;
        QVERIFY(!ReplayTransport::fromFile(path, &error));
        QVERIFY2(error.contains(message) && error.startsWith(path), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestReplayTransport)
#include "tst_replaytransport.moc"
