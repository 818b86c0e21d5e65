#include "historysessionlink.h"

#include "alarms/alarmtracker.h"
#include "device/devicesession.h"
#include "historyrecorder.h"

#include <QDateTime>

namespace blupow {

void linkSessionToHistory(DeviceSession *session, HistoryRecorder *recorder) {
    // Per slave: each slave behind a shared dongle is its own device in the history too.
    QObject::connect(session, &DeviceSession::slaveValuesUpdated, recorder,
                     [recorder](const DeviceIdentity &slave, const DecodedValues &values) {
                         recorder->record(slave.deviceId(), slave.title(), values);
                     });
    QObject::connect(session, &DeviceSession::slaveAvailabilityChanged, recorder,
                     [recorder](const DeviceIdentity &slave, bool online) {
                         recorder->recordEvent(
                             {QDateTime::currentMSecsSinceEpoch(), slave.deviceId(),
                              QStringLiteral("link"),
                              online ? QStringLiteral("online") : QStringLiteral("offline")});
                     });
}

namespace {

HistoryEvent alarmEvent(const Alarm &alarm, bool raised) {
    const QDateTime when = raised ? alarm.since : alarm.cleared;
    return {when.isValid() ? when.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch(),
            alarm.deviceId, QStringLiteral("alarm"),
            QStringLiteral("%1: %2 (%3)")
                .arg(raised ? QStringLiteral("raised") : QStringLiteral("cleared"), alarm.title(),
                     alarm.field)};
}

} // namespace

void linkAlarmsToHistory(AlarmTracker *alarms, HistoryRecorder *recorder) {
    QObject::connect(alarms, &AlarmTracker::raised, recorder, [recorder](const Alarm &alarm) {
        recorder->recordEvent(alarmEvent(alarm, true));
    });
    QObject::connect(alarms, &AlarmTracker::cleared, recorder, [recorder](const Alarm &alarm) {
        recorder->recordEvent(alarmEvent(alarm, false));
    });
}

} // namespace blupow
