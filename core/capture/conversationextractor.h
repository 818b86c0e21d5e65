#pragma once

#include "capturedexchange.h"
#include "gattlayout.h"

#include <QByteArrayView>
#include <QStringList>

#include <functional>
#include <optional>

namespace blupow::capture {

// btsnoop bytes -> the Modbus conversation inside them: requests written to the Renogy request
// characteristic, replies reassembled from the notifications of the reply characteristic, paired
// one to one (exactly one request is in flight on a Renogy link). No register maps here: this is
// the part that parses untrusted bytes, and the part the fuzzer exercises.
class ConversationExtractor {
public:
    struct Options {
        std::optional<quint16> writeHandle; // force the ATT handles (skips the search)
        std::optional<quint16> notifyHandle;
    };

    struct Result {
        bool ok = false;
        QString error; // one line when the file cannot be read at all
        QStringList warnings;
        quint32 datalink = 0;
        qsizetype records = 0;
        qsizetype fileBytes = 0;
        quint16 writeHandle = 0; // 0 = none found
        quint16 notifyHandle = 0;
        QString handleEvidence; // how the handles were chosen, for people
        // The Renogy device named in an advertising report of the capture ("BT-TH-FD866D73"),
        // and its address; empty when the capture holds none.
        QString peerName;
        QString peerAddress;
        GattLayout gatt;
        qsizetype exchanges = 0;
        qint64 firstUs = 0; // epoch microseconds of the first and last record
        qint64 lastUs = 0;
        // Corrupt stretches passed over to resynchronise on the next plausible record: what
        // they held is lost, so a caller reports it (BtsnoopReader::skips()).
        qsizetype skippedBytes = 0;
        qsizetype skippedStretches = 0;
    };

    using Sink = std::function<void(CapturedExchange &&exchange)>;

    // Streams every exchange to `sink` in capture order; keeps none of them.
    [[nodiscard]] static Result extract(QByteArrayView file, const Sink &sink,
                                        const Options &options);
    [[nodiscard]] static Result extract(QByteArrayView file, const Sink &sink) {
        return extract(file, sink, Options{});
    }
};

} // namespace blupow::capture
