#pragma once

#include "config/snapshot.h"

#include <QPointer>
#include <QWidget>

#include <memory>

class QCheckBox;
class QGroupBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace blupow {

class DeviceSession;
class SnapshotReader;
class WriteFlow;

// Device settings built from the register map: one row per field the map marks writable (and
// WritePolicy allows), with the value read from the device, an editor limited to the documented
// range, step or choices, the unit, the allowed values and the map's note. Locked until the person
// unlocks it (VictronConnect's settings lock); relocked on every new connection. Apply goes
// through WriteFlow: validated by the map, previewed frame by frame, confirmed, read back. A
// charge controller also gets its load output switch.
class SettingsPanel : public QWidget {
    Q_OBJECT

public:
    enum Column {
        SettingColumn,
        CurrentColumn,
        NewColumn,
        UnitColumn,
        AllowedColumn,
        NoteColumn,
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

public Q_SLOTS:
    void setSession(blupow::DeviceSession *session);
    void setLocked(bool locked);
    void refresh();
    void apply();
    void switchLoad(bool on);

private:
    void rebuild();
    void onSnapshot(const Snapshot &snapshot);
    void onWriteFinished(bool ok, const QString &message);
    void updateEnabled();
    void setStatus(const QString &text);
    [[nodiscard]] QVariant editorValue(int row) const;
    [[nodiscard]] bool rowChanged(int row) const;
    void markChanged(int row);

    QLabel *m_status;
    QPushButton *m_refresh;
    QCheckBox *m_unlock;
    QPushButton *m_apply;
    QGroupBox *m_loadBox;
    QLabel *m_loadState;
    QPushButton *m_loadOn;
    QPushButton *m_loadOff;
    QTableWidget *m_table;
    WriteFlow *m_flow;
    QPointer<DeviceSession> m_session;
    std::unique_ptr<SnapshotReader> m_reader;
    Snapshot m_snapshot;
    bool m_haveSnapshot = false;
    QString m_outcome; // the last write's result, kept above the read status
};

} // namespace blupow
