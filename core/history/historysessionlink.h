#pragma once

namespace blupow {

class DeviceSession;
class HistoryRecorder;

// Records a session's values into the history under its stable device id (the MQTT id, kept
// across restarts), and its link going up or down as events. Values before identification
// have no device to belong to and are not recorded.
void linkSessionToHistory(DeviceSession *session, HistoryRecorder *recorder);

} // namespace blupow
