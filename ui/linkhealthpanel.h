#pragma once

#include "device/devicesession.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QSpinBox;

namespace blupow {

class NumberField;

// How well the link is doing: session state, round-trip time, success rate, CRC errors,
// timeouts, exceptions, reconnects, RSSI. Also owns the one-line summary for the status bar, and
// the poll interval and links-at-once controls (what they change is wired by the composition
// root).
class LinkHealthPanel : public QWidget {
    Q_OBJECT

public:
    explicit LinkHealthPanel(QWidget *parent = nullptr);

    // A label kept in step with this panel, for the main window's status bar.
    [[nodiscard]] QLabel *statusSummary() const { return m_summary; }
    [[nodiscard]] QString text(const QString &name) const; // a row's current value, by name
    [[nodiscard]] NumberField *pollIntervalBox() const { return m_pollInterval; }
    [[nodiscard]] QSpinBox *maxLinksBox() const { return m_maxLinks; }

public Q_SLOTS:
    void setSession(blupow::DeviceSession *session);
    void showStatistics(const blupow::LinkStatistics &statistics);
    void showState(blupow::DeviceSession::State state, const QString &reason);
    void showIdentity(const blupow::DeviceIdentity &identity);
    // Shows `ms` without emitting pollIntervalChanged().
    void setPollInterval(int ms);
    // Shows `links` without emitting maxLinksChanged().
    void setMaxLinks(int links);

Q_SIGNALS:
    // The person chose another interval (milliseconds).
    void pollIntervalChanged(int ms);
    // The person chose how many devices may be linked at once.
    void maxLinksChanged(int links);

private:
    QLabel *addRow(const QString &name, const QString &title);
    void updateSummary();

    QHash<QString, QLabel *> m_rows;
    QLabel *m_summary;
    NumberField *m_pollInterval;
    QSpinBox *m_maxLinks;
    int m_shownMs = -1; // the interval shown, as set or last typed
    QPointer<DeviceSession> m_session;
    QString m_stateText = QStringLiteral("not connected");
    QString m_deviceText;
    LinkStatistics m_stats;
};

} // namespace blupow
