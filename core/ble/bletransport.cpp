#include "bletransport.h"

#include "ble/devicescanner.h"
#include "device/renogynames.h"
#include "logging.h"

#include <QBluetoothAddress>
#include <QBluetoothUuid>
#include <QDateTime>
#include <QLowEnergyDescriptor>
#include <QMetaEnum>

#include <algorithm>

namespace blupow {

namespace {
// docs/protocol.md 3.1: requests go to FFD1 in service FFD0, replies come as notifications on FFF1
// in service FFF0; FFD4 is the inverters' priming characteristic (3.3).
const QBluetoothUuid kWriteService{quint16(0xFFD0)};
const QBluetoothUuid kWriteChar{quint16(0xFFD1)};
const QBluetoothUuid kPrimingChar{quint16(0xFFD4)};
const QBluetoothUuid kNotifyService{quint16(0xFFF0)};
const QBluetoothUuid kNotifyChar{quint16(0xFFF1)};
// ATT_MTU 23 minus the 3-byte header: the most a Write Without Response can carry when the MTU
// is unknown (Qt 6.4 over BlueZ D-Bus reports -1, docs/bluez-fake.md).
constexpr int kMaxCommandWrite = 20;

QString shortUuid(const QBluetoothUuid &uuid) {
    bool ok = false;
    const quint16 value = uuid.toUInt16(&ok);
    return ok ? QStringLiteral("%1").arg(value, 4, 16, QLatin1Char('0')).toUpper()
              : uuid.toString();
}

QString serviceErrorName(QLowEnergyService::ServiceError error) {
    return QString::fromLatin1(
        QMetaEnum::fromType<QLowEnergyService::ServiceError>().valueToKey(error));
}

QString describeCharacteristics(const QLowEnergyService *service) {
    QStringList parts;
    for (const auto &c : service->characteristics()) {
        parts << QStringLiteral("%1(props 0x%2)")
                     .arg(shortUuid(c.uuid()))
                     .arg(int(c.properties()), 2, 16, QLatin1Char('0'));
    }
    return parts.isEmpty() ? QStringLiteral("none") : parts.join(QLatin1String(", "));
}
} // namespace

BleTransport::BleTransport(const QBluetoothDeviceInfo &device, QObject *parent)
    : BleTransport(device, Options{}, parent) {}

BleTransport::BleTransport(const QBluetoothDeviceInfo &device, Options options, QObject *parent)
    : BleTransport(device.address().toString(), device.name(), options, parent) {
    m_device = device;
}

BleTransport::BleTransport(const QString &address, const QString &name, Options options,
                           QObject *parent)
    : Transport(parent)
    , m_options(options)
    , m_address(address.trimmed().toUpper())
    , m_name(name.trimmed()) {
    m_setupTimer.setSingleShot(true);
    m_nextServiceTimer.setSingleShot(true);
    m_nextServiceTimer.setInterval(0);
    m_primingDelayTimer.setSingleShot(true);
    m_primingReadTimer.setSingleShot(true);
    m_retryTimer.setSingleShot(true);
    m_closeTimer.setSingleShot(true);

    connect(&m_setupTimer, &QTimer::timeout, this, [this] {
        if (m_phase == Phase::Retrying) {
            // The disconnect before a retry never confirmed: start over regardless.
            dropController();
            m_retryTimer.start(m_options.retryDelayMs);
            return;
        }
        const QString what = QStringLiteral("%1 (%2): no progress while %3 for %4 s")
                                 .arg(peerName(), m_address, phaseName(m_phase))
                                 .arg(m_options.connectTimeoutMs / 1000.0);
        fail(m_phase == Phase::Connecting ? Error::ConnectionRefused : Error::Unknown, what);
    });
    connect(&m_nextServiceTimer, &QTimer::timeout, this, &BleTransport::startNextServiceDetails);
    connect(&m_primingDelayTimer, &QTimer::timeout, this, &BleTransport::onPrimingRead);
    connect(&m_primingReadTimer, &QTimer::timeout, this, [this] {
        qCInfo(lcBle) << "priming read of FFD4 unanswered; going on (docs/protocol.md 3.3)";
        becomeOpen();
    });
    connect(&m_retryTimer, &QTimer::timeout, this, &BleTransport::startConnect);
    connect(&m_closeTimer, &QTimer::timeout, this, &BleTransport::finishClosed);
}

BleTransport::~BleTransport() {
    // Leave no link up behind us: Qt's D-Bus controller only warns when deleted while connected,
    // and BlueZ would keep the link (the BT-2 then refuses every other central).
    dropController();
}

bool BleTransport::nameNeedsPrimingRead(const QString &name) {
    return matchAdvertisedName(name).family == Family::Inverter;
}

bool BleTransport::primingEnabled() const {
    return m_options.primingRead.value_or(nameNeedsPrimingRead(peerName()));
}

QString BleTransport::phaseName(Phase phase) {
    switch (phase) {
    case Phase::Idle:
        return QStringLiteral("idle");
    case Phase::LookingUp:
        return QStringLiteral("looking for the device");
    case Phase::Connecting:
        return QStringLiteral("connecting");
    case Phase::DiscoveringServices:
        return QStringLiteral("discovering services");
    case Phase::DiscoveringDetails:
        return QStringLiteral("discovering characteristics");
    case Phase::EnablingNotifications:
        return QStringLiteral("enabling notifications");
    case Phase::PrimingDelay:
        return QStringLiteral("waiting to prime");
    case Phase::PrimingRead:
        return QStringLiteral("priming read");
    case Phase::Open:
        return QStringLiteral("open");
    case Phase::Retrying:
        return QStringLiteral("reconnecting");
    case Phase::Closing:
        return QStringLiteral("closing");
    }
    return {};
}

Transport::State BleTransport::state() const {
    switch (m_phase) {
    case Phase::Idle:
        return State::Closed;
    case Phase::Open:
        return State::Open;
    case Phase::Closing:
        return State::Closing;
    default:
        return State::Opening;
    }
}

QString BleTransport::peerName() const {
    const QString name = m_device.isValid() ? m_device.name().trimmed() : QString();
    return name.isEmpty() ? m_name : name;
}

QString BleTransport::peerAddress() const {
    return m_address;
}

int BleTransport::rssi() const {
    return m_device.isValid() ? m_device.rssi() : 0;
}

void BleTransport::open() {
    if (m_phase != Phase::Idle) {
        return;
    }
    m_serviceRetries = 0;
    m_lookedUp = false;
    Q_EMIT stateChanged(State::Opening);
    if (QBluetoothAddress(m_address).isNull()) {
        fail(Error::DeviceNotFound,
             QStringLiteral("'%1' is not a Bluetooth address").arg(m_address));
        return;
    }
    const auto [adapterError, message] = DeviceScanner::checkAdapter();
    if (adapterError == DeviceScanner::Error::NoAdapter) {
        fail(Error::AdapterUnavailable, message);
        return;
    }
    if (adapterError == DeviceScanner::Error::PoweredOff) {
        fail(Error::AdapterPoweredOff, message);
        return;
    }
    if (!m_device.isValid()) {
        m_device = QBluetoothDeviceInfo(QBluetoothAddress(m_address), m_name, 0);
        m_device.setCoreConfigurations(QBluetoothDeviceInfo::LowEnergyCoreConfiguration);
    }
    startConnect();
}

void BleTransport::startLookup() {
    m_lookedUp = true;
    setPhase(Phase::LookingUp);
    qCInfo(lcBle).noquote() << "BlueZ does not know" << m_address << "yet: scanning for it";
    m_scanner = std::make_unique<DeviceScanner>();
    m_scanner->setTimeout(m_options.lookupTimeoutMs);
    m_scanner->setTargetAddress(m_address);
    connect(m_scanner.get(), &DeviceScanner::finished, this, [this] {
        const auto info = m_scanner->deviceInfo(m_address);
        const auto scanError = m_scanner->error();
        const QString scanMessage = m_scanner->errorString();
        retire(m_scanner.release());
        if (m_phase != Phase::LookingUp) {
            return;
        }
        if (info) {
            m_device = *info;
            startConnect();
        } else if (scanError == DeviceScanner::Error::PoweredOff) {
            fail(Error::AdapterPoweredOff, scanMessage);
        } else if (scanError == DeviceScanner::Error::NoAdapter) {
            fail(Error::AdapterUnavailable, scanMessage);
        } else if (scanError == DeviceScanner::Error::PermissionDenied) {
            fail(Error::PermissionDenied, scanMessage);
        } else {
            fail(Error::DeviceNotFound,
                 QStringLiteral("%1 was not seen in a %2 s scan: out of range, switched off, or "
                                "connected to another central (the BT-2 accepts one: close the "
                                "Renogy app)")
                     .arg(m_address)
                     .arg(m_options.lookupTimeoutMs / 1000.0));
        }
    });
    m_scanner->start();
}

void BleTransport::startConnect() {
    dropController();
    setPhase(Phase::Connecting);
    m_controller.reset(QLowEnergyController::createCentral(m_device));
    auto *controller = m_controller.get();
    connect(controller, &QLowEnergyController::connected, this, &BleTransport::onConnected);
    connect(controller, &QLowEnergyController::disconnected, this, &BleTransport::onDisconnected);
    connect(controller, &QLowEnergyController::errorOccurred, this,
            &BleTransport::onControllerError);
    connect(controller, &QLowEnergyController::discoveryFinished, this,
            &BleTransport::onServiceDiscoveryFinished);
    m_setupTimer.start(m_options.connectTimeoutMs);
    qCDebug(lcBle).noquote() << "connecting to" << peerName() << m_address << "attempt"
                             << m_serviceRetries + 1;
    controller->connectToDevice();
}

void BleTransport::onConnected() {
    if (m_phase != Phase::Connecting) {
        return;
    }
    m_linkUp.start();
    if (peerName().isEmpty()) {
        // Connected by a bare address to a device BlueZ already knew: take its name from BlueZ,
        // the session guesses the family (and we the priming read) from it.
        m_name = m_controller->remoteName().trimmed();
    }
    // Over BlueZ D-Bus Qt 6.4 cannot learn the ATT MTU and reports -1: replies arrive in 20-byte
    // notifications and are joined by Modbus length above us (docs/protocol.md 3.4).
    qCInfo(lcBle).noquote() << "connected to" << peerName() << m_address << "mtu"
                            << m_controller->mtu();
    setPhase(Phase::DiscoveringServices);
    m_controller->discoverServices();
}

void BleTransport::onServiceDiscoveryFinished() {
    if (m_phase != Phase::DiscoveringServices) {
        return;
    }
    const auto services = m_controller->services();
    QStringList missing;
    if (!services.contains(kWriteService)) {
        missing << QStringLiteral("FFD0");
    }
    if (!services.contains(kNotifyService)) {
        missing << QStringLiteral("FFF0");
    }
    if (!missing.isEmpty()) {
        QStringList found;
        for (const auto &uuid : services) {
            found << shortUuid(uuid);
        }
        retryAfterMissingServices(
            QStringLiteral("%1 has no GATT service %2 (found: %3)")
                .arg(peerName(), missing.join(QLatin1String(", ")),
                     found.isEmpty() ? QStringLiteral("none") : found.join(QLatin1String(", "))));
        return;
    }
    m_writeService.reset(m_controller->createServiceObject(kWriteService));
    m_notifyService.reset(m_controller->createServiceObject(kNotifyService));
    if (!m_writeService || !m_notifyService) {
        fail(Error::ServiceMissing, QStringLiteral("Qt could not create the FFD0/FFF0 services"));
        return;
    }
    for (auto *service : {m_writeService.get(), m_notifyService.get()}) {
        connect(service, &QLowEnergyService::stateChanged, this,
                &BleTransport::onServiceStateChanged);
        connect(service, &QLowEnergyService::errorOccurred, this, &BleTransport::onServiceError);
    }
    connect(m_notifyService.get(), &QLowEnergyService::characteristicChanged, this,
            &BleTransport::onCharacteristicChanged);
    connect(m_notifyService.get(), &QLowEnergyService::descriptorWritten, this,
            &BleTransport::onDescriptorWritten);
    connect(m_writeService.get(), &QLowEnergyService::characteristicRead, this,
            [this](const QLowEnergyCharacteristic &c, const QByteArray &value) {
                if (m_phase == Phase::PrimingRead && c.uuid() == kPrimingChar) {
                    qCDebug(lcBle) << "priming read of FFD4:" << value.toHex(' ');
                    becomeOpen();
                }
            });
    setPhase(Phase::DiscoveringDetails);
    // No value reads during discovery: nothing is needed from them, and each costs a round trip.
    m_writeService->discoverDetails(QLowEnergyService::SkipValueDiscovery);
}

void BleTransport::onServiceStateChanged(QLowEnergyService::ServiceState state) {
    if (m_phase != Phase::DiscoveringDetails ||
        state != QLowEnergyService::RemoteServiceDiscovered) {
        return;
    }
    if (m_notifyService->state() == QLowEnergyService::RemoteService) {
        // Qt 6.4 leaves a service stuck when discoverDetails() starts while another service's
        // jobs are queued, even from this slot (docs/bluez-fake.md pitfall 2): start it queued.
        m_nextServiceTimer.start();
        return;
    }
    if (m_writeService->state() == QLowEnergyService::RemoteServiceDiscovered &&
        m_notifyService->state() == QLowEnergyService::RemoteServiceDiscovered) {
        selectCharacteristics();
    }
}

void BleTransport::startNextServiceDetails() {
    if (m_phase == Phase::DiscoveringDetails && m_notifyService &&
        m_notifyService->state() == QLowEnergyService::RemoteService) {
        m_notifyService->discoverDetails(QLowEnergyService::SkipValueDiscovery);
    }
}

void BleTransport::selectCharacteristics() {
    // Battery Pro packs have several FFD1/FFF1 characteristics: take the one in the right service
    // with the right property (docs/protocol.md 3.1; renogy-bt PR #106).
    m_writeChar = {};
    m_notifyChar = {};
    m_primingChar = {};
    for (const auto &c : m_writeService->characteristics()) {
        if (c.uuid() == kWriteChar) {
            const auto props = c.properties();
            const bool canWrite = props & (QLowEnergyCharacteristic::WriteNoResponse |
                                           QLowEnergyCharacteristic::Write);
            const bool better =
                !m_writeChar.isValid() ||
                ((props & QLowEnergyCharacteristic::WriteNoResponse) &&
                 !(m_writeChar.properties() & QLowEnergyCharacteristic::WriteNoResponse));
            if (canWrite && better) {
                m_writeChar = c;
            }
        } else if (c.uuid() == kPrimingChar && (c.properties() & QLowEnergyCharacteristic::Read)) {
            m_primingChar = c;
        }
    }
    for (const auto &c : m_notifyService->characteristics()) {
        if (c.uuid() == kNotifyChar && (c.properties() & QLowEnergyCharacteristic::Notify) &&
            !m_notifyChar.isValid()) {
            m_notifyChar = c;
        }
    }
    if (!m_writeChar.isValid()) {
        fail(Error::ServiceMissing,
             QStringLiteral("%1: no FFD1 with a write property in service FFD0 (found: %2)")
                 .arg(peerName(), describeCharacteristics(m_writeService.get())));
        return;
    }
    if (!m_notifyChar.isValid()) {
        fail(Error::ServiceMissing,
             QStringLiteral("%1: no FFF1 with the notify property in service FFF0 (found: %2)")
                 .arg(peerName(), describeCharacteristics(m_notifyService.get())));
        return;
    }
    const QLowEnergyDescriptor cccd = m_notifyChar.clientCharacteristicConfiguration();
    if (!cccd.isValid()) {
        // Qt only watches notifications of characteristics with a CCCD (docs/bluez-fake.md pitfall
        // 3): without one the device would look silent, so say so now.
        fail(Error::ServiceMissing,
             QStringLiteral("%1: FFF1 has no Client Characteristic Configuration descriptor "
                            "(0x2902), so notifications cannot be enabled")
                 .arg(peerName()));
        return;
    }
    // Write Without Response, as the vendor app does; Pro packs reject writes with response
    // (docs/protocol.md 3.3 step 4). With response only where the characteristic allows nothing
    // else.
    m_writeMode = (m_writeChar.properties() & QLowEnergyCharacteristic::WriteNoResponse)
                      ? QLowEnergyService::WriteWithoutResponse
                      : QLowEnergyService::WriteWithResponse;
    setPhase(Phase::EnablingNotifications);
    m_notifyService->writeDescriptor(cccd, QLowEnergyCharacteristic::CCCDEnableNotification);
}

void BleTransport::onDescriptorWritten(const QLowEnergyDescriptor &descriptor,
                                       const QByteArray &value) {
    Q_UNUSED(value)
    if (m_phase != Phase::EnablingNotifications ||
        descriptor.uuid() !=
            QBluetoothUuid(QBluetoothUuid::DescriptorType::ClientCharacteristicConfiguration)) {
        return;
    }
    m_setupTimer.stop();
    if (!primingEnabled()) {
        becomeOpen();
        return;
    }
    const auto remaining = std::max<qint64>(0, m_options.primingDelayMs - m_linkUp.elapsed());
    setPhase(Phase::PrimingDelay);
    m_primingDelayTimer.start(int(remaining));
}

void BleTransport::onPrimingRead() {
    if (m_phase != Phase::PrimingDelay) {
        return;
    }
    if (!m_primingChar.isValid()) {
        qCInfo(lcBle) << "no readable FFD4 to prime; going on";
        becomeOpen();
        return;
    }
    setPhase(Phase::PrimingRead);
    m_primingReadTimer.start(m_options.primingReadTimeoutMs);
    m_writeService->readCharacteristic(m_primingChar);
}

void BleTransport::becomeOpen() {
    m_primingReadTimer.stop();
    m_setupTimer.stop();
    setPhase(Phase::Open);
    qCInfo(lcBle).noquote() << "link open to" << peerName() << "writing"
                            << (writesWithoutResponse() ? "without response" : "with response");
    Q_EMIT stateChanged(State::Open);
}

void BleTransport::onCharacteristicChanged(const QLowEnergyCharacteristic &c,
                                           const QByteArray &value) {
    if (c != m_notifyChar) {
        return;
    }
    Q_EMIT bytesReceived(value, QDateTime::currentMSecsSinceEpoch());
}

bool BleTransport::write(const QByteArray &frame) {
    if (m_phase != Phase::Open) {
        Q_EMIT errorOccurred(Error::WriteFailed,
                             QStringLiteral("cannot write: the link to %1 is %2")
                                 .arg(peerName(), phaseName(m_phase)));
        return false;
    }
    auto mode = m_writeMode;
    if (frame.size() > kMaxCommandWrite &&
        (m_writeChar.properties() & QLowEnergyCharacteristic::Write)) {
        // A command write must fit one ATT packet; BlueZ splits a longer write with response.
        mode = QLowEnergyService::WriteWithResponse;
    }
    m_writeService->writeCharacteristic(m_writeChar, frame, mode);
    Q_EMIT bytesWritten(frame, QDateTime::currentMSecsSinceEpoch());
    return true;
}

void BleTransport::onServiceError(QLowEnergyService::ServiceError error) {
    switch (m_phase) {
    case Phase::PrimingRead:
        // docs/protocol.md 3.3: the priming read's result and failure are both ignored.
        qCDebug(lcBle) << "priming read failed:" << error << "(ignored)";
        becomeOpen();
        break;
    case Phase::Open:
        Q_EMIT errorOccurred(Error::WriteFailed, QStringLiteral("GATT operation failed on %1: %2")
                                                     .arg(peerName(), serviceErrorName(error)));
        break;
    case Phase::EnablingNotifications:
        fail(Error::ServiceMissing, QStringLiteral("%1: enabling notifications on FFF1 failed (%2)")
                                        .arg(peerName(), serviceErrorName(error)));
        break;
    case Phase::DiscoveringDetails:
        fail(Error::ServiceMissing, QStringLiteral("%1: discovering characteristics failed (%2)")
                                        .arg(peerName(), serviceErrorName(error)));
        break;
    default:
        break;
    }
}

void BleTransport::onControllerError(QLowEnergyController::Error error) {
    const QString detail = m_controller ? m_controller->errorString() : QString();
    qCDebug(lcBle) << "controller error" << error << detail << "while" << phaseName(m_phase);
    switch (m_phase) {
    case Phase::Idle:
    case Phase::Closing:
    case Phase::LookingUp:
        return;
    case Phase::Retrying:
        // The old link is being torn down anyway; the retry timer goes on.
        return;
    default:
        break;
    }
    if (error == QLowEnergyController::UnknownRemoteDeviceError && !m_lookedUp &&
        m_phase == Phase::Connecting) {
        dropController();
        startLookup();
        return;
    }
    switch (error) {
    case QLowEnergyController::UnknownRemoteDeviceError:
        fail(Error::DeviceNotFound,
             QStringLiteral("BlueZ does not know %1 (%2)").arg(m_address, detail));
        break;
    case QLowEnergyController::InvalidBluetoothAdapterError:
        fail(Error::AdapterUnavailable,
             QStringLiteral("No usable Bluetooth adapter: %1").arg(detail));
        break;
    case QLowEnergyController::MissingPermissionsError:
    case QLowEnergyController::AuthorizationError:
        fail(Error::PermissionDenied,
             QStringLiteral(
                 "Not allowed to connect to %1 (add the user to the 'bluetooth' group): %2")
                 .arg(peerName(), detail));
        break;
    default:
        if (m_phase == Phase::Connecting) {
            fail(Error::ConnectionRefused,
                 QStringLiteral("Could not connect to %1 (%2): %3. The BT-2 accepts one central "
                                "at a time: close the Renogy app.")
                     .arg(peerName(), m_address, detail));
        } else {
            fail(Error::ConnectionLost, QStringLiteral("Link to %1 lost while %2: %3")
                                            .arg(peerName(), phaseName(m_phase), detail));
        }
        break;
    }
}

void BleTransport::onDisconnected() {
    switch (m_phase) {
    case Phase::Idle:
    case Phase::LookingUp:
        return;
    case Phase::Closing:
        finishClosed();
        return;
    case Phase::Retrying:
        dropController();
        m_setupTimer.stop();
        m_retryTimer.start(m_options.retryDelayMs);
        return;
    case Phase::Connecting:
        fail(Error::ConnectionRefused,
             QStringLiteral("%1 (%2) dropped the connection while connecting")
                 .arg(peerName(), m_address));
        return;
    default:
        fail(Error::ConnectionLost, QStringLiteral("Link to %1 (%2) lost while %3")
                                        .arg(peerName(), m_address, phaseName(m_phase)));
        return;
    }
}

void BleTransport::retryAfterMissingServices(const QString &why) {
    if (m_serviceRetries >= m_options.maxServiceRetries) {
        fail(Error::ServiceMissing,
             QStringLiteral("%1, after %2 reconnects").arg(why).arg(m_serviceRetries));
        return;
    }
    ++m_serviceRetries;
    // BlueZ can report ServicesResolved before exporting the GATT objects (bluez/bluez#1489); Qt
    // then sees no services and never looks again on this connection: reconnect.
    qCWarning(lcBle).noquote() << why << "- reconnecting (" << m_serviceRetries << "of"
                               << m_options.maxServiceRetries << ")";
    setPhase(Phase::Retrying);
    m_setupTimer.start(m_options.closeTimeoutMs);
    m_controller->disconnectFromDevice();
}

void BleTransport::close() {
    switch (m_phase) {
    case Phase::Idle:
    case Phase::Closing:
        return;
    case Phase::LookingUp:
        if (m_scanner) {
            m_scanner->stop();
            retire(m_scanner.release());
        }
        Q_EMIT stateChanged(State::Closing);
        finishClosed();
        return;
    default:
        break;
    }
    m_setupTimer.stop();
    m_nextServiceTimer.stop();
    m_primingDelayTimer.stop();
    m_primingReadTimer.stop();
    m_retryTimer.stop();
    setPhase(Phase::Closing);
    Q_EMIT stateChanged(State::Closing);
    if (m_controller && m_controller->state() != QLowEnergyController::UnconnectedState) {
        m_closeTimer.start(m_options.closeTimeoutMs);
        m_controller->disconnectFromDevice(); // may report disconnected() at once
    } else {
        finishClosed();
    }
}

void BleTransport::fail(Error error, const QString &message) {
    qCWarning(lcBle).noquote() << message;
    m_setupTimer.stop();
    m_nextServiceTimer.stop();
    m_primingDelayTimer.stop();
    m_primingReadTimer.stop();
    m_retryTimer.stop();
    m_closeTimer.stop();
    if (m_scanner) {
        m_scanner->stop();
        retire(m_scanner.release());
    }
    dropController();
    setPhase(Phase::Idle);
    Q_EMIT errorOccurred(error, message);
    Q_EMIT stateChanged(State::Closed);
}

void BleTransport::finishClosed() {
    m_closeTimer.stop();
    m_setupTimer.stop();
    dropController();
    setPhase(Phase::Idle);
    Q_EMIT stateChanged(State::Closed);
}

void BleTransport::retire(QObject *object) {
    // Deleted later, because this runs inside the object's own signals; and a child of this
    // transport meanwhile, so that a process quitting before its event loop turns again (the CLI
    // right after a read) frees it with the transport instead of leaking Qt Bluetooth's state.
    object->disconnect(this);
    object->setParent(this);
    object->deleteLater();
}

void BleTransport::dropController() {
    for (auto *service : {&m_writeService, &m_notifyService}) {
        if (*service)
            retire(service->release());
    }
    m_writeChar = {};
    m_notifyChar = {};
    m_primingChar = {};
    if (m_controller) {
        m_controller->disconnect(this);
        if (m_controller->state() != QLowEnergyController::UnconnectedState) {
            m_controller->disconnectFromDevice();
        }
        retire(m_controller.release());
    }
}

void BleTransport::setPhase(Phase phase) {
    if (m_phase == phase) {
        return;
    }
    qCDebug(lcBle).noquote() << peerName() << phaseName(m_phase) << "->" << phaseName(phase);
    m_phase = phase;
    Q_EMIT phaseChanged(phase);
}

} // namespace blupow
