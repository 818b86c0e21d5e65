#pragma once

namespace blupow {

class DeviceSession;
class MqttBridge;

// Feeds one DeviceSession into the bridge (identified -> discovery, valuesUpdated -> state,
// availabilityChanged -> availability, statisticsChanged -> link entities). Returns the bridge's
// handle for the device. The session is not owned; the connections end with either object.
int linkSessionToBridge(DeviceSession *session, MqttBridge *bridge);

} // namespace blupow
