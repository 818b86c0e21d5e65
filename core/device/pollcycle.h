#pragma once

#include "modbus/exchange.h"
#include "registers/decodedvalue.h"
#include "registers/registerdecoder.h"
#include "registers/registermap.h"

#include <QHash>
#include <QList>
#include <QSet>

#include <optional>

namespace blupow {

// The poll of an identified device as a step machine without I/O, like Identifier: the session
// asks for the next block to read, hands back what came of it (after the client's retries) and,
// at the end of a cycle, gets one batch of values. It also keeps the last value of every field,
// so that a field not read in a cycle is reported Stale with its old value, never as fresh.
//
// Two kinds of block (docs/session.md): the once blocks (model, serial numbers) are read after
// every connect, before polling starts; the cycle blocks every cycle. A block the device answers
// in other cycles but never answers itself (G6 DC-DC at 0x0120, RIV4835 at 4311) would cost every
// cycle its timeouts: after kSilentCyclesToSkip such cycles it is skipped, its fields stay Stale,
// and it is tried again every kSilentBlockRetryCycles cycles in case it was the link.
class PollCycle {
public:
    static constexpr int kSilentCyclesToSkip = 2;
    static constexpr int kSilentBlockRetryCycles = 20;

    // What to read from which slave; forgets nothing already read.
    void setMap(const RegisterMap *map, quint8 slave);
    [[nodiscard]] const RegisterMap *map() const { return m_map; }

    // A new link: the once blocks are read again.
    void restartOnce();
    // The next once block; nothing when they are all done.
    [[nodiscard]] std::optional<modbus::Request> nextOnce() const;
    void handleOnce(const Exchange &exchange);

    // Starts a cycle: every cycle block once, in order.
    void begin();
    [[nodiscard]] bool active() const { return m_active; }
    // Drops the cycle unfinished (the link went away under it); reports nothing.
    void abandon() { m_active = false; }
    // The next block of the cycle (silent blocks skipped); nothing when the cycle has read all.
    [[nodiscard]] std::optional<modbus::Request> next();
    void handle(const Exchange &exchange);
    // The device answered something during this cycle (a probe, an exception: anything).
    void heard() { m_heard = true; }
    // Whether it did, in the cycle running or the last one ended.
    [[nodiscard]] bool heardThisCycle() const { return m_heard; }
    // Ends the cycle: decodes what it read, with the once blocks, into every field of the map.
    // Returns whether the device answered anything in it.
    bool end();
    // Every Good value becomes Stale (the link is gone). False when there is nothing to report.
    bool markAllStale();

    [[nodiscard]] const DecodedValues &values() const { return m_current; }
    [[nodiscard]] qsizetype blocksPerCycle() const { return m_cyclePlan.size(); }
    [[nodiscard]] quint64 cycles() const { return m_cycles; }
    // Values decoded outside their field's plausible range, over the session's life.
    [[nodiscard]] quint64 invalidValues() const { return m_invalidValues; }

private:
    [[nodiscard]] modbus::Request read(const ReadBlock &block) const;
    void countInvalid(const DecodedValue &value);

    const RegisterMap *m_map = nullptr;
    quint8 m_slave = 0;
    QList<ReadBlock> m_oncePlan;
    QList<ReadBlock> m_cyclePlan;

    qsizetype m_onceIndex = 0;
    QList<RegisterBlock> m_onceBlocks;

    bool m_active = false;
    bool m_heard = false;
    qsizetype m_index = 0;
    QList<RegisterBlock> m_blocks;
    QHash<quint16, int> m_silent; // block start -> cycles in a row it got no answer
    QList<quint16> m_silentThisCycle;
    quint64 m_cycles = 0;
    quint64 m_invalidValues = 0;
    QSet<QString> m_onceInvalidCounted; // once fields already counted on this link

    QHash<QString, DecodedValue> m_last;
    DecodedValues m_current;
};

} // namespace blupow
