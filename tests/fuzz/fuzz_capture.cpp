// libFuzzer target: any bytes through the whole untrusted-input path of a capture import
// (btsnoop records, HCI packets, ACL/L2CAP reassembly, ATT, GATT discovery, advertising reports,
// Modbus pairing). Built with clang by tests/capture.cmake; run by CTest for a bounded number of
// iterations over the seeds in corpus/.

#include "capture/conversationextractor.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    qsizetype exchanges = 0;
    qsizetype chunks = 0;
    const auto result = blupow::capture::ConversationExtractor::extract(
        bytes, [&](blupow::capture::CapturedExchange &&e) {
            ++exchanges;
            chunks += e.replyChunks.size();
        });
    // An exchange is only ever reported for a parsed request, and each one is counted.
    if (result.ok && result.exchanges != exchanges)
        __builtin_trap();
    if (!result.ok && (exchanges != 0 || result.error.isEmpty()))
        __builtin_trap();
    return 0;
}
