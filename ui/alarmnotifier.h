#pragma once

#include "alarms/alarm.h"
#include "alarms/alarmnotificationpolicy.h"

#include <QObject>

class QSystemTrayIcon;

namespace blupow {

class AlarmTracker;

// Tells the desktop when conditions appear: a QSystemTrayIcon message when a tray exists
// (offscreen and bare window managers have none, and then nothing is shown). What to say, and
// when to stay quiet, is AlarmNotificationPolicy's decision.
class AlarmNotifier : public QObject {
    Q_OBJECT

public:
    AlarmNotifier(AlarmTracker *tracker, const QIcon &icon, QObject *parent = nullptr);
    ~AlarmNotifier() override;

Q_SIGNALS:
    // Every message decided on, shown or not (tests and the status bar).
    void notified(const QString &title, const QString &body);

private:
    void flush();

    AlarmNotificationPolicy m_policy;
    Alarms m_pending; // raised in the current update
    QSystemTrayIcon *m_tray = nullptr;
};

} // namespace blupow
