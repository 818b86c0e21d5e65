#pragma once

// Modbus RTU framing as pure functions: building requests, parsing responses and exceptions.
// Nothing here does I/O or keeps state; the simulator, the session, the capture importer and the
// frame annotator all share these.

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

namespace blupow::modbus {

// 0xFF is answered by the single attached device with its own address (a legacy battery answered
// 0x30, a REGO inverter answered 0xFF), so a reply to it may carry any address (docs/protocol.md
// 4).
inline constexpr quint8 kBroadcastSlave = 0xFF;
inline constexpr int kMaxReadCount = 0x7D;
inline constexpr int kMaxWriteCount = 0x7B;
inline constexpr int kHeaderSize = 3;
inline constexpr int kCrcSize = 2;
inline constexpr int kExceptionFrameSize = 5;

enum class FunctionCode : quint8 {
    ReadHoldingRegisters = 0x03,
    WriteSingleRegister = 0x06,
    WriteMultipleRegisters = 0x10,
};

struct Request {
    quint8 slave = kBroadcastSlave;
    FunctionCode function = FunctionCode::ReadHoldingRegisters;
    quint16 start = 0;
    quint16 count = 1;     // registers read or written
    QList<quint16> values; // written values (0x06: one, 0x10: count)

    static Request read(quint8 slave, quint16 start, quint16 count);
    static Request writeSingle(quint8 slave, quint16 reg, quint16 value);
    static Request writeMultiple(quint8 slave, quint16 start, const QList<quint16> &values);

    friend bool operator==(const Request &, const Request &) = default;
};

[[nodiscard]] QByteArray buildRequest(const Request &request);
[[nodiscard]] QByteArray buildReadRequest(quint8 slave, quint16 start, quint16 count);
[[nodiscard]] QByteArray buildWriteSingleRequest(quint8 slave, quint16 reg, quint16 value);
[[nodiscard]] QByteArray buildWriteMultipleRequest(quint8 slave, quint16 start,
                                                   const QList<quint16> &values);

// Parses a request frame (as a slave, a capture importer or the annotator sees it).
// Returns nothing when the frame is not a well-formed 0x03/0x06/0x10 request with a valid CRC.
[[nodiscard]] std::optional<Request> parseRequest(QByteArrayView frame);

// Length of the normal reply to `request`: 5 + 2 x count for a read, 8 for writes.
[[nodiscard]] int expectedResponseLength(const Request &request) noexcept;

enum class ResponseError : quint8 {
    None,
    TooShort, // fewer bytes than the header or the byte count promise
    TooLong,  // bytes after the CRC
    BadCrc,
    WrongSlave, // a reply from another address than the one asked (not for 0xFF requests)
    WrongFunction,
    ByteCountMismatch, // byte count differs from 2 x requested registers
    EchoMismatch,      // a write reply that does not echo the request
    Exception,         // a well-formed Modbus exception; see exceptionCode
};

struct Response {
    ResponseError error = ResponseError::None;
    quint8 slave = 0;
    quint8 function = 0;
    quint8 exceptionCode = 0;
    QList<quint16> words; // register values of a read reply

    [[nodiscard]] bool ok() const noexcept { return error == ResponseError::None; }
};

// Checks slave, function, byte count and CRC of `frame` against the request that was sent.
[[nodiscard]] Response parseResponse(QByteArrayView frame, const Request &request);

// One line for people: "bad CRC (got 0x1234, computed 0x4321)", "exception 0x02: ...".
[[nodiscard]] QString describe(const Response &response, QByteArrayView frame = {});
[[nodiscard]] QString describe(ResponseError error);

// Meaning of an exception code in the Renogy documents (code 5 is "request CRC wrong", not the
// standard Modbus "acknowledge"; docs/protocol.md 5.3).
[[nodiscard]] QString exceptionMeaning(quint8 code);

// Reply builders, for the simulator and the fake peripheral in tests.
[[nodiscard]] QByteArray buildReadResponse(quint8 slave, const QList<quint16> &words);
[[nodiscard]] QByteArray buildExceptionResponse(quint8 slave, quint8 function, quint8 code);
[[nodiscard]] QByteArray buildWriteResponse(const Request &request);

// "ff 03 01 00" style formatting and its inverse (whitespace, ':' and '-' are ignored).
[[nodiscard]] QString toHex(QByteArrayView bytes);
[[nodiscard]] std::optional<QByteArray> fromHex(QStringView text, QString *error = nullptr);
// A register address or a word as people type it: "0x0100" / "0XE004" (hex) or "256" (decimal),
// surrounding spaces ignored; nothing outside 0..0xFFFF. The vendor documents number controller
// registers in hex and inverter registers in decimal, so both are everyday input.
[[nodiscard]] std::optional<quint16> parseAddress(QStringView text);

} // namespace blupow::modbus
