#include "attdecoder.h"

#include <QtEndian>

namespace blupow::capture {

namespace {

constexpr qsizetype kAclHeaderSize = 4;
constexpr qsizetype kL2capHeaderSize = 4;

// ACL packet-boundary flags (Core spec Vol 4 Part E 5.4.2).
constexpr quint16 kPbFirstNonFlushable = 0x0;
constexpr quint16 kPbContinuing = 0x1;
constexpr quint16 kPbFirstFlushable = 0x2;
constexpr quint16 kPbComplete = 0x3;

quint16 le16(QByteArrayView data, qsizetype at) {
    return qFromLittleEndian<quint16>(data.data() + at);
}

} // namespace

quint16 AttPdu::handle() const {
    return pdu.size() >= 3 ? le16(pdu, 1) : quint16{0};
}

QByteArrayView AttPdu::value() const {
    return pdu.size() >= 3 ? pdu.sliced(3) : QByteArrayView();
}

AttDecoder::AttDecoder(CaptureDiagnostics *diagnostics)
    : m_diag(diagnostics) {}

std::optional<AttPdu> AttDecoder::feed(const HciPacket &packet) {
    using Sev = CaptureDiagnostics::Severity;
    if (packet.type != HciPacket::Type::AclData) {
        m_diag->add(Sev::Skipped, hciPacketTypeName(packet.type), packet.record, packet.offset);
        return std::nullopt;
    }
    const QByteArrayView acl = packet.payload;
    if (acl.size() < kAclHeaderSize) {
        m_diag->add(Sev::Problem, QStringLiteral("ACL packet shorter than its header"),
                    packet.record, packet.offset, QStringLiteral("%1 bytes").arg(acl.size()));
        return std::nullopt;
    }
    const quint16 handleAndFlags = le16(acl, 0);
    const quint16 aclLength = le16(acl, 2);
    QByteArrayView data = acl.sliced(kAclHeaderSize);
    if (data.size() != aclLength) {
        // A snap length or a lying length field: use what is really there, say so.
        m_diag->add(Sev::Problem, QStringLiteral("ACL length field differs from the bytes present"),
                    packet.record, packet.offset,
                    QStringLiteral("field %1, present %2").arg(aclLength).arg(data.size()));
        if (data.size() > aclLength)
            data = data.first(aclLength);
    }
    const quint32 link = (quint32{packet.adapter} << 16) | (handleAndFlags & 0x0fffu);
    const quint32 key = (link << 1) | (packet.received ? 1u : 0u);
    const quint16 pb = (handleAndFlags >> 12) & 0x3;

    if (pb == kPbContinuing) {
        auto it = m_partial.find(key);
        if (it == m_partial.end()) {
            m_diag->add(Sev::Problem,
                        QStringLiteral("ACL continuation fragment without a first fragment "
                                       "(dropped)"),
                        packet.record, packet.offset);
            return std::nullopt;
        }
        it->buffer.append(data);
        if (it->buffer.size() < it->expected)
            return std::nullopt;
        if (it->buffer.size() > it->expected) {
            m_diag->add(Sev::Problem,
                        QStringLiteral("ACL fragments carry more bytes than the L2CAP length"),
                        it->record, it->offset,
                        QStringLiteral("%1 of %2").arg(it->buffer.size()).arg(it->expected));
            it->buffer.truncate(it->expected);
        }
        m_assembled.swap(it->buffer);
        const qsizetype record = it->record;
        const qsizetype offset = it->offset;
        m_partial.remove(key);
        return deliver(packet, m_assembled, link, record, offset);
    }

    Q_ASSERT(pb == kPbFirstNonFlushable || pb == kPbFirstFlushable || pb == kPbComplete);
    if (auto it = m_partial.find(key); it != m_partial.end()) {
        m_diag->add(Sev::Problem,
                    QStringLiteral("L2CAP frame cut short by a new first fragment (dropped)"),
                    it->record, it->offset,
                    QStringLiteral("%1 of %2 bytes").arg(it->buffer.size()).arg(it->expected));
        m_partial.remove(key);
    }
    if (data.size() < kL2capHeaderSize) {
        m_diag->add(Sev::Problem, QStringLiteral("L2CAP first fragment shorter than its header"),
                    packet.record, packet.offset);
        return std::nullopt;
    }
    const qsizetype expected = kL2capHeaderSize + le16(data, 0);
    if (data.size() >= expected)
        return deliver(packet, data.first(expected), link, packet.record, packet.offset);
    if (pb == kPbComplete) {
        m_diag->add(Sev::Problem, QStringLiteral("complete L2CAP frame shorter than its length"),
                    packet.record, packet.offset);
        return std::nullopt;
    }
    Partial &p = m_partial[key];
    p.buffer = data.toByteArray();
    p.expected = expected;
    p.record = packet.record;
    p.offset = packet.offset;
    return std::nullopt;
}

void AttDecoder::finish() {
    for (auto it = m_partial.cbegin(); it != m_partial.cend(); ++it) {
        m_diag->add(CaptureDiagnostics::Severity::Problem,
                    QStringLiteral("L2CAP frame incomplete at the end of the capture"), it->record,
                    it->offset,
                    QStringLiteral("%1 of %2 bytes").arg(it->buffer.size()).arg(it->expected));
    }
    m_partial.clear();
}

std::optional<AttPdu> AttDecoder::deliver(const HciPacket &packet, QByteArrayView l2cap,
                                          quint32 link, qsizetype record, qsizetype offset) {
    const quint16 cid = le16(l2cap, 2);
    if (cid != att::kCid) {
        m_diag->add(CaptureDiagnostics::Severity::Skipped,
                    QStringLiteral("L2CAP CID 0x%1 (not ATT)").arg(cid, 4, 16, QLatin1Char('0')),
                    record, offset);
        return std::nullopt;
    }
    if (l2cap.size() <= kL2capHeaderSize) {
        m_diag->add(CaptureDiagnostics::Severity::Problem, QStringLiteral("empty ATT PDU"), record,
                    offset);
        return std::nullopt;
    }
    AttPdu pdu;
    pdu.pdu = l2cap.sliced(kL2capHeaderSize);
    pdu.opcode = static_cast<quint8>(pdu.pdu.front());
    pdu.received = packet.received;
    pdu.link = link;
    pdu.timestampUs = packet.timestampUs;
    pdu.record = record;
    pdu.offset = offset;
    learnGatt(pdu);
    return pdu;
}

void AttDecoder::learnGatt(const AttPdu &pdu) {
    const QByteArrayView d = pdu.pdu;
    switch (pdu.opcode) {
    case att::kReadByTypeRequest:
        // start(2) end(2) type(2 or 16): only characteristic declarations are of interest.
        if (d.size() == 7)
            m_readByTypeAsked.insert(pdu.link, le16(d, 5));
        return;
    case att::kReadByGroupTypeResponse: {
        // length(1) then entries of start(2) end(2) uuid(length - 4).
        if (d.size() < 2)
            return;
        const qsizetype len = static_cast<quint8>(d[1]);
        if (len != 6 && len != 20)
            return;
        for (qsizetype at = 2; at + len <= d.size(); at += len) {
            m_gatt.addService(GattLayout::Service{
                le16(d, at), le16(d, at + 2), GattLayout::uuidFromAtt(d.data() + at + 4, len - 4)});
        }
        return;
    }
    case att::kReadByTypeResponse: {
        // length(1) then entries of handle(2) value(length - 2); a characteristic declaration
        // value is properties(1) value handle(2) uuid(2 or 16).
        const auto asked = m_readByTypeAsked.value(pdu.link, att::kCharacteristicDeclaration);
        if (asked != att::kCharacteristicDeclaration || d.size() < 2)
            return;
        const qsizetype len = static_cast<quint8>(d[1]);
        if (len != 7 && len != 21)
            return;
        for (qsizetype at = 2; at + len <= d.size(); at += len) {
            GattLayout::Characteristic c;
            c.declaration = le16(d, at);
            c.properties = static_cast<quint8>(d[at + 2]);
            c.valueHandle = le16(d, at + 3);
            c.uuid = GattLayout::uuidFromAtt(d.data() + at + 5, len - 5);
            m_gatt.addCharacteristic(c);
        }
        return;
    }
    default:
        return;
    }
}

} // namespace blupow::capture
