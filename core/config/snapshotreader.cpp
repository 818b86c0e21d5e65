#include "snapshotreader.h"

#include "device/devicesession.h"

#include <QDateTime>

namespace blupow {

SnapshotReader::SnapshotReader(DeviceSession *session, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_reader(session) {
    connect(&m_reader, &BlockReader::failed, this, &SnapshotReader::failed);
    connect(&m_reader, &BlockReader::finished, this, [this] {
        const RegisterMap &map = *m_session->map();
        m_snapshot = Snapshot::fromValues(*m_session->identity(), map,
                                          RegisterDecoder::decodeCycle(map, m_reader.blocks()),
                                          QDateTime::currentDateTimeUtc());
        Q_EMIT finished(m_snapshot);
    });
}

SnapshotReader::~SnapshotReader() = default;

bool SnapshotReader::start(QString *error) {
    if (!m_session || !m_session->map() || !m_session->identity()) {
        *error = QStringLiteral("the device has not been identified yet");
        return false;
    }
    if (m_reader.state() == State::Reading) {
        *error = QStringLiteral("a snapshot is already being read");
        return false;
    }
    QList<ReadBlock> plan = m_session->map()->readPlan(PollClass::Once);
    plan.append(m_session->map()->readPlan(PollClass::Demand));
    return m_reader.start(plan, error);
}

} // namespace blupow
