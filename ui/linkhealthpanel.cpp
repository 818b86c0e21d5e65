#include "linkhealthpanel.h"

#include "numberfield.h"

#include <QFormLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

namespace blupow {

LinkHealthPanel::LinkHealthPanel(QWidget *parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    // 0.2 s is about the fastest a BT-2 answers a whole controller cycle (bench_pollcycle); an
    // hour is the longest AppSettings keeps. Typed text is kept and explained when it is out of
    // that range, as in the settings panel, instead of being clamped by a spin box.
    , m_pollInterval(new NumberField(QStringLiteral("Poll interval"), NumberRange{0.2, 3600.0}, 0.5,
                                     1, QStringLiteral("s"), this))
    , m_maxLinks(new QSpinBox(this)) {
    // In a short dock (the 1024x700 layout) the rows scroll rather than squeeze: squeezed, the
    // form cut each wrapped value to its first line ("polling (5 blocks", "66 ms (mean 48").
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *content = new QWidget(scroll);
    auto *form = new QFormLayout(content);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    // A value too long beside its title goes under it, whole, rather than wrapping word by word
    // in what is left of a narrow dock.
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    scroll->setWidget(content);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
    m_pollInterval->setHelp(
        QStringLiteral("Time from the start of one poll cycle to the next, in seconds"));
    form->addRow(QStringLiteral("&Poll every (s):"), m_pollInterval);
    connect(m_pollInterval, &QLineEdit::editingFinished, this, [this] {
        const auto seconds = m_pollInterval->value();
        if (!seconds)
            return;
        // Leaving the field unchanged is not a change.
        const int ms = static_cast<int>(std::lround(*seconds * 1000.0));
        if (ms != m_shownMs) {
            m_shownMs = ms;
            Q_EMIT pollIntervalChanged(ms);
        }
    });
    // Eight is past what common adapters' controllers keep (ConnectionManager::kDefaultMaxLinks).
    m_maxLinks->setRange(1, 8);
    m_maxLinks->setAccessibleName(QStringLiteral("Links at once"));
    m_maxLinks->setToolTip(QStringLiteral("How many devices stay connected at the same time. "
                                          "1: connecting to a device replaces the link open."));
    form->addRow(QStringLiteral("&Links at once:"), m_maxLinks);
    connect(m_maxLinks, &QSpinBox::valueChanged, this, &LinkHealthPanel::maxLinksChanged);
    const QList<QPair<QString, QString>> rows{
        {QStringLiteral("state"), QStringLiteral("State")},
        {QStringLiteral("device"), QStringLiteral("Device")},
        {QStringLiteral("rtt"), QStringLiteral("Round trip")},
        {QStringLiteral("success"), QStringLiteral("Success rate")},
        {QStringLiteral("requests"), QStringLiteral("Requests")},
        {QStringLiteral("crc"), QStringLiteral("CRC errors")},
        {QStringLiteral("timeouts"), QStringLiteral("Timeouts")},
        {QStringLiteral("exceptions"), QStringLiteral("Exceptions")},
        {QStringLiteral("protocol"), QStringLiteral("Protocol errors")},
        {QStringLiteral("dropped"), QStringLiteral("Discarded bytes")},
        {QStringLiteral("invalid"), QStringLiteral("Implausible values")},
        {QStringLiteral("reconnects"), QStringLiteral("Reconnects")},
        {QStringLiteral("cycle"), QStringLiteral("Poll cycle")},
        {QStringLiteral("rssi"), QStringLiteral("RSSI")},
    };
    for (const auto &[name, title] : rows) {
        auto *value = new QLabel(QStringLiteral("—"), this);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setWordWrap(true); // long states must not widen the dock beyond its default
        value->setObjectName(name);
        form->addRow(title + QLatin1Char(':'), value);
        m_rows.insert(name, value);
    }
    m_rows.value(QStringLiteral("state"))->setText(m_stateText);
    m_summary->setText(m_stateText);
}

void LinkHealthPanel::setPollInterval(int ms) {
    m_shownMs = ms;
    m_pollInterval->setValue(ms / 1000.0);
}

void LinkHealthPanel::setMaxLinks(int links) {
    const QSignalBlocker quiet(m_maxLinks);
    m_maxLinks->setValue(links);
}

QString LinkHealthPanel::text(const QString &name) const {
    const QLabel *label = m_rows.value(name);
    return label ? label->text() : QString();
}

void LinkHealthPanel::setSession(DeviceSession *session) {
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    m_stats = {};
    m_deviceText.clear();
    if (!session) {
        showState(DeviceSession::State::Idle, QStringLiteral("not connected"));
        showStatistics({});
        return;
    }
    connect(session, &DeviceSession::statisticsChanged, this, &LinkHealthPanel::showStatistics);
    connect(session, &DeviceSession::stateChanged, this, &LinkHealthPanel::showState);
    connect(session, &DeviceSession::identified, this, &LinkHealthPanel::showIdentity);
    showState(session->state(), {});
    showStatistics(session->statistics());
    if (const auto identity = session->identity())
        showIdentity(*identity);
}

void LinkHealthPanel::showStatistics(const LinkStatistics &s) {
    m_stats = s;
    auto set = [this](const char *name, const QString &text) {
        m_rows.value(QLatin1String(name))->setText(text);
    };
    set("rtt", s.requests ? QStringLiteral("%1 ms (mean %2 ms)")
                                .arg(s.lastRoundTripMs, 0, 'f', 0)
                                .arg(s.meanRoundTripMs, 0, 'f', 0)
                          : QStringLiteral("—"));
    set("success", s.requests ? QStringLiteral("%1 %").arg(s.successRate * 100.0, 0, 'f', 1)
                              : QStringLiteral("—"));
    set("requests", QString::number(s.requests));
    set("crc", QString::number(s.crcErrors));
    set("timeouts", QString::number(s.timeouts));
    set("exceptions", QString::number(s.exceptions));
    set("protocol", QString::number(s.protocolErrors));
    set("dropped", QString::number(s.droppedBytes));
    set("invalid", QString::number(s.invalidValues));
    set("reconnects", QString::number(s.reconnects));
    set("cycle",
        s.cycles ? QStringLiteral("%1 ms (%2 cycles)").arg(s.lastCycleMs, 0, 'f', 0).arg(s.cycles)
                 : QStringLiteral("—"));
    set("rssi", s.rssi ? QStringLiteral("%1 dBm").arg(s.rssi) : QStringLiteral("unknown"));
    updateSummary();
}

void LinkHealthPanel::showState(DeviceSession::State state, const QString &reason) {
    m_stateText = sessionStateName(state);
    if (!reason.isEmpty())
        m_stateText += QStringLiteral(" (%1)").arg(reason);
    m_rows.value(QStringLiteral("state"))->setText(m_stateText);
    updateSummary();
}

void LinkHealthPanel::showIdentity(const DeviceIdentity &identity) {
    m_deviceText = identity.model.isEmpty() ? identity.name : identity.model;
    QString text = QStringLiteral("%1, %2, slave 0x%3")
                       .arg(m_deviceText, familyTitle(identity.family))
                       .arg(identity.slave, 2, 16, QLatin1Char('0'));
    m_rows.value(QStringLiteral("device"))->setText(text);
    m_rows.value(QStringLiteral("device"))->setToolTip(identity.how);
    updateSummary();
}

void LinkHealthPanel::updateSummary() {
    QStringList parts;
    if (!m_deviceText.isEmpty())
        parts.append(m_deviceText);
    parts.append(m_stateText);
    if (m_stats.requests) {
        parts.append(QStringLiteral("RTT %1 ms").arg(m_stats.lastRoundTripMs, 0, 'f', 0));
        parts.append(QStringLiteral("%1 % ok").arg(m_stats.successRate * 100.0, 0, 'f', 0));
    }
    m_summary->setText(parts.join(QStringLiteral(" · ")));
}

} // namespace blupow
