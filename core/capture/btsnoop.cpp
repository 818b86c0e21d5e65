#include "btsnoop.h"

#include <QIODevice>
#include <QtEndian>

#include <algorithm>
#include <cstring>

namespace blupow::capture {

namespace {

// A phone's snoop log is a few MB; btmon logs of a long session some hundred. Anything beyond
// this is not a capture we can hold in memory, and refusing is better than an allocation failure.
constexpr qint64 kMaxCaptureBytes = qint64{2} * 1024 * 1024 * 1024 - 1;

quint32 be32(QByteArrayView data, qsizetype at) {
    return qFromBigEndian<quint32>(data.data() + at);
}

QString hexOffset(qsizetype offset) {
    return QStringLiteral("0x%1").arg(offset, 0, 16);
}

} // namespace

QString datalinkName(quint32 datalink) {
    switch (datalink) {
    case 1001:
        return QStringLiteral("HCI un-encapsulated (1001)");
    case 1002:
        return QStringLiteral("HCI UART/H4 (1002)");
    case 1003:
        return QStringLiteral("HCI BSCP (1003)");
    case 1004:
        return QStringLiteral("HCI serial/H5 (1004)");
    case 2001:
        return QStringLiteral("BlueZ monitor (2001)");
    default:
        return QStringLiteral("unknown datalink %1").arg(datalink);
    }
}

bool isSupportedDatalink(quint32 datalink) {
    return datalink == static_cast<quint32>(Datalink::HciUnencapsulated) ||
           datalink == static_cast<quint32>(Datalink::HciUart) ||
           datalink == static_cast<quint32>(Datalink::Monitor);
}

qint64 BtsnoopRecord::epochUs() const noexcept {
    constexpr qint64 limit = qint64{1} << 60;
    if (timestampUs < kBtsnoopEpochDeltaUs - limit)
        return -limit;
    return std::min(timestampUs - kBtsnoopEpochDeltaUs, limit);
}

qint64 BtsnoopRecord::epochMs() const noexcept {
    const qint64 us = epochUs();
    // Floor division so that timestamps before 1970 (a phone with a dead clock) stay monotonic.
    return us >= 0 ? us / 1000 : -((-us + 999) / 1000);
}

BtsnoopReader::BtsnoopReader(QByteArrayView file)
    : m_file(file) {
    if (file.isEmpty()) {
        m_error = QStringLiteral("empty file (0 bytes), not a btsnoop capture");
        return;
    }
    if (file.size() < 8 || std::memcmp(file.data(), kBtsnoopMagic, 8) != 0) {
        m_error = QStringLiteral("not a btsnoop capture (the file does not start with "
                                 "\"btsnoop\\0\")");
        return;
    }
    if (file.size() < kBtsnoopFileHeaderSize) {
        m_error = QStringLiteral("truncated btsnoop header (%1 of %2 bytes)")
                      .arg(file.size())
                      .arg(kBtsnoopFileHeaderSize);
        return;
    }
    m_version = be32(file, 8);
    m_datalink = be32(file, 12);
    if (m_version != kBtsnoopVersion) {
        m_error =
            QStringLiteral("unsupported btsnoop version %1 (only version 1 exists)").arg(m_version);
        return;
    }
    if (!isSupportedDatalink(m_datalink)) {
        m_error = QStringLiteral("unsupported btsnoop datalink %1 (%2); BluPow reads 1001, 1002 "
                                 "and 2001")
                      .arg(m_datalink)
                      .arg(datalinkName(m_datalink));
    }
}

bool BtsnoopReader::plausibleAt(qsizetype pos, int depth) const {
    // An HCI packet is at most 64 KiB plus its header; a day covers a clock change mid-capture.
    constexpr quint32 kMaxRecordBytes = 0x10000 + 16;
    constexpr qint64 kDayUs = qint64{24} * 3600 * 1000 * 1000;
    if (pos == m_file.size())
        return depth > 0; // the previous plausible record ended the file exactly
    if (m_file.size() - pos < kBtsnoopRecordHeaderSize)
        return false;
    const quint32 original = be32(m_file, pos);
    const quint32 included = be32(m_file, pos + 4);
    const quint32 flags = be32(m_file, pos + 8);
    const qint64 timestampUs = qFromBigEndian<qint64>(m_file.data() + pos + 16);
    if (included > original || original > kMaxRecordBytes)
        return false;
    if (qint64{included} > m_file.size() - pos - kBtsnoopRecordHeaderSize)
        return false;
    // Monitor records keep the opcode in the low half (about 20 exist) and the adapter index in
    // the high half; the HCI datalinks use two flag bits.
    const bool monitor = m_datalink == static_cast<quint32>(Datalink::Monitor);
    if (monitor ? (flags & 0xFFFF) > 64 : flags > 3)
        return false;
    if (m_lastTimestampUs) {
        // Distance in unsigned arithmetic: a corrupt timestamp near the qint64 limits must not
        // overflow (the fuzzer found one).
        const auto last = static_cast<quint64>(*m_lastTimestampUs);
        const auto now = static_cast<quint64>(timestampUs);
        const quint64 distance = timestampUs < *m_lastTimestampUs ? last - now : now - last;
        if (distance > static_cast<quint64>(kDayUs))
            return false;
    }
    if (depth > 0)
        return true;
    return plausibleAt(pos + kBtsnoopRecordHeaderSize + static_cast<qsizetype>(included), 1);
}

std::optional<BtsnoopRecord> BtsnoopReader::next() {
    if (!isValid() || !m_trailing.isEmpty() || m_pos >= m_file.size())
        return std::nullopt;
    const qsizetype remaining = m_file.size() - m_pos;
    if (remaining < kBtsnoopRecordHeaderSize) {
        m_trailing = QStringLiteral("record %1 at offset %2: truncated record header (%3 of %4 "
                                    "bytes); the capture ends there")
                         .arg(m_index)
                         .arg(hexOffset(m_pos))
                         .arg(remaining)
                         .arg(kBtsnoopRecordHeaderSize);
        return std::nullopt;
    }
    BtsnoopRecord r;
    r.index = m_index;
    r.offset = m_pos;
    r.originalLength = be32(m_file, m_pos);
    const quint32 included = be32(m_file, m_pos + 4);
    r.flags = be32(m_file, m_pos + 8);
    r.drops = be32(m_file, m_pos + 12);
    r.timestampUs = qFromBigEndian<qint64>(m_file.data() + m_pos + 16);
    // Compare in 64 bits: a length field of 0xFFFFFFFF must not wrap around.
    if (qint64{included} > qint64{remaining} - kBtsnoopRecordHeaderSize) {
        for (qsizetype at = m_pos + 1; at + kBtsnoopRecordHeaderSize <= m_file.size(); ++at) {
            if (!plausibleAt(at, 0))
                continue;
            m_skips.append(QStringLiteral("record %1 at offset %2: its length field says %3 "
                                          "bytes but only %4 remain; skipped %5 bytes to the next "
                                          "plausible record at offset %6")
                               .arg(m_index)
                               .arg(hexOffset(m_pos))
                               .arg(included)
                               .arg(remaining - kBtsnoopRecordHeaderSize)
                               .arg(at - m_pos)
                               .arg(hexOffset(at)));
            m_skippedBytes += at - m_pos;
            m_pos = at;
            return next();
        }
        m_trailing = QStringLiteral("record %1 at offset %2: its length field says %3 bytes but "
                                    "only %4 remain; the capture ends there")
                         .arg(m_index)
                         .arg(hexOffset(m_pos))
                         .arg(included)
                         .arg(remaining - kBtsnoopRecordHeaderSize);
        return std::nullopt;
    }
    r.data = m_file.sliced(m_pos + kBtsnoopRecordHeaderSize, static_cast<qsizetype>(included));
    m_pos += kBtsnoopRecordHeaderSize + static_cast<qsizetype>(included);
    ++m_index;
    m_lastTimestampUs = r.timestampUs;
    return r;
}

std::optional<QByteArray> readCaptureDevice(QIODevice &device, QString *error) {
    const auto fail = [&](const QString &why) -> std::optional<QByteArray> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (!device.isOpen() && !device.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot open: %1").arg(device.errorString()));
    if (!device.isSequential() && device.size() > kMaxCaptureBytes)
        return fail(QStringLiteral("file too large (%1 bytes; at most 2 GiB)").arg(device.size()));
    return device.readAll();
}

} // namespace blupow::capture
