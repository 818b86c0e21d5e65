#include "confirmprompt.h"

#include <QTextStream>

#include <unistd.h>

namespace blupow::cli {

ConfirmPrompt::ConfirmPrompt(QObject *parent)
    : QObject(parent) {}

ConfirmPrompt::~ConfirmPrompt() = default;

bool ConfirmPrompt::stdinIsTerminal() {
    return ::isatty(STDIN_FILENO) == 1;
}

void ConfirmPrompt::ask(const QString &question) {
    QTextStream err(stderr);
    err << question << " [y/N] ";
    err.flush();
    m_notifier = std::make_unique<QSocketNotifier>(STDIN_FILENO, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, [this] {
        m_notifier->setEnabled(false);
        QByteArray line;
        char c = 0;
        // The notifier said a line (or EOF) is there; read up to the newline byte by byte so
        // nothing after it is consumed.
        while (::read(STDIN_FILENO, &c, 1) == 1 && c != '\n')
            line.append(c);
        const QByteArray answer = line.trimmed().toLower();
        Q_EMIT answered(answer == "y" || answer == "yes");
    });
}

} // namespace blupow::cli
