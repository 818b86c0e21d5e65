#pragma once

// CONTRACT (public API agreed between session, MQTT bridge and GUI). The private part and the
// implementation belong to the session's owner; extend, do not break.

#include "device/deviceidentity.h"
#include "modbus/exchange.h"
#include "modbus/linkstatistics.h"
#include "registers/decodedvalue.h"
#include "registers/registermap.h"

#include <QObject>

#include <memory>
#include <optional>

namespace blupow {

class Transport;
class DeviceSessionPrivate;

// One supervised connection to one device: connect -> identify -> poll, and on any loss
// back off and reconnect. Exactly one Modbus request in flight.
class DeviceSession : public QObject {
    Q_OBJECT

public:
    enum class State { Idle, Connecting, Identifying, Polling, BackingOff, Stopped };
    Q_ENUM(State)

    struct Options {
        int pollIntervalMs = 1000;   // from the start of one cycle to the start of the next
        int requestTimeoutMs = 2000; // per request (renogy-ble's default, docs/protocol.md 3.5)
        int maxRetries = 2;          // per request, before the cycle marks its values stale
        int backoffInitialMs = 1000;
        int backoffMaxMs = 30000;
        double backoffJitter = 0.2; // +-20 %
        int interRequestGapMs =
            0; // extra pause between requests (inverters: see docs/protocol.md 3.5)
        std::optional<Family> family; // forced family (skips detection)
        QString variant;              // forced map variant
        std::optional<quint8> slave;  // forced slave id (one slave, no scan)
        // Probe every candidate slave id even when one device answered 0xFF alone (a damaged
        // reply to 0xFF, several devices at once, starts that scan by itself).
        bool allSlaves = false;
        int probeTimeoutMs = 1000;    // identification probes of candidate slave ids (C.21)
        int connectTimeoutMs = 20000; // open() that neither succeeds nor fails
        quint32 randomSeed = 0;       // backoff jitter; 0 = seeded from the system
    };

    // The session owns its transport: it is closed and deleted with the session.
    DeviceSession(std::unique_ptr<Transport> transport, RegisterMaps maps, Options options,
                  QObject *parent = nullptr);
    // A transport the caller keeps (tests, benchmarks): it must outlive the session.
    DeviceSession(Transport *transport, RegisterMaps maps, Options options,
                  QObject *parent = nullptr);
    ~DeviceSession() override;

    void start();
    void stop(); // closes the transport; ends in Stopped

    [[nodiscard]] State state() const;
    [[nodiscard]] const Options &options() const;
    void setPollInterval(int ms);
    [[nodiscard]] std::optional<DeviceIdentity> identity() const;
    [[nodiscard]] const RegisterMap *map() const; // the map chosen by identification
    [[nodiscard]] DecodedValues
    currentValues() const; // last known value of every field, with quality
    [[nodiscard]] LinkStatistics statistics() const;
    [[nodiscard]] Transport *transport() const;

    // SEVERAL SLAVES ON ONE LINK (docs/session.md): behind a BT-2 or hub identification may find
    // several devices; each is polled in turn through the one client, and each is its own device
    // with its own identity (DeviceIdentity::sharedLink), values and availability. The calls above
    // (identity, map, currentValues, valuesUpdated) and the reads and writes on demand below are
    // about the slave in focus: the first one, unless setFocus() chose another.
    [[nodiscard]] QList<DeviceIdentity> slaves() const; // in probe order; empty before identified
    [[nodiscard]] const RegisterMap *map(quint8 slave) const;
    [[nodiscard]] DecodedValues currentValues(quint8 slave) const;
    [[nodiscard]] bool isSlaveOnline(quint8 slave) const;
    // Puts an identified slave in focus (false, nothing changed, for one that is not): what a
    // person inspects, reads and writes on a shared link (the GUI's device chooser). Reads and
    // writes already queued keep the slave they were queued for.
    bool setFocus(quint8 slave);

    // A one-off read (register console). Queued behind the poll, never two requests in flight.
    // Answered by exchangeFinished() with the returned id (and registersRead on success).
    quint64 readRegisters(quint16 start, quint16 count);
    // A one-off write (settings), queued with the one-off reads behind the poll: never two
    // requests in flight, never retried (a write whose echo was lost is verified by reading back,
    // not by sending it again). `fn` is WriteSingleRegister (one word) or WriteMultipleRegisters.
    // Answered by exchangeFinished() with the returned id and by writeFinished(). Returns 0, and
    // sends nothing, when the request is malformed (no words, 0x06 with several words, 0x03).
    quint64 writeRegisters(quint16 start, const QList<quint16> &words, modbus::FunctionCode fn);

Q_SIGNALS:
    void stateChanged(blupow::DeviceSession::State state, const QString &reason);
    void identified(const blupow::DeviceIdentity &identity);
    // setFocus() chose another slave: identity(), map(), currentValues() and valuesUpdated() are
    // about it from now on.
    void focusChanged(const blupow::DeviceIdentity &identity);
    // Right after identified(): every slave found, in probe order (one, most often).
    void slavesIdentified(const QList<blupow::DeviceIdentity> &slaves);
    // Once per poll cycle per slave, with its own identity: Good when read in this cycle.
    void slaveValuesUpdated(const blupow::DeviceIdentity &slave,
                            const blupow::DecodedValues &values);
    // A slave answered in its last cycle (true), or did not, or the link is gone (false).
    void slaveAvailabilityChanged(const blupow::DeviceIdentity &slave, bool online);
    // Once per poll cycle: every field of the map; Good when read in this cycle, Stale when not.
    void valuesUpdated(const blupow::DecodedValues &values);
    void statisticsChanged(const blupow::LinkStatistics &statistics);
    void exchangeFinished(const blupow::Exchange &exchange);
    void registersRead(quint64 id, quint16 start, const QList<quint16> &words);
    // The outcome of writeRegisters(): ok when the device echoed the request; otherwise `error`
    // is the device's answer (exception code and meaning), a timeout or a malformed echo.
    void writeFinished(quint64 id, bool ok, const QString &error);
    // Link availability for publishers: true once identified and polling, false when the link is
    // lost or the session stops.
    void availabilityChanged(bool online);
    // A reconnect is scheduled in `delayMs` (exponential backoff with jitter; attempt 1, 2, ...).
    void backoffScheduled(int delayMs, int attempt);
    // setPollInterval() changed the interval (from the next cycle on).
    void pollIntervalChanged(int ms);

private:
    friend class DeviceSessionPrivate;
    std::unique_ptr<DeviceSessionPrivate> d;
};

[[nodiscard]] QString sessionStateName(DeviceSession::State state);

} // namespace blupow
