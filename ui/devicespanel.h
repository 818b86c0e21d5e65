#pragma once

#include "device/discovereddevice.h"

#include <QWidget>

#include <optional>

class QAction;
class QLabel;
class QProgressBar;
class QTableView;

namespace blupow {

class DeviceListModel;

// The device list: scan (with visible progress), RSSI, family guess, connect and disconnect,
// every linked device with its link state and what it reads now. Several can be linked at once:
// choosing a linked device's row shows it in the panels. It asks; the composition root decides
// who scans and how a device is reached.
class DevicesPanel : public QWidget {
    Q_OBJECT

public:
    explicit DevicesPanel(DeviceListModel *model, QWidget *parent = nullptr);

    [[nodiscard]] QAction *scanAction() const { return m_scanAction; }
    [[nodiscard]] QAction *connectAction() const { return m_connectAction; }
    [[nodiscard]] QAction *disconnectAction() const { return m_disconnectAction; }
    [[nodiscard]] QTableView *view() const { return m_view; }
    [[nodiscard]] QProgressBar *progressBar() const { return m_progress; }
    [[nodiscard]] QString messageText() const;
    [[nodiscard]] bool isScanning() const { return m_scanning; }

    [[nodiscard]] std::optional<DiscoveredDevice> selectedDevice() const;
    void selectAddress(const QString &address);

public Q_SLOTS:
    void setScanning(bool scanning);
    void setScanProgress(qint64 elapsedMs, int timeoutMs);
    // One line under the list: "No Bluetooth adapter: simulated devices only", scan errors.
    void setMessage(const QString &message);
    // The connected device's row is marked; empty = nothing connected.
    void setConnectedAddress(const QString &address);

Q_SIGNALS:
    void scanRequested();
    void connectRequested(const blupow::DiscoveredDevice &device);
    // The selected device when it is linked, else the one shown.
    void disconnectRequested(const QString &address);
    // A linked device's row was chosen: the panels are to show it.
    void showRequested(const QString &address);

private:
    void requestConnect();
    void requestDisconnect();
    void updateActions();
    [[nodiscard]] QString disconnectTarget() const;

    DeviceListModel *m_model;
    QTableView *m_view;
    QProgressBar *m_progress;
    QLabel *m_message;
    QAction *m_scanAction;
    QAction *m_connectAction;
    QAction *m_disconnectAction;
    QString m_connectedAddress;
    bool m_scanning = false;
};

} // namespace blupow
