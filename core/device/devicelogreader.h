#pragma once

#include "device/blockreader.h"
#include "registers/registerdecoder.h"

#include <QDate>
#include <QDateTime>
#include <QMetaType>
#include <QObject>
#include <QPointer>

namespace blupow {

class DeviceSession;

// One of the device's own logs as read: its definition from the map, its rows, the requests the
// device refused (their rows stay Stale) and when it was read.
struct DeviceLog {
    LogDef def;
    QList<LogRow> rows;
    QStringList skipped;
    QDateTime readAt;

    // The calendar day of a days-ago row, counted on the computer's calendar: the device's own day
    // boundary is its clock's, which may differ (docs/logs.md). Invalid for other logs.
    [[nodiscard]] QDate dateOf(const LogRow &row) const;
};

// Reads one log of the device's map (docs/logs.md) on demand through the session, one request at
// a time behind the poll (BlockReader), and decodes it with the same map.
//   Idle --start(key)--> Reading --every request answered or refused--> Done (finished)
//                                --a request times out---------------> Failed (failed)
class DeviceLogReader : public QObject {
    Q_OBJECT

public:
    using State = BlockReader::State;

    // `session` must outlive the reader.
    explicit DeviceLogReader(DeviceSession *session, QObject *parent = nullptr);
    ~DeviceLogReader() override;

    // False, with `error`, before the device is identified, for a log its map does not have, and
    // while a log is being read.
    bool start(const QString &logKey, QString *error);
    void setBlockTimeoutMs(int ms) { m_reader.setBlockTimeoutMs(ms); }

    [[nodiscard]] State state() const { return m_reader.state(); }
    [[nodiscard]] const DeviceLog &log() const { return m_log; }

Q_SIGNALS:
    void progress(int done, int total);
    void finished(const blupow::DeviceLog &log);
    void failed(const QString &message);

private:
    QPointer<DeviceSession> m_session;
    BlockReader m_reader;
    DeviceLog m_log;
};

} // namespace blupow

Q_DECLARE_METATYPE(blupow::DeviceLog)
