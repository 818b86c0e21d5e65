#include "btsnoopwriter.h"

#include "attdecoder.h"

#include <QStringList>
#include <QtEndian>

namespace blupow::capture {

namespace {

void putBe32(QByteArray &out, quint32 v) {
    char b[4];
    qToBigEndian(v, b);
    out.append(b, 4);
}

void putLe16(QByteArray &out, quint16 v) {
    char b[2];
    qToLittleEndian(v, b);
    out.append(b, 2);
}

QByteArray attPdu(quint8 opcode, std::initializer_list<quint16> words, QByteArrayView tail = {}) {
    QByteArray pdu;
    pdu.append(static_cast<char>(opcode));
    for (quint16 w : words)
        putLe16(pdu, w);
    pdu.append(tail);
    return pdu;
}

} // namespace

QByteArray BtsnoopWriter::fileHeader(Datalink datalink) {
    QByteArray out(kBtsnoopMagic, 8);
    putBe32(out, kBtsnoopVersion);
    putBe32(out, static_cast<quint32>(datalink));
    return out;
}

void BtsnoopWriter::appendRecord(QByteArray &out, QByteArrayView packet, quint32 flags,
                                 qint64 epochUs) {
    const auto length = static_cast<quint32>(packet.size());
    putBe32(out, length); // original length
    putBe32(out, length); // included length
    putBe32(out, flags);
    putBe32(out, 0); // cumulative drops
    char ts[8];
    qToBigEndian(epochUs + kBtsnoopEpochDeltaUs, ts);
    out.append(ts, 8);
    out.append(packet);
}

QByteArray BtsnoopWriter::h4AttPacket(QByteArrayView pdu, bool received, quint16 connection) {
    // Packet-boundary flag: "first non-flushable" from the host, "first flushable" from the
    // controller, as Android's snoop log shows them (Core spec Vol 4 Part E 5.4.2).
    const auto pb = static_cast<quint16>(received ? 0x2000 : 0x0000);
    QByteArray p;
    p.reserve(9 + pdu.size());
    p.append(char{0x02}); // H4 ACL
    putLe16(p, static_cast<quint16>((connection & 0x0fff) | pb));
    putLe16(p, static_cast<quint16>(pdu.size() + 4));
    putLe16(p, static_cast<quint16>(pdu.size()));
    putLe16(p, att::kCid);
    p.append(pdu);
    return p;
}

void BtsnoopWriter::appendAttWrite(QByteArray &out, qint64 epochUs, QByteArrayView value,
                                   quint16 handle) {
    appendRecord(out, h4AttPacket(attPdu(att::kWriteCommand, {handle}, value), false), 0, epochUs);
}

void BtsnoopWriter::appendAttNotification(QByteArray &out, qint64 epochUs, QByteArrayView value,
                                          quint16 handle) {
    appendRecord(out, h4AttPacket(attPdu(att::kHandleValueNotification, {handle}, value), true),
                 kFlagReceived, epochUs);
}

void BtsnoopWriter::appendRenogyDiscovery(QByteArray &out, qint64 epochUs) {
    const auto send = [&](const QByteArray &pdu) {
        appendRecord(out, h4AttPacket(pdu, false), 0, epochUs);
    };
    const auto receive = [&](const QByteArray &pdu) {
        appendRecord(out, h4AttPacket(pdu, true), kFlagReceived, epochUs);
    };
    // Primary services: Read By Group Type 0x2800; entries of start, end, 16-bit UUID.
    send(attPdu(att::kReadByGroupTypeRequest, {0x0001, 0xffff, 0x2800}));
    QByteArray services = attPdu(att::kReadByGroupTypeResponse, {});
    services.append(char{6});
    for (int w : {0x001b, 0x002b, 0xffd0, 0x002c, 0x0030, 0xfff0})
        putLe16(services, static_cast<quint16>(w));
    receive(services);
    // Characteristics: Read By Type 0x2803; entries of declaration, properties, value, UUID.
    send(attPdu(att::kReadByTypeRequest, {0x001b, 0x0030, att::kCharacteristicDeclaration}));
    QByteArray chars = attPdu(att::kReadByTypeResponse, {});
    chars.append(char{7});
    putLe16(chars, 0x001c);
    chars.append(char{0x0c}); // write, write without response
    putLe16(chars, kRenogyWriteHandle);
    putLe16(chars, 0xffd1);
    putLe16(chars, 0x002d);
    chars.append(char{0x12}); // read, notify
    putLe16(chars, kRenogyNotifyHandle);
    putLe16(chars, 0xfff1);
    receive(chars);
}

void BtsnoopWriter::appendAdvertisingReport(QByteArray &out, qint64 epochUs, const QString &name,
                                            const QString &address) {
    QByteArray mac(6, '\0');
    const QStringList parts = address.split(QLatin1Char(':'));
    if (parts.size() == 6) {
        for (int i = 0; i < 6; ++i) {
            bool ok = false;
            const uint byte = parts.at(i).toUInt(&ok, 16);
            // HCI carries the address least significant byte first.
            mac[5 - i] = ok && byte <= 0xff ? static_cast<char>(byte) : '\0';
        }
    }
    const QByteArray utf8 = name.toUtf8().left(29); // one legacy advertisement holds 31 bytes
    QByteArray ad;
    ad.append(static_cast<char>(utf8.size() + 1));
    ad.append(char{0x09}); // Complete Local Name
    ad.append(utf8);
    QByteArray report;
    report.append(char{0x02}); // subevent: LE Advertising Report
    report.append(char{0x01}); // one report
    report.append(char{0x00}); // ADV_IND
    report.append(char{0x00}); // public address
    report.append(mac);
    report.append(static_cast<char>(ad.size()));
    report.append(ad);
    report.append(static_cast<char>(-60)); // RSSI
    QByteArray packet;
    packet.append(char{0x04}); // H4 event
    packet.append(char{0x3e}); // LE Meta
    packet.append(static_cast<char>(report.size()));
    packet.append(report);
    appendRecord(out, packet, kFlagReceived | kFlagCommandOrEvent, epochUs);
}

} // namespace blupow::capture
