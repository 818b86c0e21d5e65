#include "recorder.h"

#include "btsnoopwriter.h"
#include "logging.h"
#include "transport/transport.h"

#include <QDateTime>
#include <QFile>

#include <utility>

namespace blupow::capture {

Recorder::Recorder(QObject *parent)
    : QObject(parent) {
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(0);
    connect(&m_flushTimer, &QTimer::timeout, this, [this] { flushWrites(); });
}

Recorder::~Recorder() {
    stop();
}

bool Recorder::start(const QString &path, QString *error) {
    m_path = path;
    auto file = std::make_unique<QFile>(path);
    if (!file->open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, file->errorString());
        return false;
    }
    QIODevice *device = file.get();
    if (!start(device, error))
        return false;
    m_ownedDevice = std::move(file);
    return true;
}

bool Recorder::start(QIODevice *device, QString *error) {
    stop();
    if (!device || !device->isWritable()) {
        if (error)
            *error = QStringLiteral("the recording device is not open for writing");
        return false;
    }
    QByteArray head = BtsnoopWriter::fileHeader();
    BtsnoopWriter::appendRenogyDiscovery(head, QDateTime::currentMSecsSinceEpoch() * 1000);
    if (!writeOut(device, head)) {
        if (error)
            *error = QStringLiteral("cannot write the recording %1: %2")
                         .arg(m_path.isEmpty() ? QStringLiteral("(device)") : m_path,
                              device->errorString());
        return false;
    }
    m_device = device;
    m_chunks = 0;
    return true;
}

void Recorder::attach(Transport *transport) {
    m_transports.append(transport);
    if (m_device) {
        // The name lets a replay identify the device as the live session did (the session
        // guesses the family from the advertised name first).
        QByteArray advert;
        BtsnoopWriter::appendAdvertisingReport(advert, QDateTime::currentMSecsSinceEpoch() * 1000,
                                               transport->peerName(), transport->peerAddress());
        if (!writeOut(m_device, advert)) {
            // Queued: the caller connects to errorOccurred after attach().
            const QString message = failureMessage();
            QMetaObject::invokeMethod(
                this, [this, message] { Q_EMIT errorOccurred(message); }, Qt::QueuedConnection);
            stop();
            return;
        }
    }
    connect(transport, &Transport::bytesWritten, this,
            [this, transport](const QByteArray &frame, qint64 ms) {
                if (!m_device)
                    return;
                m_pendingWrites.append({frame, ms, transport, transport->sequenceOfLastWrite()});
                m_flushTimer.start();
            });
    connect(transport, &Transport::bytesReceived, this,
            [this, transport](const QByteArray &chunk, qint64 ms) {
                flushWrites(transport, transport->sequenceOfLastChunk());
                record(chunk, ms, true);
            });
}

void Recorder::flushWrites(const Transport *link, quint64 chunkSequence) {
    // Taken out first: a failing write stops the recording, which flushes and clears again.
    QList<PendingWrite> waiting = std::exchange(m_pendingWrites, {});
    qsizetype done = 0;
    for (; done < waiting.size() && m_device; ++done) {
        const PendingWrite &w = waiting.at(done);
        if (w.link == link && w.sequence > chunkSequence)
            break;
        record(w.frame, w.timestampMs, false);
    }
    if (m_device)
        m_pendingWrites = waiting.mid(done);
}

void Recorder::stop() {
    m_flushTimer.stop();
    if (m_device)
        flushWrites();
    m_pendingWrites.clear();
    for (const QPointer<Transport> &t : std::as_const(m_transports)) {
        if (t)
            disconnect(t, nullptr, this, nullptr);
    }
    m_transports.clear();
    if (m_ownedDevice)
        m_ownedDevice->close();
    m_ownedDevice.reset();
    m_device = nullptr;
}

void Recorder::record(const QByteArray &chunk, qint64 timestampMs, bool received) {
    if (!m_device)
        return;
    QByteArray out;
    if (received)
        BtsnoopWriter::appendAttNotification(out, timestampMs * 1000, chunk);
    else
        BtsnoopWriter::appendAttWrite(out, timestampMs * 1000, chunk);
    if (!writeOut(m_device, out)) {
        const QString message = failureMessage();
        stop();
        Q_EMIT errorOccurred(message);
        return;
    }
    ++m_chunks;
}

bool Recorder::writeOut(QIODevice *device, const QByteArray &bytes) {
    // A QFile takes the bytes into its buffer and reports a full disk only when it flushes.
    if (device->write(bytes) != bytes.size())
        return false;
    auto *file = qobject_cast<QFileDevice *>(device);
    return !file || file->flush();
}

QString Recorder::failureMessage() const {
    QString message =
        QStringLiteral("recording %1 stopped: %2")
            .arg(m_path.isEmpty() ? QStringLiteral("(device)") : m_path, m_device->errorString());
    qCWarning(lcCapture).noquote() << message;
    return message;
}

QByteArray Recorder::exportExchanges(const QList<Exchange> &exchanges) {
    QByteArray out = BtsnoopWriter::fileHeader();
    if (!exchanges.isEmpty())
        BtsnoopWriter::appendRenogyDiscovery(out, exchanges.constFirst().sentMs * 1000);
    for (const Exchange &e : exchanges) {
        BtsnoopWriter::appendAttWrite(out, e.sentMs * 1000, e.requestFrame);
        if (!e.responseFrame.isEmpty())
            BtsnoopWriter::appendAttNotification(out, e.receivedMs * 1000, e.responseFrame);
    }
    return out;
}

QByteArray Recorder::exportFrames(const QList<FrameRecord> &frames) {
    QByteArray out = BtsnoopWriter::fileHeader();
    if (!frames.isEmpty())
        BtsnoopWriter::appendRenogyDiscovery(out, frames.constFirst().timestampMs * 1000);
    for (const FrameRecord &f : frames) {
        if (f.direction == FrameRecord::Direction::Tx)
            BtsnoopWriter::appendAttWrite(out, f.timestampMs * 1000, f.bytes);
        else
            BtsnoopWriter::appendAttNotification(out, f.timestampMs * 1000, f.bytes);
    }
    return out;
}

} // namespace blupow::capture
