#pragma once

#include "system/systemsummary.h"

#include <QAbstractTableModel>

namespace blupow {

// The batteries of a bank side by side (docs/system.md): voltage, current, state of charge,
// cycles, lowest and highest cell, their spread and the warmest cell. A value that stands out
// from the bank (OutlierRules) is marked in its text with "⚠", so it does not rest on colour
// alone, and by OutlierRole for the view to colour; its reason is the tooltip.
class BankTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        Battery,
        Voltage,
        Current,
        Soc,
        Cycles,
        MinCell,
        MaxCell,
        Spread,
        Temperature,
        ColumnCount
    };
    enum Role { OutlierRole = Qt::UserRole + 1, NumericRole };

    explicit BankTableModel(QObject *parent = nullptr);

    // Rows are kept when the same batteries come back (no reset, so a selection survives).
    void setBatteries(const QList<BankBattery> &batteries);
    [[nodiscard]] const QList<BankBattery> &batteries() const { return m_rows; }

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

private:
    QList<BankBattery> m_rows;
};

} // namespace blupow
