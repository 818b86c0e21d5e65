// The support bundle's zip and its redaction (docs/support.md): every entry's bytes are scanned
// for the password and for foreign Bluetooth addresses, in text and as HCI's reversed bytes.
#include "support/supportbundle.h"
#include "support/zipwriter.h"

#include <QTest>
#include <QtEndian>

using namespace blupow;
using namespace Qt::StringLiterals;

class TestSupportBundle : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void crc32KnownAnswer();
    void zipLayout();
    void redact_data();
    void redact();
    void bundleHoldsNoSecret();
};

void TestSupportBundle::crc32KnownAnswer() {
    QCOMPARE(ZipWriter::crc32(QByteArrayLiteral("123456789")), 0xCBF43926u);
    QCOMPARE(ZipWriter::crc32({}), 0u);
}

void TestSupportBundle::zipLayout() {
    ZipWriter zip;
    zip.add(u"a.txt"_s, QByteArrayLiteral("hello"), QDateTime::currentDateTime());
    zip.add(u"dir/b.bin"_s, QByteArray(3, '\0'), QDateTime::currentDateTime());
    const QByteArray z = zip.finish();
    QVERIFY(z.startsWith(QByteArrayLiteral("PK\x03\x04")));
    const QByteArray end = z.right(22);
    QVERIFY(end.startsWith(QByteArrayLiteral("PK\x05\x06")));
    QCOMPARE(qFromLittleEndian<quint16>(end.constData() + 10), quint16(2));
    const quint32 centralAt = qFromLittleEndian<quint32>(end.constData() + 16);
    QCOMPARE(z.mid(centralAt, 4), QByteArrayLiteral("PK\x01\x02"));
    QVERIFY(z.contains("hello"));
    QCOMPARE(zip.names(), (QStringList{u"a.txt"_s, u"dir/b.bin"_s}));
}

void TestSupportBundle::redact_data() {
    QTest::addColumn<QByteArray>("in");
    QTest::addColumn<QByteArray>("out");
    QTest::newRow("password") << QByteArray("pass=s3cr3t;") << QByteArray("pass=[redacted];");
    QTest::newRow("own address kept")
        << QByteArray("dev C4:64:E3:38:3D:0E") << QByteArray("dev C4:64:E3:38:3D:0E");
    QTest::newRow("own address, other case, kept")
        << QByteArray("dev c4-64-e3-38-3d-0e") << QByteArray("dev c4-64-e3-38-3d-0e");
    QTest::newRow("foreign colon")
        << QByteArray("saw 11:22:33:44:55:66.") << QByteArray("saw XX:XX:XX:XX:XX:XX.");
    QTest::newRow("foreign dash lower")
        << QByteArray("saw aa-bb-cc-dd-ee-ff") << QByteArray("saw XX:XX:XX:XX:XX:XX");
    QTest::newRow("mixed separators are no address")
        << QByteArray("11:22-33:44:55:66") << QByteArray("11:22-33:44:55:66");
    QTest::newRow("reversed bytes of a known one")
        << QByteArray::fromHex("00665544332211ff") << QByteArray::fromHex("00000000000000ff");
}

void TestSupportBundle::redact() {
    QFETCH(QByteArray, in);
    QFETCH(QByteArray, out);
    QCOMPARE(SupportBundle::redact(in, {u"s3cr3t"_s}, {u"C4:64:E3:38:3D:0E"_s},
                                   {u"11:22:33:44:55:66"_s, u"C4:64:E3:38:3D:0E"_s}),
             out);
}

void TestSupportBundle::bundleHoldsNoSecret() {
    const QString own = u"C4:64:E3:38:3D:0E"_s;
    const QString foreign = u"11:22:33:44:55:66"_s;
    const QString password = u"correct horse battery"_s;
    SupportBundle::Contents c;
    c.now = QDateTime::currentDateTimeUtc();
    SupportBundle::Device d;
    d.name = u"BT-TH-383D0E"_s;
    d.address = own;
    d.settingsSnapshot = QByteArrayLiteral("{\"address\": \"C4:64:E3:38:3D:0E\"}");
    FrameRecord f;
    f.timestampMs = c.now.toMSecsSinceEpoch() - 1000;
    f.direction = FrameRecord::Direction::Rx;
    f.bytes = QByteArray::fromHex("30030266554433221100"); // a foreign address's bytes inside
    d.frames = {f};
    c.devices = {d};
    c.log = {u"scan: BT-TH-1 "_s + foreign.toLower(), u"mqtt password "_s + password};
    c.settings = QByteArrayLiteral("[mqtt]\nuser=me\n# ") + password.toUtf8() + '\n';
    c.secrets = {password};
    c.otherAddresses = {foreign};
    QStringList entries;
    const QByteArray zip = SupportBundle::build(c, &entries);
    QVERIFY(entries.contains(u"devices/1-BT-TH-383D0E/recent.btsnoop"_s));
    QVERIFY(entries.contains(u"history/README.txt"_s)); // no history store connected
    QVERIFY(!zip.contains(password.toUtf8()));
    QVERIFY(!zip.contains(foreign.toLatin1()));
    QVERIFY(!zip.contains(foreign.toLower().toLatin1()));
    QVERIFY(!zip.contains(QByteArray::fromHex("665544332211")));
    QVERIFY(zip.contains(own.toLatin1())); // the device's own address is what the report is about

    // The history hook: called with the device and the window it asks for.
    QString askedFor;
    c.history = [&](const QString &device, const QDateTime &since, QString *) -> QByteArray {
        askedFor = device;
        return QByteArray("time,value\n") + since.toString(Qt::ISODate).toLatin1() + ",1\n";
    };
    QVERIFY(SupportBundle::build(c, &entries).contains("time,value"));
    QCOMPARE(askedFor, own); // no history id given: the address
    QVERIFY(entries.contains(u"devices/1-BT-TH-383D0E/history.csv"_s));
    QVERIFY(!entries.contains(u"history/README.txt"_s));

    // With its history id, the device's series are asked for under it; nothing recorded is said
    // in words instead of an empty CSV.
    c.devices[0].id = u"c464e3383d0e"_s;
    c.history = [&](const QString &device, const QDateTime &, QString *why) -> QByteArray {
        askedFor = device;
        *why = u"nothing of "_s + device;
        return {};
    };
    QVERIFY(SupportBundle::build(c, &entries).contains("nothing of c464e3383d0e"));
    QCOMPARE(askedFor, u"c464e3383d0e"_s);
    QVERIFY(entries.contains(u"devices/1-BT-TH-383D0E/history.txt"_s));
    QVERIFY(!entries.contains(u"devices/1-BT-TH-383D0E/history.csv"_s));
}

QTEST_GUILESS_MAIN(TestSupportBundle)
#include "tst_supportbundle.moc"
