#include "devicesimulator.h"

#include "logging.h"
#include "modbus/crc16.h"
#include "registers/registerdecoder.h"

#include <algorithm>
#include <cmath>

namespace blupow {

namespace {

constexpr quint8 kIllegalAddress = 0x02; // "start address wrong, or start + count out of range"
constexpr quint8 kIllegalValue = 0x03;   // "too many registers / data too long"; also out of range
constexpr quint8 kBadCrc = 0x05; // REGO answers a request with a wrong CRC this way [bp:next]
constexpr quint8 kExceptionFlag = 0x80;

} // namespace

DeviceSimulator::DeviceSimulator(RegisterMap map, Scenario scenario, qint64 startEpochMs)
    : m_map(std::move(map))
    , m_scenario(std::move(scenario))
    , m_startMs(startEpochMs) {
    rebuildImplemented();
}

void DeviceSimulator::rebuildImplemented() {
    QList<QPair<int, int>> ranges;
    for (const FieldDef &f : m_map.fields()) {
        if (!f.isDerived())
            ranges.append({f.reg, f.lastReg()});
    }
    // A block log's cells are ordinary registers (the inverter's 4501-4542); a per-row log's
    // addresses answer only as whole records (logRecord).
    for (const LogDef &log : m_map.logs()) {
        if (log.readPerRow)
            continue;
        for (int r = 0; r < log.rows; ++r)
            for (const FieldDef &c : log.columns)
                ranges.append({log.rowAddress(r) + c.reg, log.rowAddress(r) + c.lastReg()});
    }
    std::sort(ranges.begin(), ranges.end());
    m_implemented.clear();
    for (const auto &r : ranges) {
        if (!m_implemented.isEmpty() &&
            r.first - m_implemented.last().second - 1 <= m_scenario.reservedGap)
            m_implemented.last().second = std::max(m_implemented.last().second, r.second);
        else
            m_implemented.append(r);
    }
}

SimTime DeviceSimulator::simTime(qint64 epochMs) const {
    SimTime t;
    // Before the start the device shows its starting values (a counter never runs backwards).
    t.elapsedS =
        static_cast<double>(std::max<qint64>(0, epochMs - m_startMs)) / 1000.0 * m_acceleration;
    t.startTimeOfDayS = m_scenario.startTimeOfDayS;
    t.timeOfDayS = std::fmod(m_scenario.startTimeOfDayS + t.elapsedS, 86400.0);
    if (t.timeOfDayS < 0)
        t.timeOfDayS += 86400.0;
    return t;
}

bool DeviceSimulator::isImplemented(int reg) const {
    return std::any_of(m_implemented.cbegin(), m_implemented.cend(),
                       [reg](const auto &r) { return reg >= r.first && reg <= r.second; });
}

QVariant DeviceSimulator::scenarioValue(const QString &key, qint64 nowMs) const {
    return m_scenario.value(key, simTime(nowMs));
}

namespace {

// ORs the words of `cooked`, encoded as `f` at register `reg`, into `words` (which start at
// `start`): several fields can share a register (two bytes, masked bits: 0x0120 holds the load
// bit, brightness and charging state).
void encodeInto(QList<quint16> &words, int start, const FieldDef &f, int reg,
                const QVariant &cooked, const QString &scenario) {
    if (!cooked.isValid())
        return; // not in the scenario: the register reads as zero
    QString error;
    const auto encoded = RegisterDecoder::encodeField(f, cooked, &error);
    if (!encoded) {
        qCWarning(lcSim) << "scenario" << scenario << "value for" << f.key
                         << "does not encode:" << error;
        return;
    }
    const int end = start + static_cast<int>(words.size());
    for (int i = 0; i < encoded->size() && i < f.words; ++i) {
        const int r = reg + i;
        if (r >= start && r < end)
            words[r - start] = static_cast<quint16>(words[r - start] | encoded->at(i));
    }
}

} // namespace

QList<quint16> DeviceSimulator::sample(quint16 start, quint16 count, const SimTime &time) const {
    QList<quint16> words(count, 0);
    const int end = start + count; // exclusive
    for (const FieldDef &f : m_map.fields()) {
        if (f.isDerived() || f.lastReg() < start || f.reg >= end)
            continue;
        const auto overridden = m_overrides.constFind(f.key);
        encodeInto(words, start, f, f.reg,
                   overridden != m_overrides.constEnd() ? *overridden
                                                        : m_scenario.value(f.key, time),
                   m_scenario.id);
    }
    for (const LogDef &log : m_map.logs()) {
        if (log.readPerRow)
            continue;
        for (int r = 0; r < log.rows; ++r) {
            for (const FieldDef &c : log.columns) {
                const int reg = log.rowAddress(r) + c.reg;
                if (reg + c.words > start && reg < end)
                    encodeInto(words, start, c, reg, m_scenario.logValue(log.key, c.key, r),
                               m_scenario.id);
            }
        }
    }
    for (int reg = start; reg < end; ++reg) {
        const auto it = m_written.constFind(static_cast<quint16>(reg));
        if (it != m_written.constEnd())
            words[reg - start] = *it;
    }
    applyAlarms(words, start, time);
    return words;
}

std::optional<QList<quint16>> DeviceSimulator::logRecord(quint16 start, quint16 count) const {
    for (const LogDef &log : m_map.logs()) {
        if (!log.readPerRow || start < log.rowStart || (start - log.rowStart) % log.rowStride)
            continue;
        const int row = (start - log.rowStart) / log.rowStride;
        if (row >= log.rows || count > log.rowWords())
            continue;
        QList<quint16> words(count, 0);
        for (const FieldDef &c : log.columns)
            encodeInto(words, 0, c, c.reg, m_scenario.logValue(log.key, c.key, row), m_scenario.id);
        return words;
    }
    return std::nullopt;
}

void DeviceSimulator::applyAlarms(QList<quint16> &words, quint16 start, const SimTime &time) const {
    if (m_forcedAlarms.isEmpty() && m_scenario.alarms.isEmpty())
        return;
    const int end = start + static_cast<int>(words.size());
    for (const FieldDef &f : m_map.fields()) {
        // Whole 16- and 32-bit words only: every alarm word of the maps is one.
        if (f.alarms.isEmpty() || f.mask || f.lastReg() < start || f.reg >= end)
            continue;
        QList<const AlarmCondition *> on;
        for (const AlarmCondition &a : f.alarms) {
            const bool windowed = std::any_of(
                m_scenario.alarms.cbegin(), m_scenario.alarms.cend(), [&](const auto &w) {
                    return w.field == f.key && w.condition == a.key && w.activeAt(time.elapsedS);
                });
            if (windowed || m_forcedAlarms.contains(f.key + QLatin1Char('/') + a.key))
                on.append(&a);
        }
        if (on.isEmpty())
            continue;
        quint64 n = 0;
        for (int i = 0; i < f.words; ++i) {
            const int reg = f.reg + i;
            n = (n << 16) | (reg >= start && reg < end ? words[reg - start] : 0u);
        }
        for (const AlarmCondition *a : on) {
            const quint64 mask = ((quint64(1) << a->width) - 1) << a->bit;
            n = (n & ~mask) | (quint64(a->value) << a->bit);
        }
        for (int i = 0; i < f.words; ++i) {
            const int reg = f.reg + i;
            if (reg >= start && reg < end)
                words[reg - start] = static_cast<quint16>(n >> (16 * (f.words - 1 - i)));
        }
    }
}

bool DeviceSimulator::setAlarm(const QString &field, const QString &condition, bool on,
                               QString *error) {
    const FieldDef *f = m_map.field(field);
    const bool known =
        f && std::any_of(f->alarms.cbegin(), f->alarms.cend(),
                         [&](const AlarmCondition &a) { return a.key == condition; });
    if (!known) {
        if (error)
            *error = QStringLiteral("%1 has no alarm condition %2.%3")
                         .arg(m_map.fileName(), field, condition);
        return false;
    }
    const QString id = field + QLatin1Char('/') + condition;
    if (on)
        m_forcedAlarms.insert(id);
    else
        m_forcedAlarms.remove(id);
    return true;
}

std::optional<QList<quint16>> DeviceSimulator::registers(quint16 start, quint16 count,
                                                         qint64 nowMs) const {
    for (int reg = start; reg < start + count; ++reg) {
        if (!isImplemented(reg))
            return std::nullopt;
    }
    return sample(start, count, simTime(nowMs));
}

quint8 DeviceSimulator::replyAddress(quint8 requested) const {
    if (requested == modbus::kBroadcastSlave && m_scenario.echoBroadcastAddress)
        return modbus::kBroadcastSlave;
    return m_scenario.slave;
}

std::optional<QByteArray> DeviceSimulator::handleRequest(QByteArrayView frame, qint64 nowMs) {
    ++m_requests;
    const auto request = modbus::parseRequest(frame);
    if (!request) {
        // A frame for us whose CRC is wrong gets exception 0x05 (the REGO did exactly this for a
        // CRC sent high byte first, docs/protocol.md 5.7); anything else is line noise: silence.
        if (frame.size() >= 8 && !modbus::hasValidCrc(frame)) {
            const auto address = static_cast<quint8>(frame[0]);
            const auto function = static_cast<quint8>(frame[1]);
            if ((address == m_scenario.slave || address == modbus::kBroadcastSlave) &&
                (function == 0x03 || function == 0x06 || function == 0x10)) {
                return modbus::buildExceptionResponse(
                    replyAddress(address), static_cast<quint8>(function | kExceptionFlag), kBadCrc);
            }
        }
        qCDebug(lcSim) << "ignoring malformed request" << modbus::toHex(frame);
        return std::nullopt;
    }
    if (request->slave != m_scenario.slave &&
        (request->slave != modbus::kBroadcastSlave || !m_scenario.answersBroadcast))
        return std::nullopt; // another address on the bus: nobody answers
    const quint8 replyTo = replyAddress(request->slave);
    const auto function = static_cast<quint8>(request->function);
    const auto exception = [&](quint8 code) {
        return modbus::buildExceptionResponse(replyTo,
                                              static_cast<quint8>(function | kExceptionFlag), code);
    };

    if (request->function != modbus::FunctionCode::ReadHoldingRegisters)
        return handleWrite(*request, replyTo, nowMs);

    if (request->count == 0 || request->count > modbus::kMaxReadCount)
        return exception(kIllegalValue);
    if (m_scenario.isSilent(request->start, request->count)) {
        qCDebug(lcSim) << m_scenario.id << "stays silent for" << request->start << "x"
                       << request->count;
        return std::nullopt;
    }
    auto words = logRecord(request->start, request->count);
    if (!words)
        words = registers(request->start, request->count, nowMs);
    if (!words)
        return exception(kIllegalAddress);
    m_served.push_back(ServedRead{nowMs, request->start, *words});
    while (static_cast<int>(m_served.size()) > m_journalCapacity)
        m_served.pop_front();
    return modbus::buildReadResponse(replyTo, *words);
}

QByteArray DeviceSimulator::handleWrite(const modbus::Request &request, quint8 replyTo,
                                        qint64 nowMs) {
    const auto function = static_cast<quint8>(request.function);
    const auto exception = [&](quint8 code) {
        return modbus::buildExceptionResponse(replyTo,
                                              static_cast<quint8>(function | kExceptionFlag), code);
    };
    if (request.values.isEmpty() || request.values.size() > modbus::kMaxWriteCount)
        return exception(kIllegalValue);
    if (m_rejectWrites)
        return exception(m_rejectWrites);

    // The controller's load switch is a write-only command register outside the map; its state
    // reads back as bit 7 of 0x0120 (docs/protocol.md 8.1, 8.3).
    constexpr quint16 kControllerLoadCommand = 0x010A;
    if (m_map.family() == Family::Controller && request.start == kControllerLoadCommand &&
        request.values.size() == 1) {
        const quint16 value = request.values.first();
        if (value > 1)
            return exception(kIllegalValue);
        if (!m_ignoreWrites)
            m_overrides.insert(QStringLiteral("load_state"),
                               value ? QStringLiteral("on") : QStringLiteral("off"));
        ++m_writes;
        modbus::Request echo = request;
        echo.slave = replyTo;
        return modbus::buildWriteResponse(echo);
    }

    // Every written register must belong to writable fields only.
    QList<const FieldDef *> touched;
    for (int i = 0; i < request.values.size(); ++i) {
        const auto fields = m_map.fieldsAt(request.start + i);
        if (fields.isEmpty())
            return exception(kIllegalAddress);
        for (const FieldDef *f : fields) {
            if (!f->writable)
                return exception(kIllegalAddress);
            if (!touched.contains(f))
                touched.append(f);
        }
    }
    // Range check on the cooked value each touched field would hold after the write.
    const SimTime time = simTime(nowMs);
    for (const FieldDef *f : touched) {
        QList<quint16> after =
            sample(static_cast<quint16>(f->reg), static_cast<quint16>(f->words), time);
        for (int i = 0; i < f->words; ++i) {
            const int offset = f->reg + i - request.start;
            if (offset >= 0 && offset < request.values.size())
                after[i] = request.values.at(offset);
        }
        const DecodedValue v = RegisterDecoder::decodeField(*f, after, nowMs);
        if (v.isNumeric()) {
            const double x = v.value.toDouble();
            if ((f->min && x < *f->min - 1e-9) || (f->max && x > *f->max + 1e-9)) {
                qCDebug(lcSim) << "write of" << f->key << "=" << x << "out of range";
                return exception(kIllegalValue);
            }
        }
    }
    if (!m_ignoreWrites) {
        for (int i = 0; i < request.values.size(); ++i)
            m_written.insert(static_cast<quint16>(request.start + i), request.values.at(i));
    }
    ++m_writes;
    modbus::Request echo = request;
    echo.slave = replyTo;
    return modbus::buildWriteResponse(echo);
}

std::optional<quint16> DeviceSimulator::servedWord(quint16 reg, qint64 atMs) const {
    for (auto it = m_served.crbegin(); it != m_served.crend(); ++it) {
        if (it->atMs > atMs)
            continue;
        if (reg >= it->start && reg < it->start + it->words.size())
            return it->words.at(reg - it->start);
    }
    return std::nullopt;
}

} // namespace blupow
