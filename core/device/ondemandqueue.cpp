#include "ondemandqueue.h"

namespace blupow {

modbus::Request OnDemandQueue::Item::request(quint8 slave) const {
    switch (function) {
    case modbus::FunctionCode::WriteSingleRegister:
        return modbus::Request::writeSingle(slave, start, words.value(0));
    case modbus::FunctionCode::WriteMultipleRegisters:
        return modbus::Request::writeMultiple(slave, start, words);
    case modbus::FunctionCode::ReadHoldingRegisters:
        break;
    }
    return modbus::Request::read(slave, start, count);
}

std::optional<OnDemandQueue::Item> OnDemandQueue::write(quint64 id, quint16 start,
                                                        const QList<quint16> &words,
                                                        modbus::FunctionCode fn) {
    const bool valid = !words.isEmpty() && words.size() <= modbus::kMaxWriteCount &&
                       (fn == modbus::FunctionCode::WriteMultipleRegisters ||
                        (fn == modbus::FunctionCode::WriteSingleRegister && words.size() == 1));
    if (!valid)
        return std::nullopt;
    return Item{id, start, static_cast<quint16>(words.size()), fn, words, {}};
}

bool OnDemandQueue::popIf(quint64 id) {
    if (m_items.empty() || m_items.front().id != id)
        return false;
    m_items.pop_front();
    return true;
}

} // namespace blupow
