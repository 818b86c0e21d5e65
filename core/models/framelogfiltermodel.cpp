#include "framelogfiltermodel.h"

#include "capture/framerecord.h"
#include "models/framelogmodel.h"

namespace blupow {

void FrameLogFilterModel::setShowTx(bool show) {
    if (m_showTx == show)
        return;
    m_showTx = show;
    invalidateRowsFilter();
}

void FrameLogFilterModel::setShowRx(bool show) {
    if (m_showRx == show)
        return;
    m_showRx = show;
    invalidateRowsFilter();
}

void FrameLogFilterModel::setErrorsOnly(bool errorsOnly) {
    if (m_errorsOnly == errorsOnly)
        return;
    m_errorsOnly = errorsOnly;
    invalidateRowsFilter();
}

bool FrameLogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const {
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const auto direction =
        static_cast<FrameRecord::Direction>(index.data(FrameLogModel::DirectionRole).toInt());
    if (direction == FrameRecord::Direction::Tx && !m_showTx)
        return false;
    if (direction == FrameRecord::Direction::Rx && !m_showRx)
        return false;
    return !m_errorsOnly || index.data(FrameLogModel::IsErrorRole).toBool();
}

} // namespace blupow
