#include "numberparse.h"

#include <QLocale>

#include <cmath>

namespace blupow {

std::optional<double> parseNumber(const QString &text, NumberRange range) {
    if (text.isEmpty() || text != text.trimmed())
        return std::nullopt;
    bool ok = false;
    // The C locale: a config file means the same on every machine ("0,5" is not a half).
    const double value = QLocale::c().toDouble(text, &ok);
    if (!ok || !std::isfinite(value) || value < range.min || value > range.max)
        return std::nullopt;
    return value;
}

std::optional<qint64> parseInteger(const QString &text, qint64 min, qint64 max, int base) {
    if (text.isEmpty() || text != text.trimmed())
        return std::nullopt;
    bool ok = false;
    const qint64 value = text.toLongLong(&ok, base);
    if (!ok || value < min || value > max)
        return std::nullopt;
    return value;
}

QString numberError(const QString &name, const QString &text, NumberRange range,
                    const QString &unit) {
    return QStringLiteral("%1 wants %2from %3 to %4, not '%5'")
        .arg(name, unit.isEmpty() ? QStringLiteral("a number ") : unit + QLatin1Char(' '),
             QString::number(range.min, 'g', 15), QString::number(range.max, 'g', 15), text);
}

} // namespace blupow
