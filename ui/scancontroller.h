#pragma once

#include <QObject>
#include <QPointer>

namespace blupow {

class DeviceListModel;
class DevicesPanel;
class DeviceScanner;

// Ties a DeviceScanner to the device list and the devices panel: Scan forgets what the last scan
// found (simulated and remembered devices stay) and starts a new one; what the scanner sees fills
// the list, RSSI kept current; progress, state, errors and the outcome show in the panel.
class ScanController : public QObject {
    Q_OBJECT

public:
    ScanController(DeviceScanner *scanner, DeviceListModel *model, DevicesPanel *panel,
                   QObject *parent = nullptr);

    // When the simulated devices are listed, an error also says that they stay.
    void setSimulatedDevicesListed(bool listed) { m_simulatedListed = listed; }

public Q_SLOTS:
    void startScan();

private:
    QPointer<DeviceScanner> m_scanner;
    DeviceListModel *m_model;
    QPointer<DevicesPanel> m_panel;
    bool m_simulatedListed = false;
};

} // namespace blupow
