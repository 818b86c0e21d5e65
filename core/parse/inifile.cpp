#include "inifile.h"

#include <QStringList>

namespace blupow {

namespace {

// A value's trailing comment starts at a `;` or `#` that follows a space or tab.
QString stripComment(const QString &value) {
    for (qsizetype i = 1; i < value.size(); ++i) {
        const QChar c = value.at(i);
        if ((c == u';' || c == u'#') && (value.at(i - 1) == u' ' || value.at(i - 1) == u'\t'))
            return value.left(i).trimmed();
    }
    return value.trimmed();
}

} // namespace

std::optional<IniFile> IniFile::parse(const QByteArray &text, QString *error) {
    IniFile file;
    QString section;
    const QStringList lines = QString::fromUtf8(text).split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNo = static_cast<int>(i + 1);
        const QString line = lines.at(i).trimmed();
        const auto fail = [&](const QString &why) {
            *error = QStringLiteral("line %1: %2").arg(lineNo).arg(why);
            return std::nullopt;
        };
        if (line.isEmpty() || line.startsWith(u'#') || line.startsWith(u';'))
            continue;
        if (line.startsWith(u'[')) {
            if (!line.endsWith(u']') || line.size() < 3)
                return fail(QStringLiteral("a section header is [name], not '%1'").arg(line));
            section = line.mid(1, line.size() - 2).trimmed();
            for (const IniSection &s : std::as_const(file.sections)) {
                if (s.name == section)
                    return fail(QStringLiteral("section [%1] again (first on line %2)")
                                    .arg(section)
                                    .arg(s.line));
            }
            file.sections.append({section, lineNo});
            continue;
        }
        const qsizetype eq = line.indexOf(u'=');
        if (eq <= 0)
            return fail(QStringLiteral("expected key=value or [section], not '%1'").arg(line));
        IniEntry entry;
        entry.section = section;
        entry.key = line.left(eq).trimmed();
        entry.line = lineNo;
        const QString raw = line.mid(eq + 1).trimmed();
        if (raw.startsWith(u'"')) {
            const qsizetype close = raw.indexOf(u'"', 1);
            if (close < 0)
                return fail(QStringLiteral("%1: the closing \" is missing").arg(entry.key));
            const QString rest = raw.mid(close + 1).trimmed();
            if (!rest.isEmpty() && !rest.startsWith(u';') && !rest.startsWith(u'#'))
                return fail(QStringLiteral("%1: text after the closing \"").arg(entry.key));
            entry.value = raw.mid(1, close - 1);
        } else {
            entry.value = stripComment(raw);
        }
        if (const IniEntry *first = file.find(section, entry.key))
            return fail(QStringLiteral("%1 again in [%2] (first on line %3)")
                            .arg(entry.key, section)
                            .arg(first->line));
        file.entries.append(entry);
    }
    return file;
}

const IniEntry *IniFile::find(const QString &section, const QString &key) const {
    for (const IniEntry &e : entries) {
        if (e.section == section && e.key == key)
            return &e;
    }
    return nullptr;
}

QList<IniEntry> IniFile::entriesOf(const QString &section) const {
    QList<IniEntry> out;
    for (const IniEntry &e : entries) {
        if (e.section == section)
            out.append(e);
    }
    return out;
}

} // namespace blupow
