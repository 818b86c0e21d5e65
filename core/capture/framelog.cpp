#include "framelog.h"

#include "capture/frameannotator.h"
#include "registers/registermap.h"

namespace blupow {

namespace {

FrameRecord::Status statusOf(const Exchange &exchange) {
    switch (exchange.outcome) {
    case Exchange::Outcome::Ok:
        return FrameRecord::Status::Ok;
    case Exchange::Outcome::Exception:
        return FrameRecord::Status::Exception;
    case Exchange::Outcome::Timeout:
    case Exchange::Outcome::Cancelled:
        return FrameRecord::Status::Timeout;
    case Exchange::Outcome::Error:
        break;
    }
    return exchange.response.error == modbus::ResponseError::BadCrc ? FrameRecord::Status::BadCrc
                                                                    : FrameRecord::Status::Error;
}

} // namespace

ByteAnnotations FrameRecord::annotations() const {
    switch (direction) {
    case Direction::Tx:
        return FrameAnnotator::annotateRequest(bytes, map.get());
    case Direction::Rx:
        if (status == Status::Discarded) {
            ByteAnnotation a;
            a.offset = 0;
            a.length = static_cast<int>(bytes.size());
            a.kind = ByteAnnotation::Kind::Extra;
            a.title = QStringLiteral("discarded");
            a.text = QStringLiteral("bytes that did not fit the pending request");
            a.ok = false;
            return {a};
        }
        return FrameAnnotator::annotateResponse(bytes, request, map.get());
    }
    return {};
}

namespace {
// Enough to recognise a block at a glance; the annotation table has every field.
constexpr int kSummaryFields = 4;

QString joinBrief(const QStringList &parts) {
    if (parts.size() <= kSummaryFields)
        return parts.join(QStringLiteral(", "));
    return QStringLiteral("%1, +%2 more")
        .arg(parts.first(kSummaryFields).join(QStringLiteral(", ")))
        .arg(parts.size() - kSummaryFields);
}
} // namespace

QString FrameRecord::summary() const {
    if (!note.isEmpty() || status != Status::Ok)
        return note;
    QStringList parts;
    if (direction == Direction::Rx) {
        for (const ByteAnnotation &a : annotations()) {
            if (!a.key.isEmpty() && !a.value.isEmpty())
                parts.append(
                    QStringLiteral("%1 %2").arg(a.label.isEmpty() ? a.key : a.label, a.value));
        }
        return joinBrief(parts);
    }
    if (map) {
        for (int reg = request.start; reg < request.start + request.count; ++reg) {
            for (const FieldDef *field : map->fieldsAt(reg)) {
                if (field->reg == reg)
                    parts.append(field->label.isEmpty() ? field->key : field->label);
            }
        }
    }
    const bool write = request.function != modbus::FunctionCode::ReadHoldingRegisters;
    const QString head = QStringLiteral("%1 %2 register%3 from 0x%4")
                             .arg(write ? QStringLiteral("write") : QStringLiteral("read"))
                             .arg(request.count)
                             .arg(request.count == 1 ? QString() : QStringLiteral("s"))
                             .arg(request.start, 4, 16, QLatin1Char('0'));
    return parts.isEmpty() ? head : QStringLiteral("%1: %2").arg(head, joinBrief(parts));
}

QString directionName(FrameRecord::Direction direction) {
    return direction == FrameRecord::Direction::Tx ? QStringLiteral("TX") : QStringLiteral("RX");
}

QString frameStatusName(FrameRecord::Status status) {
    switch (status) {
    case FrameRecord::Status::Ok:
        return QStringLiteral("ok");
    case FrameRecord::Status::BadCrc:
        return QStringLiteral("bad CRC");
    case FrameRecord::Status::Exception:
        return QStringLiteral("exception");
    case FrameRecord::Status::Error:
        return QStringLiteral("error");
    case FrameRecord::Status::Timeout:
        return QStringLiteral("no reply");
    case FrameRecord::Status::Discarded:
        return QStringLiteral("discarded");
    }
    return QStringLiteral("unknown");
}

FrameLog::FrameLog(int capacity)
    : m_capacity(std::max(1, capacity)) {}

void FrameLog::setRegisterMap(std::shared_ptr<const RegisterMap> map) {
    m_map = std::move(map);
    // The identification probes (model name, serial) ran before the device had a map; they
    // belong to it, and without it their words read "not in the map".
    if (m_map) {
        for (FrameRecord &record : m_records) {
            if (!record.map)
                record.map = m_map;
        }
    }
}

QList<FrameRecord> FrameLog::recordsFor(const Exchange &exchange) const {
    QList<FrameRecord> out;
    const FrameRecord::Status status = statusOf(exchange);

    FrameRecord tx;
    tx.exchangeId = exchange.id;
    tx.timestampMs = exchange.sentMs;
    tx.direction = FrameRecord::Direction::Tx;
    tx.bytes = exchange.requestFrame;
    tx.request = exchange.request;
    tx.map = m_map;
    if (status == FrameRecord::Status::Timeout) {
        tx.status = FrameRecord::Status::Timeout;
        tx.note = exchange.error.isEmpty() ? QStringLiteral("no reply") : exchange.error;
    }
    out.append(tx);

    if (!exchange.dropped.isEmpty()) {
        FrameRecord dropped = tx;
        dropped.direction = FrameRecord::Direction::Rx;
        dropped.timestampMs = exchange.receivedMs ? exchange.receivedMs : exchange.sentMs;
        dropped.bytes = exchange.dropped;
        dropped.status = FrameRecord::Status::Discarded;
        dropped.note =
            QStringLiteral("%1 bytes discarded while resynchronising").arg(exchange.dropped.size());
        out.append(dropped);
    }

    if (!exchange.responseFrame.isEmpty()) {
        FrameRecord rx = tx;
        rx.direction = FrameRecord::Direction::Rx;
        rx.timestampMs = exchange.receivedMs;
        rx.bytes = exchange.responseFrame;
        rx.status = status == FrameRecord::Status::Timeout ? FrameRecord::Status::Error : status;
        rx.note = rx.status == FrameRecord::Status::Ok ? QString() : exchange.error;
        if (rx.note.isEmpty() && rx.status != FrameRecord::Status::Ok)
            rx.note = modbus::describe(exchange.response, exchange.responseFrame);
        out.append(rx);
    }
    return out;
}

int FrameLog::overflow(int incoming) const {
    return std::clamp(size() + incoming - m_capacity, 0, size());
}

int FrameLog::append(FrameRecord record) {
    record.sequence = m_nextSequence++;
    int dropped = 0;
    while (size() >= m_capacity) {
        m_records.pop_front();
        ++dropped;
    }
    m_records.push_back(std::move(record));
    return dropped;
}

int FrameLog::append(const Exchange &exchange) {
    int dropped = 0;
    for (FrameRecord &record : recordsFor(exchange))
        dropped += append(std::move(record));
    return dropped;
}

void FrameLog::dropOldest(int count) {
    for (int i = 0; i < count && !m_records.empty(); ++i)
        m_records.pop_front();
}

void FrameLog::clear() {
    m_records.clear();
}

} // namespace blupow
