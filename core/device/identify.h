#pragma once

#include "device/deviceidentity.h"
#include "modbus/exchange.h"
#include "registers/registermap.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace blupow {

// Run-time identification (docs/protocol.md 7.2, docs/protocol.md C.21, A.6, A.8) as a step machine
// without I/O: the session asks next() for the request to send and hands back what came of it.
// Keeping it free of timers makes every path testable and keeps "one request in flight" the
// session's job alone.
//
// Evidence, in order: the advertised name (BTRIC... -> inverter, RNGRBP... -> battery "pro",
// BT-TH-... -> any family behind a BT-1/BT-2), then for each candidate slave id a cheap
// family-specific probe with a short timeout: controller/DC-DC 0x000C x8 (the model itself),
// inverter 4109 x1 (its address register), battery 5042 x6. The probe counts differ (8, 1, 6) so
// that a late reply to a silent probe can never be taken for the answer to the next probe on the
// same address (docs/protocol.md 3.4). An exception proves a device at that address (of another
// family); silence proves nothing. After a probe answers, the model registers are read (inverter
// 4311 x8, battery 5122 x8); a model read that times out leaves the model unknown but does not
// fail identification (docs/protocol.md A.6).
class Identifier {
public:
    struct Config {
        std::optional<Family> family;
        QString variant;
        std::optional<quint8> slave;
        int probeTimeoutMs = 1000;
        int readTimeoutMs = 2000;
    };

    struct Step {
        modbus::Request request;
        int timeoutMs = 0;
        QString purpose; // for the log: "probe controller at 0x10"
    };

    Identifier(const RegisterMaps *maps, QString advertisedName, QString address, Config config);

    // The request to send now; nothing once finished.
    [[nodiscard]] std::optional<Step> next() const;
    // What became of the request next() returned.
    void handle(const Exchange &exchange);

    [[nodiscard]] bool finished() const {
        return m_phase == Phase::Done || m_phase == Phase::Failed;
    }
    [[nodiscard]] bool succeeded() const { return m_phase == Phase::Done; }
    [[nodiscard]] DeviceIdentity identity() const { return m_identity; }
    [[nodiscard]] QString failure() const { return m_failure; }
    // Requests that were answered normally (resync targets for the session).
    [[nodiscard]] const QList<modbus::Request> &answered() const { return m_answered; }

    // The family a model string belongs to (docs/protocol.md 7.2 and [ha:devname]): RIV...
    // inverter, RBT... battery, DCC... or RBC<digits>D... DC-DC charger, RNG-CTRL-/RCC/ML/MT
    // controller.
    [[nodiscard]] static std::optional<Family> familyFromModel(const QString &model);
    // The map variant a model string calls for, or empty for the family's default: an inverter
    // whose 4311 reads RIV4835... is the 48 V inverter-charger, whose settings differ from the
    // RIV1230RCH-SPS's (resources/registers/inverter-riv4835.json).
    [[nodiscard]] static QString variantFromModel(Family family, const QString &model);
    // The slave ids worth probing when nothing is known (docs/protocol.md 4, docs/protocol.md
    // C.21).
    [[nodiscard]] static QList<quint8> knownSlaveIds();

private:
    enum class Phase { Probe, Model, Address, Done, Failed };

    [[nodiscard]] modbus::Request probeRequest(Family family, quint8 slave) const;
    [[nodiscard]] QString decodeModel(Family family, int reg, const QList<quint16> &words) const;
    void advance();
    void found(Family family, quint8 replySlave, const QString &evidence);
    void finish();
    void note(const QString &text) { m_how.append(text); }

    const RegisterMaps *m_maps = nullptr;
    Config m_config;
    QList<Family> m_families; // hypotheses, in the order they are probed
    QList<quint8> m_slaves;
    qsizetype m_slaveIndex = 0;
    qsizetype m_familyIndex = 0;
    Phase m_phase = Phase::Probe;
    DeviceIdentity m_identity;
    QStringList m_how;
    QString m_failure;
    QList<modbus::Request> m_answered;
};

} // namespace blupow
