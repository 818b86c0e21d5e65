#pragma once

#include "device/discovereddevice.h"

#include <QPointer>
#include <QWidget>

#include <optional>

class QAction;
class QComboBox;
class QLabel;
class QProgressBar;
class QTableView;

namespace blupow {

class DeviceListModel;
class DeviceSession;

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
    // Which of the shown link's devices the per-device panels show, when it has several.
    [[nodiscard]] QComboBox *slaveChooser() const { return m_slaves; }
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
    // The shown link: when several devices answer behind it (a bank behind one BT-2), a chooser
    // under the list puts one of them in focus (DeviceSession::setFocus).
    void setSession(blupow::DeviceSession *session);

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
    void fillSlaves();

    DeviceListModel *m_model;
    QTableView *m_view;
    QProgressBar *m_progress;
    QLabel *m_message;
    QWidget *m_slaveRow;
    QComboBox *m_slaves;
    QPointer<DeviceSession> m_session;
    QAction *m_scanAction;
    QAction *m_connectAction;
    QAction *m_disconnectAction;
    QString m_connectedAddress;
    bool m_scanning = false;
};

} // namespace blupow
