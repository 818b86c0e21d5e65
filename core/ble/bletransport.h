#pragma once

#include "transport/transport.h"

#include <QBluetoothDeviceInfo>
#include <QElapsedTimer>
#include <QLowEnergyCharacteristic>
#include <QLowEnergyController>
#include <QLowEnergyService>
#include <QTimer>

#include <memory>
#include <optional>

namespace blupow {

class DeviceScanner;

// Transport over Bluetooth LE with Qt's central role (BlueZ D-Bus on Linux). Moves bytes only:
// each notification on FFF1 becomes one bytesReceived(); each write() one GATT write to FFD1.
//
// Opening is an explicit state machine (Phase), every step bounded by a named timer:
//   [LookingUp: short scan when BlueZ does not know the address] -> Connecting
//   -> DiscoveringServices -> DiscoveringDetails (FFD0, then FFF0: one after another, Qt 6.4
//   leaves a service stuck otherwise, docs/bluez-fake.md pitfall 2) -> EnablingNotifications (CCCD)
//   -> [PrimingDelay -> PrimingRead: inverters, docs/protocol.md 3.3] -> Open.
// When BlueZ reports ServicesResolved before its GATT objects exist (docs/bluez-fake.md pitfall 4),
// Qt finds no services and will not look again: the transport disconnects and reconnects, a
// bounded number of times (Phase::Retrying).
class BleTransport : public Transport {
    Q_OBJECT

public:
    enum class Phase {
        Idle,
        LookingUp,
        Connecting,
        DiscoveringServices,
        DiscoveringDetails,
        EnablingNotifications,
        PrimingDelay,
        PrimingRead,
        Open,
        Retrying,
        Closing,
    };
    Q_ENUM(Phase)

    struct Options {
        // Inverters want one read of FFD4 about 1 s after connecting before they answer
        // (docs/protocol.md 3.3). Unset = decided by the name (BTRIC*, RNGRIU*).
        std::optional<bool> primingRead;
        int primingDelayMs = 1000;       // from the link being up to the priming read
        int primingReadTimeoutMs = 3000; // the result is ignored; so is its absence
        int connectTimeoutMs = 15000;    // per attempt: Connect up to notifications enabled
        int lookupTimeoutMs = 8000;      // the short scan for an address BlueZ does not know
        int maxServiceRetries = 3;       // reconnects when the GATT services are missing
        int retryDelayMs = 300;
        int closeTimeoutMs = 3000; // a disconnect that never confirms still ends in Closed
    };

    // A device the scanner saw: connects at once.
    explicit BleTransport(const QBluetoothDeviceInfo &device, QObject *parent = nullptr);
    BleTransport(const QBluetoothDeviceInfo &device, Options options, QObject *parent = nullptr);
    // An address typed by the user: BlueZ must know the device, so an unknown one is looked up
    // with a short scan first.
    BleTransport(const QString &address, const QString &name, Options options,
                 QObject *parent = nullptr);
    ~BleTransport() override;

    void open() override;
    void close() override;
    bool write(const QByteArray &frame) override;

    [[nodiscard]] State state() const override;
    [[nodiscard]] QString peerName() const override;
    [[nodiscard]] QString peerAddress() const override;
    [[nodiscard]] int rssi() const override;

    [[nodiscard]] Phase phase() const { return m_phase; }
    [[nodiscard]] const Options &options() const { return m_options; }
    [[nodiscard]] bool primingEnabled() const;
    [[nodiscard]] int serviceRetries() const { return m_serviceRetries; }
    [[nodiscard]] bool writesWithoutResponse() const {
        return m_writeMode == QLowEnergyService::WriteWithoutResponse;
    }

    // Names that need the FFD4 priming read (docs/protocol.md 3.3).
    [[nodiscard]] static bool nameNeedsPrimingRead(const QString &name);
    [[nodiscard]] static QString phaseName(Phase phase);

Q_SIGNALS:
    void phaseChanged(blupow::BleTransport::Phase phase);

private:
    void startLookup();
    void startConnect();
    void onConnected();
    void onDisconnected();
    void onControllerError(QLowEnergyController::Error error);
    void onServiceDiscoveryFinished();
    void startNextServiceDetails();
    void onServiceStateChanged(QLowEnergyService::ServiceState state);
    void onServiceError(QLowEnergyService::ServiceError error);
    void onDescriptorWritten(const QLowEnergyDescriptor &descriptor, const QByteArray &value);
    void onCharacteristicChanged(const QLowEnergyCharacteristic &c, const QByteArray &value);
    void onPrimingRead();
    void selectCharacteristics();
    void becomeOpen();
    void retryAfterMissingServices(const QString &why);
    void fail(Error error, const QString &message);
    void finishClosed();
    void dropController();
    void retire(QObject *object);
    void setPhase(Phase phase);

    Options m_options;
    QBluetoothDeviceInfo m_device;
    QString m_address;
    QString m_name;
    bool m_lookedUp = false;

    std::unique_ptr<DeviceScanner> m_scanner;
    std::unique_ptr<QLowEnergyController> m_controller;
    std::unique_ptr<QLowEnergyService> m_writeService;  // FFD0
    std::unique_ptr<QLowEnergyService> m_notifyService; // FFF0
    QLowEnergyCharacteristic m_writeChar;               // FFD1 with a write property
    QLowEnergyCharacteristic m_notifyChar;              // FFF1 with notify
    QLowEnergyCharacteristic m_primingChar;             // FFD4
    QLowEnergyService::WriteMode m_writeMode = QLowEnergyService::WriteWithoutResponse;

    Phase m_phase = Phase::Idle;
    int m_serviceRetries = 0;
    QElapsedTimer m_linkUp; // since connected(): the priming delay counts from here

    QTimer m_setupTimer;        // bounds one attempt from Connect to notifications enabled
    QTimer m_nextServiceTimer;  // 0 ms: next discoverDetails() from a queued call (Qt 6.4 bug)
    QTimer m_primingDelayTimer; // the ~1 s wait before the inverter priming read
    QTimer m_primingReadTimer;  // bounds the priming read
    QTimer m_retryTimer;        // pause before reconnecting after missing services
    QTimer m_closeTimer;        // bounds a disconnect
};

} // namespace blupow
