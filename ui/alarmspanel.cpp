#include "alarmspanel.h"

#include "alarms/alarmtracker.h"
#include "models/alarmlistmodel.h"

#include <QHeaderView>
#include <QKeyEvent>
#include <QTableView>
#include <QVBoxLayout>

namespace blupow {

AlarmsPanel::AlarmsPanel(AlarmListModel *model, QWidget *parent)
    : QWidget(parent)
    , m_view(new QTableView(this)) {
    setObjectName(QStringLiteral("alarmsPanel"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_view->setObjectName(QStringLiteral("alarmsView"));
    m_view->setModel(model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(AlarmListModel::Condition,
                                                     QHeaderView::Stretch);
    for (int c = AlarmListModel::Device; c < AlarmListModel::ColumnCount; ++c)
        m_view->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_view->setAccessibleName(QStringLiteral("Alarms"));
    layout->addWidget(m_view);
}

AlarmBanner::AlarmBanner(AlarmTracker *tracker, QWidget *parent)
    : QPushButton(parent)
    , m_tracker(tracker) {
    setObjectName(QStringLiteral("alarmBanner"));
    setFlat(true);
    setAutoFillBackground(true);
    setStyleSheet(
        QStringLiteral("QPushButton { background-color: #b00020; color: white; font-weight: bold; "
                       "text-align: left; padding: 0.3em 0.6em; border: none; }"
                       "QPushButton:focus { outline: 2px solid white; }"));
    setToolTip(QStringLiteral("Click or press Enter for the list of alarms (Alt+7)."));
    connect(tracker, &AlarmTracker::changed, this, &AlarmBanner::refresh);
    refresh();
}

void AlarmBanner::keyPressEvent(QKeyEvent *event) {
    if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) {
        click();
        return;
    }
    QPushButton::keyPressEvent(event);
}

void AlarmBanner::refresh() {
    const Alarms active = m_tracker->active();
    setVisible(!active.isEmpty());
    if (active.isEmpty()) {
        setText({});
        return;
    }
    const Alarm &a = active.first();
    const QString device = a.deviceName.isEmpty() ? a.deviceId : a.deviceName;
    QString text = QStringLiteral("⚠ %1: %2 — %3").arg(device, a.title(), a.condition.meaning);
    if (active.size() > 1)
        text += QStringLiteral("  (+%1 more)").arg(active.size() - 1);
    setText(text);
    setAccessibleName(text);
}

} // namespace blupow
