#include "logbuffer.h"

#include <QDateTime>

namespace blupow {

namespace {

// What Qt allows a message handler to reach: one buffer and the handler it replaced.
LogBuffer *g_buffer = nullptr;
QtMessageHandler g_previous = nullptr;

void handler(QtMsgType type, const QMessageLogContext &context, const QString &message) {
    if (g_buffer) {
        static constexpr std::array kTypes{"debug", "warning", "critical", "fatal", "info"};
        const auto t = static_cast<std::size_t>(type);
        g_buffer->append(QStringLiteral("%1 %2 %3: %4")
                             .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs),
                                  QLatin1String(t < kTypes.size() ? kTypes[t] : "log"),
                                  QLatin1String(context.category ? context.category : "default"),
                                  message));
    }
    if (g_previous)
        g_previous(type, context, message);
}

} // namespace

LogBuffer::LogBuffer(int capacity)
    : m_capacity(capacity) {}

LogBuffer::~LogBuffer() {
    if (m_installed && g_buffer == this) {
        qInstallMessageHandler(g_previous);
        g_buffer = nullptr;
        g_previous = nullptr;
    }
}

void LogBuffer::install() {
    if (m_installed)
        return;
    g_buffer = this;
    g_previous = qInstallMessageHandler(handler);
    m_installed = true;
}

void LogBuffer::append(const QString &line) {
    const QMutexLocker lock(&m_mutex);
    m_lines.push_back(line);
    while (static_cast<int>(m_lines.size()) > m_capacity)
        m_lines.pop_front();
}

QStringList LogBuffer::lines() const {
    const QMutexLocker lock(&m_mutex);
    return QStringList(m_lines.cbegin(), m_lines.cend());
}

} // namespace blupow
