#include "writeflow.h"

#include "device/devicesession.h"

#include <QMessageBox>
#include <QWidget>

namespace blupow {

WriteFlow::WriteFlow(QWidget *dialogParent, QObject *parent)
    : QObject(parent)
    , m_dialogParent(dialogParent)
    , m_confirm([this](const QString &title, const QString &text, const QString &details,
                       const std::function<void(bool)> &answer) {
        askInDialog(m_dialogParent, title, text, details, answer);
    }) {}

WriteFlow::~WriteFlow() = default;

void WriteFlow::askInDialog(QWidget *parent, const QString &title, const QString &text,
                            const QString &details, const std::function<void(bool)> &answer) {
    auto *box = new QMessageBox(QMessageBox::Warning, title, text,
                                QMessageBox::Yes | QMessageBox::No, parent);
    if (!details.isEmpty())
        box->setDetailedText(details);
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
    const QString device = QStringLiteral("%1 (address %2)")
                               .arg(id.model.isEmpty() ? familyTitle(id.family) : id.model)
                               .arg(id.slave);
    const QString text = previewQuestion(device, writer->changes());
    const QString details = QStringLiteral("The exact frames, each followed by a read-back:\n%1")
                                .arg(writer->previewText());
    const QPointer<SettingsWriter> guard(writer);
    m_confirm(title, text, details, [guard](bool yes) {
        if (!guard)
            return;
        if (yes)
            guard->confirm();
        else
            guard->cancel();
    });
}

QString WriteFlow::previewQuestion(const QString &device, const QList<SettingChange> &changes) {
    QStringList lines;
    for (const SettingChange &c : changes)
        lines.append(QStringLiteral("    %1").arg(c.plainSummary()));
    return QStringLiteral("Change %1 on %2?\n\n%3\n\nEach change is read back from the device; "
                          "a change the device does not keep is reported, and the ones after it "
                          "are not written.")
        .arg(changes.size() == 1 ? QStringLiteral("this setting")
                                 : QStringLiteral("these %1 settings").arg(changes.size()),
             device, lines.join(QLatin1Char('\n')));
}

} // namespace blupow
