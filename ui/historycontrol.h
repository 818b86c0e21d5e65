#pragma once

#include <QObject>
#include <QString>

class QAction;

namespace blupow {

class AppSettings;
class HistoryRecorder;

// File > Record history: whether every linked device's values go into the history file
// (docs/history.md), switched on and off while the program runs and kept in the settings. Off
// keeps what was recorded: the chart still reads its ranges from the file.
class HistoryControl : public QObject {
    Q_OBJECT

public:
    // `path` is the history file (AppSettings::historyFile(), or the default place).
    HistoryControl(HistoryRecorder *recorder, AppSettings &settings, QString path,
                   QObject *parent = nullptr);

    [[nodiscard]] QAction *action() const { return m_action; }
    [[nodiscard]] QString path() const { return m_path; }
    // Starts or stops recording (the action's check mark follows) and saves the choice.
    void setRecording(bool on);
    [[nodiscard]] bool isRecording() const;

Q_SIGNALS:
    // For the status bar: "Recording history to FILE", "History not recorded: why", ...
    void statusMessage(const QString &message);

private:
    HistoryRecorder *m_recorder;
    AppSettings &m_settings;
    QString m_path;
    QAction *m_action;
};

} // namespace blupow
