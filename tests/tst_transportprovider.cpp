#include "ble/bletransport.h"
#include "capture/recorder.h"
#include "capture/replaytransport.h"
#include "provider/transportprovider.h"
#include "sim/simulateddevices.h"
#include "sim/simulatedtransport.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace blupow;

namespace {

// A recording of one answered read, as --record writes it.
QByteArray recordingOfOneRead() {
    Exchange e;
    e.request = modbus::Request::read(0x01, 0x000C, 2);
    e.requestFrame = modbus::buildRequest(e.request);
    e.responseFrame = modbus::buildReadResponse(0x01, {0x2020, 0x2020});
    e.outcome = Exchange::Outcome::Ok;
    e.sentMs = 1700000000000;
    e.receivedMs = e.sentMs + 60;
    return capture::Recorder::exportExchanges({e});
}

QString kindOf(const Transport *t) {
    if (qobject_cast<const SimulatedTransport *>(t))
        return QStringLiteral("simulator");
    if (qobject_cast<const ReplayTransport *>(t))
        return QStringLiteral("replay");
    if (qobject_cast<const BleTransport *>(t))
        return QStringLiteral("bluetooth");
    return QStringLiteral("none");
}

} // namespace

class TestTransportProvider : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QFile good(m_dir.filePath(QStringLiteral("good.btsnoop")));
        QVERIFY(good.open(QIODevice::WriteOnly));
        good.write(recordingOfOneRead());
        QFile bad(m_dir.filePath(QStringLiteral("bad.btsnoop")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("not a capture");
    }

    // Each way of naming a device, and what comes of it at once (make()).
    void make_data() {
        QTest::addColumn<QString>("simulate");
        QTest::addColumn<QString>("replay");
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("failure"); // -1: none
        QTest::addColumn<QString>("peerName");

        QTest::newRow("simulated controller") << "controller"
                                              << ""
                                              << ""
                                              << ""
                                              << "simulator" << -1 << "BT-TH-66EDFC11";
        QTest::newRow("unknown simulated model")
            << "toaster"
            << ""
            << ""
            << ""
            << "none" << int(TransportProvider::Failure::Unavailable) << "";
        QTest::newRow("recording") << ""
                                   << "good.btsnoop"
                                   << ""
                                   << ""
                                   << "replay" << -1 << "";
        QTest::newRow("not a recording")
            << ""
            << "bad.btsnoop"
            << ""
            << ""
            << "none" << int(TransportProvider::Failure::BadInput) << "";
        QTest::newRow("missing recording")
            << ""
            << "missing.btsnoop"
            << ""
            << ""
            << "none" << int(TransportProvider::Failure::BadInput) << "";
        QTest::newRow("bluetooth address") << ""
                                           << ""
                                           << "C4:64:E3:38:3D:0E"
                                           << "BTRIC134000035"
                                           << "bluetooth" << -1 << "BTRIC134000035";
        QTest::newRow("bare name needs a scan first")
            << ""
            << ""
            << ""
            << "BTRIC134000035"
            << "none" << int(TransportProvider::Failure::Unavailable) << "";
        QTest::newRow("nothing chosen")
            << ""
            << ""
            << ""
            << ""
            << "none" << int(TransportProvider::Failure::NoDevice) << "";
    }
    void make() {
        QFETCH(QString, simulate);
        QFETCH(QString, replay);
        QFETCH(QString, address);
        QFETCH(QString, name);
        QFETCH(QString, kind);
        QFETCH(int, failure);
        QFETCH(QString, peerName);
        DeviceChoice choice;
        if (!simulate.isEmpty())
            choice.simulate = simulate;
        if (!replay.isEmpty())
            choice.replay = m_dir.filePath(replay);
        choice.address = address;
        choice.name = name;
        const TransportProvider provider(RegisterMaps::builtIn());
        QString error;
        auto why = TransportProvider::Failure::NoDevice;
        const auto transport = provider.make(choice, &error, &why);
        QCOMPARE(kindOf(transport.get()), kind);
        QCOMPARE(error.isEmpty(), failure < 0);
        if (failure >= 0)
            QCOMPARE(int(why), failure);
        if (transport && !peerName.isEmpty())
            QCOMPARE(transport->peerName(), peerName);
    }

    // The simulator options of the command line reach the simulator.
    void simulatorOptions() {
        DeviceChoice choice;
        choice.simulate = QStringLiteral("battery");
        choice.simSpeed = 60;
        QString error;
        choice.faults.append(*SimulatedTransport::parseFault(u"drop:3", &error));
        const auto transport = TransportProvider(RegisterMaps::builtIn()).make(choice, &error);
        auto *sim = qobject_cast<SimulatedTransport *>(transport.get());
        QVERIFY2(sim, qPrintable(error));
        QCOMPARE(sim->simulator().timeAcceleration(), 60.0);
        QCOMPARE(sim->faults().size(), 1);
    }

    // A device list entry names the same device as the command line would.
    void choiceOfAListEntry_data() {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("simulate");
        QTest::newRow("simulated") << "sim:dcc"
                                   << "dcc";
        QTest::newRow("bluetooth") << "C4:64:E3:38:3D:0E"
                                   << "";
    }
    void choiceOfAListEntry() {
        QFETCH(QString, address);
        QFETCH(QString, simulate);
        DiscoveredDevice d;
        d.address = address;
        d.name = QStringLiteral("BT-TH-5A3C1B77");
        const DeviceChoice c = DeviceChoice::of(d);
        QCOMPARE(c.simulate.value_or(QString()), simulate);
        QCOMPARE(c.address.isEmpty(), !simulate.isEmpty());
    }

    // start() always answers later, so a command can connect first and exit from the slot.
    void startAnswersLater() {
        TransportProvider provider(RegisterMaps::builtIn());
        QSignalSpy provided(&provider, &TransportProvider::provided);
        QSignalSpy failed(&provider, &TransportProvider::failed);
        DeviceChoice choice;
        choice.simulate = QStringLiteral("inverter");
        provider.start(choice);
        QCOMPARE(provided.size(), 0);
        QTRY_COMPARE(provided.size(), 1);
        QCOMPARE(kindOf(provider.take().get()), QStringLiteral("simulator"));
        QVERIFY(!provider.take());

        choice.simulate = QStringLiteral("toaster");
        provider.start(choice);
        QCOMPARE(failed.size(), 0);
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(failed.first().at(1).value<TransportProvider::Failure>(),
                 TransportProvider::Failure::Unavailable);
    }
};

QTEST_GUILESS_MAIN(TestTransportProvider)
#include "tst_transportprovider.moc"
