#include "historysessionlink.h"

#include "device/devicesession.h"
#include "historyrecorder.h"

#include <QDateTime>

namespace blupow {

void linkSessionToHistory(DeviceSession *session, HistoryRecorder *recorder) {
    QObject::connect(session, &DeviceSession::valuesUpdated, recorder,
                     [session, recorder](const DecodedValues &values) {
                         if (const auto identity = session->identity())
                             recorder->record(identity->deviceId(), identity->title(), values);
                     });
    QObject::connect(session, &DeviceSession::availabilityChanged, recorder,
                     [session, recorder](bool online) {
                         if (const auto identity = session->identity())
                             recorder->recordEvent(
                                 {QDateTime::currentMSecsSinceEpoch(), identity->deviceId(),
                                  QStringLiteral("link"),
                                  online ? QStringLiteral("online") : QStringLiteral("offline")});
                     });
}

} // namespace blupow
