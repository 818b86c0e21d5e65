#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace blupow {

// A hand-written INI file read strictly, keeping line numbers so an error can say where it is
// (QSettings drops them, and silently takes keys it does not know). `[section]`, `key=value`,
// whole-line comments starting with `#` or `;`, and a comment after a value when ` ;` or ` #`
// follows it; a value in double quotes is taken as it stands. Keys before the first section are
// in the section "" (refused by callers that have none).
struct IniEntry {
    QString section;
    QString key;
    QString value;
    int line = 0;
};

struct IniSection {
    QString name;
    int line = 0;
};

struct IniFile {
    QList<IniSection> sections; // in file order
    QList<IniEntry> entries;    // in file order

    // Nothing, with "line N: why", for a line that is neither, a section named twice, or a key
    // repeated within one section.
    [[nodiscard]] static std::optional<IniFile> parse(const QByteArray &text, QString *error);

    [[nodiscard]] const IniEntry *find(const QString &section, const QString &key) const;
    [[nodiscard]] QList<IniEntry> entriesOf(const QString &section) const;
};

} // namespace blupow
