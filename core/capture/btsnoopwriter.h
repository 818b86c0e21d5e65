#pragma once

#include "btsnoop.h"

#include <QByteArray>
#include <QByteArrayView>

namespace blupow::capture {

// ATT handles of the BT-2 in the vendor app's capture (docs/protocol.md 3.1, [rs:bt2doc]); the
// recordings BluPow writes use the same so that they look like a phone's capture in Wireshark.
inline constexpr quint16 kRenogyWriteHandle = 0x001d;
inline constexpr quint16 kRenogyNotifyHandle = 0x002e;
inline constexpr quint16 kRecordingConnection = 0x0040;

// Builds btsnoop files: datalink 1002 (H4) records of synthesised HCI ACL + L2CAP + ATT, one ACL
// packet per ATT PDU. Pure functions appending to a buffer; the caller writes it where it wants.
class BtsnoopWriter {
public:
    [[nodiscard]] static QByteArray fileHeader(Datalink datalink = Datalink::HciUart);
    // One record. `flags` as the datalink defines them (kFlagReceived...).
    static void appendRecord(QByteArray &out, QByteArrayView packet, quint32 flags, qint64 epochUs);

    // An H4 ACL packet carrying `attPdu` on L2CAP CID 4.
    [[nodiscard]] static QByteArray h4AttPacket(QByteArrayView attPdu, bool received,
                                                quint16 connection = kRecordingConnection);
    // ATT Write Command (0x52) from the host, as the vendor app sends Modbus requests.
    static void appendAttWrite(QByteArray &out, qint64 epochUs, QByteArrayView value,
                               quint16 handle = kRenogyWriteHandle);
    // ATT Handle Value Notification (0x1B) from the device.
    static void appendAttNotification(QByteArray &out, qint64 epochUs, QByteArrayView value,
                                      quint16 handle = kRenogyNotifyHandle);
    // The GATT discovery a client does first (services ffd0/fff0, characteristics ffd1/fff1 at
    // the handles above), so that the importer and Wireshark name the characteristics by UUID.
    static void appendRenogyDiscovery(QByteArray &out, qint64 epochUs);
    // An HCI LE Advertising Report with the device's name and address (as a phone's log holds
    // them from its scan), so that an import knows which device was recorded. `address` is
    // "AA:BB:CC:DD:EE:FF"; anything else is written as 00:00:00:00:00:00.
    static void appendAdvertisingReport(QByteArray &out, qint64 epochUs, const QString &name,
                                        const QString &address);
};

} // namespace blupow::capture
