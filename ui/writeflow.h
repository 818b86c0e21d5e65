#pragma once

#include "config/settingswriter.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

class QWidget;

namespace blupow {

class DeviceSession;

// The one way the GUI writes to a device (the settings panel, the load switch, the register
// console's expert mode): a SettingsWriter prepares and validates, the person sees the exact
// frames and the old and new values and says yes or no, and only then is anything sent; the
// outcome comes back once, after the read-back.
//
//   idle --run()--> preparing (reading current values) --preview--> asking --yes--> writing
//        --> finished(ok)        --no / refused / failure--> finished(false)
class WriteFlow : public QObject {
    Q_OBJECT

public:
    // Shows `text` under `title`, with `details` (the exact frames; may be empty) in a section
    // the person opens if they want to, and calls `answer` once with the person's choice.
    // Asynchronous, so no nested event loop runs while the link is polled; tests answer at once.
    using Confirm = std::function<void(const QString &title, const QString &text,
                                       const QString &details, std::function<void(bool)> answer)>;
    using Prepare = std::function<bool(SettingsWriter &writer, QString *error)>;

    // `dialogParent` centres the default confirmation box.
    explicit WriteFlow(QWidget *dialogParent, QObject *parent = nullptr);
    ~WriteFlow() override;

    void setSession(DeviceSession *session);
    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }

    // Starts a write; false, with `error` and without finished(), when the writer refused it
    // (then nothing was sent).
    bool run(const QString &title, const Prepare &prepare, QString *error);
    // Any other question about writing (turning expert mode on) asked the same way.
    void ask(const QString &title, const QString &text, std::function<void(bool)> answer) {
        m_confirm(title, text, QString(), std::move(answer));
    }
    [[nodiscard]] bool isBusy() const;
    // The last run's changes with their outcome (empty before the first run).
    [[nodiscard]] QList<SettingChange> changes() const;

    // A modal warning box on `parent`, No by default; `details` behind "Show Details…".
    static void askInDialog(QWidget *parent, const QString &title, const QString &text,
                            const QString &details, const std::function<void(bool)> &answer);
    // The question asked before writing `changes` to `device`: every change in words first
    // ("Float voltage: 13.6 V -> 14.1 V"), then what happens on yes.
    static QString previewQuestion(const QString &device, const QList<SettingChange> &changes);

Q_SIGNALS:
    void busyChanged(bool busy);
    void finished(bool ok, const QString &message);

private:
    void onPreview(const QString &title);

    QPointer<QWidget> m_dialogParent;
    QPointer<DeviceSession> m_session;
    std::unique_ptr<SettingsWriter> m_writer;
    Confirm m_confirm;
};

} // namespace blupow
