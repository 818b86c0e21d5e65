#include "device/connectionmanager.h"
#include "sim/simulateddevices.h"
#include "sim/simulatedtransport.h"
#include "simtesthelpers.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>

using namespace blupow;

namespace {

std::unique_ptr<ConnectionManager> makeManager(const RegisterMaps &maps) {
    return testing::fastSimulatedConnections(maps, 100);
}

} // namespace

class TestConnectionManager : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // A disconnect defers deleting the session and its transport; when the manager goes before
    // the event loop runs again (quitting right after Disconnect), it deletes them itself, the
    // session first (its destructor still talks to the transport). ASan checks the order.
    void destroyedRightAfterDisconnect() {
        const RegisterMaps maps = RegisterMaps::builtIn();
        auto manager = makeManager(maps);
        manager->connectTo(*SimulatedDevices::byModel(u"controller"));
        QPointer<DeviceSession> session = manager->session();
        QPointer<Transport> transport = manager->transport();
        QVERIFY(session && transport);
        QTRY_COMPARE_WITH_TIMEOUT(session->state(), DeviceSession::State::Polling, 10000);
        manager->disconnectDevice();
        QVERIFY(!manager->session());
        QVERIFY(session && transport); // deferred
        manager.reset();
        QVERIFY(!session);
        QVERIFY(!transport);
    }

    // One link at a time: connecting to another device replaces the link open.
    void oneLinkAtATimeReplacesTheSession() {
        const RegisterMaps maps = RegisterMaps::builtIn();
        auto manager = makeManager(maps);
        manager->setMaxLinks(1);
        QSignalSpy changed(manager.get(), &ConnectionManager::sessionChanged);
        QSignalSpy closed(manager.get(), &ConnectionManager::linkClosed);
        manager->connectTo(*SimulatedDevices::byModel(u"controller"));
        QPointer<DeviceSession> first = manager->session();
        QPointer<Transport> firstTransport = manager->transport();
        manager->connectTo(*SimulatedDevices::byModel(u"inverter"));
        QCOMPARE(manager->linkCount(), 1);
        QCOMPARE(closed.size(), 1);
        QVERIFY(manager->session() != first.data());
        QCOMPARE(changed.last().first().value<DeviceSession *>(), manager->session());
        QTRY_VERIFY_WITH_TIMEOUT(!first && !firstTransport, 5000); // deleted on the next turn
        QTRY_COMPARE_WITH_TIMEOUT(manager->session()->state(), DeviceSession::State::Polling,
                                  10000);
    }

    // Several links: each device its own supervised session, the last one linked current,
    // choosing a linked device again only makes it current.
    void severalLinksAtOnce() {
        const RegisterMaps maps = RegisterMaps::builtIn();
        auto manager = makeManager(maps);
        QSignalSpy opened(manager.get(), &ConnectionManager::linkOpened);
        QSignalSpy changed(manager.get(), &ConnectionManager::sessionChanged);
        const QStringList models{QStringLiteral("controller"), QStringLiteral("battery"),
                                 QStringLiteral("inverter")};
        for (const QString &model : models)
            manager->connectTo(*SimulatedDevices::byModel(model));
        QCOMPARE(manager->linkCount(), 3);
        QCOMPARE(opened.size(), 3);
        QCOMPARE(manager->device()->address, QStringLiteral("sim:inverter"));
        const QList<DeviceSession *> sessions = manager->sessions();
        for (DeviceSession *session : sessions)
            QTRY_COMPARE_WITH_TIMEOUT(session->state(), DeviceSession::State::Polling, 10000);
        QCOMPARE(sessions.at(0)->identity()->family, Family::Controller);
        QCOMPARE(sessions.at(1)->identity()->family, Family::Battery);

        changed.clear();
        manager->connectTo(*SimulatedDevices::byModel(u"controller"));
        QCOMPARE(manager->linkCount(), 3);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().first().value<DeviceSession *>(), sessions.at(0));
        QVERIFY(!manager->select(QStringLiteral("sim:dcc")));
        QCOMPARE(manager->sessionFor(QStringLiteral("SIM:BATTERY")), sessions.at(1));

        // Closing the current link shows another one; closing the last shows nothing.
        QPointer<DeviceSession> controller = sessions.at(0);
        manager->disconnectDevice();
        QCOMPARE(manager->linkCount(), 2);
        QCOMPARE(manager->session(), sessions.at(1));
        QTRY_VERIFY_WITH_TIMEOUT(!controller, 5000);
        manager->disconnectAddress(QStringLiteral("sim:inverter"));
        QCOMPARE(manager->session(), sessions.at(1));
        manager->disconnectAll();
        QVERIFY(!manager->isConnected());
        QCOMPARE(changed.last().first().value<DeviceSession *>(), nullptr);
    }

    // One link lost and recovered: its session backs off and reconnects on its own, while the
    // others stay polling throughout.
    void oneLinkLostOthersKeepPolling() {
        const RegisterMaps maps = RegisterMaps::builtIn();
        auto manager = makeManager(maps);
        for (const char16_t *model : {u"controller", u"battery", u"inverter"})
            manager->connectTo(*SimulatedDevices::byModel(model));
        const QList<DeviceSession *> sessions = manager->sessions();
        for (DeviceSession *session : sessions)
            QTRY_COMPARE_WITH_TIMEOUT(session->state(), DeviceSession::State::Polling, 10000);
        DeviceSession *battery = sessions.at(1);
        QSignalSpy backoff(battery, &DeviceSession::backoffScheduled);
        QSignalSpy controllerStates(sessions.at(0), &DeviceSession::stateChanged);
        QSignalSpy inverterStates(sessions.at(2), &DeviceSession::stateChanged);
        QSignalSpy controllerCycles(sessions.at(0), &DeviceSession::valuesUpdated);
        QSignalSpy inverterCycles(sessions.at(2), &DeviceSession::valuesUpdated);

        auto *link = qobject_cast<SimulatedTransport *>(battery->transport());
        QVERIFY(link);
        link->addFault({SimulatedTransport::FaultKind::Disconnect, 0, 1});
        QTRY_VERIFY_WITH_TIMEOUT(backoff.size() >= 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(battery->state(), DeviceSession::State::Polling, 20000);
        QVERIFY(battery->statistics().reconnects >= 1);
        const qsizetype controllerSeen = controllerCycles.size();
        const qsizetype inverterSeen = inverterCycles.size();
        QTRY_VERIFY_WITH_TIMEOUT(controllerCycles.size() > controllerSeen &&
                                     inverterCycles.size() > inverterSeen,
                                 10000);
        QCOMPARE(controllerStates.size(), 0);
        QCOMPARE(inverterStates.size(), 0);
        QCOMPARE(manager->linkCount(), 3);
    }

    // At the limit a new link is refused with a reason; nothing open changes.
    void limitRefusesAnotherLink() {
        const RegisterMaps maps = RegisterMaps::builtIn();
        auto manager = makeManager(maps);
        manager->setMaxLinks(2);
        QSignalSpy errors(manager.get(), &ConnectionManager::errorOccurred);
        manager->connectTo(*SimulatedDevices::byModel(u"controller"));
        manager->connectTo(*SimulatedDevices::byModel(u"battery"));
        DeviceSession *current = manager->session();
        QSignalSpy changed(manager.get(), &ConnectionManager::sessionChanged);
        manager->connectTo(*SimulatedDevices::byModel(u"inverter"));
        QCOMPARE(manager->linkCount(), 2);
        QCOMPARE(changed.size(), 0);
        QCOMPARE(manager->session(), current);
        QCOMPARE(errors.size(), 1);
        const QString message = errors.first().first().toString();
        QVERIFY2(message.contains(QStringLiteral("2 devices are connected")) &&
                     message.contains(QStringLiteral("Disconnect one")),
                 qPrintable(message));
    }

    // A first connection refused while another link is up: the adapter may hold no more links,
    // and the person is told so; the session keeps retrying.
    void refusedLinkBesideOthersIsExplained() {
        const RegisterMaps maps = RegisterMaps::builtIn();
        DeviceSession::Options options;
        options.pollIntervalMs = 100;
        ConnectionManager manager(
            [maps](const DiscoveredDevice &d) -> std::unique_ptr<Transport> {
                auto t = SimulatedDevices::makeTransport(d, maps);
                t->setLatency(SimulatedTransport::Latency::fast());
                if (d.address == QStringLiteral("sim:battery"))
                    t->addFault({SimulatedTransport::FaultKind::Refuse, 0, -1, 60});
                return t;
            },
            maps, options);
        QSignalSpy errors(&manager, &ConnectionManager::errorOccurred);
        manager.connectTo(*SimulatedDevices::byModel(u"controller"));
        QTRY_COMPARE_WITH_TIMEOUT(manager.session()->state(), DeviceSession::State::Polling, 10000);
        QCOMPARE(errors.size(), 0);
        manager.connectTo(*SimulatedDevices::byModel(u"battery"));
        QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), 10000);
        const QString message = errors.first().first().toString();
        QVERIFY2(message.contains(QStringLiteral("refused a link while 1 other device(s) are "
                                                 "connected")) &&
                     message.contains(QStringLiteral("adapter")),
                 qPrintable(message));
        QCOMPARE(manager.linkCount(), 2);
        QCOMPARE(manager.sessions().at(0)->state(), DeviceSession::State::Polling);
    }

    // Whoever keeps the interval follows the signal instead of being told one by one; the
    // running session and the next one take it too.
    void pollIntervalFollowers_data() {
        QTest::addColumn<int>("interval");
        QTest::addColumn<int>("changes");
        QTest::newRow("new interval") << 2500 << 1;
        QTest::newRow("the same again") << 100 << 0;
    }
    void pollIntervalFollowers() {
        QFETCH(int, interval);
        QFETCH(int, changes);
        const RegisterMaps maps = RegisterMaps::builtIn();
        auto manager = makeManager(maps);
        manager->connectTo(*SimulatedDevices::byModel(u"controller"));
        QSignalSpy managerSpy(manager.get(), &ConnectionManager::pollIntervalChanged);
        QSignalSpy sessionSpy(manager->session(), &DeviceSession::pollIntervalChanged);
        manager->setPollInterval(interval);
        QCOMPARE(managerSpy.size(), changes);
        QCOMPARE(sessionSpy.size(), changes);
        if (changes)
            QCOMPARE(managerSpy.first().first().toInt(), interval);
        QCOMPARE(manager->session()->options().pollIntervalMs, interval);
        manager->connectTo(*SimulatedDevices::byModel(u"battery"));
        QCOMPARE(manager->session()->options().pollIntervalMs, interval);
    }

    void noTransportIsAnError() {
        ConnectionManager manager([](const DiscoveredDevice &) { return nullptr; },
                                  RegisterMaps::builtIn(), {});
        QSignalSpy errors(&manager, &ConnectionManager::errorOccurred);
        QSignalSpy changed(&manager, &ConnectionManager::sessionChanged);
        DiscoveredDevice d;
        d.name = QStringLiteral("BT-TH-00000000");
        d.address = QStringLiteral("00:11:22:33:44:55");
        manager.connectTo(d);
        QCOMPARE(errors.size(), 1);
        QVERIFY(errors.first().first().toString().contains(d.address));
        QCOMPARE(changed.size(), 0); // what was shown stays shown
        QVERIFY(!manager.isConnected());
    }
};

QTEST_GUILESS_MAIN(TestConnectionManager)
#include "tst_connectionmanager.moc"
