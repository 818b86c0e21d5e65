#pragma once

#include "capture/framerecord.h"
#include "modbus/exchange.h"

#include <QList>

#include <deque>
#include <memory>

namespace blupow {

// A bounded, timestamped TX/RX log fed from the session's exchanges. When full the oldest
// records go first. A plain value: the frame-log model wraps one and tells its views.
class FrameLog {
public:
    static constexpr int kDefaultCapacity = 10000;

    explicit FrameLog(int capacity = kDefaultCapacity);

    // The map used to name registers in records added from now on (the session's identified map).
    void setRegisterMap(std::shared_ptr<const RegisterMap> map);
    [[nodiscard]] const std::shared_ptr<const RegisterMap> &registerMap() const { return m_map; }

    // The records one exchange produces: the request; the reply (or a Timeout mark on the
    // request); the discarded bytes, if any. Pure: nothing is appended.
    [[nodiscard]] QList<FrameRecord> recordsFor(const Exchange &exchange) const;

    // How many of the oldest records appending `incoming` more would push out.
    [[nodiscard]] int overflow(int incoming) const;

    // Appends (numbering the record) and drops the oldest beyond capacity; returns how many went.
    int append(FrameRecord record);
    int append(const Exchange &exchange);

    // Drops the `count` oldest records (a model calls this between beginRemoveRows/endRemoveRows).
    void dropOldest(int count);
    void clear();

    [[nodiscard]] int size() const { return static_cast<int>(m_records.size()); }
    [[nodiscard]] int capacity() const { return m_capacity; }
    [[nodiscard]] const FrameRecord &at(int index) const {
        return m_records.at(static_cast<size_t>(index));
    }

private:
    int m_capacity;
    quint64 m_nextSequence = 1;
    std::shared_ptr<const RegisterMap> m_map;
    std::deque<FrameRecord> m_records;
};

} // namespace blupow
