#pragma once

#include "alarms/alarm.h"
#include "registers/decodedvalue.h"
#include "registers/registermap.h"

#include <QHash>
#include <QObject>

namespace blupow {

class DeviceSession;

// Turns each poll cycle's values into active conditions with since-when (docs/alarms.md). A word
// that was not read (stale) or is implausible is unknown: it raises nothing and clears nothing,
// so a lost link never reports "all clear".
//
// Recording: raised() and cleared() go to the history store through linkAlarmsToHistory()
// (core/history); nothing here writes to disk.
class AlarmTracker : public QObject {
    Q_OBJECT

public:
    explicit AlarmTracker(QObject *parent = nullptr);

    // One cycle of one device. `now` is when a raised condition started or a cleared one ended.
    void update(const QString &deviceId, const QString &deviceName, const QList<FieldDef> &fields,
                const DecodedValues &values, const QDateTime &now);
    // The device is gone (disconnected, another one chosen): its active conditions are unknown
    // from now on, so they leave the active list without being called cleared.
    void forgetDevice(const QString &deviceId);
    // Follows a session's cycles, each slave with its own map and as its own device (its stable
    // id, DeviceIdentity::deviceId(), the one history and MQTT use), until the session ends; then
    // its devices' conditions are forgotten (unknown, not cleared).
    void watch(DeviceSession *session);

    [[nodiscard]] Alarms active() const;
    // Active ones first (newest first), then the cleared ones, newest first, at most
    // kHistoryLimit of those.
    [[nodiscard]] Alarms recent() const;
    static constexpr int kHistoryLimit = 200;

Q_SIGNALS:
    void raised(const blupow::Alarm &alarm);
    void cleared(const blupow::Alarm &alarm);
    // After each update that raised or cleared something, and after forgetDevice().
    void changed();

private:
    QHash<QString, Alarm> m_active; // by Alarm::id()
    Alarms m_cleared;               // newest last
};

} // namespace blupow
