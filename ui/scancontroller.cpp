#include "scancontroller.h"

#include "ble/devicescanner.h"
#include "devicespanel.h"
#include "models/devicelistmodel.h"

namespace blupow {

ScanController::ScanController(DeviceScanner *scanner, DeviceListModel *model, DevicesPanel *panel,
                               QObject *parent)
    : QObject(parent)
    , m_scanner(scanner)
    , m_model(model)
    , m_panel(panel) {
    connect(panel, &DevicesPanel::scanRequested, this, &ScanController::startScan);
    connect(scanner, &DeviceScanner::deviceDiscovered, model, &DeviceListModel::addOrUpdate);
    connect(scanner, &DeviceScanner::deviceUpdated, model, &DeviceListModel::addOrUpdate);
    connect(scanner, &DeviceScanner::progress, panel, &DevicesPanel::setScanProgress);
    connect(scanner, &DeviceScanner::stateChanged, panel, [panel](DeviceScanner::State state) {
        panel->setScanning(state == DeviceScanner::State::Scanning);
    });
    connect(scanner, &DeviceScanner::errorOccurred, panel,
            [this](DeviceScanner::Error, const QString &message) {
                m_panel->setMessage(m_simulatedListed
                                        ? message +
                                              QStringLiteral(" The simulated devices stay listed.")
                                        : message);
            });
    connect(scanner, &DeviceScanner::finished, panel, [this] {
        m_panel->setScanning(false);
        if (m_scanner->error() == DeviceScanner::Error::None)
            m_panel->setMessage(QStringLiteral("Scan finished: %1 Renogy device(s) seen.")
                                    .arg(m_scanner->devices().size()));
    });
}

void ScanController::startScan() {
    if (!m_scanner)
        return;
    m_model->clearScanned();
    m_panel->setMessage({});
    m_scanner->start();
}

} // namespace blupow
