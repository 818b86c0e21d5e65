#include "deviceidentity.h"

#include <QStringList>

namespace blupow {

namespace {

// Lowercase [a-z0-9_-]; separators become '_' (":" of a MAC is dropped), the rest is dropped.
QString sanitize(const QString &text, bool dropColons) {
    QString id;
    for (const QString lower = text.toLower(); const QChar c : lower) {
        if ((c >= QLatin1Char('a') && c <= QLatin1Char('z')) ||
            (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('-') ||
            c == QLatin1Char('_'))
            id.append(c);
        else if (c == QLatin1Char(':') && dropColons)
            continue;
        else if (!id.endsWith(QLatin1Char('_')))
            id.append(QLatin1Char('_'));
    }
    while (id.endsWith(QLatin1Char('_')))
        id.chop(1);
    return id;
}

} // namespace

QString DeviceIdentity::linkId() const {
    QString id = sanitize(address, !address.startsWith(QLatin1String("sim:")));
    if (id.isEmpty())
        id = sanitize(name, false);
    return id;
}

QString DeviceIdentity::deviceId() const {
    // docs/ha-mqtt.md 1: prefer an id read from the device (the serial); else the BLE address
    // without colons (stable on Linux and Windows), "sim_inverter" for a simulated one; else the
    // name.
    QString id = sanitize(serial, false);
    if (!id.isEmpty())
        return id;
    if (sharedLink)
        return linkId() + QStringLiteral("_%1").arg(slave, 2, 16, QLatin1Char('0'));
    id = sanitize(address, !address.startsWith(QLatin1String("sim:")));
    if (id.isEmpty())
        id = sanitize(name.isEmpty() ? model : name, false);
    return id;
}

QString DeviceIdentity::title() const {
    if (model.isEmpty())
        return name.isEmpty() ? address : name;
    QStringList which;
    if (!name.isEmpty())
        which << name;
    // Batteries of one bank share the dongle's name and often the model: the slave id tells
    // them apart.
    if (sharedLink)
        which << QStringLiteral("slave 0x%1").arg(slave, 2, 16, QLatin1Char('0'));
    return which.isEmpty() ? model
                           : QStringLiteral("%1 (%2)").arg(model, which.join(QStringLiteral(", ")));
}

} // namespace blupow
