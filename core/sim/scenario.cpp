#include "scenario.h"

#include <cmath>

namespace blupow {

void Scenario::setConstant(const QString &key, const QVariant &value) {
    m_values.insert(key, [value](const SimTime &) { return value; });
}

QVariant Scenario::value(const QString &key, const SimTime &time) const {
    const auto it = m_values.constFind(key);
    return it == m_values.constEnd() ? QVariant() : (*it)(time);
}

QVariant Scenario::logValue(const QString &log, const QString &column, int row) const {
    return logs.value(log).value(column).value(row);
}

bool Scenario::isSilent(int start, int count) const {
    const int last = start + count - 1;
    for (const auto &[from, to] : silentSpans) {
        if (start <= to && last >= from)
            return true;
    }
    return silentStarts.contains(start);
}

bool Scenario::AlarmWindow::activeAt(double elapsedS) const {
    const double t = everyS > 0 ? std::fmod(elapsedS, everyS) : elapsedS;
    return t >= fromS && t < untilS;
}

} // namespace blupow
