#pragma once

#include "btsnoop.h"

#include <QByteArrayView>
#include <QString>

#include <optional>

namespace blupow::capture {

// One HCI packet, whichever btsnoop datalink carried it: the H4 type byte (1002), the record
// flags (1001) and the monitor opcode (2001) all reduce to this.
struct HciPacket {
    enum class Type { Command, AclData, ScoData, Event, IsoData };

    Type type = Type::AclData;
    bool received = false;  // controller -> host (notifications from the device arrive this way)
    quint16 adapter = 0;    // monitor format: the controller index; 0 otherwise
    qint64 timestampUs = 0; // since the Unix epoch
    qsizetype record = 0;   // where it came from, for warnings
    qsizetype offset = 0;
    QByteArrayView payload; // the HCI packet without the H4 type byte
};

// Nothing when the record carries no HCI packet; `skipped` then names what it was ("monitor
// system note", "H4 packet type 0x07", "empty record"), for the caller to count and report.
[[nodiscard]] std::optional<HciPacket>
hciPacketFromRecord(quint32 datalink, const BtsnoopRecord &record, QString *skipped);

[[nodiscard]] QString hciPacketTypeName(HciPacket::Type type);

} // namespace blupow::capture
