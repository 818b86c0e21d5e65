#pragma once

#include "modbus/modbusframe.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>

namespace blupow {

// One Modbus request and what came back, as the session saw it. The frame log, the frames panel,
// recordings and the register console are fed from these.
struct Exchange {
    enum class Outcome { Ok, Exception, Error, Timeout, Cancelled };

    quint64 id = 0;
    modbus::Request request;
    QByteArray requestFrame;
    QByteArray responseFrame;  // reassembled reply; empty on timeout
    modbus::Response response; // parse result (error, exception code, words)
    Outcome outcome = Outcome::Timeout;
    QString error;          // one line for people when not Ok
    qint64 sentMs = 0;      // epoch ms
    qint64 receivedMs = 0;  // epoch ms; 0 on timeout
    double roundTripMs = 0; // monotonic, from write to the last chunk of the reply
    QByteArray dropped;     // bytes the reassembler discarded while this request was pending
};

} // namespace blupow

Q_DECLARE_METATYPE(blupow::Exchange)
