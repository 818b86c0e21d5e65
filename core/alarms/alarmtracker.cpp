#include "alarmtracker.h"

#include "alarms/alarmevaluation.h"
#include "device/devicesession.h"
#include "logging.h"

#include <QSet>

#include <algorithm>
#include <memory>

namespace blupow {

AlarmTracker::AlarmTracker(QObject *parent)
    : QObject(parent) {}

void AlarmTracker::update(const QString &deviceId, const QString &deviceName,
                          const QList<FieldDef> &fields, const DecodedValues &values,
                          const QDateTime &now) {
    bool any = false;
    const QList<AlarmEvaluation::WordState> words = AlarmEvaluation::evaluate(fields, values);
    for (const AlarmEvaluation::WordState &w : words) {
        if (!w.known)
            continue;
        for (int i = 0; i < w.field->alarms.size(); ++i) {
            Alarm a;
            a.deviceId = deviceId;
            a.deviceName = deviceName;
            a.field = w.field->key;
            a.fieldLabel = w.field->label;
            a.reg = w.field->reg;
            a.condition = w.field->alarms.at(i);
            const QString id = a.id();
            const bool on = w.active.contains(i);
            const auto it = m_active.find(id);
            if (on && it == m_active.end()) {
                a.since = now;
                m_active.insert(id, a);
                qCInfo(lcSession).noquote() << "alarm raised:" << id;
                Q_EMIT raised(a);
                any = true;
            } else if (!on && it != m_active.end()) {
                Alarm done = *it;
                m_active.erase(it);
                done.cleared = now;
                m_cleared.append(done);
                if (m_cleared.size() > kHistoryLimit)
                    m_cleared.removeFirst();
                qCInfo(lcSession).noquote() << "alarm cleared:" << id;
                Q_EMIT cleared(done);
                any = true;
            }
        }
    }
    if (any)
        Q_EMIT changed();
}

void AlarmTracker::forgetDevice(const QString &deviceId) {
    const auto before = m_active.size();
    m_active.removeIf([&](const auto &it) { return it.value().deviceId == deviceId; });
    if (m_active.size() != before)
        Q_EMIT changed();
}

void AlarmTracker::watch(DeviceSession *session) {
    auto seen = std::make_shared<QSet<QString>>();
    connect(session, &DeviceSession::slaveValuesUpdated, this,
            [this, session, seen](const DeviceIdentity &slave, const DecodedValues &values) {
                const RegisterMap *map = session->map(slave.slave);
                if (!map)
                    return;
                seen->insert(slave.deviceId());
                update(slave.deviceId(), slave.title(), map->fields(), values,
                       QDateTime::currentDateTimeUtc());
            });
    connect(session, &QObject::destroyed, this, [this, seen] {
        for (const QString &id : std::as_const(*seen))
            forgetDevice(id);
    });
}

Alarms AlarmTracker::active() const {
    Alarms out(m_active.cbegin(), m_active.cend());
    std::sort(out.begin(), out.end(), [](const Alarm &a, const Alarm &b) {
        return a.since != b.since ? a.since > b.since : a.id() < b.id();
    });
    return out;
}

Alarms AlarmTracker::recent() const {
    Alarms out = active();
    out.reserve(out.size() + m_cleared.size());
    std::copy(m_cleared.crbegin(), m_cleared.crend(), std::back_inserter(out));
    return out;
}

} // namespace blupow
