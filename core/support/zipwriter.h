#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

namespace blupow {

// A zip archive of stored (uncompressed) entries, built in memory: Qt 6.4 has no public zip
// writer and a support bundle is small. `python3 -m zipfile -t`, unzip and every file manager
// read it. Stored entries also keep every byte searchable, which the redaction test relies on.
class ZipWriter {
public:
    void add(const QString &name, const QByteArray &data, const QDateTime &modified);
    [[nodiscard]] QByteArray finish() const; // local entries, central directory, end record
    [[nodiscard]] QStringList names() const;

    [[nodiscard]] static quint32 crc32(const QByteArray &data);

private:
    struct Entry {
        QByteArray name; // UTF-8
        QByteArray data;
        quint16 dosTime = 0;
        quint16 dosDate = 0;
    };
    QList<Entry> m_entries;
};

} // namespace blupow
