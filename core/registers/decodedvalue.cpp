#include "decodedvalue.h"

#include <QStringList>

namespace blupow {

QString DecodedValue::displayText() const {
    if (!value.isValid())
        return QStringLiteral("unknown");
    switch (value.typeId()) {
    case QMetaType::Double: {
        const QString number = QString::number(value.toDouble(), 'f', decimals);
        return unit.isEmpty() ? number : number + QLatin1Char(' ') + unit;
    }
    case QMetaType::QStringList: {
        const QStringList flags = value.toStringList();
        return flags.isEmpty() ? QStringLiteral("-") : flags.join(QStringLiteral(", "));
    }
    default:
        return value.toString();
    }
}

QString DecodedValue::rawHex() const {
    QStringList words;
    words.reserve(raw.size());
    for (const quint16 w : raw)
        words.append(QStringLiteral("0x%1").arg(w, 4, 16, QLatin1Char('0')));
    return words.join(QLatin1Char(' '));
}

QString qualityName(Quality quality) {
    switch (quality) {
    case Quality::Good:
        return QStringLiteral("good");
    case Quality::Stale:
        return QStringLiteral("stale");
    case Quality::Invalid:
        return QStringLiteral("invalid");
    }
    return QStringLiteral("unknown");
}

} // namespace blupow
