#pragma once

#include <QObject>
#include <QSocketNotifier>
#include <QString>

#include <memory>

namespace blupow::cli {

// "Write? [y/N]" on stderr, answered by one line on stdin, read when it arrives (a
// QSocketNotifier) so the session keeps polling while a person reads the preview. Only a
// terminal may answer: piped input is refused, so a script cannot confirm by accident.
class ConfirmPrompt : public QObject {
    Q_OBJECT

public:
    explicit ConfirmPrompt(QObject *parent = nullptr);
    ~ConfirmPrompt() override;

    [[nodiscard]] static bool stdinIsTerminal();
    void ask(const QString &question);

Q_SIGNALS:
    void answered(bool yes);

private:
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace blupow::cli
