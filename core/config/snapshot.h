#pragma once

#include "device/deviceidentity.h"
#include "registers/decodedvalue.h"
#include "registers/registermap.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QVariant>

#include <optional>

namespace blupow {

// A device's settings and identity at one moment (every field of the map's Once and Demand
// blocks), as saved by `blupow-cli backup`. Raw words are kept so a restore writes exactly what
// was read; cooked values are kept for people and for the diff.
struct Snapshot {
    struct Entry {
        QString key;
        QString label;
        int reg = 0;
        QList<quint16> raw;
        QVariant value; // cooked: number, text or enum name
        QString text;   // "14.4 V"
        QString unit;
        bool writable = false;
    };

    static constexpr int kFormatVersion = 1;

    Family family = Family::Controller;
    QString variant;
    QString model;
    QString firmware;
    QString serial;
    quint8 slave = 0xFF;
    QDateTime time;
    QList<Entry> entries;

    // From the values a session decoded with `map` (fields of other poll classes are ignored).
    static Snapshot fromValues(const DeviceIdentity &identity, const RegisterMap &map,
                               const DecodedValues &values, const QDateTime &time);

    [[nodiscard]] const Entry *entry(QStringView key) const;
    [[nodiscard]] QJsonObject toJson() const;
    [[nodiscard]] QByteArray toJsonBytes() const;
    // Nothing, with one line naming the problem, when `json` is not a BluPow snapshot.
    static std::optional<Snapshot> fromJson(const QByteArray &json, QString *error);

    // `path` written all or nothing (a half-written backup is worse than none); false with
    // `error` naming the file.
    [[nodiscard]] bool save(const QString &path, QString *error) const;
    // A backup file read and checked against the built-in maps (redecode()), or nothing with one
    // line naming the file and the problem.
    static std::optional<Snapshot> load(const QString &path, const RegisterMaps &maps,
                                        QString *error);

    // A restore writes the raw words, so what is shown and compared must be what they give, not
    // the stored text (an edited backup showed "14.0 V -> 14.0 V" and then wrote 15.0 V). Sets
    // every entry of a field `map` knows from its words; fails, naming the field, when a stored
    // text and its words disagree (in text and in value: a changed number format alone passes).
    [[nodiscard]] std::optional<QString> redecode(const RegisterMap &map);
    // The same with the built-in map of the snapshot's family and variant.
    [[nodiscard]] std::optional<QString> redecode(const RegisterMaps &maps);
};

} // namespace blupow
