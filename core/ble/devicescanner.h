#pragma once

#include "device/discovereddevice.h"

#include <QBluetoothDeviceDiscoveryAgent>
#include <QBluetoothDeviceInfo>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>

namespace blupow {

// Finds Renogy devices with Qt's LE discovery (BlueZ D-Bus on Linux): by advertised name
// (docs/protocol.md 2.1) or by the advertised service 0xFFD0 (docs/protocol.md 2.2: BT-TH-*
// advertise it, so a user-renamed BT-2 is still found). Keeps RSSI current while scanning and
// reports progress for a GUI. A second use finds one address for BleTransport, whether or not it is
// a Renogy name: BlueZ only connects to devices it has seen (docs/bluez-fake.md,
// connectToDeviceHelper).
class DeviceScanner : public QObject {
    Q_OBJECT

public:
    enum class State { Idle, Scanning };
    Q_ENUM(State)

    enum class Error {
        None,
        NoAdapter, // no adapter, or BlueZ not running
        PoweredOff,
        PermissionDenied,
        ScanFailed,
    };
    Q_ENUM(Error)

    explicit DeviceScanner(QObject *parent = nullptr);
    ~DeviceScanner() override;

    // Bounded: ends with finished() after `ms` (Qt's own LE default is 40 s; too long for a CLI).
    void setTimeout(int ms);
    [[nodiscard]] int timeout() const { return m_timeoutMs; }
    // Only this address (any name); the scan ends as soon as it is seen. Empty = Renogy devices.
    void setTargetAddress(const QString &address);

    void start();
    // Ends with finished() if scanning: at once, or from the event loop when called from a
    // deviceDiscovered()/deviceUpdated() handler.
    void stop();

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] Error error() const { return m_error; }
    [[nodiscard]] QString errorString() const { return m_errorString; }
    [[nodiscard]] qint64 elapsedMs() const;
    [[nodiscard]] QList<DiscoveredDevice> devices() const;
    // What Qt needs to connect: the device as the scan saw it.
    [[nodiscard]] std::optional<QBluetoothDeviceInfo> deviceInfo(const QString &address) const;

    // Whether `info` is a Renogy device, and what it looks like to the rest of BluPow.
    [[nodiscard]] static std::optional<DiscoveredDevice>
    toRenogyDevice(const QBluetoothDeviceInfo &info);
    // The same, without the Renogy filter (address lookups).
    [[nodiscard]] static DiscoveredDevice toDiscoveredDevice(const QBluetoothDeviceInfo &info);
    // The adapter check done before scanning: empty when usable, else the reason.
    [[nodiscard]] static std::pair<Error, QString> checkAdapter();

Q_SIGNALS:
    void stateChanged(blupow::DeviceScanner::State state);
    void deviceDiscovered(const blupow::DiscoveredDevice &device);
    void deviceUpdated(const blupow::DiscoveredDevice &device); // RSSI changed
    void progress(qint64 elapsedMs, int timeoutMs);
    void errorOccurred(blupow::DeviceScanner::Error error, const QString &message);
    void finished();

private:
    void onDeviceDiscovered(const QBluetoothDeviceInfo &info);
    void onDeviceUpdated(const QBluetoothDeviceInfo &info, QBluetoothDeviceInfo::Fields fields);
    void onAgentError(QBluetoothDeviceDiscoveryAgent::Error agentError);
    void accept(const QBluetoothDeviceInfo &info, bool update);
    void fail(Error error, const QString &message);
    void finish();
    void setState(State state);

    std::unique_ptr<QBluetoothDeviceDiscoveryAgent> m_agent;
    QTimer m_timeoutTimer;  // ends the scan; ours, so the GUI's progress and the end agree
    QTimer m_progressTimer; // progress() for a GUI bar
    QElapsedTimer m_elapsed;
    int m_timeoutMs = 10000;
    QString m_targetAddress;
    bool m_timedOut = false;
    bool m_stopRequested = false;
    bool m_inAgentCallback = false; // inside our own deviceDiscovered/deviceUpdated emission
    State m_state = State::Idle;
    Error m_error = Error::None;
    QString m_errorString;
    QHash<QString, QBluetoothDeviceInfo> m_infos; // by address, upper case
    QList<QString> m_order;                       // discovery order
};

} // namespace blupow
