#include "devicelistlinks.h"

#include "device/connectionmanager.h"
#include "models/devicelistmodel.h"
#include "system/systemsummary.h"

#include <QPointer>

namespace blupow {

namespace {

QString linkStatusText(DeviceSession::State state, int devices) {
    switch (state) {
    case DeviceSession::State::Connecting:
        return QStringLiteral("connecting…");
    case DeviceSession::State::Identifying:
        return QStringLiteral("identifying…");
    case DeviceSession::State::Polling:
        return devices > 1 ? QStringLiteral("polling %1 devices").arg(devices)
                           : QStringLiteral("polling");
    case DeviceSession::State::BackingOff:
        return QStringLiteral("link lost, reconnecting");
    case DeviceSession::State::Idle:
    case DeviceSession::State::Stopped:
        break;
    }
    return QStringLiteral("not connected");
}

} // namespace

void showLinksInDeviceList(ConnectionManager *connections, DeviceListModel *model) {
    QObject::connect(
        connections, &ConnectionManager::linkOpened, model,
        [model](DeviceSession *session, const DiscoveredDevice &device) {
            const QPointer<DeviceSession> s = session;
            const auto status = [model, s, device] {
                if (s && model->isLinked(device.address))
                    model->setLinkStatus(
                        device, linkStatusText(s->state(), static_cast<int>(s->slaves().size())));
            };
            model->setLinkStatus(device, linkStatusText(session->state(), 0));
            QObject::connect(session, &DeviceSession::stateChanged, model, status);
            QObject::connect(session, &DeviceSession::slavesIdentified, model, status);
            QObject::connect(session, &DeviceSession::backoffScheduled, model,
                             [model, s, device](int delayMs, int attempt) {
                                 if (s && model->isLinked(device.address))
                                     model->setLinkStatus(
                                         device, QStringLiteral("link lost, retry %1 in %2 s")
                                                     .arg(attempt)
                                                     .arg((delayMs + 999) / 1000));
                             });
            // A value not read this cycle is left out of the summary, never shown as current.
            QObject::connect(session, &DeviceSession::valuesUpdated, model,
                             [model, address = device.address](const DecodedValues &values) {
                                 model->setLinkSummary(address, deviceSummaryText(values));
                             });
            QObject::connect(session, &DeviceSession::availabilityChanged, model,
                             [model, address = device.address](bool online) {
                                 if (!online)
                                     model->setLinkSummary(address, {});
                             });
        });
    QObject::connect(
        connections, &ConnectionManager::linkClosed, model,
        [model](DeviceSession *, const QString &address) { model->clearLink(address); });
}

} // namespace blupow
