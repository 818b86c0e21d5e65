#pragma once

namespace blupow {

class AlarmTracker;
class DeviceSession;
class HistoryRecorder;

// Records a session's values into the history under its stable device id (the MQTT id, kept
// across restarts), and its link going up or down as events. Values before identification
// have no device to belong to and are not recorded.
void linkSessionToHistory(DeviceSession *session, HistoryRecorder *recorder);

// Records every alarm condition raised or cleared as an event ("alarm": "raised: Cell over-voltage
// protection (status_1)") under the device's id, with the time it started or ended, so a fault
// at 3 a.m. is still there in the morning (docs/history.md, Events).
void linkAlarmsToHistory(AlarmTracker *alarms, HistoryRecorder *recorder);

} // namespace blupow
