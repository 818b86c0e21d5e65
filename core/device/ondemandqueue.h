#pragma once

#include "modbus/modbusframe.h"

#include <QList>

#include <deque>
#include <optional>

namespace blupow {

// Reads (register console) and writes (settings) asked for on demand, waiting behind the poll
// for their turn on the link. A write is never sent twice: one whose echo was lost is verified by
// reading back, not by writing again.
class OnDemandQueue {
public:
    struct Item {
        quint64 id = 0;
        quint16 start = 0;
        quint16 count = 0;
        modbus::FunctionCode function = modbus::FunctionCode::ReadHoldingRegisters;
        QList<quint16> words; // written values (writes only)
        // The slave it is for, fixed when it is queued (a later change of focus does not
        // redirect a write); none: the session's only or first slave, once identified.
        std::optional<quint8> target;

        [[nodiscard]] modbus::Request request(quint8 slave) const;
        [[nodiscard]] bool isWrite() const {
            return function != modbus::FunctionCode::ReadHoldingRegisters;
        }
    };

    // Nothing, and nothing queued, for a malformed write: no words, too many, 0x06 with several
    // words, or a read function.
    [[nodiscard]] static std::optional<Item>
    write(quint64 id, quint16 start, const QList<quint16> &words, modbus::FunctionCode fn);
    [[nodiscard]] static Item read(quint64 id, quint16 start, quint16 count) {
        return Item{id, start, count, modbus::FunctionCode::ReadHoldingRegisters, {}, {}};
    }

    void push(Item item) { m_items.push_back(std::move(item)); }
    [[nodiscard]] bool empty() const { return m_items.empty(); }
    [[nodiscard]] const Item &front() const { return m_items.front(); }
    // Takes the front item if it is `id` (the one that was just answered).
    bool popIf(quint64 id);
    // Everything still waiting, in order (the session stops).
    [[nodiscard]] std::deque<Item> takeAll() { return std::exchange(m_items, {}); }

private:
    std::deque<Item> m_items;
};

} // namespace blupow
