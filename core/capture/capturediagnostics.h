#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace blupow::capture {

// Collects what an import skipped or found broken, one line per kind with a count and the first
// place it happened (record index and file offset), so that a 10 000-record capture full of HCI
// events gives one readable warning instead of 10 000.
class CaptureDiagnostics {
public:
    enum class Severity {
        Skipped, // traffic that is not ours (HCI events, other L2CAP channels, other handles)
        Problem, // traffic that is ours but broken (a lost fragment, a bad length)
    };

    void add(Severity severity, const QString &kind, qsizetype record, qsizetype offset,
             const QString &detail = {});

    // "record 12 (offset 0x1a2): L2CAP length 40 but the ACL fragments carried 20; and 3 more
    // like it" or "skipped 630 records: HCI event (first at record 1, offset 0x2c)".
    [[nodiscard]] QStringList lines() const;
    [[nodiscard]] qsizetype count(Severity severity) const;
    [[nodiscard]] bool isEmpty() const { return m_entries.isEmpty(); }

private:
    struct Entry {
        Severity severity;
        QString kind;
        qsizetype count = 0;
        qsizetype firstRecord = 0;
        qsizetype firstOffset = 0;
        QString firstDetail;
    };
    QList<Entry> m_entries; // few kinds: a linear scan beats hashing here
};

} // namespace blupow::capture
