#include "valueformat.h"

#include "modbus/linkstatisticsjson.h"
#include "registers/family.h"

#include <QJsonValue>

namespace blupow::cli {

QJsonObject valueToJson(const DecodedValue &v) {
    QJsonArray raw;
    for (const quint16 w : v.raw)
        raw.append(static_cast<int>(w));
    QJsonValue value;
    if (!v.value.isValid())
        value = QJsonValue::Null;
    else if (v.value.typeId() == QMetaType::Double)
        value = v.value.toDouble();
    else if (v.value.typeId() == QMetaType::QStringList)
        value = QJsonArray::fromStringList(v.value.toStringList());
    else
        value = v.value.toString();
    QJsonObject o{
        {QStringLiteral("key"), v.key},
        {QStringLiteral("label"), v.label},
        {QStringLiteral("register"), v.reg},
        {QStringLiteral("raw"), raw},
        {QStringLiteral("value"), value},
        {QStringLiteral("unit"), v.unit},
        {QStringLiteral("quality"), qualityName(v.quality)},
    };
    if (v.timestampMs > 0)
        o.insert(QStringLiteral("timestamp_ms"), static_cast<double>(v.timestampMs));
    if (!v.note.isEmpty())
        o.insert(QStringLiteral("note"), v.note);
    return o;
}

QJsonArray valuesToJson(const DecodedValues &values) {
    QJsonArray a;
    for (const DecodedValue &v : values)
        a.append(valueToJson(v));
    return a;
}

QJsonObject identityToJson(const DeviceIdentity &id) {
    return QJsonObject{
        {QStringLiteral("id"), id.deviceId()},
        {QStringLiteral("name"), id.name},
        {QStringLiteral("address"), id.address},
        {QStringLiteral("family"), familyName(id.family)},
        {QStringLiteral("variant"), id.variant},
        {QStringLiteral("model"), id.model},
        {QStringLiteral("slave_id"), static_cast<int>(id.slave)},
        {QStringLiteral("identified_by"), id.how},
    };
}

QJsonObject readingToJson(const DeviceIdentity &identity, const DecodedValues &values,
                          const LinkStatistics &statistics) {
    const QJsonObject device = identityToJson(identity);
    return QJsonObject{
        {QStringLiteral("device"), device},
        {QStringLiteral("family"), device.value(QStringLiteral("family"))},
        {QStringLiteral("model"), identity.model},
        {QStringLiteral("slave_id"), static_cast<int>(identity.slave)},
        {QStringLiteral("values"), valuesToJson(values)},
        {QStringLiteral("link"), linkStatisticsToJson(statistics)},
    };
}

QString valueToText(const DecodedValue &v) {
    QString text = v.displayText();
    switch (v.quality) {
    case Quality::Good:
        return text;
    case Quality::Stale:
        return QStringLiteral("%1 (stale)").arg(text);
    case Quality::Invalid:
        return QStringLiteral("%1 (invalid%2)")
            .arg(text, v.note.isEmpty() ? QString() : QStringLiteral(": ") + v.note);
    }
    return text;
}

} // namespace blupow::cli
