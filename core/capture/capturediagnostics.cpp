#include "capturediagnostics.h"

namespace blupow::capture {

void CaptureDiagnostics::add(Severity severity, const QString &kind, qsizetype record,
                             qsizetype offset, const QString &detail) {
    for (Entry &e : m_entries) {
        if (e.severity == severity && e.kind == kind) {
            ++e.count;
            return;
        }
    }
    m_entries.append(Entry{severity, kind, 1, record, offset, detail});
}

QStringList CaptureDiagnostics::lines() const {
    QStringList out;
    for (const Entry &e : m_entries) {
        const QString where =
            QStringLiteral("record %1, offset 0x%2").arg(e.firstRecord).arg(e.firstOffset, 0, 16);
        if (e.severity == Severity::Skipped) {
            out.append(QStringLiteral("skipped %1 record%2: %3 (first at %4)%5")
                           .arg(e.count)
                           .arg(e.count == 1 ? QString() : QStringLiteral("s"), e.kind, where,
                                e.firstDetail.isEmpty() ? QString()
                                                        : QStringLiteral(": ") + e.firstDetail));
        } else {
            QString line = where + QStringLiteral(": ") + e.kind;
            if (!e.firstDetail.isEmpty())
                line += QStringLiteral(" (") + e.firstDetail + QLatin1Char(')');
            if (e.count > 1)
                line += QStringLiteral("; and %1 more like it").arg(e.count - 1);
            out.append(line);
        }
    }
    return out;
}

qsizetype CaptureDiagnostics::count(Severity severity) const {
    qsizetype n = 0;
    for (const Entry &e : m_entries) {
        if (e.severity == severity)
            n += e.count;
    }
    return n;
}

} // namespace blupow::capture
