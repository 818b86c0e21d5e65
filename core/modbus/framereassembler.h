#pragma once

#include "modbusframe.h"

#include <QByteArray>

#include <optional>

namespace blupow::modbus {

// Joins BLE notifications (20 bytes each over BlueZ D-Bus, where Qt 6.4 cannot learn the MTU;
// whole frames on stacks with a larger MTU) into one Modbus reply. The pending request fixes what
// a reply must look like: its address (any, for 0xFF), its function (or the exception flag), its
// byte count and so its length. Bytes that cannot start such a reply are dropped and reported, so
// garbage before a frame, a late reply of another length and junk after a frame never become
// part of an answer. Pure state, no I/O, no Qt object.
class FrameReassembler {
public:
    struct Result {
        // A complete candidate reply. Its CRC is checked by parseResponse(): a frame whose header
        // matches at the start of the buffer is returned even with a bad CRC so that the error is
        // seen and counted, instead of waiting for a timeout.
        std::optional<QByteArray> frame;
        QByteArray dropped; // bytes discarded by this feed() (garbage, overrun, unsolicited)
    };

    // Arms the reassembler for the reply to `request`; clears what was buffered (and returns it).
    QByteArray expect(const Request &request);
    // Forgets the pending request; later bytes are unsolicited and dropped. Returns the buffer.
    QByteArray reset();

    Result feed(QByteArrayView chunk);

    [[nodiscard]] bool isExpecting() const noexcept { return m_pending.has_value(); }
    [[nodiscard]] qsizetype bufferedBytes() const noexcept { return m_buffer.size(); }
    [[nodiscard]] qint64 totalDroppedBytes() const noexcept { return m_totalDropped; }

private:
    enum class Match { No, NeedMore, Complete };
    [[nodiscard]] Match matchAt(qsizetype pos, qsizetype *length) const;

    std::optional<Request> m_pending;
    QByteArray m_buffer;
    qint64 m_totalDropped = 0;
};

} // namespace blupow::modbus
