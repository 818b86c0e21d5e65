#pragma once

#include "registers/decodedvalue.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace blupow {

// The latest value of every field, one row each, under a header row per group (battery, PV,
// load, AC, status, faults, ...). A poll cycle becomes ONE dataChanged over the rows that changed
// (README, Architecture: data flow step 6); rows are only inserted or removed when the set of
// fields changes (a new device or map). Presentation (grey/italic) is the view's job: stale rows
// say so through StaleRole, so this model stays in core and testable headless.
class LiveValuesModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        FieldColumn,
        ValueColumn,
        UnitColumn,
        RawColumn,
        AgeColumn,
        QualityColumn,
        ColumnCount
    };
    enum Role {
        KeyRole = Qt::UserRole + 1,
        GroupRole,
        IsGroupRole,
        QualityRole,   // int(Quality)
        StaleRole,     // bool: Stale or Invalid, i.e. not a fresh reading
        NumericRole,   // double, or invalid for text/enum fields
        TimestampRole, // ms since the epoch of the words
        AgeRole,       // ms since the words were read, at the last update
        SearchTextRole // label, key, value and unit, for the search filter
    };

    using QAbstractTableModel::QAbstractTableModel;

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index,
                                int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

    // One poll cycle's values; `nowMs` is the wall clock the ages are measured against.
    void update(const DecodedValues &values, qint64 nowMs);
    // Ages move on while no cycle arrives (link down): one dataChanged over the age column.
    void refreshAges(qint64 nowMs);
    void clear();

    [[nodiscard]] int rowOfKey(const QString &key) const { return m_rowOfKey.value(key, -1); }
    [[nodiscard]] const DecodedValue *value(const QString &key) const;
    [[nodiscard]] QList<DecodedValue> numericValues() const;
    [[nodiscard]] qint64 lastUpdateMs() const { return m_lastCycleMs; } // of the last update()

    // "Battery", "Solar (PV)", ... for a group key; the order groups are shown in.
    [[nodiscard]] static QString groupTitle(const QString &group);
    [[nodiscard]] static int groupRank(const QString &group);

private:
    struct Row {
        bool header = false;
        QString group;
        DecodedValue value;
    };

    [[nodiscard]] static QString ageText(const DecodedValue &value, qint64 nowMs);
    void rebuild(const DecodedValues &values);

    QList<Row> m_rows;
    QHash<QString, int> m_rowOfKey;
    qint64 m_nowMs = 0;
    qint64 m_lastCycleMs = 0;
};

} // namespace blupow
