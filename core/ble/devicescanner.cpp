#include "devicescanner.h"

#include "device/renogynames.h"
#include "logging.h"

#include <QBluetoothAddress>
#include <QBluetoothLocalDevice>
#include <QBluetoothUuid>

#include <algorithm>

namespace blupow {

namespace {
// docs/protocol.md 2.2: BT-TH-* (and the built-in modules that look like them) advertise 0xFFD0.
const QBluetoothUuid kRenogyService{quint16(0xFFD0)};
constexpr int kProgressIntervalMs = 100;

QString normalizedAddress(const QString &address) {
    return address.trimmed().toUpper();
}
} // namespace

DeviceScanner::DeviceScanner(QObject *parent)
    : QObject(parent) {
    m_timeoutTimer.setSingleShot(true);
    m_timeoutTimer.setTimerType(Qt::PreciseTimer);
    m_progressTimer.setInterval(kProgressIntervalMs);
    connect(&m_timeoutTimer, &QTimer::timeout, this, [this] {
        m_timedOut =
            !m_stopRequested && (m_targetAddress.isEmpty() || !m_infos.contains(m_targetAddress));
        finish();
    });
    connect(&m_progressTimer, &QTimer::timeout, this,
            [this] { Q_EMIT progress(elapsedMs(), m_timeoutMs); });
}

DeviceScanner::~DeviceScanner() = default;

void DeviceScanner::setTimeout(int ms) {
    m_timeoutMs = ms;
}

void DeviceScanner::setTargetAddress(const QString &address) {
    m_targetAddress = normalizedAddress(address);
}

std::pair<DeviceScanner::Error, QString> DeviceScanner::checkAdapter() {
    // With BlueZ absent Qt prints "Cannot find a compatible running Bluez" and lists no adapter.
    const auto adapters = QBluetoothLocalDevice::allDevices();
    if (adapters.isEmpty()) {
        return {Error::NoAdapter,
                QStringLiteral("No Bluetooth adapter found: is bluetoothd (BlueZ) running and an "
                               "adapter present? (bluetoothctl list)")};
    }
    QBluetoothLocalDevice local(adapters.constFirst().address());
    if (local.hostMode() == QBluetoothLocalDevice::HostPoweredOff) {
        return {Error::PoweredOff,
                QStringLiteral("Bluetooth adapter %1 is powered off (bluetoothctl power on)")
                    .arg(adapters.constFirst().address().toString())};
    }
    return {Error::None, {}};
}

void DeviceScanner::start() {
    if (m_state == State::Scanning) {
        return;
    }
    m_error = Error::None;
    m_errorString.clear();
    m_infos.clear();
    m_order.clear();
    m_timedOut = false;
    m_stopRequested = false;
    const auto [adapterError, message] = checkAdapter();
    if (adapterError != Error::None) {
        fail(adapterError, message);
        return;
    }
    m_agent = std::make_unique<QBluetoothDeviceDiscoveryAgent>();
    // Our own timer ends the scan: the agent's would too, but a GUI wants one clock for both.
    m_agent->setLowEnergyDiscoveryTimeout(0);
    connect(m_agent.get(), &QBluetoothDeviceDiscoveryAgent::deviceDiscovered, this,
            &DeviceScanner::onDeviceDiscovered);
    connect(m_agent.get(), &QBluetoothDeviceDiscoveryAgent::deviceUpdated, this,
            &DeviceScanner::onDeviceUpdated);
    connect(m_agent.get(), &QBluetoothDeviceDiscoveryAgent::errorOccurred, this,
            &DeviceScanner::onAgentError);
    connect(m_agent.get(), &QBluetoothDeviceDiscoveryAgent::finished, this, &DeviceScanner::finish);
    connect(m_agent.get(), &QBluetoothDeviceDiscoveryAgent::canceled, this, &DeviceScanner::finish);
    m_elapsed.start();
    setState(State::Scanning);
    m_timeoutTimer.start(m_timeoutMs);
    m_progressTimer.start();
    qCDebug(lcBle) << "scan started, timeout" << m_timeoutMs << "ms"
                   << (m_targetAddress.isEmpty() ? QString()
                                                 : QStringLiteral("for ") + m_targetAddress);
    m_agent->start(QBluetoothDeviceDiscoveryAgent::LowEnergyMethod);
}

void DeviceScanner::stop() {
    finish();
}

qint64 DeviceScanner::elapsedMs() const {
    return m_elapsed.isValid() ? m_elapsed.elapsed() : 0;
}

QList<DiscoveredDevice> DeviceScanner::devices() const {
    QList<DiscoveredDevice> result;
    for (const auto &address : m_order) {
        result.append(toDiscoveredDevice(m_infos.value(address)));
    }
    return result;
}

std::optional<QBluetoothDeviceInfo> DeviceScanner::deviceInfo(const QString &address) const {
    const auto it = m_infos.constFind(normalizedAddress(address));
    if (it == m_infos.cend()) {
        return std::nullopt;
    }
    return *it;
}

DiscoveredDevice DeviceScanner::toDiscoveredDevice(const QBluetoothDeviceInfo &info) {
    DiscoveredDevice device;
    device.name = info.name().trimmed();
    device.address = info.address().toString();
    device.rssi = info.rssi();
    const NameMatch match = matchAdvertisedName(device.name);
    device.familyGuess = match.family;
    device.variant = match.variant;
    return device;
}

std::optional<DiscoveredDevice> DeviceScanner::toRenogyDevice(const QBluetoothDeviceInfo &info) {
    if (!(info.coreConfigurations() & QBluetoothDeviceInfo::LowEnergyCoreConfiguration)) {
        return std::nullopt;
    }
    const bool byName = matchAdvertisedName(info.name()).isRenogy;
    const bool byService = info.serviceUuids().contains(kRenogyService);
    if (!byName && !byService) {
        return std::nullopt;
    }
    return toDiscoveredDevice(info);
}

void DeviceScanner::onDeviceDiscovered(const QBluetoothDeviceInfo &info) {
    accept(info, false);
}

void DeviceScanner::onDeviceUpdated(const QBluetoothDeviceInfo &info,
                                    QBluetoothDeviceInfo::Fields fields) {
    if (fields & QBluetoothDeviceInfo::Field::RSSI) {
        accept(info, true);
    }
}

void DeviceScanner::accept(const QBluetoothDeviceInfo &info, bool update) {
    if (m_state != State::Scanning) {
        return;
    }
    const QString address = normalizedAddress(info.address().toString());
    std::optional<DiscoveredDevice> device;
    if (!m_targetAddress.isEmpty()) {
        if (address != m_targetAddress) {
            return;
        }
        device = toDiscoveredDevice(info);
    } else {
        device = toRenogyDevice(info);
    }
    if (!device) {
        return;
    }
    const bool known = m_infos.contains(address);
    if (known && update) {
        // deviceUpdated carries only the changed fields reliably: keep the name seen first.
        QBluetoothDeviceInfo stored = m_infos.value(address);
        stored.setRssi(info.rssi());
        m_infos.insert(address, stored);
        device = toDiscoveredDevice(stored);
    } else {
        m_infos.insert(address, info);
    }
    m_inAgentCallback = true;
    if (!known) {
        m_order.append(address);
        qCDebug(lcBle) << "found" << device->name << device->address << device->rssi << "dBm";
        Q_EMIT deviceDiscovered(*device);
    } else {
        Q_EMIT deviceUpdated(*device);
    }
    m_inAgentCallback = false;
    if (!m_targetAddress.isEmpty()) {
        // Found: end the scan from the event loop, not inside the agent's own signal (this can
        // run within QBluetoothDeviceDiscoveryAgent::start() for a device BlueZ already knows).
        m_timeoutTimer.start(0);
    }
}

void DeviceScanner::onAgentError(QBluetoothDeviceDiscoveryAgent::Error agentError) {
    const QString detail = m_agent ? m_agent->errorString() : QString();
    switch (agentError) {
    case QBluetoothDeviceDiscoveryAgent::PoweredOffError:
        fail(Error::PoweredOff,
             QStringLiteral("Bluetooth adapter is powered off (bluetoothctl power on)"));
        break;
    case QBluetoothDeviceDiscoveryAgent::InvalidBluetoothAdapterError:
        fail(Error::NoAdapter, QStringLiteral("No usable Bluetooth adapter: %1").arg(detail));
        break;
    case QBluetoothDeviceDiscoveryAgent::MissingPermissionsError:
        fail(Error::PermissionDenied, QStringLiteral("Not allowed to scan: %1").arg(detail));
        break;
    default:
        // BlueZ answers org.bluez.Error.NotAuthorized / NotPermitted when the D-Bus policy does
        // not let this user use the adapter (not in the `bluetooth` group).
        if (detail.contains(QLatin1String("NotAuthorized"), Qt::CaseInsensitive) ||
            detail.contains(QLatin1String("NotPermitted"), Qt::CaseInsensitive) ||
            detail.contains(QLatin1String("AccessDenied"), Qt::CaseInsensitive) ||
            detail.contains(QLatin1String("permission"), Qt::CaseInsensitive)) {
            fail(Error::PermissionDenied,
                 QStringLiteral("Not allowed to use Bluetooth (add the user to the 'bluetooth' "
                                "group): %1")
                     .arg(detail));
        } else {
            fail(Error::ScanFailed, QStringLiteral("Bluetooth scan failed: %1").arg(detail));
        }
        break;
    }
}

void DeviceScanner::fail(Error error, const QString &message) {
    m_error = error;
    m_errorString = message;
    qCWarning(lcBle).noquote() << "scan:" << message;
    Q_EMIT errorOccurred(error, message);
    if (m_state == State::Scanning) {
        finish();
    } else {
        Q_EMIT finished();
    }
}

void DeviceScanner::finish() {
    m_timeoutTimer.stop();
    m_progressTimer.stop();
    if (m_agent) {
        // Detach first: stop() may emit canceled() synchronously, which would re-enter here.
        m_agent->disconnect(this);
        if (m_agent->isActive()) {
            m_agent->stop();
        }
        m_agent.release()->deleteLater();
    }
    if (m_state == State::Scanning) {
        Q_EMIT progress(m_timedOut ? std::max<qint64>(elapsedMs(), m_timeoutMs) : elapsedMs(),
                        m_timeoutMs);
        setState(State::Idle);
        Q_EMIT finished();
    }
}

void DeviceScanner::setState(State state) {
    if (m_state != state) {
        m_state = state;
        Q_EMIT stateChanged(state);
    }
}

} // namespace blupow
