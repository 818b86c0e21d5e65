#pragma once

#include <QLabel>
#include <QPointer>

class QAbstractItemModel;

namespace blupow {

// A centred line of advice over an empty area (a view's viewport, a chart): what the panel will
// show and what to do to get it, instead of blank space that could be a fault or old data.
// Shown while the watched model has no rows, or while the owner says the area is empty.
class EmptyHint : public QLabel {
    Q_OBJECT

public:
    explicit EmptyHint(QWidget *area);

    // Follows `model`: shown exactly while it has no rows.
    void watch(QAbstractItemModel *model);
    void setEmpty(bool empty);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void follow();

    QPointer<QAbstractItemModel> m_model;
};

} // namespace blupow
