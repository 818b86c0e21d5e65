#pragma once

#include <QPushButton>
#include <QWidget>

class QTableView;

namespace blupow {

class AlarmListModel;
class AlarmTracker;

// The Alarms dock: every active condition (and the recently cleared ones) with device, severity,
// since and cleared; the meaning and the register in each row's tooltip. Keyboard: the table
// takes focus (Alt+7) and rows are walked with the arrow keys.
class AlarmsPanel : public QWidget {
    Q_OBJECT

public:
    explicit AlarmsPanel(AlarmListModel *model, QWidget *parent = nullptr);
    [[nodiscard]] QTableView *view() const { return m_view; }

private:
    QTableView *m_view;
};

// The red banner over the values while any condition is active: the newest one's title, device
// and meaning, and how many more. A button, so Tab reaches it and Enter or a click opens the list.
class AlarmBanner : public QPushButton {
    Q_OBJECT

public:
    explicit AlarmBanner(AlarmTracker *tracker, QWidget *parent = nullptr);

protected:
    void keyPressEvent(QKeyEvent *event) override; // Enter opens the list too, as Space does

private:
    void refresh();
    AlarmTracker *m_tracker;
};

} // namespace blupow
