#pragma once

#include "alarms/alarm.h"

#include <QDateTime>
#include <QHash>
#include <QString>

#include <optional>

namespace blupow {

// What to tell the desktop when conditions appear, decided apart from the tray that shows it
// (testable offscreen, where there is no tray). One message per cycle however many conditions
// appeared; a condition that comes back within kQuietSeconds of being announced (a flapping
// bit) is not announced again; nothing at all without a tray.
class AlarmNotificationPolicy {
public:
    struct Message {
        QString title;
        QString body;
        bool fault = false; // a fault among them (else warnings only)
    };
    static constexpr int kQuietSeconds = 300;

    [[nodiscard]] std::optional<Message> onRaised(const Alarms &raised, bool trayAvailable,
                                                  const QDateTime &now);

private:
    QHash<QString, QDateTime> m_announced; // Alarm::id() -> when last announced
};

} // namespace blupow
