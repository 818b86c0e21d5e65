#include "systemoverviewpanel.h"

#include "alarms/alarmtracker.h"
#include "device/devicesession.h"
#include "models/banktablemodel.h"

#include <QFrame>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace blupow {

namespace {

QString watts(std::optional<double> w) {
    return w ? QStringLiteral("%1 W").arg(*w, 0, 'f', 0) : QStringLiteral("— W");
}

QString number(std::optional<double> x, int decimals, const QString &unit) {
    return x ? QStringLiteral("%1 %2").arg(*x, 0, 'f', decimals).arg(unit)
             : QStringLiteral("— %1").arg(unit);
}

// Values that stand out from the bank: red and bold, over the "⚠" their text already carries.
class OutlierDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.data(BankTableModel::OutlierRole).toBool()) {
            option->font.setBold(true);
            option->palette.setColor(QPalette::Text, QColor(0xb0, 0x00, 0x20));
        }
    }
};

} // namespace

SystemOverviewPanel::SystemOverviewPanel(AlarmTracker *alarms, QWidget *parent)
    : QWidget(parent)
    , m_alarms(alarms)
    , m_alarmsLabel(new QLabel(this))
    , m_bankModel(new BankTableModel(this))
    , m_bankTable(new QTableView(this)) {
    setObjectName(QStringLiteral("systemOverviewPanel"));
    auto *flows = new QGridLayout;
    flows->setHorizontalSpacing(fontMetrics().averageCharWidth());
    flows->addWidget(tile(QStringLiteral("pv"), QStringLiteral("Solar (PV)")), 0, 0);
    flows->addWidget(arrow(QStringLiteral("charge_in")), 0, 1);
    flows->addWidget(tile(QStringLiteral("controllers"), QStringLiteral("Charge controllers")), 0,
                     2);
    flows->addWidget(arrow(QStringLiteral("charge")), 0, 3);
    flows->addWidget(tile(QStringLiteral("bank"), QStringLiteral("Battery bank")), 0, 4);
    flows->addWidget(arrow(QStringLiteral("inverter")), 0, 5);
    flows->addWidget(tile(QStringLiteral("inverter"), QStringLiteral("Inverter")), 0, 6);
    flows->addWidget(arrow(QStringLiteral("loads")), 0, 7);
    flows->addWidget(tile(QStringLiteral("loads"), QStringLiteral("AC loads")), 0, 8);
    for (int c = 0; c < 9; c += 2)
        flows->setColumnStretch(c, 1);

    m_alarmsLabel->setObjectName(QStringLiteral("systemAlarms"));
    m_alarmsLabel->setWordWrap(true);
    m_alarmsLabel->setTextFormat(Qt::PlainText);
    QFont alarmFont = font();
    alarmFont.setPointSizeF(alarmFont.pointSizeF() * 1.3);
    alarmFont.setBold(true);
    m_alarmsLabel->setFont(alarmFont);

    m_bankTable->setObjectName(QStringLiteral("bankTable"));
    m_bankTable->setModel(m_bankModel);
    m_bankTable->setItemDelegate(new OutlierDelegate(m_bankTable));
    m_bankTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_bankTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_bankTable->setWordWrap(false);
    m_bankTable->verticalHeader()->hide();
    m_bankTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_bankTable->horizontalHeader()->setStretchLastSection(true);
    m_bankTable->setAccessibleName(QStringLiteral("Battery bank"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(flows);
    layout->addWidget(m_alarmsLabel);
    layout->addWidget(m_bankTable, 1);

    m_repaint.setInterval(1000);
    connect(&m_repaint, &QTimer::timeout, this, &SystemOverviewPanel::refresh);
    if (m_alarms)
        connect(m_alarms, &AlarmTracker::changed, this, &SystemOverviewPanel::refresh);
    m_repaint.start();
    refresh();
}

QWidget *SystemOverviewPanel::tile(const QString &part, const QString &title) {
    auto *frame = new QFrame(this);
    frame->setObjectName(part + QStringLiteral("Tile"));
    frame->setFrameShape(QFrame::StyledPanel);
    auto *layout = new QVBoxLayout(frame);
    auto *heading = new QLabel(title, frame);
    heading->setAlignment(Qt::AlignCenter);
    auto *value = new QLabel(frame);
    value->setObjectName(part + QStringLiteral("Value"));
    value->setAlignment(Qt::AlignCenter);
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 2.4);
    big.setBold(true);
    value->setFont(big);
    auto *detail = new QLabel(frame);
    detail->setObjectName(part + QStringLiteral("Detail"));
    detail->setAlignment(Qt::AlignCenter);
    detail->setWordWrap(true);
    layout->addWidget(heading);
    layout->addWidget(value);
    layout->addWidget(detail);
    m_values.insert(part, value);
    m_details.insert(part, detail);
    m_tiles.insert(part, frame);
    return frame;
}

QLabel *SystemOverviewPanel::arrow(const QString &name) {
    auto *label = new QLabel(this);
    label->setObjectName(name + QStringLiteral("Flow"));
    label->setAlignment(Qt::AlignCenter);
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    label->setFont(f);
    m_flows.insert(name, label);
    return label;
}

void SystemOverviewPanel::setSession(DeviceSession *session) {
    setSessions(session ? QList<DeviceSession *>{session} : QList<DeviceSession *>{});
}

void SystemOverviewPanel::setSessions(const QList<DeviceSession *> &sessions) {
    for (const QPointer<DeviceSession> &old : std::as_const(m_sessions)) {
        if (old)
            disconnect(old, nullptr, this, nullptr);
    }
    m_sessions.clear();
    for (DeviceSession *session : sessions) {
        if (!session)
            continue;
        m_sessions.append(session);
        connect(session, &DeviceSession::slavesIdentified, this, &SystemOverviewPanel::refresh);
    }
    refresh();
}

void SystemOverviewPanel::setTile(const QString &part, bool present, const QString &value,
                                  const QString &detail) {
    m_values.value(part)->setText(present ? value : QStringLiteral("—"));
    m_details.value(part)->setText(present ? detail : QStringLiteral("not connected"));
    m_tiles.value(part)->setEnabled(present);
}

void SystemOverviewPanel::refresh() {
    QList<SystemDevice> devices;
    for (const QPointer<DeviceSession> &session : std::as_const(m_sessions)) {
        if (!session)
            continue;
        for (const DeviceIdentity &slave : session->slaves())
            devices.append({slave, session->currentValues(slave.slave)});
    }
    m_summary = summarizeSystem(devices);
    const SystemSummary &s = m_summary;
    const bool bank = !s.batteries.isEmpty() || s.bankVoltage;
    setTile(QStringLiteral("pv"), s.controllers + s.inverters > 0, watts(s.pvPower),
            QStringLiteral("solar input"));
    setTile(QStringLiteral("controllers"), s.controllers > 0, watts(s.chargePower),
            QStringLiteral("%1 charging · DC load %2")
                .arg(s.controllers == 1 ? QStringLiteral("1 controller")
                                        : QStringLiteral("%1 controllers").arg(s.controllers),
                     watts(s.dcLoadPower)));
    setTile(QStringLiteral("bank"), bank, number(s.bankSoc, 0, QStringLiteral("%")),
            QStringLiteral("%1 · %2 · %3%4")
                .arg(number(s.bankVoltage, 2, QStringLiteral("V")),
                     number(s.bankCurrent, 1, QStringLiteral("A")), watts(s.bankPower),
                     s.batteries.isEmpty()
                         ? QStringLiteral(" · as a controller or inverter reads it")
                         : QStringLiteral(" · %1 batter%2")
                               .arg(s.batteries.size())
                               .arg(s.batteries.size() == 1 ? QStringLiteral("y")
                                                            : QStringLiteral("ies"))));
    setTile(QStringLiteral("inverter"), s.inverters > 0, watts(s.mainsPower),
            QStringLiteral("from the mains · charging the battery %1")
                .arg(watts(s.inverterChargePower)));
    setTile(QStringLiteral("loads"), s.inverters > 0, watts(s.acLoadPower),
            QStringLiteral("AC output"));
    m_flows.value(QStringLiteral("charge_in"))
        ->setText(QStringLiteral("→\n%1").arg(watts(s.pvPower)));
    m_flows.value(QStringLiteral("charge"))
        ->setText(QStringLiteral("→\n%1").arg(watts(s.chargePower)));
    m_flows.value(QStringLiteral("inverter"))
        ->setText(QStringLiteral("⇄\n%1").arg(watts(s.inverterChargePower)));
    m_flows.value(QStringLiteral("loads"))
        ->setText(QStringLiteral("→\n%1").arg(watts(s.acLoadPower)));

    QStringList lines;
    if (m_alarms) {
        for (const Alarm &a : m_alarms->active()) {
            const QString device = a.deviceName.isEmpty() ? a.deviceId : a.deviceName;
            lines.append(
                QStringLiteral("⚠ %1: %2 — %3").arg(device, a.title(), a.condition.meaning));
        }
    }
    m_alarmsLabel->setText(lines.isEmpty() ? QStringLiteral("No active alarm.")
                                           : lines.join(QLatin1Char('\n')));
    m_alarmsLabel->setStyleSheet(lines.isEmpty() ? QString()
                                                 : QStringLiteral("QLabel { color: #b00020; }"));
    m_bankModel->setBatteries(s.batteries);
    m_bankTable->setVisible(!s.batteries.isEmpty());
}

} // namespace blupow
