#pragma once

#include "capturediagnostics.h"
#include "gattlayout.h"
#include "hcipacket.h"

#include <QByteArray>
#include <QHash>

#include <optional>

namespace blupow::capture {

// One ATT PDU taken out of HCI ACL / L2CAP (CID 0x0004).
struct AttPdu {
    quint8 opcode = 0;
    bool received = false;  // from the device to the phone/computer
    quint32 link = 0;       // adapter << 16 | ACL connection handle
    qint64 timestampUs = 0; // epoch; of the last ACL fragment
    qsizetype record = 0;   // record of the first fragment
    qsizetype offset = 0;
    QByteArrayView pdu; // opcode first; valid until the next AttDecoder::feed()

    // Handle and value of writes, notifications and indications (empty when the PDU is shorter).
    [[nodiscard]] quint16 handle() const;
    [[nodiscard]] QByteArrayView value() const;
};

namespace att {
inline constexpr quint16 kCid = 0x0004;
inline constexpr quint8 kErrorResponse = 0x01;
inline constexpr quint8 kReadByTypeRequest = 0x08;
inline constexpr quint8 kReadByTypeResponse = 0x09;
inline constexpr quint8 kReadByGroupTypeRequest = 0x10;
inline constexpr quint8 kReadByGroupTypeResponse = 0x11;
inline constexpr quint8 kWriteRequest = 0x12;
inline constexpr quint8 kWriteResponse = 0x13;
inline constexpr quint8 kHandleValueNotification = 0x1b;
inline constexpr quint8 kHandleValueIndication = 0x1d;
inline constexpr quint8 kWriteCommand = 0x52;
inline constexpr quint16 kCharacteristicDeclaration = 0x2803;
} // namespace att

// HCI ACL -> L2CAP -> ATT. Reassembles L2CAP frames split over several ACL packets (PB flag
// "continuing"), per link and direction, and learns the GATT layout from discovery responses
// (Read By Group Type for services, Read By Type 0x2803 for characteristics) as they pass.
// Everything else is reported to the diagnostics, never trusted: a length that lies, a lost
// first fragment or a fragment without a start is a warning, not a crash.
class AttDecoder {
public:
    explicit AttDecoder(CaptureDiagnostics *diagnostics);

    // An ATT PDU completed by this packet, if any.
    std::optional<AttPdu> feed(const HciPacket &packet);
    // Reports L2CAP frames still incomplete at the end of the capture.
    void finish();

    [[nodiscard]] const GattLayout &gatt() const { return m_gatt; }

private:
    struct Partial {
        QByteArray buffer; // the L2CAP frame so far, basic header included
        qsizetype expected = 0;
        qsizetype record = 0;
        qsizetype offset = 0;
    };

    std::optional<AttPdu> deliver(const HciPacket &packet, QByteArrayView l2cap, quint32 link,
                                  qsizetype record, qsizetype offset);
    void learnGatt(const AttPdu &pdu);

    CaptureDiagnostics *m_diag;
    QHash<quint32, Partial> m_partial;         // key: link << 1 | received
    QByteArray m_assembled;                    // storage behind the last reassembled AttPdu::pdu
    QHash<quint32, quint16> m_readByTypeAsked; // link -> attribute type of the pending request
    GattLayout m_gatt;
};

} // namespace blupow::capture
