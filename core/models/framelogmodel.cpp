#include "framelogmodel.h"

#include <QDateTime>

namespace blupow {

FrameLogModel::FrameLogModel(int capacity, QObject *parent)
    : QAbstractTableModel(parent)
    , m_log(capacity) {}

int FrameLogModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : m_log.size();
}

int FrameLogModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString FrameLogModel::timeText(qint64 timestampMs) {
    return QDateTime::fromMSecsSinceEpoch(timestampMs).toString(QStringLiteral("HH:mm:ss.zzz"));
}

QVariant FrameLogModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const FrameRecord &r = m_log.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return timeText(r.timestampMs);
        case DirectionColumn:
            return directionName(r.direction);
        case BytesColumn:
            return modbus::toHex(r.bytes);
        case StatusColumn:
            return frameStatusName(r.status);
        case NoteColumn:
            return r.summary();
        default:
            return {};
        }
    case Qt::ToolTipRole: {
        const QString summary = r.summary();
        return summary.isEmpty() ? QVariant() : QVariant(summary);
    }
    case DirectionRole:
        return static_cast<int>(r.direction);
    case StatusRole:
        return static_cast<int>(r.status);
    case IsErrorRole:
        return r.isError();
    case SequenceRole:
        return r.sequence;
    case TimestampRole:
        return r.timestampMs;
    case BytesRole:
        return r.bytes;
    default:
        return {};
    }
}

QVariant FrameLogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return QStringLiteral("Time");
    case DirectionColumn:
        return QStringLiteral("Dir");
    case BytesColumn:
        return QStringLiteral("Bytes");
    case StatusColumn:
        return QStringLiteral("Status");
    case NoteColumn:
        return QStringLiteral("Note");
    default:
        return {};
    }
}

void FrameLogModel::addExchange(const Exchange &exchange) {
    QList<FrameRecord> records = m_log.recordsFor(exchange);
    if (m_paused) {
        m_pending.append(std::move(records));
        const qsizetype excess = m_pending.size() - m_log.capacity();
        if (excess > 0)
            m_pending.remove(0, excess);
        return;
    }
    appendRecords(std::move(records));
}

void FrameLogModel::appendRecords(QList<FrameRecord> records) {
    if (records.isEmpty())
        return;
    if (records.size() > m_log.capacity())
        records.remove(0, records.size() - m_log.capacity());
    const int incoming = static_cast<int>(records.size());
    const int drop = m_log.overflow(incoming);
    if (drop > 0) {
        beginRemoveRows({}, 0, drop - 1);
        m_log.dropOldest(drop);
        endRemoveRows();
    }
    beginInsertRows({}, m_log.size(), m_log.size() + incoming - 1);
    for (FrameRecord &r : records)
        m_log.append(std::move(r));
    endInsertRows();
}

void FrameLogModel::setRegisterMap(std::shared_ptr<const RegisterMap> map) {
    m_log.setRegisterMap(std::move(map));
    // Lines logged before the device identified are now annotated by its map.
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, NoteColumn), index(rowCount() - 1, NoteColumn));
}

void FrameLogModel::setPaused(bool paused) {
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (!m_paused)
        appendRecords(std::exchange(m_pending, {}));
}

void FrameLogModel::clear() {
    beginResetModel();
    m_log.clear();
    m_pending.clear();
    endResetModel();
}

const FrameRecord *FrameLogModel::record(int row) const {
    return row >= 0 && row < m_log.size() ? &m_log.at(row) : nullptr;
}

} // namespace blupow
