#pragma once

#include "device/discovereddevice.h"

#include <QAbstractTableModel>
#include <QList>

#include <functional>

namespace blupow {

// The devices the user can pick: what the scanner saw, and the built-in simulated devices.
// Rows are keyed by address; a device seen again updates its row (RSSI, name) in place.
class DeviceListModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { NameColumn, AddressColumn, RssiColumn, FamilyColumn, KindColumn, ColumnCount };
    enum Role {
        DeviceRole = Qt::UserRole + 1, // QVariant<DiscoveredDevice>
        AddressRole,
        RssiRole,
        SimulatedRole,
        ConnectedRole,
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
    // devices and those of an open capture stay.
    void clearScanned();
    // Removes the devices of the open capture (another capture replaces them).
    void removeCaptured();
    void clear();
    // The device the app is connected to (its Link column says so); empty = none.
    void setConnectedAddress(const QString &address);
    [[nodiscard]] QString connectedAddress() const { return m_connected; }

    [[nodiscard]] const QList<DiscoveredDevice> &devices() const { return m_devices; }
    [[nodiscard]] int rowOf(const QString &address) const;
    [[nodiscard]] DiscoveredDevice device(int row) const { return m_devices.value(row); }

private:
    void removeWhere(const std::function<bool(const DiscoveredDevice &)> &match);

    QList<DiscoveredDevice> m_devices;
    QString m_connected;
};

[[nodiscard]] QString familyGuessText(const DiscoveredDevice &device);

} // namespace blupow
