#include "bridgesessionlink.h"

#include "device/devicesession.h"
#include "mqtt/mqttbridge.h"

namespace blupow {

int linkSessionToBridge(DeviceSession *session, MqttBridge *bridge) {
    const int handle = bridge->addDevice();
    QObject::connect(session, &DeviceSession::identified, bridge,
                     [session, bridge, handle](const DeviceIdentity &identity) {
                         const RegisterMap *map = session->map();
                         bridge->deviceIdentified(handle, identity.deviceId(), identity,
                                                  map ? map->fields() : QList<FieldDef>{});
                     });
    QObject::connect(
        session, &DeviceSession::valuesUpdated, bridge,
        [bridge, handle](const DecodedValues &values) { bridge->deviceValues(handle, values); });
    QObject::connect(session, &DeviceSession::availabilityChanged, bridge,
                     [bridge, handle](bool online) { bridge->deviceAvailability(handle, online); });
    QObject::connect(session, &DeviceSession::statisticsChanged, bridge,
                     [bridge, handle](const LinkStatistics &statistics) {
                         bridge->deviceStatistics(handle, statistics);
                     });
    return handle;
}

} // namespace blupow
