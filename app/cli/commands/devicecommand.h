#pragma once

#include "config/snapshot.h"
#include "confirmprompt.h"
#include "sessionrunner.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

namespace blupow {
class SettingsWriter;
class SnapshotReader;
} // namespace blupow

namespace blupow::cli {

// The frame of the commands that work on an identified device (backup, diff with a device,
// restore, write): runs the session, calls `onIdentified` once when the device has been
// identified (the --timeout deadline then stops), and leaves the event loop with the code given
// to finish(). A failure of the runner is printed as one line and ends the command with its code.
class DeviceCommand : public QObject {
    Q_OBJECT

public:
    DeviceCommand(QString name, const DeviceOptions &options, QObject *parent = nullptr);
    ~DeviceCommand() override;

    // Runs until finish(); returns the exit code.
    int exec(std::function<void(DeviceSession *session)> onIdentified);
    void finish(int code);
    // printError(), then finish() with `code`.
    void fail(const QString &message, int code);

    // Reads every Once and Demand block (SnapshotReader), prints the blocks the device refused as
    // warnings and hands the snapshot to `then`; a read that fails fails the command.
    void readSnapshot(DeviceSession *session, std::function<void(const Snapshot &)> then);
    // For a writer whose preview the caller has shown: confirms at once with `yes`, refuses when
    // stdin is not a terminal (a script cannot confirm by accident), else asks `question` and
    // confirms or cancels with the answer.
    void confirm(SettingsWriter *writer, bool yes, const QString &question);

private:
    QString m_name;
    SessionRunner m_runner;
    std::unique_ptr<SnapshotReader> m_reader;
    ConfirmPrompt m_prompt;
    QPointer<SettingsWriter> m_asking;
    int m_exitCode = 0;
};

} // namespace blupow::cli
