#include "timeparse.h"

#include "numberparse.h"

#include <QDateTime>

#include <cmath>

namespace blupow {

std::optional<qint64> parseTimePoint(const QString &text, qint64 nowMs) {
    if (text.isEmpty() || text != text.trimmed())
        return std::nullopt;
    if (text == QLatin1String("now"))
        return nowMs;
    if (text.startsWith(QLatin1Char('-')) && text.size() >= 3) {
        const QChar unit = text.back();
        const double unitMs = unit == QLatin1Char('s')   ? 1000.0
                              : unit == QLatin1Char('m') ? 60e3
                              : unit == QLatin1Char('h') ? 3600e3
                              : unit == QLatin1Char('d') ? 86400e3
                                                         : 0.0;
        // At most ten years back: a larger number is a typo, not a range.
        const auto amount = parseNumber(text.mid(1, text.size() - 2), {0, 3660});
        if (unitMs == 0 || !amount || *amount * unitMs > 3660 * 86400e3)
            return std::nullopt;
        return nowMs - static_cast<qint64>(std::llround(*amount * unitMs));
    }
    QString iso = text;
    if (iso.size() > 10 && iso.at(10) == QLatin1Char(' '))
        iso[10] = QLatin1Char('T');
    QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(iso, Qt::ISODate);
    if (!t.isValid() || t.date().year() < 1970 || t.date().year() > 9999)
        return std::nullopt;
    return t.toMSecsSinceEpoch();
}

} // namespace blupow
