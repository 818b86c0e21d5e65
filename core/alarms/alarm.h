#pragma once

#include "registers/registermap.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

namespace blupow {

// One named condition of one device, with since-when (docs/alarms.md). Cleared alarms keep their
// times so the list can say how long a condition lasted.
struct Alarm {
    QString deviceId;   // DeviceIdentity::deviceId(): the id history and MQTT use too
    QString deviceName; // as the user knows it
    QString field;      // the alarm word's key (status_1, faults)
    QString fieldLabel;
    int reg = -1; // the word's first register
    AlarmCondition condition;
    QDateTime since;
    QDateTime cleared; // invalid while active

    [[nodiscard]] bool isActive() const { return !cleared.isValid(); }
    // device/field/condition: unique across devices.
    [[nodiscard]] QString id() const {
        return deviceId + QLatin1Char('/') + field + QLatin1Char('/') + condition.key;
    }
    // The condition's label, with whose reading it is where sources disagree.
    [[nodiscard]] QString title() const {
        return condition.reading.isEmpty()
                   ? condition.label
                   : condition.label + QStringLiteral(" (") + condition.reading + QLatin1Char(')');
    }
};

using Alarms = QList<Alarm>;

} // namespace blupow

Q_DECLARE_METATYPE(blupow::Alarm)
