#include "livevaluedelegate.h"

#include "models/livevaluesmodel.h"

#include <QPalette>

namespace blupow {

void LiveValueDelegate::initStyleOption(QStyleOptionViewItem *option,
                                        const QModelIndex &index) const {
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.data(LiveValuesModel::IsGroupRole).toBool()) {
        option->font.setBold(true);
        return;
    }
    if (index.data(LiveValuesModel::StaleRole).toBool()) {
        option->font.setItalic(true);
        const QColor grey = option->palette.color(QPalette::Disabled, QPalette::Text);
        option->palette.setColor(QPalette::Text, grey);
        option->palette.setColor(QPalette::HighlightedText, grey);
    }
}

} // namespace blupow
