#include "devicespanel.h"

#include "device/devicesession.h"
#include "models/devicelistmodel.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QSignalBlocker>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace blupow {

namespace {

// The device the session talks to, in bold, whichever columns are in view.
class ConnectedRowDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.data(DeviceListModel::ConnectedRole).toBool())
            option->font.setBold(true);
    }
};

} // namespace

DevicesPanel::DevicesPanel(DeviceListModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_view(new QTableView(this))
    , m_progress(new QProgressBar(this))
    , m_message(new QLabel(this))
    , m_slaveRow(new QWidget(this))
    , m_slaves(new QComboBox(m_slaveRow))
    , m_scanAction(new QAction(QStringLiteral("&Scan"), this))
    , m_connectAction(new QAction(QStringLiteral("&Connect"), this))
    , m_disconnectAction(new QAction(QStringLiteral("&Disconnect"), this)) {
    m_scanAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_scanAction->setToolTip(QStringLiteral("Scan for Renogy Bluetooth devices (F5)"));
    m_connectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_connectAction->setToolTip(QStringLiteral("Connect to the selected device (Ctrl+Return)"));
    m_disconnectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return));
    for (QAction *a : {m_scanAction, m_connectAction, m_disconnectAction})
        a->setShortcutContext(Qt::ApplicationShortcut);

    auto *buttons = new QHBoxLayout;
    for (QAction *a : {m_scanAction, m_connectAction, m_disconnectAction}) {
        auto *button = new QToolButton(this);
        button->setDefaultAction(a);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        buttons->addWidget(button);
    }
    buttons->addStretch();

    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->setItemDelegate(new ConnectedRowDelegate(m_view));
    // "simulated" / "Bluetooth, connected" repeats what the address ("sim:…" or a MAC) and the
    // bold row already show, and in a dock it pushed the family guess out of sight.
    m_view->hideColumn(DeviceListModel::KindColumn);
    // The address is in the tooltip of the name, and the link and its reading matter more in a
    // dock.
    m_view->hideColumn(DeviceListModel::AddressColumn);
    // The family guess is the one long text; it gives way (elided, whole in its tooltip) so that
    // a dock-sized list needs no sideways scrolling.
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(DeviceListModel::FamilyColumn,
                                                     QHeaderView::Stretch);
    m_view->setAlternatingRowColors(true);
    m_view->setAccessibleName(QStringLiteral("Devices"));

    m_progress->setTextVisible(true);
    m_progress->setFormat(QStringLiteral("Scanning… %p%"));
    m_progress->hide();
    m_message->setWordWrap(true);
    m_message->hide();

    auto *slaveLayout = new QHBoxLayout(m_slaveRow);
    slaveLayout->setContentsMargins(0, 0, 0, 0);
    auto *slaveLabel = new QLabel(QStringLiteral("Sho&wing:"), m_slaveRow);
    slaveLabel->setBuddy(m_slaves);
    slaveLayout->addWidget(slaveLabel);
    slaveLayout->addWidget(m_slaves, 1);
    m_slaves->setAccessibleName(QStringLiteral("Device on this link"));
    m_slaves->setToolTip(QStringLiteral("Several devices answer behind this link: the one the "
                                        "values, register console, settings and logs are about"));
    m_slaveRow->hide();
    connect(m_slaves, &QComboBox::activated, this, [this](int index) {
        if (m_session && index >= 0)
            m_session->setFocus(static_cast<quint8>(m_slaves->itemData(index).toUInt()));
    });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_slaveRow);
    layout->addWidget(m_progress);
    layout->addWidget(m_message);

    connect(m_scanAction, &QAction::triggered, this, &DevicesPanel::scanRequested);
    connect(m_connectAction, &QAction::triggered, this, &DevicesPanel::requestConnect);
    connect(m_disconnectAction, &QAction::triggered, this, &DevicesPanel::requestDisconnect);
    connect(m_view, &QAbstractItemView::doubleClicked, this, &DevicesPanel::requestConnect);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateActions();
        if (const auto device = selectedDevice(); device && m_model->isLinked(device->address))
            Q_EMIT showRequested(device->address);
    });
    // A link opening or closing changes what Disconnect acts on.
    connect(m_model, &QAbstractItemModel::dataChanged, this, &DevicesPanel::updateActions);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_view->selectionModel()->hasSelection() && m_model->rowCount() > 0)
            m_view->selectRow(0);
        updateActions();
    });
    updateActions();
}

std::optional<DiscoveredDevice> DevicesPanel::selectedDevice() const {
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    return m_model->device(rows.first().row());
}

void DevicesPanel::selectAddress(const QString &address) {
    const int row = m_model->rowOf(address);
    if (row >= 0)
        m_view->selectRow(row);
}

void DevicesPanel::setScanning(bool scanning) {
    m_scanning = scanning;
    m_progress->setVisible(scanning);
    if (scanning)
        m_progress->setValue(0);
    updateActions();
}

void DevicesPanel::setScanProgress(qint64 elapsedMs, int timeoutMs) {
    m_progress->setRange(0, std::max(1, timeoutMs));
    m_progress->setValue(static_cast<int>(std::min<qint64>(elapsedMs, timeoutMs)));
}

QString DevicesPanel::messageText() const {
    return m_message->text();
}

void DevicesPanel::setMessage(const QString &message) {
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
}

void DevicesPanel::setConnectedAddress(const QString &address) {
    m_connectedAddress = address;
    m_model->setConnectedAddress(address);
    updateActions();
}

void DevicesPanel::setSession(DeviceSession *session) {
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    if (session) {
        connect(session, &DeviceSession::slavesIdentified, this, &DevicesPanel::fillSlaves);
        connect(session, &DeviceSession::focusChanged, this, &DevicesPanel::fillSlaves);
    }
    fillSlaves();
}

void DevicesPanel::fillSlaves() {
    const QList<DeviceIdentity> slaves = m_session ? m_session->slaves() : QList<DeviceIdentity>{};
    const auto focus = m_session ? m_session->identity() : std::nullopt;
    const QSignalBlocker quiet(m_slaves);
    m_slaves->clear();
    for (const DeviceIdentity &slave : slaves) {
        m_slaves->addItem(slave.title(), slave.slave);
        if (focus && focus->slave == slave.slave)
            m_slaves->setCurrentIndex(m_slaves->count() - 1);
    }
    m_slaveRow->setVisible(slaves.size() > 1);
}

void DevicesPanel::requestConnect() {
    if (const auto device = selectedDevice())
        Q_EMIT connectRequested(*device);
}

void DevicesPanel::requestDisconnect() {
    if (const QString address = disconnectTarget(); !address.isEmpty())
        Q_EMIT disconnectRequested(address);
}

QString DevicesPanel::disconnectTarget() const {
    if (const auto device = selectedDevice(); device && m_model->isLinked(device->address))
        return device->address;
    return m_connectedAddress;
}

void DevicesPanel::updateActions() {
    m_scanAction->setEnabled(!m_scanning);
    const auto selected = selectedDevice();
    m_connectAction->setEnabled(selected.has_value());
    // Connect on a linked device only shows it.
    m_connectAction->setText(selected && m_model->isLinked(selected->address)
                                 ? QStringLiteral("&Show")
                                 : QStringLiteral("&Connect"));
    m_disconnectAction->setEnabled(!disconnectTarget().isEmpty());
}

} // namespace blupow
