#pragma once

#include "registers/decodedvalue.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <optional>

class QAction;
class QLineEdit;
class QTreeView;

namespace blupow {

class DeviceSession;
class EmptyHint;
class LiveValuesFilterModel;
class LiveValuesModel;

// Every field of the connected device, grouped (battery, PV, load, AC, status, faults, ...),
// with unit, raw words, age and quality. Stale values are grey and italic and say "stale" with
// their age; a narrow panel keeps value and unit whole and drops the raw words, then age, then
// quality (all in the row's tooltip). Ctrl+C copies the selected rows; Ctrl+F searches.
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

    // The values of a recorded moment (a capture at its time slider's position): ages are
    // measured from `atMs` and stand still until the next call or setSession(), as a capture
    // does not age.
    void showValuesAt(const DecodedValues &values, qint64 atMs);
    [[nodiscard]] bool isShowingRecordedValues() const { return m_recordedAtMs.has_value(); }

public Q_SLOTS:
    void setSession(blupow::DeviceSession *session);
    void setSearchText(const QString &text);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void copySelection();
    void updateHint();
    // Value and unit always whole; the label takes what is left (elided in the middle), and
    // quality, age and raw words are shown only while they leave the label room.
    void fitColumns();
    void spanGroupRows();
    void tickAges();

    LiveValuesModel *m_model;
    LiveValuesFilterModel *m_filter;
    QLineEdit *m_search;
    QTreeView *m_view;
    EmptyHint *m_hint;
    QAction *m_findAction;
    QAction *m_copyAction;
    QPointer<DeviceSession> m_session;
    // Ages keep moving while no cycle arrives (link down, backing off).
    QTimer m_ageTimer;
    std::optional<qint64> m_recordedAtMs; // showValuesAt()'s moment; none while live
};

} // namespace blupow
