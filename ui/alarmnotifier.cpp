#include "alarmnotifier.h"

#include "alarms/alarmtracker.h"

#include <QSystemTrayIcon>

namespace blupow {

AlarmNotifier::AlarmNotifier(AlarmTracker *tracker, const QIcon &icon, QObject *parent)
    : QObject(parent) {
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(icon, this);
        m_tray->setToolTip(QStringLiteral("BluPow"));
        m_tray->show();
    }
    connect(tracker, &AlarmTracker::raised, this, [this](const Alarm &a) { m_pending.append(a); });
    // changed() ends each update: the conditions raised in it make one message.
    connect(tracker, &AlarmTracker::changed, this, &AlarmNotifier::flush);
}

AlarmNotifier::~AlarmNotifier() = default;

void AlarmNotifier::flush() {
    const Alarms raised = std::exchange(m_pending, {});
    const auto message =
        m_policy.onRaised(raised, m_tray != nullptr, QDateTime::currentDateTimeUtc());
    if (!message)
        return;
    m_tray->showMessage(message->title, message->body,
                        message->fault ? QSystemTrayIcon::Critical : QSystemTrayIcon::Warning);
    Q_EMIT notified(message->title, message->body);
}

} // namespace blupow
