#include "identify.h"

#include "device/renogynames.h"
#include "registers/registerdecoder.h"

#include <QRegularExpression>

namespace blupow {

namespace {

constexpr quint16 kControllerModelReg = 0x000C; // 12-19, 16 bytes ASCII (docs/protocol.md 6.1.1)
constexpr quint16 kControllerAddressReg = 0x001A;
constexpr quint16 kInverterAddressReg =
    4109; // answers 32 on every REGO seen (docs/protocol.md 6.4.2)
constexpr quint16 kInverterModelReg = 4311;
constexpr quint16 kBatteryProbeReg = 5042; // current .. capacity, x6 as the vendor app reads
constexpr quint16 kBatteryModelReg = 5122;
constexpr quint16 kBatteryAddressReg = 5223;
constexpr quint16 kModelWords = 8;

QString hexSlave(quint8 slave) {
    return QStringLiteral("0x%1").arg(slave, 2, 16, QLatin1Char('0'));
}

} // namespace

QString Identifier::variantFromModel(Family family, const QString &model) {
    const QString m = model.trimmed().toUpper();
    if (family == Family::Inverter && m.startsWith(QLatin1String("RIV4835")))
        return QStringLiteral("riv4835");
    // G6 DC-DC chargers answer the 0x0100 block only as one read of 34 (docs/protocol.md E.33).
    if (family == Family::DcDcCharger && m.endsWith(QLatin1String("-G6")))
        return QStringLiteral("g6");
    return {};
}

QList<quint8> Identifier::knownSlaveIds() {
    return {0xFF, 0x01, 0x10, 0x11, 0x20, 0x30, 0x31, 0x32,
            0x33, 0x34, 0x35, 0x36, 0x37, 0x60, 0x61};
}

std::optional<Family> Identifier::familyFromModel(const QString &model) {
    const QString m = model.trimmed().toUpper();
    if (m.startsWith(QLatin1String("RIV")))
        return Family::Inverter;
    if (m.startsWith(QLatin1String("RBT")))
        return Family::Battery;
    static const QRegularExpression dcc(QStringLiteral("^(DCC|RBC\\d+D)"));
    if (dcc.match(m).hasMatch())
        return Family::DcDcCharger;
    if (m.startsWith(QLatin1String("RNG-CTRL")) || m.startsWith(QLatin1String("RCC")) ||
        m.startsWith(QLatin1String("ML")) || m.startsWith(QLatin1String("MT")))
        return Family::Controller;
    return std::nullopt;
}

Identifier::Identifier(const RegisterMaps *maps, QString advertisedName, QString address,
                       Config config)
    : m_maps(maps)
    , m_config(std::move(config)) {
    m_identity.name = std::move(advertisedName);
    m_identity.address = std::move(address);
    m_identity.variant = m_config.variant;

    const NameMatch match = matchAdvertisedName(m_identity.name);
    if (m_config.family) {
        m_families = {*m_config.family};
        note(QStringLiteral("family %1 given").arg(familyName(*m_config.family)));
    } else if (match.family) {
        m_families = {*match.family};
        if (m_identity.variant.isEmpty())
            m_identity.variant = match.variant;
        note(QStringLiteral("name %1 -> %2").arg(m_identity.name, familyName(*match.family)));
    } else {
        // A BT-1/BT-2 can front any family; controllers are the common case.
        m_families = {Family::Controller, Family::Inverter, Family::Battery};
        note(match.isRenogy
                 ? QStringLiteral("name %1: BT-1/BT-2 dongle, family unknown").arg(m_identity.name)
                 : QStringLiteral("name '%1' not a Renogy pattern").arg(m_identity.name));
    }
    if (m_families.contains(Family::Shunt)) {
        m_phase = Phase::Failed;
        m_failure = QStringLiteral("the Smart Shunt does not speak Modbus; it has no poll session");
        return;
    }

    if (m_config.slave) {
        m_slaves = {*m_config.slave};
    } else {
        // Known family: its usual address first, then 0xFF ("every slave answers", docs/protocol.md
        // 4), then the map's and everybody's candidates. Unknown: 0xFF first, as C.21 recommends.
        if (match.family || m_config.family) {
            for (const Family f : std::as_const(m_families)) {
                if (const RegisterMap *map = m_maps->find(f, m_identity.variant)) {
                    m_slaves.append(map->defaultSlave());
                    m_slaves.append(modbus::kBroadcastSlave);
                    m_slaves.append(map->probeSlaves());
                }
            }
        }
        m_slaves.append(knownSlaveIds());
        QList<quint8> unique;
        for (const quint8 s : std::as_const(m_slaves)) {
            if (!unique.contains(s))
                unique.append(s);
        }
        m_slaves = unique;
    }
    m_base = m_identity;
    if (m_config.allSlaves && !m_config.slave)
        startScan(QStringLiteral("every slave id probed (asked for)"), 0);
}

void Identifier::startScan(const QString &why, qsizetype from) {
    m_scan = true;
    note(why);
    m_commonNotes = m_deviceNotesFrom = m_how.size();
    // From here on never 0xFF (the replies of several devices collide), and the whole bank.
    QList<quint8> ids = m_slaves.first(std::min(from, m_slaves.size()));
    qsizetype bankEnd = -1;
    for (qsizetype i = from; i < m_slaves.size(); ++i) {
        const quint8 s = m_slaves.at(i);
        if (s == modbus::kBroadcastSlave)
            continue;
        ids.append(s);
        if (isBatteryBankId(s))
            bankEnd = ids.size();
    }
    QList<quint8> bank;
    for (int s = 0x30; s <= 0x3F; ++s) {
        if (!ids.contains(static_cast<quint8>(s)))
            bank.append(static_cast<quint8>(s));
    }
    for (qsizetype i = 0; i < bank.size(); ++i)
        ids.insert((bankEnd < 0 ? ids.size() : bankEnd + i), bank.at(i));
    m_slaves = ids;
}

Family Identifier::hypothesis() const {
    // Scanning a bank id, the battery is the likely answer: ask it first.
    const quint8 s = m_slaves.at(m_slaveIndex);
    if (m_scan && isBatteryBankId(s) && m_families.contains(Family::Battery)) {
        QList<Family> order{Family::Battery};
        for (const Family f : m_families) {
            if (f != Family::Battery)
                order.append(f);
        }
        return order.at(m_familyIndex);
    }
    return m_families.at(m_familyIndex);
}

modbus::Request Identifier::probeRequest(Family family, quint8 slave) const {
    switch (family) {
    case Family::Inverter:
        return modbus::Request::read(slave, kInverterAddressReg, 1);
    case Family::Battery:
        return modbus::Request::read(slave, kBatteryProbeReg, 6);
    case Family::Controller:
    case Family::DcDcCharger:
    case Family::Shunt:
        break;
    }
    return modbus::Request::read(slave, kControllerModelReg, kModelWords);
}

std::optional<Identifier::Step> Identifier::next() const {
    const quint8 slave = m_identity.slave;
    switch (m_phase) {
    case Phase::Probe: {
        const Family f = hypothesis();
        const quint8 s = m_slaves.at(m_slaveIndex);
        return Step{probeRequest(f, s), m_config.probeTimeoutMs,
                    QStringLiteral("probe %1 at %2").arg(familyName(f), hexSlave(s))};
    }
    case Phase::Model: {
        const quint16 reg =
            m_identity.family == Family::Inverter ? kInverterModelReg : kBatteryModelReg;
        return Step{modbus::Request::read(slave, reg, kModelWords), m_config.readTimeoutMs,
                    QStringLiteral("read model at %1").arg(reg)};
    }
    case Phase::Address: {
        const quint16 reg =
            m_identity.family == Family::Battery ? kBatteryAddressReg : kControllerAddressReg;
        return Step{modbus::Request::read(slave, reg, 1), m_config.readTimeoutMs,
                    QStringLiteral("read device address at %1").arg(reg)};
    }
    case Phase::Done:
    case Phase::Failed:
        break;
    }
    return std::nullopt;
}

QString Identifier::decodeModel(Family family, int reg, const QList<quint16> &words) const {
    // Decode with the map's own text field where there is one, so trimming rules live in one place.
    FieldDef field;
    field.key = QStringLiteral("model");
    field.type = FieldType::Ascii;
    field.reg = reg;
    field.words = static_cast<int>(words.size());
    if (const RegisterMap *map = m_maps->find(family, m_identity.variant)) {
        for (const FieldDef *f : map->fieldsAt(reg)) {
            if (f->type == FieldType::Ascii && f->reg == reg && f->words == words.size())
                field = *f;
        }
    }
    return RegisterDecoder::decodeField(field, words).value.toString().trimmed();
}

void Identifier::advance() {
    if (++m_familyIndex < m_families.size())
        return;
    nextSlave();
}

void Identifier::nextSlave() {
    m_familyIndex = 0;
    while (++m_slaveIndex < m_slaves.size()) {
        const quint8 s = m_slaves.at(m_slaveIndex);
        const bool known = std::any_of(m_found.cbegin(), m_found.cend(),
                                       [s](const DeviceIdentity &d) { return d.slave == s; });
        if (!m_scan || !(known || (m_bankClosed && isBatteryBankId(s))))
            return;
    }
    endOfCandidates();
}

void Identifier::endOfCandidates() {
    if (!m_found.isEmpty()) {
        const bool shared = m_found.size() > 1;
        for (DeviceIdentity &d : m_found)
            d.sharedLink = shared;
        m_phase = Phase::Done;
        return;
    }
    m_phase = Phase::Failed;
    QStringList tried;
    for (const quint8 s : std::as_const(m_slaves))
        tried.append(hexSlave(s));
    m_failure = QStringLiteral("no device answered the identification probes (slave %1)")
                    .arg(tried.join(QStringLiteral(", ")));
    m_identity.how = m_how.join(QStringLiteral("; "));
}

void Identifier::found(Family family, quint8 replySlave, const QString &evidence) {
    m_identity.family = family;
    m_identity.slave = replySlave;
    note(evidence);
}

void Identifier::handle(const Exchange &exchange) {
    const modbus::Request &req = exchange.request;
    const bool ok = exchange.outcome == Exchange::Outcome::Ok;
    if (ok)
        m_answered.append(req);

    switch (m_phase) {
    case Phase::Probe: {
        const Family hypothesis = this->hypothesis();
        if (!ok) {
            if (exchange.outcome == Exchange::Outcome::Exception) {
                note(QStringLiteral("%1 %2 x%3: exception 0x%4 from %5 (a device, but no %6)")
                         .arg(hexSlave(req.slave))
                         .arg(req.start)
                         .arg(req.count)
                         .arg(exchange.response.exceptionCode, 2, 16, QLatin1Char('0'))
                         .arg(hexSlave(exchange.response.slave), familyName(hypothesis)));
            }
            if (!m_scan && !m_config.slave && req.slave == modbus::kBroadcastSlave &&
                exchange.outcome == Exchange::Outcome::Error) {
                startScan(QStringLiteral("0xFF answered with a damaged frame: several devices "
                                         "answered at once, every slave id probed"),
                          m_slaveIndex + 1);
                nextSlave();
                return;
            }
            if (m_scan && exchange.outcome == Exchange::Outcome::Timeout) {
                // Silence: nobody at this id (a device answers even a wrong family's probe).
                const bool packFound =
                    std::any_of(m_found.cbegin(), m_found.cend(),
                                [](const DeviceIdentity &d) { return isBatteryBankId(d.slave); });
                if (isBatteryBankId(req.slave) && packFound)
                    m_bankClosed = true;
                nextSlave();
                return;
            }
            advance();
            return;
        }
        // A request to 0xFF is answered with the device's own address or with 0xFF
        // (docs/protocol.md 4): keep whichever it used; 0xFF is then confirmed from the address
        // register.
        const quint8 replySlave = exchange.response.slave;
        const QString at = req.slave == replySlave
                               ? QStringLiteral("slave %1").arg(hexSlave(replySlave))
                               : QStringLiteral("slave %1 answered for %2")
                                     .arg(hexSlave(replySlave), hexSlave(req.slave));
        switch (hypothesis) {
        case Family::Controller:
        case Family::DcDcCharger:
        case Family::Shunt: {
            const QString model =
                decodeModel(Family::Controller, req.start, exchange.response.words);
            m_identity.model = model;
            std::optional<Family> family = familyFromModel(model);
            if (m_config.family)
                family = m_config.family;
            else if (!family || (*family != Family::Controller && *family != Family::DcDcCharger))
                family = Family::Controller; // answers 0x000C: the SRNE-style map (docs/protocol.md
                                             // D.29)
            found(*family, replySlave,
                  QStringLiteral("0x000C x8 model '%1' -> %2; %3")
                      .arg(model, familyName(*family), at));
            useModelVariant();
            m_phase = replySlave == modbus::kBroadcastSlave ? Phase::Address : Phase::Done;
            break;
        }
        case Family::Inverter: {
            const quint16 id = exchange.response.words.value(0);
            quint8 slave = replySlave;
            QString how = QStringLiteral("4109 device id %1; %2").arg(id).arg(at);
            if (replySlave == modbus::kBroadcastSlave && id >= 1 && id <= 247) {
                slave = static_cast<quint8>(id);
                how += QStringLiteral(", using %1 from 4109").arg(hexSlave(slave));
            }
            found(Family::Inverter, slave, how);
            m_phase = Phase::Model;
            break;
        }
        case Family::Battery:
            found(Family::Battery, replySlave, QStringLiteral("5042 x6 answered; %1").arg(at));
            m_phase = Phase::Model;
            break;
        }
        break;
    }
    case Phase::Model:
        if (ok) {
            m_identity.model = decodeModel(m_identity.family, req.start, exchange.response.words);
            const auto byModel = familyFromModel(m_identity.model);
            note(QStringLiteral("%1 x8 model '%2'%3")
                     .arg(req.start)
                     .arg(m_identity.model,
                          byModel && *byModel != m_identity.family
                              ? QStringLiteral(" (pattern says %1)").arg(familyName(*byModel))
                              : QString()));
            useModelVariant();
        } else {
            // RIV4835 units have been seen not answering 4311 while otherwise fine (A.6).
            note(QStringLiteral("%1 x8 (model) not answered: model unknown").arg(req.start));
        }
        m_phase =
            (m_identity.family == Family::Battery && m_identity.slave == modbus::kBroadcastSlave)
                ? Phase::Address
                : Phase::Done;
        break;
    case Phase::Address:
        if (ok) {
            const int id = exchange.response.words.value(0) & 0xFF;
            if (id >= 1 && id <= 247) {
                m_identity.slave = static_cast<quint8>(id);
                note(QStringLiteral("slave %1 from register %2")
                         .arg(hexSlave(m_identity.slave))
                         .arg(req.start));
            }
        } else {
            note(QStringLiteral("address register not answered: staying on 0xFF"));
        }
        m_phase = Phase::Done;
        break;
    case Phase::Done:
    case Phase::Failed:
        return;
    }
    if (m_phase == Phase::Done)
        finishDevice();
}

void Identifier::useModelVariant() {
    // A variant given by the caller wins; one the model calls for beats the name's guess.
    const QString variant = variantFromModel(m_identity.family, m_identity.model);
    if (m_config.variant.isEmpty() && !variant.isEmpty() &&
        m_maps->find(m_identity.family, variant)) {
        m_identity.variant = variant;
        note(QStringLiteral("model '%1' -> variant %2").arg(m_identity.model, variant));
    }
}

void Identifier::finishDevice() {
    const RegisterMap *map = m_maps->find(m_identity.family, m_identity.variant);
    if (!map)
        map = m_maps->find(m_identity.family);
    if (!m_scan) {
        if (!map) {
            m_phase = Phase::Failed;
            m_failure = QStringLiteral("no register map for %1").arg(familyName(m_identity.family));
        } else {
            m_identity.variant = map->variant();
        }
        m_identity.how = m_how.join(QStringLiteral("; "));
        if (map)
            m_found = {m_identity};
        return;
    }
    if (map) {
        m_identity.variant = map->variant();
        m_identity.how = (m_how.first(m_commonNotes) + m_how.sliced(m_deviceNotesFrom))
                             .join(QStringLiteral("; "));
        m_found.append(m_identity);
    } else {
        note(QStringLiteral("no register map for %1 at %2: left out")
                 .arg(familyName(m_identity.family), hexSlave(m_identity.slave)));
    }
    m_deviceNotesFrom = m_how.size();
    m_identity = m_base;
    m_phase = Phase::Probe;
    nextSlave();
}

} // namespace blupow
