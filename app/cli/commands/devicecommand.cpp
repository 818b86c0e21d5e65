#include "devicecommand.h"

#include "command.h"
#include "config/settingswriter.h"
#include "config/snapshotreader.h"

#include <QCoreApplication>

namespace blupow::cli {

DeviceCommand::DeviceCommand(QString name, const DeviceOptions &options, QObject *parent)
    : QObject(parent)
    , m_name(std::move(name))
    , m_runner(options, RegisterMaps::builtIn()) {
    connect(&m_runner, &SessionRunner::failed, this,
            [this](const QString &message, int code) { fail(message, code); });
    connect(&m_prompt, &ConfirmPrompt::answered, this, [this](bool yes) {
        if (!m_asking)
            return;
        if (yes)
            m_asking->confirm();
        else
            m_asking->cancel();
    });
}

DeviceCommand::~DeviceCommand() = default;

int DeviceCommand::exec(std::function<void(DeviceSession *)> onIdentified) {
    connect(&m_runner, &SessionRunner::sessionReady, this,
            [this, onIdentified = std::move(onIdentified)](DeviceSession *session) {
                // Once: a reconnect identifies the device again, and the work must not restart.
                connect(
                    session, &DeviceSession::identified, this,
                    [this, session, onIdentified] {
                        m_runner.satisfied();
                        onIdentified(session);
                    },
                    Qt::SingleShotConnection);
            });
    m_runner.start();
    const int rc = QCoreApplication::exec();
    return rc == ExitOk ? m_exitCode : rc;
}

void DeviceCommand::finish(int code) {
    m_exitCode = code;
    if (m_runner.session())
        m_runner.session()->stop();
    QCoreApplication::exit(code);
}

void DeviceCommand::fail(const QString &message, int code) {
    finish(printError(m_name, message, code));
}

void DeviceCommand::readSnapshot(DeviceSession *session,
                                 std::function<void(const Snapshot &)> then) {
    m_reader = std::make_unique<SnapshotReader>(session);
    connect(m_reader.get(), &SnapshotReader::failed, this,
            [this](const QString &message) { fail(message, ExitFailure); });
    connect(m_reader.get(), &SnapshotReader::finished, this,
            [this, then = std::move(then)](const Snapshot &snapshot) {
                for (const QString &s : m_reader->skippedBlocks())
                    printError(m_name, QStringLiteral("warning: left out %1").arg(s), ExitOk);
                then(snapshot);
            });
    QString why;
    if (!m_reader->start(&why))
        fail(why, ExitFailure);
}

void DeviceCommand::confirm(SettingsWriter *writer, bool yes, const QString &question) {
    if (yes) {
        writer->confirm();
        return;
    }
    if (!ConfirmPrompt::stdinIsTerminal()) {
        fail(QStringLiteral("not written: confirmation needed and stdin is not a terminal "
                            "(review the preview, then add --yes)"),
             ExitUsage);
        return;
    }
    m_asking = writer;
    m_prompt.ask(question);
}

} // namespace blupow::cli
