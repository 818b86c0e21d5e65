#include "writeflow.h"

#include "device/devicesession.h"

#include <QMessageBox>
#include <QWidget>

namespace blupow {

WriteFlow::WriteFlow(QWidget *dialogParent, QObject *parent)
    : QObject(parent)
    , m_dialogParent(dialogParent)
    , m_confirm([this](const QString &title, const QString &text,
                       const std::function<void(bool)> &answer) {
        askInDialog(m_dialogParent, title, text, answer);
    }) {}

WriteFlow::~WriteFlow() = default;

void WriteFlow::askInDialog(QWidget *parent, const QString &title, const QString &text,
                            const std::function<void(bool)> &answer) {
    auto *box = new QMessageBox(QMessageBox::Warning, title, text,
                                QMessageBox::Yes | QMessageBox::No, parent);
    box->setDefaultButton(QMessageBox::No);
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, box,
            [answer](int result) { answer(result == QMessageBox::Yes); });
    box->open();
}

void WriteFlow::setSession(DeviceSession *session) {
    const bool wasBusy = isBusy();
    // A writer belongs to one session; a write in progress on the old one ends with it.
    m_writer.reset();
    m_session = session;
    if (session)
        m_writer = std::make_unique<SettingsWriter>(session);
    if (wasBusy) {
        Q_EMIT busyChanged(false);
        Q_EMIT finished(false, QStringLiteral("the connection changed during the write"));
    }
}

bool WriteFlow::isBusy() const {
    if (!m_writer)
        return false;
    switch (m_writer->state()) {
    case SettingsWriter::State::ReadingCurrent:
    case SettingsWriter::State::AwaitingConfirmation:
    case SettingsWriter::State::Writing:
    case SettingsWriter::State::Verifying:
        return true;
    default:
        return false;
    }
}

QList<SettingChange> WriteFlow::changes() const {
    return m_writer ? m_writer->changes() : QList<SettingChange>{};
}

bool WriteFlow::run(const QString &title, const Prepare &prepare, QString *error) {
    if (!m_writer) {
        *error = QStringLiteral("not connected");
        return false;
    }
    disconnect(m_writer.get(), nullptr, this, nullptr);
    if (!prepare(*m_writer, error))
        return false;
    connect(m_writer.get(), &SettingsWriter::previewReady, this,
            [this, title] { onPreview(title); });
    connect(m_writer.get(), &SettingsWriter::finished, this,
            [this](bool ok, const QString &message) {
                Q_EMIT busyChanged(false);
                Q_EMIT finished(ok, message);
            });
    Q_EMIT busyChanged(true);
    return true;
}

void WriteFlow::onPreview(const QString &title) {
    SettingsWriter *writer = m_writer.get();
    if (!writer || !m_session || !m_session->identity())
        return;
    if (writer->changes().isEmpty()) {
        writer->confirm(); // nothing differs: finishes without writing
        return;
    }
    const DeviceIdentity id = *m_session->identity(); // returned by value
    const QString text =
        QStringLiteral("Write to %1 (slave 0x%2)?\n\n%3\n\nEach change is read back; a change "
                       "the device does not keep is reported as failed and the rest are not "
                       "attempted.")
            .arg(id.model.isEmpty() ? familyName(id.family) : id.model)
            .arg(id.slave, 2, 16, QLatin1Char('0'))
            .arg(writer->previewText());
    const QPointer<SettingsWriter> guard(writer);
    m_confirm(title, text, [guard](bool yes) {
        if (!guard)
            return;
        if (yes)
            guard->confirm();
        else
            guard->cancel();
    });
}

} // namespace blupow
