#include "devicelogreader.h"

#include "devicesession.h"

namespace blupow {

QDate DeviceLog::dateOf(const LogRow &row) const {
    if (!def.daysAgo || !readAt.isValid())
        return {};
    return readAt.date().addDays(-row.number);
}

DeviceLogReader::DeviceLogReader(DeviceSession *session, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_reader(session) {
    connect(&m_reader, &BlockReader::progress, this, &DeviceLogReader::progress);
    connect(&m_reader, &BlockReader::failed, this, &DeviceLogReader::failed);
    connect(&m_reader, &BlockReader::finished, this, [this] {
        m_log.rows = RegisterDecoder::decodeLog(m_log.def, m_reader.blocks());
        m_log.skipped = m_reader.skipped();
        Q_EMIT finished(m_log);
    });
}

DeviceLogReader::~DeviceLogReader() = default;

bool DeviceLogReader::start(const QString &logKey, QString *error) {
    const RegisterMap *map = m_session ? m_session->map() : nullptr;
    if (!map || !m_session->identity()) {
        *error = QStringLiteral("the device has not been identified yet");
        return false;
    }
    const LogDef *def = map->log(logKey);
    if (!def) {
        QStringList known;
        for (const LogDef &l : map->logs())
            known.append(l.key);
        *error = known.isEmpty()
                     ? QStringLiteral("%1 keeps no log that BluPow can read").arg(map->title())
                     : QStringLiteral("%1 has no log '%2' (it has: %3)")
                           .arg(map->title(), logKey, known.join(QStringLiteral(", ")));
        return false;
    }
    if (m_reader.state() == State::Reading) {
        *error = QStringLiteral("a log is already being read");
        return false;
    }
    m_log = DeviceLog{*def, {}, {}, QDateTime::currentDateTime()};
    return m_reader.start(map->readPlan(*def), error);
}

} // namespace blupow
