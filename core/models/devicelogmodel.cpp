#include "devicelogmodel.h"

namespace blupow {

DeviceLogModel::DeviceLogModel(QObject *parent)
    : QAbstractTableModel(parent) {}

void DeviceLogModel::setLog(const DeviceLog &log) {
    beginResetModel();
    m_log = log;
    m_hasLog = true;
    rebuildRows();
    endResetModel();
}

void DeviceLogModel::clear() {
    beginResetModel();
    m_log = {};
    m_hasLog = false;
    m_rows.clear();
    endResetModel();
}

void DeviceLogModel::setHideEmpty(bool hide) {
    if (hide == m_hideEmpty)
        return;
    beginResetModel();
    m_hideEmpty = hide;
    rebuildRows();
    endResetModel();
}

int DeviceLogModel::hiddenRows() const {
    return static_cast<int>(m_log.rows.size() - m_rows.size());
}

void DeviceLogModel::rebuildRows() {
    m_rows.clear();
    for (int i = 0; i < m_log.rows.size(); ++i)
        if (!m_hideEmpty || !m_log.rows.at(i).empty())
            m_rows.append(i);
}

const FieldDef *DeviceLogModel::fieldAt(int column) const {
    const int c = column - firstFieldColumn();
    return c >= 0 && c < m_log.def.columns.size() ? &m_log.def.columns.at(c) : nullptr;
}

int DeviceLogModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int DeviceLogModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() || !m_hasLog
               ? 0
               : firstFieldColumn() + static_cast<int>(m_log.def.columns.size());
}

QVariant DeviceLogModel::data(const QModelIndex &index, int role) const {
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const LogRow &row = logRow(index.row());
    if (index.column() < firstFieldColumn()) {
        if (role != Qt::DisplayRole)
            return {};
        return index.column() == 0 ? row.label : m_log.dateOf(row).toString(Qt::ISODate);
    }
    const qsizetype c = index.column() - firstFieldColumn();
    if (c >= row.values.size())
        return {};
    const DecodedValue &v = row.values.at(c);
    switch (role) {
    case Qt::DisplayRole: {
        if (v.quality == Quality::Stale)
            return QStringLiteral("?");
        // The unit is in the header.
        QString text = v.displayText();
        if (!v.unit.isEmpty() && text.endsWith(v.unit))
            text = text.chopped(v.unit.size()).trimmed();
        return text;
    }
    case Qt::ToolTipRole:
        if (v.quality == Quality::Stale)
            return v.note;
        return QStringLiteral("%1\nregister %2, raw %3%4")
            .arg(v.displayText())
            .arg(v.reg)
            .arg(v.rawHex(), v.note.isEmpty() ? QString() : QStringLiteral("\n") + v.note);
    case Qt::TextAlignmentRole:
        return v.isNumeric() ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case StaleRole:
        return v.quality != Quality::Good;
    case NumericRole:
        return v.quality == Quality::Good && v.isNumeric() ? v.value : QVariant();
    case QualityRole:
        return static_cast<int>(v.quality);
    default:
        return {};
    }
}

QVariant DeviceLogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || !m_hasLog)
        return {};
    if (section < firstFieldColumn()) {
        if (role != Qt::DisplayRole)
            return {};
        return section == 0 ? (m_log.def.daysAgo ? QStringLiteral("Day") : QStringLiteral("Row"))
                            : QStringLiteral("Date");
    }
    const FieldDef *f = fieldAt(section);
    if (!f)
        return {};
    if (role == Qt::DisplayRole)
        return f->unit.isEmpty() ? f->label : QStringLiteral("%1 (%2)").arg(f->label, f->unit);
    if (role == Qt::ToolTipRole)
        return QStringLiteral("%1: register %2 of the row%3")
            .arg(f->key)
            .arg(f->reg)
            .arg(f->note.isEmpty() ? QString() : QStringLiteral("\n") + f->note);
    return {};
}

} // namespace blupow
