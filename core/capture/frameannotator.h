#pragma once

#include "capture/byteannotation.h"
#include "modbus/modbusframe.h"

#include <QByteArrayView>

namespace blupow {

class RegisterMap;

// Pure functions that label every byte of a Modbus RTU frame. Responses are read against the
// request that was sent: a read reply carries no register numbers, so the request's start fixes
// which register each word is (docs/protocol.md 5.2), and the register map names and scales it.
namespace FrameAnnotator {

// A request frame (0x03, 0x06, 0x10). Written values are named by `map` when given.
[[nodiscard]] ByteAnnotations annotateRequest(QByteArrayView frame,
                                              const RegisterMap *map = nullptr);

// A reply frame to `request`: normal read reply, write echo or exception. Bytes beyond what the
// header promises are marked as extra (not ok); a short frame is labelled as far as it goes.
[[nodiscard]] ByteAnnotations annotateResponse(QByteArrayView frame, const modbus::Request &request,
                                               const RegisterMap *map = nullptr);

// "read holding registers", "write single register", "exception to read holding registers"
[[nodiscard]] QString functionName(quint8 function);

} // namespace FrameAnnotator

} // namespace blupow
