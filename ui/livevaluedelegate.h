#pragma once

#include <QStyledItemDelegate>

namespace blupow {

// Makes a value's quality visible without reading the Quality column: stale and invalid rows are
// grey and italic, group headers bold (LiveValuesModel::StaleRole / IsGroupRole).
class LiveValueDelegate : public QStyledItemDelegate {
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

} // namespace blupow
