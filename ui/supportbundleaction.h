#pragma once

#include "support/supportbundle.h"

#include <QObject>

#include <functional>

class QAction;
class QWidget;

namespace blupow {

// Help > Create support bundle…: asks where (a file name with the date offered in the home
// folder), writes the zip (SupportBundle) and says where it went, or why it could not.
// `gather` collects the contents at that moment (main.cpp knows the session, the frame log, the
// alarms, the log and the password in use).
class SupportBundleAction : public QObject {
    Q_OBJECT

public:
    using Gather = std::function<SupportBundle::Contents()>;
    SupportBundleAction(Gather gather, QWidget *dialogParent, QObject *parent = nullptr);

    [[nodiscard]] QAction *action() const { return m_action; }
    void setDialogParent(QWidget *parent) { m_parent = parent; }
    // Writes to `path` without asking; the message says where (or why not). Tests call this.
    bool writeTo(const QString &path, QString *message);

Q_SIGNALS:
    void written(const QString &path);

private:
    void run();

    Gather m_gather;
    QWidget *m_parent;
    QAction *m_action;
};

} // namespace blupow
