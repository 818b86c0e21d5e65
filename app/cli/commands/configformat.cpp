#include "configformat.h"

#include "modbus/modbusframe.h"

namespace blupow::cli {

namespace {

QJsonArray wordsToJson(const QList<quint16> &words) {
    QJsonArray a;
    for (const quint16 w : words)
        a.append(static_cast<int>(w));
    return a;
}

QString regText(int reg) {
    return QStringLiteral("0x%1").arg(reg, 4, 16, QLatin1Char('0'));
}

} // namespace

QJsonObject changeToJson(const SettingChange &c) {
    return QJsonObject{
        {QStringLiteral("key"), c.field.key},
        {QStringLiteral("name"), c.name},
        {QStringLiteral("register"), static_cast<int>(c.request.start)},
        {QStringLiteral("function"), static_cast<int>(c.request.function)},
        {QStringLiteral("frame"), modbus::toHex(c.frame)},
        {QStringLiteral("old_raw"), wordsToJson(c.oldRaw)},
        {QStringLiteral("old"), c.oldText},
        {QStringLiteral("new_raw"), wordsToJson(c.newRaw)},
        {QStringLiteral("new"), c.newText},
        {QStringLiteral("status"), settingStatusName(c.status)},
        {QStringLiteral("result"), c.result},
    };
}

QJsonArray changesToJson(const QList<SettingChange> &changes) {
    QJsonArray a;
    for (const SettingChange &c : changes)
        a.append(changeToJson(c));
    return a;
}

QJsonArray diffToJson(const QList<SnapshotDiffRow> &rows) {
    QJsonArray a;
    for (const SnapshotDiffRow &r : rows)
        a.append(QJsonObject{
            {QStringLiteral("key"), r.key},
            {QStringLiteral("label"), r.label},
            {QStringLiteral("register"), r.reg},
            {QStringLiteral("kind"), SnapshotDiff::kindName(r.kind)},
            {QStringLiteral("a_raw"), wordsToJson(r.rawA)},
            {QStringLiteral("b_raw"), wordsToJson(r.rawB)},
            {QStringLiteral("a"), r.textA},
            {QStringLiteral("b"), r.textB},
            {QStringLiteral("writable"), r.writable},
        });
    return a;
}

void printDiff(QTextStream &out, const QList<SnapshotDiffRow> &rows, const QString &nameA,
               const QString &nameB) {
    if (rows.isEmpty()) {
        out << "no differences between " << nameA << " and " << nameB << '\n';
        return;
    }
    out << rows.size() << " difference(s): A = " << nameA << ", B = " << nameB << '\n';
    for (const SnapshotDiffRow &r : rows) {
        out << "  " << regText(r.reg) << "  " << r.key.leftJustified(34) << ' '
            << (r.textA.isEmpty() ? QStringLiteral("-") : r.textA) << " -> "
            << (r.textB.isEmpty() ? QStringLiteral("-") : r.textB);
        if (r.kind != SnapshotDiffRow::Kind::Changed)
            out << "  (" << SnapshotDiff::kindName(r.kind) << ')';
        else if (!r.writable)
            out << "  (read-only)";
        out << '\n';
    }
}

void printResults(QTextStream &out, const QList<SettingChange> &changes) {
    for (const SettingChange &c : changes) {
        out << "  " << settingStatusName(c.status).leftJustified(14) << c.name;
        if (c.status != SettingChange::Status::Verified && !c.result.isEmpty())
            out << ": " << c.result;
        out << '\n';
    }
}

std::optional<Snapshot> loadSnapshot(const QString &path, QString *error) {
    return Snapshot::load(path, RegisterMaps::builtIn(), error);
}

} // namespace blupow::cli
