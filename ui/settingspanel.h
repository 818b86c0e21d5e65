#pragma once

#include "config/snapshot.h"

#include <QPointer>
#include <QWidget>

#include <functional>
#include <memory>

class QAction;
class QCheckBox;
class QGroupBox;
class QLabel;
class QPushButton;
class QTableWidget;
class QToolButton;

namespace blupow {

class DeviceSession;
class NumberField;
class SettingsBackup;
class SnapshotReader;
class WriteFlow;

// Device settings built from the register map: one row per field the map marks writable (and
// WritePolicy allows), with the value read from the device, an editor, the unit, the allowed
// values and what the setting does, all in plain words from the map (label, help, enum_labels;
// the key, register, developer note and sources are in tooltips). Number editors keep what was
// typed and say what is wrong with it (NumberField) instead of clamping it. Locked until the
// person unlocks it (VictronConnect's settings lock); relocked on every new connection. Apply
// goes through WriteFlow: validated by the map and the set-point order (SettingRules), previewed
// in words with the frames behind a details button, confirmed, read back. Edits survive a
// cancelled preview, a refusal and a re-read: only a verified write or Revert replaces them. A
// charge controller also gets its load output switch. Back up and Restore use the command line's
// snapshot files (SettingsBackup).
class SettingsPanel : public QWidget {
    Q_OBJECT

public:
    enum Column {
        SettingColumn,
        CurrentColumn,
        NewColumn,
        UnitColumn,
        AllowedColumn,
        AboutColumn,
        ColumnCount
    };

    explicit SettingsPanel(QWidget *parent = nullptr);
    ~SettingsPanel() override;

    [[nodiscard]] WriteFlow *writeFlow() const { return m_flow; }
    [[nodiscard]] QTableWidget *table() const { return m_table; }
    [[nodiscard]] QString statusText() const;
    [[nodiscard]] QStringList keys() const;
    [[nodiscard]] int rowOf(const QString &key) const;
    // The device's value as last read ("14.4 V"); empty before the first read.
    [[nodiscard]] QString currentText(const QString &key) const;
    [[nodiscard]] bool isLocked() const;
    [[nodiscard]] bool hasLoadSwitch() const;
    // Puts `value` (a number in the field's unit, or an enum name) into the row's editor, as
    // typing would. False when the key has no row, the panel is locked or the editor cannot hold
    // it (out of range, not a choice).
    bool setNewValue(const QString &key, const QVariant &value);
    // The rows whose editor differs from the device's value.
    [[nodiscard]] QStringList changedKeys() const;
    // What the row's editor shows ("99", "Gel"); empty for an unknown key.
    [[nodiscard]] QString editorText(const QString &key) const;
    // Why the edits cannot be applied, one line per row ("Float voltage wants V from 7 to 17,
    // not '99'"); empty when they can.
    [[nodiscard]] QStringList problems() const;
    [[nodiscard]] QPushButton *applyButton() const { return m_apply; }
    [[nodiscard]] SettingsBackup *backup() const { return m_backup; }

public Q_SLOTS:
    void setSession(blupow::DeviceSession *session);
    void setLocked(bool locked);
    void refresh();
    void apply();
    void switchLoad(bool on);
    // Every editor back to the device's value.
    void revert();
    // Ask for a file, then back up to it or restore from it.
    void backUpToFile();
    void restoreFromFile();
    // Without a dialog (tests, and the dialogs' answers).
    bool backUpTo(const QString &path);
    bool restoreFrom(const QString &path);

private:
    void rebuild();
    void fitColumns();
    void onSnapshot(const Snapshot &snapshot);
    void onWriteFinished(bool ok, const QString &message);
    void updateEnabled();
    void setStatus(const QString &text);
    void onBackupFinished(bool ok, const QString &message);
    // `acceptMode` is a QFileDialog::AcceptMode (kept out of this header).
    void askForFile(const QString &title, int acceptMode,
                    const std::function<void(const QString &)> &chosen);
    [[nodiscard]] QVariant editorValue(int row) const;
    [[nodiscard]] bool rowChanged(int row) const;
    [[nodiscard]] QString rowProblem(int row) const;
    [[nodiscard]] const FieldDef *rowField(int row) const;
    void showDeviceValue(int row, const Snapshot::Entry &entry);
    void markChanged(int row);

    QLabel *m_status;
    QPushButton *m_refresh;
    QCheckBox *m_unlock;
    QPushButton *m_revert;
    QToolButton *m_backupMenu; // one button: the panel stays narrow enough to share its dock
    QAction *m_backUp;
    QAction *m_restore;
    QPushButton *m_apply;
    QLabel *m_problems;
    QGroupBox *m_loadBox;
    QLabel *m_loadState;
    QPushButton *m_loadOn;
    QPushButton *m_loadOff;
    QTableWidget *m_table;
    WriteFlow *m_flow;
    SettingsBackup *m_backup;
    QPointer<DeviceSession> m_session;
    std::unique_ptr<SnapshotReader> m_reader;
    Snapshot m_snapshot;
    bool m_haveSnapshot = false;
    QString m_outcome; // the last write's result, kept above the read status
    // Keys the last write verified: their editors take the device's value on the next read, the
    // others keep what the person typed.
    QStringList m_verified;
};

} // namespace blupow
