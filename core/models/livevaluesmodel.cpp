#include "livevaluesmodel.h"

#include <QStringList>

#include <algorithm>

namespace blupow {

namespace {

// The order a person scans a power system in: storage, source, consumers, then diagnostics.
const QStringList &knownGroups() {
    static const QStringList groups{
        QStringLiteral("battery"),  QStringLiteral("pv"),          QStringLiteral("load"),
        QStringLiteral("ac"),       QStringLiteral("temperature"), QStringLiteral("energy"),
        QStringLiteral("status"),   QStringLiteral("faults"),      QStringLiteral("history"),
        QStringLiteral("identity"), QStringLiteral("settings"),
    };
    return groups;
}

bool sameReading(const DecodedValue &a, const DecodedValue &b) {
    return a.value == b.value && a.quality == b.quality && a.raw == b.raw && a.note == b.note;
}

QString formatAge(qint64 ms) {
    const qint64 s = std::max<qint64>(0, ms / 1000);
    if (s < 120)
        return QStringLiteral("%1 s").arg(s);
    if (s < 7200)
        return QStringLiteral("%1 min").arg(s / 60);
    return QStringLiteral("%1 h").arg(s / 3600);
}

} // namespace

QString LiveValuesModel::groupTitle(const QString &group) {
    if (group == QLatin1String("battery"))
        return QStringLiteral("Battery");
    if (group == QLatin1String("pv"))
        return QStringLiteral("Solar (PV)");
    if (group == QLatin1String("load"))
        return QStringLiteral("Load");
    if (group == QLatin1String("ac"))
        return QStringLiteral("AC");
    if (group == QLatin1String("temperature"))
        return QStringLiteral("Temperature");
    if (group == QLatin1String("energy"))
        return QStringLiteral("Energy");
    if (group == QLatin1String("status"))
        return QStringLiteral("Status");
    if (group == QLatin1String("faults"))
        return QStringLiteral("Faults");
    if (group == QLatin1String("history"))
        return QStringLiteral("History");
    if (group == QLatin1String("identity"))
        return QStringLiteral("Identity");
    if (group == QLatin1String("settings"))
        return QStringLiteral("Settings");
    if (group.isEmpty())
        return QStringLiteral("Other");
    return group.left(1).toUpper() + group.mid(1);
}

int LiveValuesModel::groupRank(const QString &group) {
    const auto i = knownGroups().indexOf(group);
    return i < 0 ? static_cast<int>(knownGroups().size()) : static_cast<int>(i);
}

int LiveValuesModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int LiveValuesModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString LiveValuesModel::ageText(const DecodedValue &v, qint64 nowMs) {
    if (v.timestampMs <= 0)
        return v.quality == Quality::Good ? QString() : QStringLiteral("never read");
    const QString age = formatAge(nowMs - v.timestampMs);
    return v.quality == Quality::Stale ? QStringLiteral("stale, ") + age : age;
}

QVariant LiveValuesModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    if (row.header) {
        switch (role) {
        case Qt::DisplayRole:
            return index.column() == FieldColumn ? groupTitle(row.group) : QVariant();
        case GroupRole:
            return row.group;
        case IsGroupRole:
            return true;
        case SearchTextRole:
            return groupTitle(row.group);
        case StaleRole:
            return false;
        default:
            return {};
        }
    }
    const DecodedValue &v = row.value;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case FieldColumn:
            return v.label.isEmpty() ? v.key : v.label;
        case ValueColumn: {
            if (!v.value.isValid())
                return QStringLiteral("—");
            if (v.isNumeric())
                return QString::number(v.value.toDouble(), 'f', v.decimals);
            DecodedValue noUnit = v;
            noUnit.unit.clear();
            return noUnit.displayText();
        }
        case UnitColumn:
            return v.unit;
        case RawColumn:
            return v.rawHex();
        case AgeColumn:
            return ageText(v, m_nowMs);
        case QualityColumn:
            return qualityName(v.quality);
        default:
            return {};
        }
    case Qt::ToolTipRole: {
        // Whole, whatever the panel's width left visible of the row (its label is elided in
        // the middle and raw, age and quality give way in a narrow panel).
        QString tip = QStringLiteral("%1: %2\n%3 (register %4), %5")
                          .arg(v.label.isEmpty() ? v.key : v.label, v.displayText(), v.key)
                          .arg(v.reg)
                          .arg(qualityName(v.quality));
        if (const QString age = ageText(v, m_nowMs); !age.isEmpty())
            tip += QStringLiteral(", ") + age;
        if (!v.raw.isEmpty())
            tip += QStringLiteral("\nraw: ") + v.rawHex();
        if (!v.note.isEmpty())
            tip += QLatin1Char('\n') + v.note;
        if (v.quality == Quality::Stale)
            tip += QStringLiteral("\nNot read in the latest cycle: last good value shown.");
        return tip;
    }
    case Qt::TextAlignmentRole:
        if (index.column() == ValueColumn && v.isNumeric())
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case KeyRole:
        return v.key;
    case GroupRole:
        return row.group;
    case IsGroupRole:
        return false;
    case QualityRole:
        return static_cast<int>(v.quality);
    case StaleRole:
        return v.quality != Quality::Good;
    case NumericRole:
        return v.isNumeric() ? v.value : QVariant();
    case TimestampRole:
        return v.timestampMs;
    case AgeRole:
        return v.timestampMs > 0 ? m_nowMs - v.timestampMs : QVariant();
    case SearchTextRole:
        return QStringList{v.label, v.key, v.displayText(), groupTitle(row.group)}.join(
            QLatin1Char(' '));
    default:
        return {};
    }
}

QVariant LiveValuesModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case FieldColumn:
        return QStringLiteral("Field");
    case ValueColumn:
        return QStringLiteral("Value");
    case UnitColumn:
        return QStringLiteral("Unit");
    case RawColumn:
        return QStringLiteral("Raw");
    case AgeColumn:
        return QStringLiteral("Age");
    case QualityColumn:
        return QStringLiteral("Quality");
    default:
        return {};
    }
}

void LiveValuesModel::rebuild(const DecodedValues &values) {
    QList<DecodedValue> sorted = values;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const DecodedValue &a, const DecodedValue &b) {
                         const int ra = groupRank(a.group);
                         const int rb = groupRank(b.group);
                         return ra != rb ? ra < rb : (ra == groupRank({}) && a.group < b.group);
                     });
    beginResetModel();
    m_rows.clear();
    m_rowOfKey.clear();
    QString group;
    bool first = true;
    for (const DecodedValue &v : sorted) {
        if (first || v.group != group) {
            m_rows.append(Row{true, v.group, {}});
            group = v.group;
            first = false;
        }
        m_rowOfKey.insert(v.key, static_cast<int>(m_rows.size()));
        m_rows.append(Row{false, v.group, v});
    }
    endResetModel();
}

void LiveValuesModel::update(const DecodedValues &values, qint64 nowMs) {
    const qint64 previousNow = m_nowMs;
    m_nowMs = nowMs;
    m_lastCycleMs = nowMs;
    bool sameFields = values.size() == m_rowOfKey.size();
    for (int i = 0; sameFields && i < values.size(); ++i) {
        const int row = m_rowOfKey.value(values.at(i).key, -1);
        sameFields = row >= 0 && m_rows.at(row).group == values.at(i).group;
    }
    if (!sameFields) {
        rebuild(values);
        return;
    }
    int firstChanged = -1;
    int lastChanged = -1;
    for (const DecodedValue &v : values) {
        const int row = m_rowOfKey.value(v.key);
        DecodedValue &current = m_rows[row].value;
        const bool changed =
            !sameReading(current, v) || ageText(current, previousNow) != ageText(v, nowMs);
        current = v;
        if (changed) {
            firstChanged = firstChanged < 0 ? row : std::min(firstChanged, row);
            lastChanged = std::max(lastChanged, row);
        }
    }
    if (firstChanged >= 0)
        Q_EMIT dataChanged(index(firstChanged, 0), index(lastChanged, ColumnCount - 1));
}

void LiveValuesModel::refreshAges(qint64 nowMs) {
    m_nowMs = nowMs;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, AgeColumn),
                           index(static_cast<int>(m_rows.size()) - 1, AgeColumn),
                           {Qt::DisplayRole, AgeRole});
}

void LiveValuesModel::clear() {
    beginResetModel();
    m_rows.clear();
    m_rowOfKey.clear();
    endResetModel();
}

const DecodedValue *LiveValuesModel::value(const QString &key) const {
    const int row = rowOfKey(key);
    return row < 0 ? nullptr : &m_rows.at(row).value;
}

QList<DecodedValue> LiveValuesModel::numericValues() const {
    QList<DecodedValue> out;
    for (const Row &row : m_rows) {
        if (!row.header && row.value.isNumeric())
            out.append(row.value);
    }
    return out;
}

} // namespace blupow
