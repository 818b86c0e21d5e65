#include "supportbundleaction.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>

namespace blupow {

SupportBundleAction::SupportBundleAction(Gather gather, QWidget *dialogParent, QObject *parent)
    : QObject(parent)
    , m_gather(std::move(gather))
    , m_parent(dialogParent)
    , m_action(new QAction(QStringLiteral("Create &support bundle…"), this)) {
    m_action->setToolTip(QStringLiteral(
        "One zip for a bug report: recent traffic, settings, link statistics, alarms, versions "
        "and the log, without the MQTT password or other devices' Bluetooth addresses."));
    connect(m_action, &QAction::triggered, this, &SupportBundleAction::run);
}

bool SupportBundleAction::writeTo(const QString &path, QString *message) {
    QString error;
    if (!SupportBundle::write(path, m_gather(), &error)) {
        *message = error;
        return false;
    }
    const QString where = QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath());
    *message = QStringLiteral("The support bundle was written to %1").arg(where);
    Q_EMIT written(where);
    return true;
}

void SupportBundleAction::run() {
    const QString suggested =
        QDir::home().filePath(SupportBundle::defaultFileName(QDateTime::currentDateTime()));
    const QString path =
        QFileDialog::getSaveFileName(m_parent, QStringLiteral("Create support bundle"), suggested,
                                     QStringLiteral("Zip archives (*.zip)"));
    if (path.isEmpty())
        return;
    QString message;
    if (writeTo(path, &message))
        QMessageBox::information(m_parent, QStringLiteral("Support bundle"), message);
    else
        QMessageBox::warning(m_parent, QStringLiteral("Support bundle"), message);
}

} // namespace blupow
