#include "framereassembler.h"

#include "crc16.h"

namespace blupow::modbus {

namespace {
constexpr quint8 kExceptionFlag = 0x80;
}

QByteArray FrameReassembler::expect(const Request &request) {
    QByteArray old = reset();
    m_pending = request;
    return old;
}

QByteArray FrameReassembler::reset() {
    m_pending.reset();
    QByteArray old;
    old.swap(m_buffer);
    m_totalDropped += old.size();
    return old;
}

FrameReassembler::Match FrameReassembler::matchAt(qsizetype pos, qsizetype *length) const {
    const Request &req = *m_pending;
    const qsizetype avail = m_buffer.size() - pos;
    const auto at = [&](qsizetype i) { return static_cast<quint8>(m_buffer[pos + i]); };

    if (req.slave != kBroadcastSlave && at(0) != req.slave)
        return Match::No;
    if (avail < 2)
        return Match::NeedMore;
    const auto asked = static_cast<quint8>(req.function);
    if (at(1) == (asked | kExceptionFlag)) {
        *length = kExceptionFrameSize;
    } else if (at(1) == asked) {
        if (req.function == FunctionCode::ReadHoldingRegisters) {
            if (avail < 3)
                return Match::NeedMore;
            if (at(2) != 2 * req.count)
                return Match::No;
        }
        *length = expectedResponseLength(req);
    } else {
        return Match::No;
    }
    return avail < *length ? Match::NeedMore : Match::Complete;
}

FrameReassembler::Result FrameReassembler::feed(QByteArrayView chunk) {
    Result result;
    if (!m_pending) {
        result.dropped = chunk.toByteArray();
        m_totalDropped += chunk.size();
        return result;
    }
    m_buffer.append(chunk);

    // Scan for the first position where a reply can start. A complete candidate with a valid CRC
    // wins; at position 0 (nothing dropped before it) a complete candidate is taken even with a
    // bad CRC so that the corruption is reported. Elsewhere a bad CRC means "not a frame".
    qsizetype firstPossible = -1;
    for (qsizetype pos = 0; pos < m_buffer.size(); ++pos) {
        qsizetype length = 0;
        const Match m = matchAt(pos, &length);
        if (m == Match::No)
            continue;
        if (m == Match::NeedMore) {
            if (firstPossible < 0)
                firstPossible = pos;
            continue;
        }
        const QByteArrayView candidate = QByteArrayView(m_buffer).sliced(pos, length);
        if (hasValidCrc(candidate) || (pos == 0 && firstPossible < 0)) {
            result.dropped.append(m_buffer.first(pos));
            result.frame = candidate.toByteArray();
            result.dropped.append(m_buffer.sliced(pos + length));
            m_totalDropped += result.dropped.size();
            m_buffer.clear();
            m_pending.reset();
            return result;
        }
        if (firstPossible < 0)
            firstPossible = pos;
    }

    // Nothing complete: keep from the first place a reply could still start, drop what is before.
    qsizetype keepFrom = firstPossible < 0 ? m_buffer.size() : firstPossible;
    // A reply is at most 255 + 5 bytes; more than that buffered behind a bad candidate is noise.
    constexpr qsizetype kMaxBuffered = 2 * (255 + 5);
    if (m_buffer.size() - keepFrom > kMaxBuffered)
        keepFrom = m_buffer.size() - kMaxBuffered;
    if (keepFrom > 0) {
        result.dropped = m_buffer.first(keepFrom);
        m_totalDropped += keepFrom;
        m_buffer.remove(0, keepFrom);
    }
    return result;
}

} // namespace blupow::modbus
