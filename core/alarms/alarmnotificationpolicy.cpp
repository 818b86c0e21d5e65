#include "alarmnotificationpolicy.h"

namespace blupow {

std::optional<AlarmNotificationPolicy::Message>
AlarmNotificationPolicy::onRaised(const Alarms &raised, bool trayAvailable, const QDateTime &now) {
    if (!trayAvailable)
        return std::nullopt;
    Alarms fresh;
    for (const Alarm &a : raised) {
        const auto it = m_announced.constFind(a.id());
        if (it != m_announced.cend() && it->secsTo(now) < kQuietSeconds)
            continue;
        m_announced.insert(a.id(), now);
        fresh.append(a);
    }
    if (fresh.isEmpty())
        return std::nullopt;
    Message m;
    m.fault = std::any_of(fresh.cbegin(), fresh.cend(), [](const Alarm &a) {
        return a.condition.severity == AlarmSeverity::Fault;
    });
    const Alarm &first = fresh.first();
    m.title = QStringLiteral("%1 on %2")
                  .arg(m.fault ? QStringLiteral("Fault") : QStringLiteral("Warning"),
                       first.deviceName.isEmpty() ? first.deviceId : first.deviceName);
    m.body = first.title() + QStringLiteral(": ") + first.condition.meaning;
    if (fresh.size() > 1)
        m.body += QStringLiteral(" (and %1 more)").arg(fresh.size() - 1);
    return m;
}

} // namespace blupow
