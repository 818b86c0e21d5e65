#include "transport.h"

namespace blupow {

Transport::Transport(QObject *parent)
    : QObject(parent) {
    // The first connections of these signals, so they run before every other slot (Qt calls
    // direct connections in the order they were made).
    connect(this, &Transport::bytesWritten, this, [this] { m_lastWrite = ++m_sequence; });
    connect(this, &Transport::bytesReceived, this, [this] { m_lastChunk = ++m_sequence; });
}

Transport::~Transport() = default;

} // namespace blupow
