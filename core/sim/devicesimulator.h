#pragma once

#include "modbus/modbusframe.h"
#include "registers/registermap.h"
#include "scenario.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>

#include <deque>
#include <optional>

namespace blupow {

// An in-process Modbus RTU slave built from the same register map the session decodes with and a
// scenario of cooked values: each value is encoded with RegisterDecoder::encodeField, so the
// simulator can never disagree with the decoder about offsets or scales. It keeps no clock of its
// own: every call says what time it is, which keeps it a plain value that tests drive directly.
//
// Behaviour modelled on the devices (docs/protocol.md 4, 5.3-5.5): it answers its own address and
// 0xFF; other addresses get silence (an empty bus slot). Reads of unimplemented registers raise
// exception 0x02, bad counts 0x03; the per-model quirks of the scenario answer with silence.
// Writes (0x06/0x10) are accepted only where every register belongs to a writable field and the
// value is inside the field's range; they change later reads. A controller also takes the load
// command (0x010A = 0/1, write-only) and shows it in the load bit of 0x0120
// (docs/protocol.md 8.1, 8.3).
class DeviceSimulator {
public:
    // One read answered, for tests that check a session never reports a value the device did not
    // hold ("the truth at the time of the reply").
    struct ServedRead {
        qint64 atMs = 0; // when the device sampled its registers (epoch ms)
        quint16 start = 0;
        QList<quint16> words;
    };

    DeviceSimulator(RegisterMap map, Scenario scenario, qint64 startEpochMs);

    [[nodiscard]] const RegisterMap &map() const { return m_map; }
    [[nodiscard]] const Scenario &scenario() const { return m_scenario; }
    [[nodiscard]] quint8 slave() const { return m_scenario.slave; }

    // Simulated seconds per real second (1 = real time; 3600 = an hour per second).
    void setTimeAcceleration(double factor) { m_acceleration = factor; }
    [[nodiscard]] double timeAcceleration() const { return m_acceleration; }
    [[nodiscard]] SimTime simTime(qint64 epochMs) const;

    // The reply to one request frame received at `nowMs`; nothing = the device stays silent.
    [[nodiscard]] std::optional<QByteArray> handleRequest(QByteArrayView frame, qint64 nowMs);

    // Register words as the device holds them at `nowMs` (writes applied). Nothing when a register
    // in the range is not implemented.
    [[nodiscard]] std::optional<QList<quint16>> registers(quint16 start, quint16 count,
                                                          qint64 nowMs) const;
    // A per-row log's record (docs/logs.md) when `start` is one of its row addresses and `count`
    // fits the record: the controller answers 0xF000 + n with day n, not with the registers
    // after it. Nothing for any other read.
    [[nodiscard]] std::optional<QList<quint16>> logRecord(quint16 start, quint16 count) const;
    // The cooked scenario value of `key` at `nowMs` (before encoding), invalid if not defined.
    [[nodiscard]] QVariant scenarioValue(const QString &key, qint64 nowMs) const;

    // The word the device last served for `reg` in a read sampled at or before `atMs`.
    [[nodiscard]] std::optional<quint16> servedWord(quint16 reg, qint64 atMs) const;
    [[nodiscard]] const std::deque<ServedRead> &servedReads() const { return m_served; }
    void setJournalCapacity(int reads) { m_journalCapacity = reads; }

    // A device that echoes writes (as a success) but keeps its old values: only a read-back can
    // notice, which is why every settings write is verified (docs/protocol.md 8.2).
    void setIgnoreWrites(bool ignore) { m_ignoreWrites = ignore; }
    [[nodiscard]] bool ignoresWrites() const { return m_ignoreWrites; }
    // A device that refuses every write with exception `code` (0 = accept; 0x04 "operation
    // failed" style answers, docs/protocol.md 5.3).
    void setRejectWrites(quint8 code) { m_rejectWrites = code; }

    // Raises (or drops) one alarm condition of the map (docs/alarms.md): its bits are set in the
    // alarm word on every read from now on, over the scenario's value and its alarm windows.
    // False (with why) for a field or condition the map does not have.
    bool setAlarm(const QString &field, const QString &condition, bool on,
                  QString *error = nullptr);
    [[nodiscard]] quint64 requestsHandled() const { return m_requests; }
    [[nodiscard]] quint64 writesAccepted() const { return m_writes; }

private:
    [[nodiscard]] bool isImplemented(int reg) const;
    [[nodiscard]] QByteArray handleWrite(const modbus::Request &request, quint8 replyTo,
                                         qint64 nowMs);
    [[nodiscard]] QList<quint16> sample(quint16 start, quint16 count, const SimTime &time) const;
    [[nodiscard]] quint8 replyAddress(quint8 requested) const;
    void rebuildImplemented();
    void applyAlarms(QList<quint16> &words, quint16 start, const SimTime &time) const;

    RegisterMap m_map;
    Scenario m_scenario;
    qint64 m_startMs = 0;
    double m_acceleration = 1.0;
    QList<QPair<int, int>> m_implemented; // register ranges that answer (mapped + reserved gaps)
    QHash<quint16, quint16> m_written;    // registers changed by writes
    QHash<QString, QVariant> m_overrides; // cooked values set by commands (the controller load)
    QSet<QString> m_forcedAlarms;         // "field/condition"
    bool m_ignoreWrites = false;
    quint8 m_rejectWrites = 0;
    std::deque<ServedRead> m_served;
    int m_journalCapacity = 4096;
    quint64 m_requests = 0;
    quint64 m_writes = 0;
};

} // namespace blupow
