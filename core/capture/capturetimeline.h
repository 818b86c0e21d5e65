#pragma once

#include "capturedexchange.h"
#include "captureimporter.h"

#include <QHash>
#include <QList>
#include <QString>

#include <optional>

namespace blupow::capture {

// An imported capture arranged for viewing it rather than replaying it: every slave found, and
// each one's decoded values over time, so the GUI can show any moment of the capture without
// sending a request (a replay can only answer the requests the capture holds; a session's own
// identification probes are not among them in a phone's capture).
class CaptureTimeline {
public:
    // Slave, family and counts as the import's summary has them, with the map variant and the
    // span of the slave's readings.
    struct Device : CaptureSummary::Device {
        QString variant;
        qint64 firstMs = 0; // the first reply with values (or the first request if none)
        qint64 lastMs = 0;
        // When every field the capture holds of the slave had been read at least once.
        qint64 completeMs = 0;
    };

    CaptureTimeline() = default;
    // `exchanges` as CaptureImporter returns them (decoded, in capture order).
    explicit CaptureTimeline(QList<CapturedExchange> exchanges);

    [[nodiscard]] const QList<CapturedExchange> &exchanges() const { return m_exchanges; }
    // By slave id. Requests to 0xFF count for the device that answered them when it is the only
    // one (see mergeBroadcast()).
    [[nodiscard]] const QList<Device> &devices() const { return m_devices; }
    [[nodiscard]] const Device *device(quint8 slave) const;
    [[nodiscard]] bool isEmpty() const { return m_exchanges.isEmpty(); }
    // Epoch ms of the first request and of the last thing heard.
    [[nodiscard]] qint64 startMs() const { return m_startMs; }
    [[nodiscard]] qint64 endMs() const { return m_endMs; }

    // Every field of `slave` as last read at or before `atMs`, in the order the fields were
    // first read; each keeps the time it was read, so its age at `atMs` shows. Empty before
    // the slave's first reply.
    [[nodiscard]] DecodedValues valuesAt(quint8 slave, qint64 atMs) const;
    // The exchanges of `slave` that carry values, in time order (a chart's series).
    [[nodiscard]] QList<const CapturedExchange *> readingsOf(quint8 slave) const;

    // When the values of `e` became known: the reply for a read, the request for a write.
    [[nodiscard]] static qint64 valuesTimeMs(const CapturedExchange &e);

private:
    // 0xFF is answered by the single attached device, whatever its own address (docs/protocol.md
    // 4; BluPow's identification asks it before it learns the address): when exactly one other
    // slave answered, the 0xFF exchanges are that device's and 0xFF is no device of its own.
    void mergeBroadcast();
    void sortByTime(QList<qsizetype> &indexes) const;

    QList<CapturedExchange> m_exchanges;
    QList<Device> m_devices;
    QHash<quint8, QList<qsizetype>> m_readings; // indexes into m_exchanges, in time order
    qint64 m_startMs = 0;
    qint64 m_endMs = 0;
};

// How the device list names a slave found in the open capture ("capture:0x30"), so a choice of it
// is told from a Bluetooth or simulated device.
[[nodiscard]] QString captureDeviceAddress(quint8 slave);
[[nodiscard]] bool isCaptureDeviceAddress(const QString &address);
// The slave of a captureDeviceAddress(); nullopt for any other address.
[[nodiscard]] std::optional<quint8> captureDeviceSlave(const QString &address);

} // namespace blupow::capture
