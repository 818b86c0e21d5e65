#include "alarmlistmodel.h"

#include "alarms/alarmtracker.h"

#include <QLocale>

namespace blupow {

AlarmListModel::AlarmListModel(AlarmTracker *tracker, QObject *parent)
    : QAbstractTableModel(parent)
    , m_tracker(tracker) {
    connect(tracker, &AlarmTracker::changed, this, &AlarmListModel::refresh);
    refresh();
}

void AlarmListModel::refresh() {
    // A handful of rows once in a while (only when something was raised or cleared): a reset
    // keeps the view simple and correct.
    beginResetModel();
    m_rows = m_tracker ? m_tracker->recent() : Alarms{};
    m_activeCount = static_cast<int>(
        std::count_if(m_rows.cbegin(), m_rows.cend(), [](const Alarm &a) { return a.isActive(); }));
    endResetModel();
}

int AlarmListModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int AlarmListModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlarmListModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Alarm &a = m_rows.at(index.row());
    const auto when = [](const QDateTime &t) {
        return t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat) : QString();
    };
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Condition:
            return a.title();
        case Device:
            return a.deviceName.isEmpty() ? a.deviceId : a.deviceName;
        case Severity:
            return alarmSeverityName(a.condition.severity);
        case Since:
            return when(a.since);
        case Cleared:
            return a.isActive() ? QStringLiteral("active") : when(a.cleared);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return QStringLiteral("%1\n%2 (register %3), %4")
            .arg(a.condition.meaning, a.fieldLabel)
            .arg(a.reg)
            .arg(a.condition.source);
    case ActiveRole:
        return a.isActive();
    case FaultRole:
        return a.condition.severity == AlarmSeverity::Fault;
    case MeaningRole:
        return a.condition.meaning;
    case IdRole:
        return a.id();
    default:
        return {};
    }
}

QVariant AlarmListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Condition:
        return QStringLiteral("Condition");
    case Device:
        return QStringLiteral("Device");
    case Severity:
        return QStringLiteral("Severity");
    case Since:
        return QStringLiteral("Since");
    case Cleared:
        return QStringLiteral("Cleared");
    default:
        return {};
    }
}

} // namespace blupow
