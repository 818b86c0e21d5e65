#pragma once

// The btsnoop container (RFC 1761 "snoop" with the Bluetooth datalinks): what Android writes
// with "Enable Bluetooth HCI snoop log" (datalink 1002, H4) and what BlueZ `btmon -w` writes
// (datalink 2001, the monitor format). Pure parsing over bytes already in memory: nothing here
// does I/O beyond QIODevice::readAll, nothing throws, nothing trusts a length field.

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringList>

#include <optional>

class QIODevice;

namespace blupow::capture {

inline constexpr char kBtsnoopMagic[8] = {'b', 't', 's', 'n', 'o', 'o', 'p', '\0'};
inline constexpr quint32 kBtsnoopVersion = 1;
inline constexpr qsizetype kBtsnoopFileHeaderSize = 16;
inline constexpr qsizetype kBtsnoopRecordHeaderSize = 24;
// Microseconds from 0000-01-01 (the btsnoop epoch) to 1970-01-01, as Wireshark and btmon use.
inline constexpr qint64 kBtsnoopEpochDeltaUs = 0x00dcddb30f2f8000LL;

enum class Datalink : quint32 {
    HciUnencapsulated = 1001, // no packet-type byte; the record flags say command/event vs data
    HciUart = 1002,           // H4: one packet-type byte (Android)
    HciBscp = 1003,
    HciSerial = 1004,
    Monitor = 2001, // BlueZ btmon: the opcode (ACL TX/RX, command, event...) is in the flags
};

[[nodiscard]] QString datalinkName(quint32 datalink);
[[nodiscard]] bool isSupportedDatalink(quint32 datalink);

// Flag bits for datalinks 1001/1002: bit 0 = received (controller -> host), bit 1 = command or
// event (else data).
inline constexpr quint32 kFlagReceived = 0x1;
inline constexpr quint32 kFlagCommandOrEvent = 0x2;

struct BtsnoopRecord {
    qsizetype index = 0;  // 0-based record number
    qsizetype offset = 0; // file offset of the record header
    quint32 originalLength = 0;
    quint32 flags = 0;
    quint32 drops = 0;
    qint64 timestampUs = 0; // since 0000-01-01 (btsnoop epoch)
    QByteArrayView data;    // the included bytes; a view into the reader's buffer

    // Clamped to +-2^60 us (36 000 years) around 1970: a corrupt timestamp cannot overflow the
    // differences taken later (round trips, replay offsets).
    [[nodiscard]] qint64 epochUs() const noexcept;
    [[nodiscard]] qint64 epochMs() const noexcept;
    [[nodiscard]] bool truncated() const noexcept { return originalLength > data.size(); }
};

// Walks the records of a btsnoop file held in memory. The buffer is not copied and must outlive
// the reader and every record it returns.
class BtsnoopReader {
public:
    explicit BtsnoopReader(QByteArrayView file);

    // False when the file header is unusable (too short, wrong magic, wrong version, unknown
    // datalink); error() says which, in one line.
    [[nodiscard]] bool isValid() const noexcept { return m_error.isEmpty(); }
    [[nodiscard]] QString error() const { return m_error; }
    [[nodiscard]] quint32 datalink() const noexcept { return m_datalink; }
    [[nodiscard]] quint32 version() const noexcept { return m_version; }

    // The next record, or nothing at the end of the file. A record whose length field runs past
    // the end of the file is corrupt or cut off: the walk resumes at the next offset where a
    // plausible record starts (its length fits, its flags are possible, its time is within a day
    // of the last good record's, and the record after it is plausible too or the file ends
    // there), and skips() says what was passed over. With none, the walk ends and
    // trailingProblem() says where and why (a capture cut off while the phone was still writing
    // is common and keeps what came before).
    std::optional<BtsnoopRecord> next();
    [[nodiscard]] QString trailingProblem() const { return m_trailing; }
    // One line per corrupt stretch skipped to resynchronise, and the bytes skipped in total.
    [[nodiscard]] QStringList skips() const { return m_skips; }
    [[nodiscard]] qsizetype skippedBytes() const noexcept { return m_skippedBytes; }
    [[nodiscard]] qsizetype recordsRead() const noexcept { return m_index; }
    [[nodiscard]] qsizetype fileSize() const noexcept { return m_file.size(); }

private:
    QByteArrayView m_file;
    qsizetype m_pos = kBtsnoopFileHeaderSize;
    qsizetype m_index = 0;
    quint32 m_datalink = 0;
    quint32 m_version = 0;
    QString m_error;
    QString m_trailing;
    QStringList m_skips;
    qsizetype m_skippedBytes = 0;
    std::optional<qint64> m_lastTimestampUs; // of the last record returned

    [[nodiscard]] bool plausibleAt(qsizetype pos, int depth) const;
};

// Reads a whole device (a file) for the reader. Fails with one line (unreadable, empty, too big).
[[nodiscard]] std::optional<QByteArray> readCaptureDevice(QIODevice &device, QString *error);

} // namespace blupow::capture
