#include "bridgesessionlink.h"

#include "device/devicesession.h"
#include "mqtt/mqttbridge.h"

#include <QHash>

#include <memory>

namespace blupow {

int linkSessionToBridge(DeviceSession *session, MqttBridge *bridge) {
    const int first = bridge->addDevice();
    // Slave id -> handle; the first slave found takes `first`, the others get their own.
    auto handles = std::make_shared<QHash<quint8, int>>();
    const auto identified = [session, bridge, first, handles](const QList<DeviceIdentity> &slaves) {
        for (const DeviceIdentity &identity : slaves) {
            // A session identifies once: a slave with a handle is announced already.
            if (handles->contains(identity.slave))
                continue;
            handles->insert(identity.slave, handles->isEmpty() ? first : bridge->addDevice());
            const RegisterMap *map = session->map(identity.slave);
            bridge->deviceIdentified(handles->value(identity.slave), identity.deviceId(), identity,
                                     map ? map->fields() : QList<FieldDef>{});
        }
    };
    QObject::connect(session, &DeviceSession::slavesIdentified, bridge, identified);
    QObject::connect(session, &DeviceSession::slaveValuesUpdated, bridge,
                     [bridge, handles](const DeviceIdentity &slave, const DecodedValues &values) {
                         if (const auto it = handles->constFind(slave.slave); it != handles->cend())
                             bridge->deviceValues(*it, values);
                     });
    // One device: available with the link, as always. Several: each with its own answers.
    QObject::connect(session, &DeviceSession::availabilityChanged, bridge,
                     [bridge, handles, first](bool online) {
                         if (handles->size() <= 1)
                             bridge->deviceAvailability(first, online);
                     });
    QObject::connect(session, &DeviceSession::slaveAvailabilityChanged, bridge,
                     [bridge, handles](const DeviceIdentity &slave, bool online) {
                         const auto it = handles->constFind(slave.slave);
                         if (handles->size() > 1 && it != handles->cend())
                             bridge->deviceAvailability(*it, online);
                     });
    QObject::connect(session, &DeviceSession::statisticsChanged, bridge,
                     [bridge, handles](const LinkStatistics &statistics) {
                         for (const int handle : std::as_const(*handles))
                             bridge->deviceStatistics(handle, statistics);
                     });
    if (const QList<DeviceIdentity> slaves = session->slaves(); !slaves.isEmpty()) {
        identified(slaves);
        if (session->state() == DeviceSession::State::Polling) {
            for (const DeviceIdentity &slave : slaves)
                bridge->deviceAvailability(handles->value(slave.slave),
                                           slaves.size() == 1 ||
                                               session->isSlaveOnline(slave.slave));
        }
    }
    return first;
}

} // namespace blupow
