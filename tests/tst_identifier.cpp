#include "device/identify.h"
#include "simtesthelpers.h"

#include <QHash>
#include <QTest>

using namespace blupow;

namespace {

QList<quint16> asciiWords(const char *text, int words) {
    QByteArray bytes(text);
    bytes = bytes.leftJustified(words * 2, ' ', true);
    QList<quint16> out;
    for (int i = 0; i < words; ++i)
        out.append(
            static_cast<quint16>((quint8(bytes.at(2 * i)) << 8) | quint8(bytes.at(2 * i + 1))));
    return out;
}

// A bus behind one dongle, as the Identifier hears it: each present slave answers its own
// family's probe and model read and raises exception 0x02 for another family's; an empty id is
// silent; 0xFF is answered by every slave at once (a damaged frame) or, with one slave, by it.
struct Bus {
    QHash<int, Family> present;
    QList<modbus::Request> sent;

    Exchange answer(const modbus::Request &r) {
        sent.append(r);
        Exchange ex;
        ex.request = r;
        if (r.slave == modbus::kBroadcastSlave && present.size() > 1) {
            ex.outcome = Exchange::Outcome::Error;
            ex.response.error = modbus::ResponseError::BadCrc;
            return ex;
        }
        const int slave =
            r.slave == modbus::kBroadcastSlave ? present.keys().value(0, -1) : r.slave;
        if (!present.contains(slave))
            return ex; // Timeout
        ex.response.slave = static_cast<quint8>(slave);
        const Family f = present.value(slave);
        const bool controllerRead = f == Family::Controller && r.start == 0x000C;
        const bool batteryRead = f == Family::Battery && (r.start == 5042 || r.start == 5122);
        if (!controllerRead && !batteryRead) {
            ex.outcome = Exchange::Outcome::Exception;
            ex.response.error = modbus::ResponseError::Exception;
            ex.response.exceptionCode = 0x02;
            return ex;
        }
        ex.outcome = Exchange::Outcome::Ok;
        if (controllerRead)
            ex.response.words = asciiWords("RNG-CTRL-RVR40", r.count);
        else if (r.start == 5122)
            ex.response.words = asciiWords("RBT100LFP12S-G1", r.count);
        else
            ex.response.words = QList<quint16>(r.count, 0);
        return ex;
    }

    void run(Identifier &id) {
        for (int i = 0; i < 500 && !id.finished(); ++i)
            id.handle(answer(id.next()->request));
    }

    [[nodiscard]] QList<int> probed() const {
        QList<int> ids;
        for (const modbus::Request &r : sent) {
            if (!ids.contains(r.slave))
                ids.append(r.slave);
        }
        return ids;
    }
};

} // namespace

class TestIdentifier : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void oneProbePassFindsEverySlave();
    void aDeviceAloneEndsThePass();
    void allSlavesWithoutACollision();
    void givenSlaveIsTheOnlyOneAsked();
};

void TestIdentifier::oneProbePassFindsEverySlave() {
    // 0xFF collides, so every id is probed once: the controller and the two packs are found,
    // silent ids cost one probe each, and the bank ends at its first silent id.
    Bus bus;
    bus.present = {{0x10, Family::Controller}, {0x30, Family::Battery}, {0x31, Family::Battery}};
    Identifier id(&testing::builtInMaps(), QStringLiteral("BT-TH-FD866D73"),
                  QStringLiteral("C4:64:E3:FD:86:6D"), Identifier::Config{});
    bus.run(id);
    QVERIFY(id.succeeded());
    QVERIFY(id.scanning());
    QList<int> found;
    for (const DeviceIdentity &d : id.identities()) {
        found.append(d.slave);
        QVERIFY(d.sharedLink);
    }
    QCOMPARE(found, (QList<int>{0x10, 0x30, 0x31}));
    QCOMPARE(id.identities().at(2).model, QStringLiteral("RBT100LFP12S-G1"));
    QCOMPARE(id.identities().at(2).deviceId(), QStringLiteral("c464e3fd866d_31"));
    QCOMPARE(id.identity().slave, quint8(0x10));
    // 0xFF once (the collision), never again; 0x32 silent closes the bank.
    const QList<int> probed = bus.probed();
    QCOMPARE(probed.first(), 0xFF);
    QCOMPARE(std::count_if(bus.sent.cbegin(), bus.sent.cend(),
                           [](const modbus::Request &r) { return r.slave == 0xFF; }),
             1);
    QVERIFY(probed.contains(0x32));
    QVERIFY(!probed.contains(0x33));
    QVERIFY(!probed.contains(0x3F));
    // A silent id gets one probe, not one per family.
    QCOMPARE(std::count_if(bus.sent.cbegin(), bus.sent.cend(),
                           [](const modbus::Request &r) { return r.slave == 0x01; }),
             1);
}

void TestIdentifier::aDeviceAloneEndsThePass() {
    // A clean reply to 0xFF: one device on the link, identified as always, nothing else probed.
    Bus bus;
    bus.present = {{0x30, Family::Battery}};
    Identifier id(&testing::builtInMaps(), QStringLiteral("BT-TH-E3383D0E"), QStringLiteral("x"),
                  Identifier::Config{});
    bus.run(id);
    QVERIFY(id.succeeded());
    QVERIFY(!id.scanning());
    QCOMPARE(id.identities().size(), 1);
    QCOMPARE(id.identity().slave, quint8(0x30));
    QVERIFY(!id.identity().sharedLink);
    // The family probes at 0xFF, then its model at its own address: no other id.
    QCOMPARE(bus.probed(), (QList<int>{0xFF, 0x30}));
}

void TestIdentifier::allSlavesWithoutACollision() {
    // --all-slaves: the scan from the start, without 0xFF; one device found stays unshared.
    Bus bus;
    bus.present = {{0x10, Family::Controller}};
    Identifier::Config config;
    config.allSlaves = true;
    Identifier id(&testing::builtInMaps(), QStringLiteral("BT-TH-66EDFC11"), QStringLiteral("x"),
                  config);
    bus.run(id);
    QVERIFY(id.succeeded());
    QCOMPARE(id.identities().size(), 1);
    QVERIFY(!id.identity().sharedLink);
    QVERIFY(!bus.probed().contains(0xFF));
    QVERIFY(bus.probed().contains(0x61)); // the whole candidate list
}

void TestIdentifier::givenSlaveIsTheOnlyOneAsked() {
    Bus bus;
    bus.present = {{0x30, Family::Battery}, {0x31, Family::Battery}};
    Identifier::Config config;
    config.slave = 0x31;
    config.allSlaves = true; // a given slave wins
    Identifier id(&testing::builtInMaps(), QStringLiteral("BT-TH-FD866D73"), QStringLiteral("x"),
                  config);
    bus.run(id);
    QVERIFY(id.succeeded());
    QCOMPARE(id.identities().size(), 1);
    QCOMPARE(id.identity().slave, quint8(0x31));
    QCOMPARE(bus.probed(), QList<int>{0x31});
}

QTEST_GUILESS_MAIN(TestIdentifier)
#include "tst_identifier.moc"
