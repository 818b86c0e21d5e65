#include "frameexport.h"

#include <QDateTime>
#include <QStringList>

namespace blupow::FrameExport {

QString isoTime(qint64 ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString csvField(const QString &text) {
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) &&
        !text.contains(QLatin1Char('\n')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString toText(const FrameRecord &record, bool annotations) {
    QString out = QStringLiteral("%1 %2 %3 [%4]")
                      .arg(isoTime(record.timestampMs), directionName(record.direction),
                           modbus::toHex(record.bytes), frameStatusName(record.status));
    if (!record.note.isEmpty())
        out += QStringLiteral(" %1").arg(record.note);
    out += QLatin1Char('\n');
    if (!annotations)
        return out;
    for (const ByteAnnotation &a : record.annotations()) {
        const QByteArray bytes = record.bytes.mid(a.offset, a.length);
        out += QStringLiteral("    %1-%2  %3  %4: %5%6\n")
                   .arg(a.offset, 3)
                   .arg(a.end() - 1, -3)
                   .arg(modbus::toHex(bytes), -12)
                   .arg(a.title, a.text, a.ok ? QString() : QStringLiteral("  <-- !"));
    }
    return out;
}

QString csvHeader() {
    return QStringLiteral("time_utc,direction,exchange,status,bytes,note\n");
}

QString toCsvRow(const FrameRecord &record) {
    const QStringList fields{
        isoTime(record.timestampMs),        directionName(record.direction),
        QString::number(record.exchangeId), frameStatusName(record.status),
        modbus::toHex(record.bytes),        csvField(record.note),
    };
    return fields.join(QLatin1Char(',')) + QLatin1Char('\n');
}

} // namespace blupow::FrameExport
