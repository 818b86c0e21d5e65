#include "historysessionlink.h"

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

} // namespace blupow
