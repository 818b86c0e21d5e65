#include "livevaluesfiltermodel.h"

#include "models/livevaluesmodel.h"

namespace blupow {

void LiveValuesFilterModel::setSearchText(const QString &text) {
    const QString trimmed = text.trimmed();
    if (trimmed == m_text)
        return;
    m_text = trimmed;
    invalidateRowsFilter();
}

bool LiveValuesFilterModel::matches(int sourceRow) const {
    const QModelIndex index = sourceModel()->index(sourceRow, 0);
    return index.data(LiveValuesModel::SearchTextRole)
        .toString()
        .contains(m_text, Qt::CaseInsensitive);
}

bool LiveValuesFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const {
    if (m_text.isEmpty() || sourceParent.isValid())
        return true;
    const QModelIndex index = sourceModel()->index(sourceRow, 0);
    if (!index.data(LiveValuesModel::IsGroupRole).toBool())
        return matches(sourceRow);
    // A header matching by its own title shows its whole group; else it follows its rows.
    const QString group = index.data(LiveValuesModel::GroupRole).toString();
    const int rows = sourceModel()->rowCount();
    for (int r = sourceRow + 1; r < rows; ++r) {
        const QModelIndex next = sourceModel()->index(r, 0);
        if (next.data(LiveValuesModel::IsGroupRole).toBool())
            break;
        if (matches(r))
            return true;
    }
    return LiveValuesModel::groupTitle(group).contains(m_text, Qt::CaseInsensitive);
}

} // namespace blupow
