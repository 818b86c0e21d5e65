#pragma once

#include "device/discovereddevice.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

#include <functional>

namespace blupow {

// The devices the user can pick: what the scanner saw, and the built-in simulated devices.
// Rows are keyed by address; a device seen again updates its row (RSSI, name) in place. A linked
// device's row also says how its link is doing and what it reads now (showLinksInDeviceList()
// keeps that up to date); the current one, that the panels show, is in bold.
class DeviceListModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        StatusColumn,  // the link: connecting, polling, reconnecting in 4 s; empty when none
        SummaryColumn, // what it reads now (deviceSummaryText)
        AddressColumn,
        RssiColumn,
        FamilyColumn,
        KindColumn,
        ColumnCount
    };
    enum Role {
        DeviceRole = Qt::UserRole + 1, // QVariant<DiscoveredDevice>
        AddressRole,
        RssiRole,
        SimulatedRole,
        ConnectedRole, // the current device, that the panels show
        LinkedRole,    // a link to it is open (current or not)
    };

    using QAbstractTableModel::QAbstractTableModel;

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index,
                                int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

    void addOrUpdate(const DiscoveredDevice &device);
    // Removes every device the scan found (a new scan starts from what it sees); the simulated
    // devices, the linked ones and those of an open capture stay.
    void clearScanned();
    // Removes the devices of the open capture (another capture replaces them).
    void removeCaptured();
    void clear();
    // The device the app is connected to (its Link column says so); empty = none.
    void setConnectedAddress(const QString &address);
    [[nodiscard]] QString connectedAddress() const { return m_connected; }
    // The link to a device: its state in words and a summary of its values. A device not yet
    // listed is added. clearLink(): the link is closed.
    void setLinkStatus(const DiscoveredDevice &device, const QString &status);
    void setLinkSummary(const QString &address, const QString &summary);
    void clearLink(const QString &address);
    [[nodiscard]] bool isLinked(const QString &address) const;

    [[nodiscard]] const QList<DiscoveredDevice> &devices() const { return m_devices; }
    [[nodiscard]] int rowOf(const QString &address) const;
    [[nodiscard]] DiscoveredDevice device(int row) const { return m_devices.value(row); }

private:
    void removeWhere(const std::function<bool(const DiscoveredDevice &)> &match);

    struct LinkInfo {
        QString status;
        QString summary;
    };
    void changedRow(const QString &address);

    QList<DiscoveredDevice> m_devices;
    QString m_connected;
    QHash<QString, LinkInfo> m_links; // by address, in upper case
};

[[nodiscard]] QString familyGuessText(const DiscoveredDevice &device);

} // namespace blupow
