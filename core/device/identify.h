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
//
// SEVERAL SLAVES (docs/session.md, "Several slaves on one link"): a BT-2 or hub can front a bus
// of devices (a controller, a battery bank at 0x30, 0x31 ..., an inverter). Their replies to 0xFF
// collide, so a damaged reply to the 0xFF probe (or Config::allSlaves) turns the pass into a scan:
// every candidate id is probed once, each answering id is identified as above and kept, an id
// that stays silent is skipped (a device at it would have answered something, if only an
// exception), and the battery range 0x30-0x3F ends at its first silent id once a pack answered
// (packs are numbered on from 0x30, docs/protocol.md 4). A device that answered 0xFF cleanly is
// alone on its link: the pass ends with it, as it always has.
class Identifier {
public:
    struct Config {
        std::optional<Family> family;
        QString variant;
        std::optional<quint8> slave;
        int probeTimeoutMs = 1000;
        int readTimeoutMs = 2000;
        bool allSlaves = false; // scan every candidate id (never 0xFF), not only after a collision
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
    // The first device found (the only one, unless the pass became a scan).
    [[nodiscard]] DeviceIdentity identity() const {
        return m_found.isEmpty() ? m_identity : m_found.first();
    }
    // Every device found, in probe order; each of several has DeviceIdentity::sharedLink set.
    [[nodiscard]] const QList<DeviceIdentity> &identities() const { return m_found; }
    // The pass probes every candidate id (several slaves may answer).
    [[nodiscard]] bool scanning() const { return m_scan; }
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
    // The battery bank's ids behind one BT-2 or hub (docs/protocol.md 4): 0x30-0x3F.
    [[nodiscard]] static bool isBatteryBankId(quint8 slave) {
        return slave >= 0x30 && slave <= 0x3F;
    }

private:
    enum class Phase { Probe, Model, Address, Done, Failed };

    [[nodiscard]] modbus::Request probeRequest(Family family, quint8 slave) const;
    [[nodiscard]] QString decodeModel(Family family, int reg, const QList<quint16> &words) const;
    void advance();
    void nextSlave();
    void startScan(const QString &why, qsizetype from);
    [[nodiscard]] Family hypothesis() const;
    void found(Family family, quint8 replySlave, const QString &evidence);
    void useModelVariant();
    void finishDevice();
    void endOfCandidates();
    void note(const QString &text) { m_how.append(text); }

    const RegisterMaps *m_maps = nullptr;
    Config m_config;
    QList<Family> m_families; // hypotheses, in the order they are probed
    QList<quint8> m_slaves;
    qsizetype m_slaveIndex = 0;
    qsizetype m_familyIndex = 0;
    Phase m_phase = Phase::Probe;
    DeviceIdentity m_base; // what every device of this link shares (name, address, variant)
    DeviceIdentity m_identity;
    bool m_scan = false;
    bool m_bankClosed = false;   // the battery range ended at a silent id
    qsizetype m_commonNotes = 0; // notes about the link, before the scan's first device
    qsizetype m_deviceNotesFrom = 0;
    QList<DeviceIdentity> m_found;
    QStringList m_how;
    QString m_failure;
    QList<modbus::Request> m_answered;
};

} // namespace blupow
