#include "mqttbridge.h"

#include "logging.h"

#include <QDateTime>
#include <QRandomGenerator>

#include <algorithm>
#include <utility>

namespace blupow {

namespace {

const QByteArray kOnline = QByteArrayLiteral("online");
const QByteArray kOffline = QByteArrayLiteral("offline");

DecodedValue linkValue(const QString &key, double value) {
    DecodedValue v;
    v.key = key;
    v.value = value;
    v.quality = Quality::Good;
    v.timestampMs = QDateTime::currentMSecsSinceEpoch();
    return v;
}

} // namespace

MqttBridge::MqttBridge(MqttClient::Options clientOptions, Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options)) {
    // The broker publishes this when the bridge dies without saying goodbye (kill -9, power
    // loss, network gone past the keepalive): every entity goes unavailable (§6).
    clientOptions.will =
        MqttClient::Will{HaDiscovery::bridgeStatusTopic(m_options.ha), kOffline, 1, true};
    m_client = std::make_unique<MqttClient>(std::move(clientOptions));
    connect(m_client.get(), &MqttClient::connected, this, &MqttBridge::onConnected);
    connect(m_client.get(), &MqttClient::messageReceived, this, &MqttBridge::onMessage);
    connect(m_client.get(), &MqttClient::published, this, [this] {
        if (m_stopping && m_client->pendingAcks() == 0)
            finishStop();
    });
    connect(m_client.get(), &MqttClient::stateChanged, this, [this](MqttClient::State state) {
        if (m_stopping && state == MqttClient::State::Disconnected) {
            m_stopping = false;
            m_stopTimer.stop();
            Q_EMIT stopped();
        }
    });

    m_birthTimer.setObjectName(QStringLiteral("mqttBirthTimer"));
    m_birthTimer.setSingleShot(true);
    connect(&m_birthTimer, &QTimer::timeout, this, &MqttBridge::announce);

    m_layoutTimer.setObjectName(QStringLiteral("mqttLayoutCheckTimer"));
    m_layoutTimer.setSingleShot(true);
    connect(&m_layoutTimer, &QTimer::timeout, this, [this] {
        qCWarning(lcMqtt) << "the broker did not return the sync marker within"
                          << m_options.layoutCheckTimeoutMs
                          << "ms; announcing without looking further for the other layout";
        for (LayoutCheck &c : std::exchange(m_layoutChecks, {}))
            finishLayoutCheck(std::move(c));
    });

    m_energyStore = EnergyStore(m_options.energyFile);
    if (QString why; !m_energyStore.load(&why))
        qCWarning(lcMqtt).noquote()
            << why << "- energy counters and their high-water marks start afresh";
    m_energySaveTimer.setObjectName(QStringLiteral("mqttEnergySaveTimer"));
    connect(&m_energySaveTimer, &QTimer::timeout, this, &MqttBridge::saveEnergy);
    if (!m_options.energyFile.isEmpty())
        m_energySaveTimer.start(m_options.energySaveIntervalMs);

    m_stopTimer.setObjectName(QStringLiteral("mqttStopTimer"));
    m_stopTimer.setSingleShot(true);
    connect(&m_stopTimer, &QTimer::timeout, this, [this] {
        qCWarning(lcMqtt)
            << "the broker did not acknowledge 'offline' in time; disconnecting anyway";
        finishStop();
    });
}

MqttBridge::~MqttBridge() {
    saveEnergy();
}

int MqttBridge::addDevice() {
    const int handle = m_nextHandle++;
    m_devices.try_emplace(handle);
    return handle;
}

MqttBridge::Device *MqttBridge::device(int handle) {
    const auto it = m_devices.find(handle);
    return it == m_devices.end() ? nullptr : &it->second;
}

int MqttBridge::maxStateAgeMs() const {
    return m_options.maxStateAgeMs >= 0 ? m_options.maxStateAgeMs : m_options.ha.pollIntervalMs;
}

void MqttBridge::start() {
    m_stopping = false;
    m_client->connectToBroker();
}

void MqttBridge::stop() {
    m_birthTimer.stop();
    if (!m_client->isConnected()) {
        m_stopping = true;
        m_client->disconnectFromBroker();
        if (m_stopping) { // already Disconnected: no state change will come
            m_stopping = false;
            QMetaObject::invokeMethod(this, &MqttBridge::stopped, Qt::QueuedConnection);
        }
        return;
    }
    m_stopping = true;
    QSet<QString> dongles;
    for (auto &[handle, d] : m_devices) {
        if (!d.identity)
            continue;
        m_client->publish(HaDiscovery::availabilityTopic(m_options.ha, d.deviceId), kOffline, 1,
                          true);
        if (d.identity->sharedLink)
            dongles.insert(d.identity->linkId());
    }
    for (const QString &dongle : std::as_const(dongles))
        m_client->publish(HaDiscovery::availabilityTopic(m_options.ha, dongle), kOffline, 1, true);
    m_client->publish(HaDiscovery::bridgeStatusTopic(m_options.ha), kOffline, 1, true);
    qCInfo(lcMqtt) << "published offline; disconnecting";
    if (m_client->pendingAcks() == 0)
        finishStop();
    else
        m_stopTimer.start(m_options.stopTimeoutMs);
}

void MqttBridge::setPollInterval(int ms) {
    if (ms <= 0 || ms == m_options.ha.pollIntervalMs)
        return;
    m_options.ha.pollIntervalMs = ms;
    if (m_client->isConnected() && !m_stopping)
        announce();
}

void MqttBridge::saveEnergy() {
    if (!m_energyStore.isDirty())
        return;
    QString why;
    if (m_energyStore.save(&why)) {
        m_energyError.clear();
        return;
    }
    m_energyError = why;
    qCWarning(lcMqtt).noquote() << why;
}

void MqttBridge::finishStop() {
    saveEnergy();
    m_stopTimer.stop();
    if (m_client->state() != MqttClient::State::Disconnected)
        m_client->disconnectFromBroker();
}

void MqttBridge::onConnected() {
    m_client->subscribe(HaDiscovery::birthTopic(m_options.ha), 0);
    m_client->subscribe(HaDiscovery::bridgeSyncTopic(m_options.ha), 0);
    m_layoutChecks.clear();
    m_layoutTimer.stop();
    m_layoutChecked.clear();
    m_dongles.clear();
    QStringList old = HaDiscovery::otherLayoutBridgeTopics(m_options.ha);
    for (const auto &[handle, d] : m_devices) {
        if (!d.identity)
            continue;
        old += otherLayoutTopics(d);
        m_layoutChecked.insert(d.deviceId);
    }
    checkLayout(std::move(old), [this] { announce(); });
}

QStringList MqttBridge::otherLayoutTopics(const Device &d) const {
    return HaDiscovery::otherLayoutTopics(m_options.ha, d.deviceId, *d.identity, d.entities);
}

void MqttBridge::checkLayout(QStringList oldTopics, std::function<void()> then) {
    LayoutCheck check;
    // Unique per run, so a second bridge with the same host id cannot end this one's check.
    check.marker = QByteArray::number(QRandomGenerator::global()->generate64(), 16) + '-' +
                   QByteArray::number(++m_nextMarker);
    for (const QString &topic : std::as_const(oldTopics))
        m_client->subscribe(topic, 0);
    check.oldTopics = std::move(oldTopics);
    check.then = std::move(then);
    const QByteArray marker = check.marker;
    m_layoutChecks.append(std::move(check));
    // The broker handles one client's packets in order and queues the retained messages of a
    // subscription when it handles the SUBSCRIBE, so the marker comes back after all of them.
    m_client->publish(HaDiscovery::bridgeSyncTopic(m_options.ha), marker, 0, false);
    if (!m_layoutTimer.isActive())
        m_layoutTimer.start(m_options.layoutCheckTimeoutMs);
}

void MqttBridge::finishLayoutCheck(LayoutCheck check) {
    if (!m_client->isConnected() || m_stopping)
        return;
    if (!check.found.isEmpty()) {
        qCInfo(lcMqtt).noquote() << "moving" << check.found.size()
                                 << "discovery config(s) left by the other layout to this one";
        publishMessages(HaDiscovery::migrationMessages(check.found));
    }
    check.then();
    if (!check.found.isEmpty()) {
        publishMessages(HaDiscovery::clearMessages(check.found));
        Q_EMIT migrated(check.found);
    }
    for (const QString &topic : std::as_const(check.oldTopics))
        m_client->unsubscribe(topic);
}

void MqttBridge::onMessage(const QString &topic, const QByteArray &payload, bool retained) {
    if (topic == HaDiscovery::bridgeSyncTopic(m_options.ha)) {
        for (qsizetype i = 0; i < m_layoutChecks.size(); ++i) {
            if (m_layoutChecks.at(i).marker != payload)
                continue;
            QList<LayoutCheck> done = m_layoutChecks.first(i + 1);
            m_layoutChecks.remove(0, i + 1);
            if (m_layoutChecks.isEmpty())
                m_layoutTimer.stop();
            else
                m_layoutTimer.start(m_options.layoutCheckTimeoutMs);
            for (LayoutCheck &c : done)
                finishLayoutCheck(std::move(c));
            return;
        }
        return;
    }
    if (retained && !payload.isEmpty()) {
        for (LayoutCheck &c : m_layoutChecks) {
            if (c.oldTopics.contains(topic) && !c.found.contains(topic))
                c.found.append(topic);
        }
    }
    if (topic != HaDiscovery::birthTopic(m_options.ha) || payload != kOnline || m_stopping)
        return;
    // mqtt.markdown: re-send discovery on HA's birth "with a small random delay", so a broker
    // with many publishers is not flooded at the same instant.
    const int delay = QRandomGenerator::global()->bounded(
        m_options.birthDelayMinMs,
        std::max(m_options.birthDelayMinMs + 1, m_options.birthDelayMaxMs));
    qCInfo(lcMqtt) << "Home Assistant came online; announcing again in" << delay << "ms";
    m_birthTimer.start(delay);
}

void MqttBridge::publishMessages(const QList<HaMessage> &messages) {
    for (const HaMessage &m : messages)
        m_client->publish(m.topic, m.payload, 1, m.retain);
}

void MqttBridge::publishAvailability(const Device &d) {
    m_client->publish(HaDiscovery::availabilityTopic(m_options.ha, d.deviceId),
                      d.online ? kOnline : kOffline, 1, true);
}

void MqttBridge::announceDevice(Device &d) {
    if (d.identity->sharedLink)
        publishDongle(*d.identity);
    if (!d.pendingRemoval.isEmpty()) {
        publishMessages(HaDiscovery::removeEntities(m_options.ha, d.deviceId, *d.identity,
                                                    d.entities, d.pendingRemoval));
        d.pendingRemoval.clear();
    }
    publishMessages(
        HaDiscovery::deviceDiscovery(m_options.ha, d.deviceId, *d.identity, d.entities));
    publishAvailability(d);
}

void MqttBridge::publishDongle(const DeviceIdentity &identity) {
    // The dongle several slaves share is announced once per connection (and after a birth), with
    // the first of them to be announced; its link is online while one of them answers.
    const QString dongle = identity.linkId();
    if (!m_dongles.contains(dongle)) {
        m_dongles.insert(dongle);
        publishMessages(HaDiscovery::dongleDiscovery(m_options.ha, identity));
    }
    const bool online = std::any_of(m_devices.cbegin(), m_devices.cend(), [&](const auto &entry) {
        const Device &d = entry.second;
        return d.online && d.identity && d.identity->sharedLink && d.identity->linkId() == dongle;
    });
    m_client->publish(HaDiscovery::availabilityTopic(m_options.ha, dongle),
                      online ? kOnline : kOffline, 1, true);
}

void MqttBridge::announce() {
    if (!m_client->isConnected() || m_stopping)
        return;
    m_client->publish(HaDiscovery::bridgeStatusTopic(m_options.ha), kOnline, 1, true);
    publishMessages(HaDiscovery::bridgeDiscovery(m_options.ha));
    m_dongles.clear(); // a birth: Home Assistant may have forgotten every config
    for (auto &[handle, d] : m_devices) {
        // A device identified since the connect is announced by its own layout check.
        if (d.identity && m_layoutChecked.contains(d.deviceId))
            announceDevice(d);
    }
    // States last, and only fresh ones: HA would show an old reading as the current one.
    for (auto &[handle, d] : m_devices) {
        if (!d.identity || !d.latestStateAge.isValid())
            continue;
        if (d.online && d.latestStateAge.elapsed() <= maxStateAgeMs()) {
            m_client->publish(HaDiscovery::stateTopic(m_options.ha, d.deviceId), d.latestState, 0,
                              false);
            Q_EMIT statePublished(d.deviceId);
        } else {
            qCDebug(lcMqtt) << "dropping a state of" << d.deviceId << "that is"
                            << d.latestStateAge.elapsed() << "ms old";
        }
        d.latestStateAge.invalidate();
        d.latestState.clear();
    }
    Q_EMIT announced();
}

void MqttBridge::deviceIdentified(int handle, const QString &deviceId,
                                  const DeviceIdentity &identity, const QList<FieldDef> &fields) {
    Device *d = device(handle);
    if (!d)
        return;
    const QList<HaEntity> entities = HaDiscovery::entitiesFor(fields);
    const bool connected = m_client->isConnected() && !m_stopping;
    if (d->identity && d->deviceId != HaDiscovery::sanitizeId(deviceId)) {
        // Another physical device behind the same feed: the old one is gone from this bridge.
        if (connected)
            publishMessages(HaDiscovery::removeDevice(m_options.ha, d->deviceId, d->entities));
        d->pendingRemoval.clear();
    } else if (d->identity) {
        QSet<QString> keep;
        for (const HaEntity &e : entities)
            keep.insert(e.key);
        for (const HaEntity &e : std::as_const(d->entities)) {
            if (!keep.contains(e.key))
                d->pendingRemoval.append(e);
        }
    }
    const QString newId = HaDiscovery::sanitizeId(deviceId);
    if (!d->identity || d->deviceId != newId) {
        d->guard = EnergyCounterGuard(m_options.energy);
        d->guard.restore(m_energyStore.counterMarks(newId));
    }
    const bool integrates = std::any_of(entities.cbegin(), entities.cend(), [](const HaEntity &e) {
        return e.key == QLatin1String(EnergyIntegrator::kChargedKey);
    });
    if (!integrates) {
        d->energy.reset();
    } else if (!d->energy || d->deviceId != newId) {
        d->energy.emplace();
        d->energy->setTotals(m_energyStore.totals(newId));
    } else {
        d->energy->breakLine(); // a new connection: the time in between is not counted
    }
    d->identity = identity;
    d->deviceId = newId;
    d->entities = entities;
    d->alarmFields.clear();
    for (const FieldDef &f : fields) {
        if (!f.alarms.isEmpty())
            d->alarmFields.append(f);
    }
    d->onceKeys.clear();
    d->onceValues.clear();
    for (const FieldDef &f : fields) {
        if (f.poll == PollClass::Once)
            d->onceKeys.insert(f.key);
    }
    d->latestStateAge.invalidate();
    qCInfo(lcMqtt).noquote() << "device" << d->deviceId << "has" << entities.size() << "entities";
    if (!connected)
        return;
    if (m_layoutChecked.contains(d->deviceId)) {
        announceDevice(*d);
        return;
    }
    m_layoutChecked.insert(d->deviceId);
    checkLayout(otherLayoutTopics(*d), [this, handle] {
        if (Device *x = device(handle); x && x->identity)
            announceDevice(*x);
    });
}

void MqttBridge::deviceValues(int handle, const DecodedValues &values) {
    Device *d = device(handle);
    if (!d || !d->identity)
        return;
    DecodedValues cycle = values;
    // Identity and ratings are read once per connection; the session reports them Stale in later
    // cycles. Within the same connection they are still the device's current values.
    for (DecodedValue &v : cycle) {
        if (!d->onceKeys.contains(v.key))
            continue;
        if (v.quality == Quality::Good)
            d->onceValues.insert(v.key, v);
        else if (const auto it = d->onceValues.constFind(v.key); it != d->onceValues.cend())
            v = *it;
    }
    if (d->statistics) {
        if (d->statistics->rssi != 0)
            cycle.append(linkValue(QStringLiteral("link_rssi"), d->statistics->rssi));
        if (d->statistics->requests > 0)
            cycle.append(
                linkValue(QStringLiteral("link_success_rate"), d->statistics->successRate * 100.0));
    }
    if (d->energy) {
        d->energy->feed(cycle);
        m_energyStore.setTotals(d->deviceId, d->energy->totals());
    }
    cycle = d->guard.filter(d->entities, std::move(cycle), QDateTime::currentDateTime());
    m_energyStore.setCounterMarks(d->deviceId, d->guard.marks());
    QJsonObject state = HaDiscovery::statePayload(d->entities, cycle);
    const QJsonObject alarms = HaDiscovery::alarmState(d->alarmFields, values);
    for (auto it = alarms.begin(); it != alarms.end(); ++it)
        state.insert(it.key(), it.value());
    d->latestState = HaDiscovery::toJson(state);
    d->latestStateAge.start();
    if (!m_client->isConnected() || m_stopping)
        return; // kept (one per device) for the reconnect, if still fresh then
    m_client->publish(HaDiscovery::stateTopic(m_options.ha, d->deviceId), d->latestState, 0, false);
    d->latestStateAge.invalidate();
    d->latestState.clear();
    Q_EMIT statePublished(d->deviceId);
}

void MqttBridge::deviceAvailability(int handle, bool online) {
    Device *d = device(handle);
    if (!d)
        return;
    d->online = online;
    if (!online) {
        // Nothing read before the link loss may be published after it.
        d->onceValues.clear();
        if (d->energy)
            d->energy->breakLine();
        d->latestStateAge.invalidate();
        d->latestState.clear();
    }
    if (d->identity && m_client->isConnected() && !m_stopping) {
        publishAvailability(*d);
        if (d->identity->sharedLink)
            publishDongle(*d->identity);
    }
}

void MqttBridge::deviceStatistics(int handle, const LinkStatistics &statistics) {
    if (Device *d = device(handle))
        d->statistics = statistics;
}

} // namespace blupow
