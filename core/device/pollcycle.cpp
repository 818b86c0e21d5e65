#include "pollcycle.h"

#include "logging.h"

namespace blupow {

namespace {

DecodedValue neverReadValue(const FieldDef &field) {
    DecodedValue v;
    v.key = field.key;
    v.label = field.label;
    v.unit = field.unit;
    v.group = field.group;
    v.reg = field.reg;
    v.wordCount = field.words;
    v.decimals = field.decimals;
    v.quality = Quality::Stale;
    v.note = QStringLiteral("not read yet");
    return v;
}

} // namespace

void PollCycle::setMap(const RegisterMap *map, quint8 slave) {
    m_map = map;
    m_slave = slave;
    m_oncePlan = map ? map->readPlan(PollClass::Once) : QList<ReadBlock>();
    m_cyclePlan = map ? map->readPlan(PollClass::Cycle) : QList<ReadBlock>();
}

modbus::Request PollCycle::read(const ReadBlock &block) const {
    return modbus::Request::read(m_slave, block.start, block.count);
}

void PollCycle::restartOnce() {
    m_onceIndex = 0;
    m_onceBlocks.clear();
    m_onceInvalidCounted.clear();
}

std::optional<modbus::Request> PollCycle::nextOnce() const {
    if (m_onceIndex >= m_oncePlan.size())
        return std::nullopt;
    return read(m_oncePlan.at(m_onceIndex));
}

void PollCycle::handleOnce(const Exchange &ex) {
    if (ex.outcome == Exchange::Outcome::Ok)
        m_onceBlocks.append(RegisterBlock{ex.request.start, ex.response.words, ex.receivedMs});
    ++m_onceIndex;
}

void PollCycle::begin() {
    m_active = true;
    m_index = 0;
    m_heard = false;
    m_blocks.clear();
    m_silentThisCycle.clear();
}

std::optional<modbus::Request> PollCycle::next() {
    if (!m_active)
        return std::nullopt;
    while (m_index < m_cyclePlan.size() &&
           m_silent.value(m_cyclePlan.at(m_index).start) >= kSilentCyclesToSkip &&
           m_cycles % kSilentBlockRetryCycles != 0)
        ++m_index;
    if (m_index >= m_cyclePlan.size())
        return std::nullopt;
    return read(m_cyclePlan.at(m_index));
}

void PollCycle::handle(const Exchange &ex) {
    if (ex.outcome == Exchange::Outcome::Ok) {
        m_blocks.append(RegisterBlock{ex.request.start, ex.response.words, ex.receivedMs});
        m_silent.remove(ex.request.start);
    } else if (ex.outcome == Exchange::Outcome::Timeout) {
        m_silentThisCycle.append(ex.request.start);
    }
    ++m_index;
}

void PollCycle::countInvalid(const DecodedValue &v) {
    // The once blocks decode again with every cycle: an implausible identity value counts once
    // per link, not once per cycle.
    const FieldDef *f = m_map ? m_map->field(v.key) : nullptr;
    if (f && f->poll == PollClass::Once) {
        if (m_onceInvalidCounted.contains(v.key))
            return;
        m_onceInvalidCounted.insert(v.key);
    }
    ++m_invalidValues;
}

bool PollCycle::end() {
    m_active = false;
    ++m_cycles;
    QList<RegisterBlock> blocks = m_onceBlocks;
    blocks.append(m_blocks);
    const DecodedValues decoded =
        m_map ? RegisterDecoder::decodeCycle(*m_map, blocks) : DecodedValues();
    QHash<QString, DecodedValue> fresh;
    for (const DecodedValue &v : decoded) {
        if (v.quality == Quality::Invalid)
            countInvalid(v);
        fresh.insert(v.key, v);
    }

    m_current.clear();
    if (m_map) {
        for (const FieldDef &f : m_map->fields()) {
            const auto it = fresh.constFind(f.key);
            if (it != fresh.constEnd()) {
                m_last.insert(f.key, *it);
                m_current.append(*it);
                continue;
            }
            if (f.poll == PollClass::Demand)
                continue; // settings are read on demand, not reported per cycle
            const auto last = m_last.constFind(f.key);
            if (last == m_last.constEnd()) {
                m_current.append(neverReadValue(f));
                continue;
            }
            // Not read in this cycle: the last value with its old timestamp, never as fresh.
            DecodedValue stale = *last;
            if (stale.quality == Quality::Good)
                stale.quality = Quality::Stale;
            m_current.append(stale);
        }
    }

    // Silence counts against a block only when the device answered other blocks of the cycle: a
    // dead link is not a property of the model.
    if (m_heard) {
        for (const quint16 start : std::as_const(m_silentThisCycle)) {
            if (++m_silent[start] == kSilentCyclesToSkip)
                qCInfo(lcSession) << "block at" << start << "unanswered in" << kSilentCyclesToSkip
                                  << "cycles: skipped, tried again every" << kSilentBlockRetryCycles
                                  << "cycles; its values stay stale";
        }
    }
    return m_heard;
}

bool PollCycle::markAllStale() {
    if (m_current.isEmpty())
        return false;
    for (DecodedValue &v : m_current) {
        if (v.quality == Quality::Good)
            v.quality = Quality::Stale;
    }
    return true;
}

} // namespace blupow
