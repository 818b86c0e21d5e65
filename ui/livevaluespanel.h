#pragma once

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QAction;
class QLineEdit;
class QTreeView;

namespace blupow {

class DeviceSession;
class LiveValuesFilterModel;
class LiveValuesModel;

// Every field of the connected device, grouped (battery, PV, load, AC, status, faults, ...),
// with unit, raw words, age and quality. Stale values are grey and italic and say "stale" with
// their age. Ctrl+C copies the selected rows; Ctrl+F searches.
class LiveValuesPanel : public QWidget {
    Q_OBJECT

public:
    explicit LiveValuesPanel(LiveValuesModel *model, QWidget *parent = nullptr);

    [[nodiscard]] QAction *findAction() const { return m_findAction; }
    [[nodiscard]] QAction *copyAction() const { return m_copyAction; }
    [[nodiscard]] QTreeView *view() const { return m_view; }
    [[nodiscard]] LiveValuesFilterModel *filterModel() const { return m_filter; }
    // The selected rows as tab-separated text (field, value, unit, raw, age, quality).
    [[nodiscard]] QString selectedText() const;

public Q_SLOTS:
    void setSession(blupow::DeviceSession *session);
    void setSearchText(const QString &text);

private:
    void copySelection();
    void spanGroupRows();
    void tickAges();

    LiveValuesModel *m_model;
    LiveValuesFilterModel *m_filter;
    QLineEdit *m_search;
    QTreeView *m_view;
    QAction *m_findAction;
    QAction *m_copyAction;
    QPointer<DeviceSession> m_session;
    // Ages keep moving while no cycle arrives (link down, backing off).
    QTimer m_ageTimer;
};

} // namespace blupow
