#pragma once

namespace blupow {

class DeviceSession;
class MqttBridge;

// Feeds one DeviceSession into the bridge (identified -> discovery, values -> state,
// availability, statistics -> link entities). Several slaves behind the session's one link
// (docs/session.md) are each their own device in the bridge, with their own handle, state and
// availability. Returns the bridge's handle for the first (most often the only) device. A session
// that has already identified is announced now. The session is not owned; the connections end
// with either object.
int linkSessionToBridge(DeviceSession *session, MqttBridge *bridge);

} // namespace blupow
