#include "banktablemodel.h"

namespace blupow {

namespace {

struct ColumnInfo {
    const char *title;
    const char *outlierKey; // the BankBattery outlier key this column shows, or nullptr
    int decimals;
    const char *unit;
};

constexpr ColumnInfo kColumns[] = {
    {"Battery", nullptr, 0, ""},
    {"Voltage", "voltage", 2, "V"},
    {"Current", nullptr, 2, "A"},
    {"SOC", "soc", 0, "%"},
    {"Cycles", nullptr, 0, ""},
    {"Lowest cell", nullptr, 3, "V"},
    {"Highest cell", nullptr, 3, "V"},
    {"Cell spread", "spread", 3, "V"},
    {"Warmest cell", "temperature", 1, "°C"},
};
static_assert(std::size(kColumns) == BankTableModel::ColumnCount);

std::optional<double> numberAt(const BankBattery &b, int column) {
    switch (column) {
    case BankTableModel::Voltage:
        return b.voltage;
    case BankTableModel::Current:
        return b.current;
    case BankTableModel::Soc:
        return b.soc;
    case BankTableModel::Cycles:
        return b.cycles;
    case BankTableModel::MinCell:
        return b.minCell;
    case BankTableModel::MaxCell:
        return b.maxCell;
    case BankTableModel::Spread:
        return b.cellSpread();
    case BankTableModel::Temperature:
        return b.maxTemperature;
    default:
        return std::nullopt;
    }
}

} // namespace

BankTableModel::BankTableModel(QObject *parent)
    : QAbstractTableModel(parent) {}

void BankTableModel::setBatteries(const QList<BankBattery> &batteries) {
    const bool sameRows =
        batteries.size() == m_rows.size() &&
        std::equal(batteries.cbegin(), batteries.cend(), m_rows.cbegin(),
                   [](const BankBattery &a, const BankBattery &b) { return a.id == b.id; });
    if (!sameRows) {
        beginResetModel();
        m_rows = batteries;
        endResetModel();
        return;
    }
    m_rows = batteries;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int BankTableModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int BankTableModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BankTableModel::data(const QModelIndex &index, int role) const {
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const BankBattery &b = m_rows.at(index.row());
    const ColumnInfo &c = kColumns[index.column()];
    const bool outlier = c.outlierKey && b.isOutlier(QLatin1String(c.outlierKey));
    const std::optional<double> n = numberAt(b, index.column());
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == Battery)
            return QStringLiteral("0x%1  %2").arg(b.slave, 2, 16, QLatin1Char('0')).arg(b.title);
        if (!n)
            return QStringLiteral("—"); // not read this cycle: never a zero
        return QStringLiteral("%1%2%3")
            .arg(outlier ? QStringLiteral("⚠ ") : QString())
            .arg(*n, 0, 'f', c.decimals)
            .arg(*c.unit ? QStringLiteral(" ") + QString::fromUtf8(c.unit) : QString());
    case Qt::ToolTipRole:
        if (index.column() == Battery)
            return b.outliers.isEmpty() ? QVariant()
                                        : QVariant(QStringLiteral("Stands out: %1")
                                                       .arg(b.outliers.join(QStringLiteral("; "))));
        if (outlier)
            return b.outliers.at(b.outlierKeys.indexOf(QLatin1String(c.outlierKey)));
        return n ? QVariant() : QVariant(QStringLiteral("not read in the last cycle"));
    case Qt::TextAlignmentRole:
        return index.column() == Battery ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case OutlierRole:
        return index.column() == Battery ? !b.outliers.isEmpty() : outlier;
    case NumericRole:
        return n ? QVariant(*n) : QVariant();
    default:
        return {};
    }
}

QVariant BankTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 ||
        section >= ColumnCount)
        return {};
    return QString::fromUtf8(kColumns[section].title);
}

} // namespace blupow
