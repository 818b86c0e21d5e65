#pragma once

#include "device/devicelogreader.h"
#include "models/livevaluesmodel.h"

#include <QAbstractTableModel>

namespace blupow {

// One device log (docs/logs.md) as a table: a row per log row (the oldest day last, as the
// device numbers them), the row's label, its date for a days-ago log, then a column per field
// with the unit in the header. A cell the device did not answer reads "?" and is Stale, never a
// zero. Empty records (every word zero: the inverter's unused fault slots) can be hidden.
class DeviceLogModel : public QAbstractTableModel {
    Q_OBJECT

public:
    // The roles LiveValueDelegate paints by, so stale cells look as stale values do.
    enum Role {
        StaleRole = LiveValuesModel::StaleRole,
        NumericRole = LiveValuesModel::NumericRole,
        QualityRole = LiveValuesModel::QualityRole,
    };

    explicit DeviceLogModel(QObject *parent = nullptr);

    void setLog(const DeviceLog &log);
    void clear();
    [[nodiscard]] bool hasLog() const { return m_hasLog; }
    [[nodiscard]] const DeviceLog &log() const { return m_log; }
    void setHideEmpty(bool hide);
    [[nodiscard]] int hiddenRows() const;

    // The first column that holds a field (after the label and the date).
    [[nodiscard]] int firstFieldColumn() const { return m_log.def.daysAgo ? 2 : 1; }
    // The field of a column; nothing for the label and date columns.
    [[nodiscard]] const FieldDef *fieldAt(int column) const;
    // The log row behind a table row.
    [[nodiscard]] const LogRow &logRow(int row) const { return m_log.rows.at(m_rows.at(row)); }

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

private:
    void rebuildRows();

    DeviceLog m_log;
    bool m_hasLog = false;
    bool m_hideEmpty = true;
    QList<int> m_rows; // indices into m_log.rows of the rows shown
};

} // namespace blupow
