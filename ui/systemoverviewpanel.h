#pragma once

#include "system/systemsummary.h"

#include <QHash>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QTableView;

namespace blupow {

class AlarmTracker;
class BankTableModel;
class DeviceSession;

// The whole installation at a glance, to be read from across the room (docs/system.md): PV ->
// controllers -> battery bank -> inverter -> AC loads as big tiles with the power on each
// arrow, the bank's state of charge and voltage, the active alarms in red with their meaning,
// and the bank's batteries side by side with what stands out marked. Any subset of devices
// works: an absent part says so, a value not read shows a dash, never a zero. It repaints once
// a second from the sessions of every open link (summarizeSystem), not per sample.
class SystemOverviewPanel : public QWidget {
    Q_OBJECT

public:
    explicit SystemOverviewPanel(AlarmTracker *alarms, QWidget *parent = nullptr);

    void setSession(blupow::DeviceSession *session);
    // Every open link (the GUI's several devices at once): the system is what they hold together.
    void setSessions(const QList<blupow::DeviceSession *> &sessions);
    // Rebuilds from the session now (the timer does it every second).
    void refresh();

    [[nodiscard]] const SystemSummary &summary() const { return m_summary; }
    // The big number of a tile: pv, controllers, bank, inverter, loads.
    [[nodiscard]] QLabel *tileValue(const QString &part) const { return m_values.value(part); }
    // The power on an arrow: pv, charge, inverter, loads (into the part of that name).
    [[nodiscard]] QLabel *flow(const QString &arrow) const { return m_flows.value(arrow); }
    [[nodiscard]] QLabel *alarmsLabel() const { return m_alarmsLabel; }
    [[nodiscard]] QTableView *bankTable() const { return m_bankTable; }
    [[nodiscard]] BankTableModel *bankModel() const { return m_bankModel; }

private:
    QWidget *tile(const QString &part, const QString &title);
    QLabel *arrow(const QString &name);
    void setTile(const QString &part, bool present, const QString &value, const QString &detail);

    QList<QPointer<DeviceSession>> m_sessions;
    QPointer<AlarmTracker> m_alarms;
    SystemSummary m_summary;
    QHash<QString, QLabel *> m_values;
    QHash<QString, QLabel *> m_details;
    QHash<QString, QWidget *> m_tiles;
    QHash<QString, QLabel *> m_flows;
    QLabel *m_alarmsLabel;
    BankTableModel *m_bankModel;
    QTableView *m_bankTable;
    QTimer m_repaint; // the panel's own rate: once a second
};

} // namespace blupow
