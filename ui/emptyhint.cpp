#include "emptyhint.h"

#include <QAbstractItemModel>
#include <QEvent>

namespace blupow {

EmptyHint::EmptyHint(QWidget *area)
    : QLabel(area) {
    setAlignment(Qt::AlignCenter);
    setWordWrap(true);
    setMargin(fontMetrics().height());
    setForegroundRole(QPalette::PlaceholderText);
    // Clicks and hovers reach the area underneath.
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setGeometry(area->rect());
    area->installEventFilter(this);
}

void EmptyHint::watch(QAbstractItemModel *model) {
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    for (const auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(model, signal, this, &EmptyHint::follow);
    connect(model, &QAbstractItemModel::modelReset, this, &EmptyHint::follow);
    connect(model, &QAbstractItemModel::layoutChanged, this, &EmptyHint::follow);
    follow();
}

void EmptyHint::follow() {
    setEmpty(m_model && m_model->rowCount() == 0);
}

void EmptyHint::setEmpty(bool empty) {
    setVisible(empty);
    if (empty)
        raise();
}

bool EmptyHint::eventFilter(QObject *watched, QEvent *event) {
    if (watched == parent() && event->type() == QEvent::Resize)
        setGeometry(parentWidget()->rect());
    return QLabel::eventFilter(watched, event);
}

} // namespace blupow
