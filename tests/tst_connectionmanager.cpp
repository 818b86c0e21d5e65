#include "device/connectionmanager.h"
#include "sim/simulateddevices.h"
#include "sim/simulatedtransport.h"
#include "simconnections.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>

using namespace blupow;

namespace {

std::unique_ptr<ConnectionManager> makeManager(const RegisterMaps &maps) {
    return testing::simulatedConnections(maps, 100);
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

    void switchingDevicesReplacesTheSession() {
        const RegisterMaps maps = RegisterMaps::builtIn();
        auto manager = makeManager(maps);
        QSignalSpy changed(manager.get(), &ConnectionManager::sessionChanged);
        manager->connectTo(*SimulatedDevices::byModel(u"controller"));
        QPointer<DeviceSession> first = manager->session();
        QPointer<Transport> firstTransport = manager->transport();
        manager->connectTo(*SimulatedDevices::byModel(u"inverter"));
        QCOMPARE(changed.size(), 2);
        QVERIFY(manager->session() != first.data());
        QTRY_VERIFY_WITH_TIMEOUT(!first && !firstTransport, 5000); // deleted on the next turn
        QTRY_COMPARE_WITH_TIMEOUT(manager->session()->state(), DeviceSession::State::Polling,
                                  10000);
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
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().first().value<DeviceSession *>(), nullptr);
        QVERIFY(!manager.isConnected());
    }
};

QTEST_GUILESS_MAIN(TestConnectionManager)
#include "tst_connectionmanager.moc"
