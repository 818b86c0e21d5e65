#pragma once

#include "capture/byteannotation.h"
#include "modbus/modbusframe.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>

#include <memory>

namespace blupow {

class RegisterMap;

// One line of the frame log: a request sent, a reply received, or bytes the reassembler threw
// away. Annotations are computed on demand (annotations()) from the request and the map that was
// active, so a long log costs bytes, not thousands of labelled strings.
struct FrameRecord {
    enum class Direction { Tx, Rx };
    enum class Status {
        Ok,
        BadCrc,
        Exception, // a well-formed Modbus exception reply
        Error,     // wrong slave, function, byte count, echo; short frame
        Timeout,   // on the request: no reply came
        Discarded, // bytes dropped while resynchronising (docs/protocol.md 5)
    };

    quint64 sequence = 0; // monotonic over the log's life; survives the ring dropping old lines
    quint64 exchangeId = 0;
    qint64 timestampMs = 0;
    Direction direction = Direction::Tx;
    QByteArray bytes;
    Status status = Status::Ok;
    QString note; // one line: the exchange's error, "no reply after 2000 ms"
    modbus::Request request;
    std::shared_ptr<const RegisterMap> map;

    [[nodiscard]] bool isError() const { return status != Status::Ok; }
    [[nodiscard]] ByteAnnotations annotations() const;
    // One line for the log's Note column: the note when there is one; for a good request the
    // fields it asks for, for a good reply their values ("Battery voltage 13.2 V, ..."), so an
    // OK line says something without opening it.
    [[nodiscard]] QString summary() const;
};

[[nodiscard]] QString directionName(FrameRecord::Direction direction); // "TX", "RX"
[[nodiscard]] QString frameStatusName(FrameRecord::Status status);     // "ok", "bad CRC", ...

} // namespace blupow
