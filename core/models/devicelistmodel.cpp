#include "devicelistmodel.h"

#include "capture/capturetimeline.h"
#include "registers/family.h"

namespace blupow {

QString familyGuessText(const DiscoveredDevice &device) {
    if (!device.familyGuess)
        return QStringLiteral("unknown (BT-1/BT-2 module)");
    QString text = familyTitle(*device.familyGuess);
    if (!device.variant.isEmpty())
        text += QStringLiteral(" (%1)").arg(device.variant);
    return text;
}

int DeviceListModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_devices.size());
}

int DeviceListModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DeviceListModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DiscoveredDevice &d = m_devices.at(index.row());
    switch (role) {
    case DeviceRole:
        return QVariant::fromValue(d);
    case AddressRole:
        return d.address;
    case RssiRole:
        return d.rssi;
    case SimulatedRole:
        return d.simulated;
    case ConnectedRole:
        return !m_connected.isEmpty() && d.address.compare(m_connected, Qt::CaseInsensitive) == 0;
    case LinkedRole:
        return isLinked(d.address);
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return d.name;
        case StatusColumn:
            return m_links.value(d.address.toUpper()).status;
        case SummaryColumn:
            return m_links.value(d.address.toUpper()).summary;
        case AddressColumn:
            return d.address;
        case RssiColumn:
            return d.rssi == 0 ? QStringLiteral("-") : QStringLiteral("%1 dBm").arg(d.rssi);
        case FamilyColumn:
            return familyGuessText(d);
        case KindColumn: {
            if (capture::isCaptureDeviceAddress(d.address))
                return data(index, ConnectedRole).toBool() ? QStringLiteral("capture, shown")
                                                           : QStringLiteral("capture");
            const QString kind =
                d.simulated ? QStringLiteral("simulated") : QStringLiteral("Bluetooth");
            return isLinked(d.address) || data(index, ConnectedRole).toBool()
                       ? kind + QStringLiteral(", connected")
                       : kind;
        }
        default:
            return {};
        }
    case Qt::AccessibleTextRole:
        // What a screen reader says for the name: sighted users see the connected row in bold.
        if (index.column() == NameColumn && data(index, ConnectedRole).toBool())
            return QString(d.name + QStringLiteral(", connected, shown"));
        if (index.column() == NameColumn && isLinked(d.address))
            return QString(d.name + QStringLiteral(", connected"));
        return data(index, Qt::DisplayRole);
    case Qt::ToolTipRole:
        if (index.column() == FamilyColumn)
            return familyGuessText(d);
        // In a narrow dock the link's columns may be out of view: the name tells them too.
        if (const auto link = m_links.constFind(d.address.toUpper()); link != m_links.cend())
            return QStringList{d.name, d.address, link->status, link->summary}
                .join(u'\n')
                .trimmed();
        if (capture::isCaptureDeviceAddress(d.address))
            return QStringLiteral("Found in the open capture: its recorded values, no link");
        return QStringLiteral("%1 (%2)").arg(d.simulated
                                                 ? QStringLiteral("Built-in simulator: no "
                                                                  "hardware needed")
                                                 : QStringLiteral("Seen by the Bluetooth scan"),
                                             d.address);
    case Qt::TextAlignmentRole:
        if (index.column() == RssiColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant DeviceListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return QStringLiteral("Name");
    case AddressColumn:
        return QStringLiteral("Address");
    case RssiColumn:
        return QStringLiteral("RSSI");
    case FamilyColumn:
        return QStringLiteral("Family (guess)");
    case StatusColumn:
        return QStringLiteral("Link");
    case SummaryColumn:
        return QStringLiteral("Now");
    case KindColumn:
        return QStringLiteral("Kind");
    default:
        return {};
    }
}

int DeviceListModel::rowOf(const QString &address) const {
    for (int i = 0; i < m_devices.size(); ++i) {
        if (m_devices.at(i).address.compare(address, Qt::CaseInsensitive) == 0)
            return i;
    }
    return -1;
}

void DeviceListModel::addOrUpdate(const DiscoveredDevice &device) {
    const int row = rowOf(device.address);
    if (row < 0) {
        const int at = static_cast<int>(m_devices.size());
        beginInsertRows({}, at, at);
        m_devices.append(device);
        endInsertRows();
        return;
    }
    if (m_devices.at(row) == device)
        return;
    m_devices[row] = device;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void DeviceListModel::setConnectedAddress(const QString &address) {
    if (address == m_connected)
        return;
    m_connected = address;
    if (!m_devices.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void DeviceListModel::setLinkStatus(const DiscoveredDevice &device, const QString &status) {
    if (rowOf(device.address) < 0)
        addOrUpdate(device);
    LinkInfo &info = m_links[device.address.toUpper()];
    if (info.status == status)
        return;
    info.status = status;
    changedRow(device.address);
}

void DeviceListModel::setLinkSummary(const QString &address, const QString &summary) {
    const auto it = m_links.find(address.toUpper());
    if (it == m_links.end() || it->summary == summary)
        return;
    it->summary = summary;
    changedRow(address);
}

void DeviceListModel::clearLink(const QString &address) {
    if (m_links.remove(address.toUpper()))
        changedRow(address);
}

bool DeviceListModel::isLinked(const QString &address) const {
    return m_links.contains(address.toUpper());
}

void DeviceListModel::changedRow(const QString &address) {
    if (const int row = rowOf(address); row >= 0)
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void DeviceListModel::clearScanned() {
    // A capture's devices stay until another capture replaces them (removeCaptured()).
    // A linked device stays too: its row is where its link is shown and closed.
    removeWhere([this](const DiscoveredDevice &d) {
        return !d.simulated && !capture::isCaptureDeviceAddress(d.address) && !isLinked(d.address);
    });
}

void DeviceListModel::removeCaptured() {
    removeWhere(
        [](const DiscoveredDevice &d) { return capture::isCaptureDeviceAddress(d.address); });
}

void DeviceListModel::removeWhere(const std::function<bool(const DiscoveredDevice &)> &match) {
    for (int row = static_cast<int>(m_devices.size()) - 1; row >= 0; --row) {
        if (!match(m_devices.at(row)))
            continue;
        beginRemoveRows({}, row, row);
        m_devices.removeAt(row);
        endRemoveRows();
    }
}

void DeviceListModel::clear() {
    if (m_devices.isEmpty())
        return;
    beginResetModel();
    m_devices.clear();
    endResetModel();
}

} // namespace blupow
