#pragma once

#include "config/snapshot.h"
#include "config/snapshotdiff.h"

#include <QObject>
#include <QPointer>

#include <memory>

namespace blupow {

class DeviceSession;
class SnapshotReader;
class WriteFlow;

// Backup and restore of a device's settings from the GUI, with the command line's core code: a
// Snapshot read by SnapshotReader and saved as `blupow-cli backup` saves it (the files are the
// same), and a restore that reads the device, compares with SnapshotDiff, and writes the saved
// words of the writable settings that differ through WriteFlow (validation, set-point order,
// preview in words, confirmation, read-back), as `blupow-cli restore` does.
//
//   backUp():  read --> file written --> finished(true)        | read or file fails -->
//   finished(false) restore(): file checked --> read --> nothing differs --> finished(true)
//                                    --> differences --> WriteFlow::run (its own finished())
class SettingsBackup : public QObject {
    Q_OBJECT

public:
    // `flow` writes for the restore; it must outlive this object.
    explicit SettingsBackup(WriteFlow *flow, QObject *parent = nullptr);
    ~SettingsBackup() override;

    void setSession(DeviceSession *session);
    // Starts reading the device and saving to `path`; false, with `error`, when it cannot start.
    bool backUp(const QString &path, QString *error);
    // Checks `path` and starts reading the device; false, with `error`, when the file is not a
    // backup BluPow can restore (then nothing is read or written).
    bool restore(const QString &path, QString *error);
    [[nodiscard]] bool isBusy() const;
    // The last restore's comparison (device first, backup second).
    [[nodiscard]] const QList<SnapshotDiffRow> &differences() const { return m_rows; }

Q_SIGNALS:
    // A backup's outcome, and a restore's when it ends before anything is offered for writing
    // (the device cannot be read, the backup is of another device kind, nothing differs).
    // Once the write is offered, WriteFlow::finished() reports.
    void finished(bool ok, const QString &message);
    // A restore found differences and handed them to WriteFlow: `readOnly` differences (model,
    // serial, ratings) are listed here and never written.
    void restoreOffered(int writable, const QStringList &readOnly);

private:
    bool startRead(QString *error);
    void onBackupRead(const Snapshot &live);
    void onRestoreRead(const Snapshot &live);

    WriteFlow *m_flow;
    QPointer<DeviceSession> m_session;
    std::unique_ptr<SnapshotReader> m_reader;
    QString m_path;
    std::optional<Snapshot> m_saved; // set during a restore
    QList<SnapshotDiffRow> m_rows;
};

} // namespace blupow
