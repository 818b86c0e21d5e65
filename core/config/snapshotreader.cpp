#include "snapshotreader.h"

#include "device/devicesession.h"

#include <QDateTime>

namespace blupow {

SnapshotReader::SnapshotReader(DeviceSession *session, QObject *parent)
    : QObject(parent)
    , m_session(session) {
    m_blockTimer.setSingleShot(true);
    m_blockTimer.setInterval(30000);
    connect(&m_blockTimer, &QTimer::timeout, this, [this] {
        fail(QStringLiteral("no answer to block %1 within %2 ms")
                 .arg(m_plan.value(m_index).start)
                 .arg(m_blockTimer.interval()));
    });
    connect(session, &DeviceSession::exchangeFinished, this, &SnapshotReader::onExchange);
}

SnapshotReader::~SnapshotReader() = default;

bool SnapshotReader::start(QString *error) {
    if (!m_session || !m_session->map() || !m_session->identity()) {
        *error = QStringLiteral("the device has not been identified yet");
        return false;
    }
    if (m_state == State::Reading) {
        *error = QStringLiteral("a snapshot is already being read");
        return false;
    }
    m_plan = m_session->map()->readPlan(PollClass::Once);
    m_plan.append(m_session->map()->readPlan(PollClass::Demand));
    m_blocks.clear();
    m_skipped.clear();
    m_index = 0;
    m_state = State::Reading;
    readNext();
    return true;
}

void SnapshotReader::readNext() {
    if (m_index >= m_plan.size()) {
        const RegisterMap &map = *m_session->map();
        m_snapshot = Snapshot::fromValues(*m_session->identity(), map,
                                          RegisterDecoder::decodeCycle(map, m_blocks),
                                          QDateTime::currentDateTimeUtc());
        m_state = State::Done;
        Q_EMIT finished(m_snapshot);
        return;
    }
    const ReadBlock &b = m_plan.at(m_index);
    m_awaitId = m_session->readRegisters(b.start, b.count);
    m_blockTimer.start();
}

void SnapshotReader::onExchange(const Exchange &ex) {
    if (m_state != State::Reading || m_awaitId == 0 || ex.id != m_awaitId)
        return;
    m_awaitId = 0;
    m_blockTimer.stop();
    if (ex.outcome == Exchange::Outcome::Exception) {
        // A model that does not implement a settings block answers exception 0x02 (docs/protocol.md
        // 5.3): its fields are left out of the snapshot and the caller is told which.
        m_skipped.append(
            QStringLiteral("%1 x%2: %3").arg(ex.request.start).arg(ex.request.count).arg(ex.error));
        ++m_index;
        readNext();
        return;
    }
    if (ex.outcome != Exchange::Outcome::Ok) {
        fail(QStringLiteral("reading %1 x%2 failed: %3")
                 .arg(ex.request.start)
                 .arg(ex.request.count)
                 .arg(ex.error));
        return;
    }
    m_blocks.append(RegisterBlock{ex.request.start, ex.response.words, ex.receivedMs});
    ++m_index;
    readNext();
}

void SnapshotReader::fail(const QString &message) {
    m_blockTimer.stop();
    m_awaitId = 0;
    m_state = State::Failed;
    Q_EMIT failed(message);
}

} // namespace blupow
