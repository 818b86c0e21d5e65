#include "replaytransport.h"

#include "capture/btsnoop.h"
#include "capture/conversationextractor.h"
#include "logging.h"
#include "modbus/modbusframe.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cmath>

namespace blupow {

ReplayTransport::ReplayTransport(QList<capture::CapturedExchange> exchanges, QString name,
                                 QString address, QObject *parent)
    : Transport(parent)
    , m_exchanges(std::move(exchanges))
    , m_name(name.isEmpty() ? QStringLiteral("replay") : std::move(name))
    , m_address(address.isEmpty() ? QStringLiteral("replay:") + m_name : std::move(address)) {
    m_stateTimer.setSingleShot(true);
    m_stateTimer.setInterval(0);
    connect(&m_stateTimer, &QTimer::timeout, this, &ReplayTransport::onStateTimer);
    m_chunkTimer.setSingleShot(true);
    connect(&m_chunkTimer, &QTimer::timeout, this, &ReplayTransport::playNextChunk);
}

ReplayTransport::~ReplayTransport() = default;

std::unique_ptr<ReplayTransport> ReplayTransport::fromFile(const QString &path, QString *error,
                                                           QObject *parent) {
    const auto fail = [&](const QString &why) -> std::unique_ptr<ReplayTransport> {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, why);
        return nullptr;
    };
    QFile file(path);
    QString readError;
    const auto data = capture::readCaptureDevice(file, &readError);
    if (!data)
        return fail(readError);
    QList<capture::CapturedExchange> exchanges;
    const auto result = capture::ConversationExtractor::extract(
        *data, [&](capture::CapturedExchange &&e) { exchanges.append(std::move(e)); });
    if (!result.ok)
        return fail(result.error);
    for (const QString &w : result.warnings)
        qCInfo(lcCapture).noquote() << path << w;
    const bool answered =
        std::any_of(exchanges.cbegin(), exchanges.cend(),
                    [](const capture::CapturedExchange &e) { return !e.replyChunks.isEmpty(); });
    if (!answered)
        return fail(QStringLiteral("no answered Modbus request in the recording"));
    const QString label = QStringLiteral("replay:%1").arg(QFileInfo(path).fileName());
    return std::make_unique<ReplayTransport>(
        std::move(exchanges), result.peerName.isEmpty() ? label : result.peerName,
        result.peerAddress.isEmpty() ? label
                                     : QStringLiteral("%1 (%2)").arg(result.peerAddress, label),
        parent);
}

QString ReplayTransport::peerAddress() const {
    return m_address;
}

void ReplayTransport::setSpeed(double speed) {
    m_speed = speed > 0 && std::isfinite(speed) ? speed : 0.0;
}

void ReplayTransport::open() {
    if (m_state == State::Open || m_state == State::Opening)
        return;
    m_targetState = State::Open;
    setState(State::Opening);
    m_stateTimer.start();
}

void ReplayTransport::close() {
    if (m_state == State::Closed || m_state == State::Closing)
        return;
    m_chunkTimer.stop();
    m_replaying = -1;
    m_targetState = State::Closed;
    setState(State::Closing);
    m_stateTimer.start();
}

void ReplayTransport::onStateTimer() {
    setState(m_targetState);
}

void ReplayTransport::setState(State state) {
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

bool ReplayTransport::write(const QByteArray &frame) {
    if (m_state != State::Open) {
        Q_EMIT errorOccurred(Error::WriteFailed,
                             QStringLiteral("write while the replay is not open"));
        return false;
    }
    Q_EMIT bytesWritten(frame, QDateTime::currentMSecsSinceEpoch());
    // A new request supersedes a reply still playing: the session gave up on it.
    m_chunkTimer.stop();
    m_replaying = -1;
    const qsizetype index = findRequest(frame);
    if (index < 0) {
        ++m_unmatched;
        qCDebug(lcCapture).noquote()
            << "replay: no recorded reply for" << modbus::toHex(frame) << "- no answer";
        return true;
    }
    m_cursor = index + 1;
    m_replaying = index;
    m_nextChunk = 0;
    m_sinceWrite.start();
    if (!m_exchanges.at(index).replyChunks.isEmpty())
        m_chunkTimer.start(delayMs(m_exchanges.at(index).replyChunks.constFirst().offsetUs));
    return true;
}

qsizetype ReplayTransport::findRequest(const QByteArray &frame) const {
    const qsizetype n = m_exchanges.size();
    for (qsizetype i = 0; i < n; ++i) {
        const qsizetype at = (m_cursor + i) % n;
        if (m_exchanges.at(at).exchange.requestFrame == frame)
            return at;
    }
    return -1;
}

int ReplayTransport::delayMs(qint64 offsetUs) const {
    if (m_speed <= 0)
        return 0;
    const double due = static_cast<double>(offsetUs) / 1000.0 / m_speed;
    const double remaining = due - static_cast<double>(m_sinceWrite.elapsed());
    return remaining <= 0 ? 0 : static_cast<int>(std::min(remaining, 3'600'000.0));
}

void ReplayTransport::playNextChunk() {
    if (m_replaying < 0 || m_state != State::Open)
        return;
    const auto &chunks = m_exchanges.at(m_replaying).replyChunks;
    if (m_nextChunk >= chunks.size())
        return;
    const QByteArray bytes = chunks.at(m_nextChunk).bytes;
    ++m_nextChunk;
    if (m_nextChunk < chunks.size()) {
        m_chunkTimer.start(delayMs(chunks.at(m_nextChunk).offsetUs));
    } else {
        ++m_played;
        m_replaying = -1;
    }
    Q_EMIT bytesReceived(bytes, QDateTime::currentMSecsSinceEpoch());
}

} // namespace blupow
