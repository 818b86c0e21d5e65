#pragma once

#include "capture/capturedexchange.h"
#include "transport/transport.h"

#include <QElapsedTimer>
#include <QList>
#include <QTimer>

#include <memory>

namespace blupow {

// Plays a recording back through the normal session: every request written is answered with the
// reply chunks recorded for the same request bytes, at the recorded pace scaled by speed() (1 =
// as recorded, 2 = twice as fast, 0 = at once). Requests are matched in recording order from
// where the last match left off and wrap around at the end, so a poll loop replays a capture
// indefinitely; a request the recording never saw gets no reply (the session times out, as with
// a device that does not answer).
class ReplayTransport : public Transport {
    Q_OBJECT

public:
    // `name` and `address` are what peerName()/peerAddress() report: the recorded device's, so
    // that the session identifies it as it did live.
    explicit ReplayTransport(QList<capture::CapturedExchange> exchanges, QString name = {},
                             QString address = {}, QObject *parent = nullptr);
    ~ReplayTransport() override;

    // Imports the btsnoop file at `path` (no register maps needed). Nothing, with one line in
    // `error`, when it cannot be read or holds no answered Modbus request.
    static std::unique_ptr<ReplayTransport> fromFile(const QString &path, QString *error,
                                                     QObject *parent = nullptr);

    void open() override;
    void close() override;
    bool write(const QByteArray &frame) override;
    [[nodiscard]] State state() const override { return m_state; }
    [[nodiscard]] QString peerName() const override { return m_name; }
    [[nodiscard]] QString peerAddress() const override;

    void setSpeed(double speed); // negative values count as 0
    [[nodiscard]] double speed() const { return m_speed; }
    [[nodiscard]] qsizetype exchangeCount() const { return m_exchanges.size(); }
    [[nodiscard]] qsizetype unmatchedRequests() const { return m_unmatched; }
    [[nodiscard]] qsizetype repliesPlayed() const { return m_played; }

private:
    void setState(State state);
    void onStateTimer();
    void playNextChunk();
    [[nodiscard]] int delayMs(qint64 offsetUs) const;
    [[nodiscard]] qsizetype findRequest(const QByteArray &frame) const;

    QList<capture::CapturedExchange> m_exchanges;
    QString m_name;
    QString m_address;
    State m_state = State::Closed;
    State m_targetState = State::Closed;
    double m_speed = 1.0;
    qsizetype m_cursor = 0; // where the next match is looked for first
    qsizetype m_unmatched = 0;
    qsizetype m_played = 0;

    // The reply being played: which exchange, the next chunk, and when the request was written.
    qsizetype m_replaying = -1;
    qsizetype m_nextChunk = 0;
    QElapsedTimer m_sinceWrite;
    QTimer m_stateTimer; // Opening -> Open and Closing -> Closed, from the event loop
    QTimer m_chunkTimer; // the next recorded chunk is due
};

} // namespace blupow
