#include "blockreader.h"

#include "devicesession.h"

namespace blupow {

BlockReader::BlockReader(DeviceSession *session, QObject *parent)
    : QObject(parent)
    , m_session(session) {
    m_blockTimer.setSingleShot(true);
    m_blockTimer.setInterval(30000);
    connect(&m_blockTimer, &QTimer::timeout, this, [this] {
        fail(QStringLiteral("no answer to block %1 within %2 ms")
                 .arg(m_plan.value(m_index).start)
                 .arg(m_blockTimer.interval()));
    });
    connect(session, &DeviceSession::exchangeFinished, this, &BlockReader::onExchange);
}

BlockReader::~BlockReader() = default;

bool BlockReader::start(const QList<ReadBlock> &plan, QString *error) {
    if (m_state == State::Reading) {
        *error = QStringLiteral("a read is already under way");
        return false;
    }
    if (!m_session) {
        *error = QStringLiteral("the device session has ended");
        return false;
    }
    m_plan = plan;
    m_blocks.clear();
    m_skipped.clear();
    m_index = 0;
    m_state = State::Reading;
    readNext();
    return true;
}

void BlockReader::readNext() {
    Q_EMIT progress(static_cast<int>(m_index), static_cast<int>(m_plan.size()));
    if (m_index >= m_plan.size()) {
        m_state = State::Done;
        Q_EMIT finished();
        return;
    }
    const ReadBlock &b = m_plan.at(m_index);
    m_awaitId = m_session->readRegisters(b.start, b.count);
    m_blockTimer.start();
}

void BlockReader::onExchange(const Exchange &ex) {
    if (m_state != State::Reading || m_awaitId == 0 || ex.id != m_awaitId)
        return;
    m_awaitId = 0;
    m_blockTimer.stop();
    if (ex.outcome == Exchange::Outcome::Exception) {
        m_skipped.append(
            QStringLiteral("%1 x%2: %3").arg(ex.request.start).arg(ex.request.count).arg(ex.error));
    } else if (ex.outcome != Exchange::Outcome::Ok) {
        fail(QStringLiteral("reading %1 x%2 failed: %3")
                 .arg(ex.request.start)
                 .arg(ex.request.count)
                 .arg(ex.error));
        return;
    } else {
        m_blocks.append(RegisterBlock{ex.request.start, ex.response.words, ex.receivedMs});
    }
    ++m_index;
    readNext();
}

void BlockReader::fail(const QString &message) {
    m_blockTimer.stop();
    m_awaitId = 0;
    m_state = State::Failed;
    Q_EMIT failed(message);
}

} // namespace blupow
