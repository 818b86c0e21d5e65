#pragma once

#include <QSortFilterProxyModel>

namespace blupow {

// The live-values search: a field row is shown when its label, key, value or group contains the
// text; a group header is shown when any of its rows is.
class LiveValuesFilterModel : public QSortFilterProxyModel {
    Q_OBJECT

public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setSearchText(const QString &text);
    [[nodiscard]] QString searchText() const { return m_text; }

protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow,
                                        const QModelIndex &sourceParent) const override;

private:
    [[nodiscard]] bool matches(int sourceRow) const;

    QString m_text;
};

} // namespace blupow
