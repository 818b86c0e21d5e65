#pragma once

#include "alarms/alarm.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace blupow {

class AlarmTracker;

// The tracker's recent conditions as a table: active ones first, then cleared ones (newest
// first). Severity and the meaning are in roles and the tooltip; Since and Cleared are local
// times.
class AlarmListModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { Condition, Device, Severity, Since, Cleared, ColumnCount };
    enum Role { ActiveRole = Qt::UserRole + 1, FaultRole, MeaningRole, IdRole };

    explicit AlarmListModel(AlarmTracker *tracker, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;
    [[nodiscard]] const Alarm &alarm(int row) const { return m_rows.at(row); }
    [[nodiscard]] int activeCount() const { return m_activeCount; }

private:
    void refresh();

    QPointer<AlarmTracker> m_tracker;
    Alarms m_rows;
    int m_activeCount = 0;
};

} // namespace blupow
