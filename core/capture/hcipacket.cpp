#include "hcipacket.h"

namespace blupow::capture {

namespace {

// BlueZ monitor opcodes (src/shared/btsnoop.h in BlueZ): the low 16 bits of the record flags,
// the controller index in the high 16 bits.
enum MonitorOpcode : quint16 {
    MonitorNewIndex = 0,
    MonitorDelIndex = 1,
    MonitorCommand = 2,
    MonitorEvent = 3,
    MonitorAclTx = 4,
    MonitorAclRx = 5,
    MonitorScoTx = 6,
    MonitorScoRx = 7,
    MonitorOpenIndex = 8,
    MonitorCloseIndex = 9,
    MonitorIndexInfo = 10,
    MonitorVendorDiag = 11,
    MonitorSystemNote = 12,
    MonitorUserLogging = 13,
    MonitorCtrlOpen = 14,
    MonitorCtrlClose = 15,
    MonitorCtrlCommand = 16,
    MonitorCtrlEvent = 17,
    MonitorIsoTx = 18,
    MonitorIsoRx = 19,
};

QString monitorOpcodeName(quint16 opcode) {
    switch (opcode) {
    case MonitorNewIndex:
        return QStringLiteral("monitor new-index");
    case MonitorDelIndex:
        return QStringLiteral("monitor del-index");
    case MonitorOpenIndex:
        return QStringLiteral("monitor open-index");
    case MonitorCloseIndex:
        return QStringLiteral("monitor close-index");
    case MonitorIndexInfo:
        return QStringLiteral("monitor index-info");
    case MonitorVendorDiag:
        return QStringLiteral("monitor vendor diagnostic");
    case MonitorSystemNote:
        return QStringLiteral("monitor system note");
    case MonitorUserLogging:
        return QStringLiteral("monitor user logging");
    case MonitorCtrlOpen:
    case MonitorCtrlClose:
    case MonitorCtrlCommand:
    case MonitorCtrlEvent:
        return QStringLiteral("monitor management-socket trace");
    default:
        return QStringLiteral("monitor opcode %1").arg(opcode);
    }
}

} // namespace

QString hciPacketTypeName(HciPacket::Type type) {
    switch (type) {
    case HciPacket::Type::Command:
        return QStringLiteral("HCI command");
    case HciPacket::Type::AclData:
        return QStringLiteral("ACL data");
    case HciPacket::Type::ScoData:
        return QStringLiteral("SCO data");
    case HciPacket::Type::Event:
        return QStringLiteral("HCI event");
    case HciPacket::Type::IsoData:
        return QStringLiteral("ISO data");
    }
    return {};
}

std::optional<HciPacket> hciPacketFromRecord(quint32 datalink, const BtsnoopRecord &record,
                                             QString *skipped) {
    HciPacket p;
    p.record = record.index;
    p.offset = record.offset;
    p.timestampUs = record.epochUs();
    p.payload = record.data;
    switch (static_cast<Datalink>(datalink)) {
    case Datalink::HciUart: {
        if (record.data.isEmpty()) {
            *skipped = QStringLiteral("empty record");
            return std::nullopt;
        }
        p.received = (record.flags & kFlagReceived) != 0;
        p.payload = record.data.sliced(1);
        switch (static_cast<quint8>(record.data.front())) {
        case 0x01:
            p.type = HciPacket::Type::Command;
            break;
        case 0x02:
            p.type = HciPacket::Type::AclData;
            break;
        case 0x03:
            p.type = HciPacket::Type::ScoData;
            break;
        case 0x04:
            p.type = HciPacket::Type::Event;
            break;
        case 0x05:
            p.type = HciPacket::Type::IsoData;
            break;
        default:
            *skipped = QStringLiteral("H4 packet type 0x%1")
                           .arg(static_cast<quint8>(record.data.front()), 2, 16, QLatin1Char('0'));
            return std::nullopt;
        }
        return p;
    }
    case Datalink::HciUnencapsulated:
        p.received = (record.flags & kFlagReceived) != 0;
        if (record.flags & kFlagCommandOrEvent)
            p.type = p.received ? HciPacket::Type::Event : HciPacket::Type::Command;
        else
            p.type = HciPacket::Type::AclData;
        return p;
    case Datalink::Monitor: {
        const auto opcode = static_cast<quint16>(record.flags & 0xffff);
        p.adapter = static_cast<quint16>(record.flags >> 16);
        switch (opcode) {
        case MonitorCommand:
            p.type = HciPacket::Type::Command;
            break;
        case MonitorEvent:
            p.type = HciPacket::Type::Event;
            p.received = true;
            break;
        case MonitorAclTx:
        case MonitorAclRx:
            p.type = HciPacket::Type::AclData;
            p.received = opcode == MonitorAclRx;
            break;
        case MonitorScoTx:
        case MonitorScoRx:
            p.type = HciPacket::Type::ScoData;
            p.received = opcode == MonitorScoRx;
            break;
        case MonitorIsoTx:
        case MonitorIsoRx:
            p.type = HciPacket::Type::IsoData;
            p.received = opcode == MonitorIsoRx;
            break;
        default:
            *skipped = monitorOpcodeName(opcode);
            return std::nullopt;
        }
        return p;
    }
    case Datalink::HciBscp:
    case Datalink::HciSerial:
        break;
    }
    *skipped = datalinkName(datalink);
    return std::nullopt;
}

} // namespace blupow::capture
