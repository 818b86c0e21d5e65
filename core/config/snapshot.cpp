#include "snapshot.h"

#include "registers/registerdecoder.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace blupow {

namespace {

const QString kFormat = QStringLiteral("blupow-snapshot");

} // namespace

Snapshot Snapshot::fromValues(const DeviceIdentity &identity, const RegisterMap &map,
                              const DecodedValues &values, const QDateTime &time) {
    Snapshot s;
    s.family = identity.family;
    s.variant = identity.variant;
    s.model = identity.model;
    s.firmware = identity.firmware;
    s.serial = identity.serial;
    s.slave = identity.slave;
    s.time = time;
    for (const DecodedValue &v : values) {
        const FieldDef *f = map.field(v.key);
        if (!f || f->isDerived() || f->poll == PollClass::Cycle || v.quality != Quality::Good)
            continue;
        s.entries.append(
            Entry{v.key, v.label, v.reg, v.raw, v.value, v.displayText(), v.unit, f->writable});
    }
    std::stable_sort(s.entries.begin(), s.entries.end(),
                     [](const Entry &a, const Entry &b) { return a.reg < b.reg; });
    return s;
}

const Snapshot::Entry *Snapshot::entry(QStringView key) const {
    for (const Entry &e : entries) {
        if (e.key == key)
            return &e;
    }
    return nullptr;
}

QJsonObject Snapshot::toJson() const {
    QJsonArray fields;
    for (const Entry &e : entries) {
        QJsonArray raw;
        for (const quint16 w : e.raw)
            raw.append(static_cast<int>(w));
        QJsonObject o{
            {QStringLiteral("key"), e.key},
            {QStringLiteral("label"), e.label},
            {QStringLiteral("register"), e.reg},
            {QStringLiteral("raw"), raw},
            {QStringLiteral("value"), QJsonValue::fromVariant(e.value)},
            {QStringLiteral("text"), e.text},
            {QStringLiteral("writable"), e.writable},
        };
        if (!e.unit.isEmpty())
            o.insert(QStringLiteral("unit"), e.unit);
        fields.append(o);
    }
    return QJsonObject{
        {QStringLiteral("format"), kFormat},
        {QStringLiteral("version"), kFormatVersion},
        {QStringLiteral("family"), familyName(family)},
        {QStringLiteral("variant"), variant},
        {QStringLiteral("model"), model},
        {QStringLiteral("firmware"), firmware},
        {QStringLiteral("serial"), serial},
        {QStringLiteral("slave_id"), static_cast<int>(slave)},
        {QStringLiteral("time"), time.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("fields"), fields},
    };
}

QByteArray Snapshot::toJsonBytes() const {
    return QJsonDocument(toJson()).toJson(QJsonDocument::Indented);
}

std::optional<Snapshot> Snapshot::fromJson(const QByteArray &json, QString *error) {
    const auto fail = [error](const QString &why) -> std::optional<Snapshot> {
        *error = why;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("not JSON: %1 at offset %2")
                        .arg(parseError.errorString())
                        .arg(parseError.offset));
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("format")).toString() != kFormat)
        return fail(
            QStringLiteral("not a BluPow snapshot (\"format\" is not \"%1\")").arg(kFormat));
    if (o.value(QStringLiteral("version")).toInt() > kFormatVersion)
        return fail(QStringLiteral("snapshot version %1 is newer than this BluPow (%2)")
                        .arg(o.value(QStringLiteral("version")).toInt())
                        .arg(kFormatVersion));
    Snapshot s;
    const auto family = familyFromName(o.value(QStringLiteral("family")).toString());
    if (!family)
        return fail(QStringLiteral("unknown family '%1'")
                        .arg(o.value(QStringLiteral("family")).toString()));
    s.family = *family;
    s.variant = o.value(QStringLiteral("variant")).toString();
    s.model = o.value(QStringLiteral("model")).toString();
    s.firmware = o.value(QStringLiteral("firmware")).toString();
    s.serial = o.value(QStringLiteral("serial")).toString();
    const int slave = o.value(QStringLiteral("slave_id")).toInt(-1);
    if (slave < 0 || slave > 255)
        return fail(QStringLiteral("slave_id missing or out of range"));
    s.slave = static_cast<quint8>(slave);
    s.time = QDateTime::fromString(o.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
    const QJsonArray fields = o.value(QStringLiteral("fields")).toArray();
    for (qsizetype i = 0; i < fields.size(); ++i) {
        const QJsonObject f = fields.at(i).toObject();
        Entry e;
        e.key = f.value(QStringLiteral("key")).toString();
        e.label = f.value(QStringLiteral("label")).toString();
        e.reg = f.value(QStringLiteral("register")).toInt(-1);
        e.value = f.value(QStringLiteral("value")).toVariant();
        e.text = f.value(QStringLiteral("text")).toString();
        e.unit = f.value(QStringLiteral("unit")).toString();
        e.writable = f.value(QStringLiteral("writable")).toBool();
        const QJsonArray raw = f.value(QStringLiteral("raw")).toArray();
        for (const auto &w : raw) {
            const int word = w.toInt(-1);
            if (word < 0 || word > 0xFFFF)
                return fail(
                    QStringLiteral("field %1 ('%2'): raw word out of range").arg(i).arg(e.key));
            e.raw.append(static_cast<quint16>(word));
        }
        if (e.key.isEmpty() || e.reg < 0 || e.raw.isEmpty())
            return fail(QStringLiteral("field %1 ('%2'): key, register and raw are required")
                            .arg(i)
                            .arg(e.key));
        s.entries.append(e);
    }
    return s;
}

std::optional<QString> Snapshot::redecode(const RegisterMap &map) {
    for (Entry &e : entries) {
        const FieldDef *field = map.field(e.key);
        if (!field || field->words != e.raw.size())
            continue;
        const DecodedValue decoded = RegisterDecoder::decodeField(*field, e.raw);
        const QString text = decoded.displayText();
        if (!e.text.isEmpty() && e.text != text && e.value != decoded.value)
            return QStringLiteral("%1 (register %2): the stored text '%3' does not match its raw "
                                  "words [%4], which give '%5'; the backup was edited or damaged")
                .arg(e.key)
                .arg(e.reg)
                .arg(e.text, decoded.rawHex(), text);
        e.text = text;
        e.value = decoded.value;
    }
    return std::nullopt;
}

std::optional<QString> Snapshot::redecode(const RegisterMaps &maps) {
    const RegisterMap *map = maps.find(family, variant);
    if (!map)
        return QStringLiteral("no register map for a %1 (variant '%2') to check the raw words with")
            .arg(familyName(family), variant);
    return redecode(*map);
}

bool Snapshot::save(const QString &path, QString *error) const {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(toJsonBytes()) < 0 || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

std::optional<Snapshot> Snapshot::load(const QString &path, const RegisterMaps &maps,
                                       QString *error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    QString why;
    auto snapshot = Snapshot::fromJson(file.readAll(), &why);
    if (!snapshot) {
        *error = QStringLiteral("%1: %2").arg(path, why);
        return std::nullopt;
    }
    if (const auto problem = snapshot->redecode(maps)) {
        *error = QStringLiteral("%1: %2").arg(path, *problem);
        return std::nullopt;
    }
    return snapshot;
}

} // namespace blupow
