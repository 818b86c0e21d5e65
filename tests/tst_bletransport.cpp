// BleTransport with the real Qt Bluetooth classes against the project's fake bluetoothd on a
// private D-Bus (tests/fakebluez, started by the CTest fixture in ble.cmake).

#include "ble/bletransport.h"
#include "ble/devicescanner.h"
#include "fakebluezcontrol.h"
#include "modbus/framereassembler.h"
#include "modbus/modbusframe.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace blupow;
using blupow::test::FakeBluez;
using blupow::test::QtLogCapture;

namespace {
const QString kController = QStringLiteral("60:98:66:ED:FC:11");
const QString kBattery = QStringLiteral("AC:4D:16:17:8A:45");
const QString kInverter = QStringLiteral("4C:E1:74:00:00:35");

constexpr int kOpenTimeoutMs = 20000;

BleTransport::Options fastOptions() {
    BleTransport::Options o;
    o.primingDelayMs = 300; // the fake needs no real second; the order is what is tested
    o.lookupTimeoutMs = 3000;
    o.connectTimeoutMs = 8000;
    return o;
}

struct Reading {
    bool complete = false;
    modbus::Response response;
    QList<QByteArray> chunks;
};

// Sends one request and joins the notifications until the reply is complete or `timeoutMs`.
Reading exchange(BleTransport &transport, const modbus::Request &request, int timeoutMs = 5000) {
    Reading reading;
    modbus::FrameReassembler reassembler;
    reassembler.expect(request);
    QObject context;
    QObject::connect(&transport, &Transport::bytesReceived, &context,
                     [&](const QByteArray &chunk, qint64) {
                         reading.chunks.append(chunk);
                         const auto result = reassembler.feed(chunk);
                         if (result.frame && !reading.complete) {
                             reading.complete = true;
                             reading.response = modbus::parseResponse(*result.frame, request);
                         }
                     });
    if (!transport.write(modbus::buildRequest(request))) {
        return reading;
    }
    (void)QTest::qWaitFor([&] { return reading.complete; }, timeoutMs);
    return reading;
}
} // namespace

class TestBleTransport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        // The real version detection must pick the D-Bus backend (the fake re-execs itself so
        // that Qt reads 5.66 from its --version); forcing it would hide a regression.
        qunsetenv("BLUETOOTH_FORCE_DBUS_LE_VERSION");
        QtLogCapture::install();
        QVERIFY2(FakeBluez::onPrivateBus(), "DBUS_SYSTEM_BUS_ADDRESS must point at the fake's bus");
        QCOMPARE(m_fake.reset(), QString());
    }

    void init() { QCOMPARE(m_fake.reset(), QString()); }

    void readsThroughEachDevice_data() {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("slave");
        QTest::addColumn<int>("start");
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("replySlave");
        QTest::addColumn<bool>("primes");

        QTest::newRow("rover-behind-bt2-broadcast")
            << kController << QStringLiteral("BT-TH-66EDFC11") << 0xFF << 0x0100 << 34 << 0xFF
            << false;
        QTest::newRow("rover-behind-bt2-slave-1") << kController << QStringLiteral("BT-TH-66EDFC11")
                                                  << 0x01 << 0x000A << 17 << 0x01 << false;
        QTest::newRow("legacy-battery-0x30")
            << kBattery << QStringLiteral("BT-TH-16178A45") << 0x30 << 5000 << 17 << 0x30 << false;
        QTest::newRow("legacy-battery-broadcast-answers-0x30")
            << kBattery << QStringLiteral("BT-TH-16178A45") << 0xFF << 5042 << 6 << 0x30 << false;
        QTest::newRow("rego-inverter-primed")
            << kInverter << QStringLiteral("BTRIC134000035") << 0x20 << 4000 << 10 << 0x20 << true;
    }

    void readsThroughEachDevice() {
        QFETCH(QString, address);
        QFETCH(QString, name);
        QFETCH(int, slave);
        QFETCH(int, start);
        QFETCH(int, count);
        QFETCH(int, replySlave);
        QFETCH(bool, primes);

        BleTransport transport(address, name, fastOptions());
        QCOMPARE(transport.primingEnabled(), primes);
        QSignalSpy errors(&transport, &Transport::errorOccurred);
        transport.open();
        QTRY_COMPARE_WITH_TIMEOUT(transport.state(), Transport::State::Open, kOpenTimeoutMs);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).value(1).toString()));
        QVERIFY(QtLogCapture::contains(QStringLiteral("Using BlueZ LE DBus API")));
        QVERIFY(!QtLogCapture::contains(QStringLiteral("Using BlueZ kernel ATT interface")));
        QVERIFY(transport.writesWithoutResponse());

        const auto request = modbus::Request::read(quint8(slave), quint16(start), quint16(count));
        const Reading reading = exchange(transport, request);
        QVERIFY(reading.complete);
        QVERIFY2(reading.response.ok(), qPrintable(modbus::describe(reading.response)));
        QCOMPARE(reading.response.slave, quint8(replySlave));
        QCOMPARE(reading.response.words.size(), count);
        const int length = modbus::expectedResponseLength(request);
        QCOMPARE(reading.chunks.size(), (length + 19) / 20);
        for (const auto &chunk : reading.chunks) {
            QVERIFY(chunk.size() <= 20);
        }

        const auto stats = m_fake.stats();
        QCOMPARE(stats.value(QStringLiteral("writes_command")).toInt(), 1);
        QCOMPARE(stats.value(QStringLiteral("writes_request")).toInt(), 0);
        // Pro-style layout (the battery): decoy FFD1s outside FFD0 must never be written.
        QCOMPARE(stats.value(QStringLiteral("wrong_char_writes")).toInt(), 0);
        QCOMPARE(stats.value(QStringLiteral("priming_reads")).toInt(), primes ? 1 : 0);

        QSignalSpy states(&transport, &Transport::stateChanged);
        transport.close();
        QTRY_COMPARE_WITH_TIMEOUT(transport.state(), Transport::State::Closed, 5000);
        QVERIFY(errors.isEmpty());
    }

    void connectsToADeviceFromTheScanner() {
        DeviceScanner scanner;
        scanner.setTimeout(1500);
        QSignalSpy finished(&scanner, &DeviceScanner::finished);
        scanner.start();
        QVERIFY(finished.wait(10000));
        const auto info = scanner.deviceInfo(kController);
        QVERIFY(info.has_value());
        BleTransport transport(*info, fastOptions());
        QCOMPARE(transport.peerName(), QStringLiteral("BT-TH-66EDFC11"));
        QVERIFY(transport.rssi() < 0);
        transport.open();
        QTRY_COMPARE_WITH_TIMEOUT(transport.state(), Transport::State::Open, kOpenTimeoutMs);
        const Reading reading = exchange(transport, modbus::Request::read(0xFF, 0x0100, 34));
        QVERIFY(reading.complete && reading.response.ok());
    }

    void looksUpAnAddressBlueZDoesNotKnow() {
        QCOMPARE(m_fake.removeDevice(kBattery), QString());
        BleTransport transport(kBattery, QString(), fastOptions());
        QSignalSpy phases(&transport, &BleTransport::phaseChanged);
        transport.open();
        QTRY_COMPARE_WITH_TIMEOUT(transport.state(), Transport::State::Open, kOpenTimeoutMs);
        QVERIFY(phases.contains({QVariant::fromValue(BleTransport::Phase::LookingUp)}));
        // The name comes from the scan when the user gave only an address.
        QCOMPARE(transport.peerName(), QStringLiteral("BT-TH-16178A45"));
    }

    void recoversFromServicesResolvedBeforeGatt_data() {
        QTest::addColumn<int>("races");
        QTest::addColumn<bool>("recovers");
        QTest::newRow("one-race-then-reconnect") << 1 << true;
        QTest::newRow("race-every-time-gives-up") << 100 << false;
    }

    void recoversFromServicesResolvedBeforeGatt() {
        QFETCH(int, races);
        QFETCH(bool, recovers);
        // A device BlueZ has never connected: its GATT objects do not exist yet.
        QCOMPARE(m_fake.removeDevice(kController), QString());
        QCOMPARE(m_fake.setGattRace(kController, races), QString());
        auto options = fastOptions();
        options.retryDelayMs = 50;
        BleTransport transport(kController, QStringLiteral("BT-TH-66EDFC11"), options);
        QSignalSpy errors(&transport, &Transport::errorOccurred);
        transport.open();
        if (recovers) {
            QTRY_COMPARE_WITH_TIMEOUT(transport.state(), Transport::State::Open, kOpenTimeoutMs);
            QCOMPARE(transport.serviceRetries(), 1);
            const Reading reading = exchange(transport, modbus::Request::read(0xFF, 0x0100, 34));
            QVERIFY(reading.complete && reading.response.ok());
        } else {
            QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), kOpenTimeoutMs);
            QCOMPARE(errors.first().at(0).value<Transport::Error>(),
                     Transport::Error::ServiceMissing);
            QCOMPARE(transport.state(), Transport::State::Closed);
            QCOMPARE(transport.serviceRetries(), options.maxServiceRetries);
        }
    }

    void faultsEndInAClearError_data() {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<Transport::Error>("expected");
        QTest::addColumn<QString>("messagePart");

        QTest::newRow("connection-refused")
            << QStringLiteral("refuse") << Transport::Error::ConnectionRefused
            << QStringLiteral("Renogy app");
        QTest::newRow("adapter-powered-off")
            << QStringLiteral("poweroff") << Transport::Error::AdapterPoweredOff
            << QStringLiteral("powered off");
        QTest::newRow("no-adapter")
            << QStringLiteral("noadapter") << Transport::Error::AdapterUnavailable
            << QStringLiteral("adapter");
        QTest::newRow("device-stopped-advertising-unknown-to-bluez")
            << QStringLiteral("gone") << Transport::Error::DeviceNotFound
            << QStringLiteral("not seen");
        QTest::newRow("device-stopped-advertising-but-cached")
            << QStringLiteral("silent") << Transport::Error::ConnectionRefused
            << QStringLiteral("Could not connect");
        QTest::newRow("no-cccd") << QStringLiteral("nocccd") << Transport::Error::ServiceMissing
                                 << QStringLiteral("0x2902");
        QTest::newRow("not-an-address")
            << QStringLiteral("badaddress") << Transport::Error::DeviceNotFound
            << QStringLiteral("not a Bluetooth address");
    }

    void faultsEndInAClearError() {
        QFETCH(QString, fault);
        QFETCH(Transport::Error, expected);
        QFETCH(QString, messagePart);

        QString address = kController;
        QString name = QStringLiteral("BT-TH-66EDFC11");
        if (fault == QLatin1String("refuse")) {
            QCOMPARE(m_fake.setFailConnect(kController, true), QString());
        } else if (fault == QLatin1String("poweroff")) {
            QCOMPARE(m_fake.setPowered(false), QString());
        } else if (fault == QLatin1String("noadapter")) {
            QCOMPARE(m_fake.setAdapterPresent(false), QString());
        } else if (fault == QLatin1String("gone")) {
            QCOMPARE(m_fake.removeDevice(kBattery), QString());
            QCOMPARE(m_fake.setAdvertising(kBattery, false), QString());
            address = kBattery;
            name.clear();
        } else if (fault == QLatin1String("silent")) {
            // Known to BlueZ from an earlier scan, but no longer advertising.
            BleTransport warmup(kInverter, QString(), fastOptions());
            warmup.open();
            QTRY_COMPARE_WITH_TIMEOUT(warmup.state(), Transport::State::Open, kOpenTimeoutMs);
            warmup.close();
            QTRY_COMPARE_WITH_TIMEOUT(warmup.state(), Transport::State::Closed, 5000);
            QCOMPARE(m_fake.setAdvertising(kInverter, false), QString());
            address = kInverter;
        } else if (fault == QLatin1String("nocccd")) {
            address = QStringLiteral("60:98:66:00:CC:CD");
            name = QStringLiteral("BT-TH-6600CCCD");
            QCOMPARE(m_fake.addDevice({{QStringLiteral("name"), name},
                                       {QStringLiteral("address"), address},
                                       {QStringLiteral("kind"), QStringLiteral("controller")},
                                       {QStringLiteral("no_cccd"), true},
                                       {QStringLiteral("uuids"), QJsonArray{}}}),
                     QString());
        } else if (fault == QLatin1String("badaddress")) {
            address = QStringLiteral("BT-TH-66EDFC11");
        }

        BleTransport transport(address, name, fastOptions());
        QSignalSpy errors(&transport, &Transport::errorOccurred);
        QSignalSpy states(&transport, &Transport::stateChanged);
        transport.open();
        QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), kOpenTimeoutMs);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.first().at(0).value<Transport::Error>(), expected);
        const QString message = errors.first().at(1).toString();
        QVERIFY2(message.contains(messagePart), qPrintable(message));
        QCOMPARE(transport.state(), Transport::State::Closed);
        QCOMPARE(states.last().at(0).value<Transport::State>(), Transport::State::Closed);
    }

    void linkLossWhileOpenIsReported() {
        BleTransport transport(kController, QStringLiteral("BT-TH-66EDFC11"), fastOptions());
        QSignalSpy errors(&transport, &Transport::errorOccurred);
        transport.open();
        QTRY_COMPARE_WITH_TIMEOUT(transport.state(), Transport::State::Open, kOpenTimeoutMs);
        QCOMPARE(m_fake.dropLink(kController), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), 5000);
        QCOMPARE(errors.first().at(0).value<Transport::Error>(), Transport::Error::ConnectionLost);
        QCOMPARE(transport.state(), Transport::State::Closed);
        QVERIFY(!transport.write(modbus::buildReadRequest(0xFF, 0x0100, 1)));
        QCOMPARE(errors.last().at(0).value<Transport::Error>(), Transport::Error::WriteFailed);
        // And the link comes back on the next open().
        transport.open();
        QTRY_COMPARE_WITH_TIMEOUT(transport.state(), Transport::State::Open, kOpenTimeoutMs);
    }

    void droppedNotificationsLeaveAnIncompleteReply() {
        QCOMPARE(m_fake.setDropEvery(2), QString());
        BleTransport transport(kController, QStringLiteral("BT-TH-66EDFC11"), fastOptions());
        transport.open();
        QTRY_COMPARE_WITH_TIMEOUT(transport.state(), Transport::State::Open, kOpenTimeoutMs);
        const Reading reading = exchange(transport, modbus::Request::read(0xFF, 0x0100, 34), 1500);
        // The transport passes on what arrived and stays open; the session's timeout decides.
        QVERIFY(!reading.complete);
        QCOMPARE(reading.chunks.size(), 2);
        QCOMPARE(transport.state(), Transport::State::Open);
        QCOMPARE(m_fake.stats().value(QStringLiteral("dropped_chunks")).toInt(), 2);
    }

    void closeWhileConnectingEndsClosedWithoutError() {
        auto options = fastOptions();
        BleTransport transport(kInverter, QString(), options);
        QSignalSpy errors(&transport, &Transport::errorOccurred);
        QSignalSpy phases(&transport, &BleTransport::phaseChanged);
        transport.open();
        QTRY_VERIFY_WITH_TIMEOUT(transport.phase() == BleTransport::Phase::PrimingDelay ||
                                     transport.phase() == BleTransport::Phase::Open,
                                 kOpenTimeoutMs);
        transport.close();
        QTRY_COMPARE_WITH_TIMEOUT(transport.state(), Transport::State::Closed, 5000);
        QVERIFY(errors.isEmpty());
        QCOMPARE(m_fake.stats().value(QStringLiteral("priming_reads")).toInt(), 0);
    }

private:
    FakeBluez m_fake;
};

QTEST_GUILESS_MAIN(TestBleTransport)
#include "tst_bletransport.moc"
