#pragma once

#include "capture/framelog.h"

#include <QAbstractTableModel>
#include <QList>

namespace blupow {

// The live TX/RX log as a table over a bounded FrameLog. Paused, new exchanges are held back
// (bounded by the log's capacity) and shown on resume, so pausing to read loses nothing.
class FrameLogModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { TimeColumn, DirectionColumn, BytesColumn, StatusColumn, NoteColumn, ColumnCount };
    enum Role {
        DirectionRole = Qt::UserRole + 1, // int(FrameRecord::Direction)
        StatusRole,                       // int(FrameRecord::Status)
        IsErrorRole,
        SequenceRole,
        TimestampRole,
        BytesRole, // QByteArray
    };

    explicit FrameLogModel(int capacity = FrameLog::kDefaultCapacity, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index,
                                int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

    void addExchange(const Exchange &exchange);
    void setRegisterMap(std::shared_ptr<const RegisterMap> map);
    void setPaused(bool paused);
    [[nodiscard]] bool isPaused() const { return m_paused; }
    [[nodiscard]] int pendingCount() const { return static_cast<int>(m_pending.size()); }
    void clear();

    [[nodiscard]] const FrameLog &log() const { return m_log; }
    [[nodiscard]] const FrameRecord *record(int row) const;

    // "12:34:56.789" local time, as shown and exported.
    [[nodiscard]] static QString timeText(qint64 timestampMs);

private:
    void appendRecords(QList<FrameRecord> records);

    FrameLog m_log;
    bool m_paused = false;
    QList<FrameRecord> m_pending;
};

} // namespace blupow
