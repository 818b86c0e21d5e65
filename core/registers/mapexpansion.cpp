#include "mapexpansion.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

namespace blupow::MapExpansion {

namespace {

// A chain deeper than this is a cycle (a.json based on b.json based on a.json) or a mistake.
constexpr int kMaxDepth = 4;
const QLatin1String kPlaceholder("{n}");

class Expander {
public:
    Expander(const MapReader &reader, QString *error)
        : m_reader(reader)
        , m_error(error) {}

    bool fail(const QString &file, const QString &what) {
        if (m_error)
            *m_error = file + QStringLiteral(": ") + what;
        return false;
    }

    std::optional<QJsonObject> withBase(const QJsonObject &root, const QString &file, int depth);
    bool repeat(QJsonObject *root, const QString &file);

private:
    bool repeatItems(const QJsonArray &items, const QString &file, QJsonArray *out,
                     QHash<QString, QJsonArray> *instances);
    std::optional<QJsonObject> readBase(const QString &name, const QString &file, int depth);

    const MapReader &m_reader;
    QString *m_error;
};

int indexOfKey(const QJsonArray &fields, const QString &key) {
    for (qsizetype i = 0; i < fields.size(); ++i)
        if (fields.at(i).toObject().value(QLatin1String("key")).toString() == key)
            return static_cast<int>(i);
    return -1;
}

std::optional<QJsonObject> Expander::readBase(const QString &name, const QString &file, int depth) {
    if (depth >= kMaxDepth) {
        fail(file, QStringLiteral("base chain deeper than %1 maps (a cycle?)").arg(kMaxDepth));
        return std::nullopt;
    }
    const auto bytes = m_reader ? m_reader(name) : std::nullopt;
    if (!bytes) {
        fail(file, QStringLiteral("base map '%1' not found").arg(name));
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(*bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        fail(name, QStringLiteral("JSON error at offset %1: %2")
                       .arg(parseError.offset)
                       .arg(parseError.errorString()));
        return std::nullopt;
    }
    return withBase(doc.object(), name, depth + 1);
}

std::optional<QJsonObject> Expander::withBase(const QJsonObject &root, const QString &file,
                                              int depth) {
    if (!root.contains(QLatin1String("base"))) {
        for (const char *key : {"patch_fields", "remove_fields"})
            if (root.contains(QLatin1String(key))) {
                fail(file, QStringLiteral("%1 needs a base").arg(QLatin1String(key)));
                return std::nullopt;
            }
        return root;
    }
    const QString baseName = root.value(QLatin1String("base")).toString();
    auto base = readBase(baseName, file, depth);
    if (!base)
        return std::nullopt;

    QJsonObject out = *base;
    static const QStringList kMerged{QStringLiteral("base"), QStringLiteral("patch_fields"),
                                     QStringLiteral("remove_fields"), QStringLiteral("fields")};
    for (auto it = root.begin(); it != root.end(); ++it)
        if (!kMerged.contains(it.key()))
            out.insert(it.key(), it.value());

    QJsonArray fields = out.value(QLatin1String("fields")).toArray();
    for (const QJsonArray items = root.value(QLatin1String("patch_fields")).toArray();
         const auto &v : items) {
        const QJsonObject patch = v.toObject();
        const QString key = patch.value(QLatin1String("key")).toString();
        const int i = indexOfKey(fields, key);
        if (i < 0) {
            fail(file, QStringLiteral("patch_fields: no field '%1' in %2").arg(key, baseName));
            return std::nullopt;
        }
        QJsonObject merged = fields.at(i).toObject();
        for (auto it = patch.begin(); it != patch.end(); ++it) {
            if (it.value().isNull())
                merged.remove(it.key()); // null drops a base property (a note that no longer holds)
            else
                merged.insert(it.key(), it.value());
        }
        fields.replace(i, merged);
    }
    for (const QJsonArray items = root.value(QLatin1String("remove_fields")).toArray();
         const auto &v : items) {
        const int i = indexOfKey(fields, v.toString());
        if (i < 0) {
            fail(file,
                 QStringLiteral("remove_fields: no field '%1' in %2").arg(v.toString(), baseName));
            return std::nullopt;
        }
        fields.removeAt(i);
    }
    for (const QJsonArray items = root.value(QLatin1String("fields")).toArray();
         const auto &v : items)
        fields.append(v);
    out.insert(QStringLiteral("fields"), fields);
    return out;
}

// A register as written: a number or a "0x" string; -1 when neither.
int registerOf(const QJsonValue &v) {
    if (v.isDouble())
        return v.toInt(-1);
    const QString s = v.toString();
    bool ok = false;
    const int r = s.startsWith(QLatin1String("0x")) ? s.mid(2).toInt(&ok, 16) : -1;
    return ok ? r : -1;
}

// The fields of `items` with every repeated one spelled out; `instances` learns the keys each
// template became.
bool Expander::repeatItems(const QJsonArray &items, const QString &file, QJsonArray *out,
                           QHash<QString, QJsonArray> *instances) {
    for (const auto &v : items) {
        const QJsonObject o = v.toObject();
        const QString key = o.value(QLatin1String("key")).toString();
        if (!o.contains(QLatin1String("repeat"))) {
            if (key.contains(kPlaceholder))
                return fail(file,
                            QStringLiteral("field '%1': {n} outside a repeated field").arg(key));
            out->append(o);
            continue;
        }
        const QJsonObject rep = o.value(QLatin1String("repeat")).toObject();
        const int count = rep.value(QLatin1String("count")).toInt(0);
        const int stride = rep.value(QLatin1String("stride")).toInt(1);
        if (count < 1 || stride < 1)
            return fail(
                file,
                QStringLiteral("field '%1': repeat needs count >= 1 and stride >= 1").arg(key));
        if (!key.contains(kPlaceholder))
            return fail(file, QStringLiteral("field '%1': a repeated key needs {n}").arg(key));
        const QLatin1String where(o.contains(QLatin1String("offset")) ? "offset" : "register");
        const int first = registerOf(o.value(where));
        if (first < 0)
            return fail(file, QStringLiteral("field '%1': missing or bad %2").arg(key, where));
        QJsonArray keys;
        for (int n = 1; n <= count; ++n) {
            QJsonObject f = o;
            f.remove(QLatin1String("repeat"));
            const QString number = QString::number(n);
            f.insert(QLatin1String("key"), QString(key).replace(kPlaceholder, number));
            f.insert(QLatin1String("label"),
                     o.value(QLatin1String("label")).toString().replace(kPlaceholder, number));
            f.insert(where, first + (n - 1) * stride);
            if (o.contains(QLatin1String("count"))) {
                QJsonObject c = o.value(QLatin1String("count")).toObject();
                c.insert(QLatin1String("index"), c.value(QLatin1String("index")).toInt() + n - 1);
                f.insert(QLatin1String("count"), c);
            }
            keys.append(f.value(QLatin1String("key")));
            out->append(f);
        }
        instances->insert(key, keys);
    }
    return true;
}

bool Expander::repeat(QJsonObject *root, const QString &file) {
    QJsonArray out;
    QHash<QString, QJsonArray> instances; // template key -> the keys it became
    if (!repeatItems(root->value(QLatin1String("fields")).toArray(), file, &out, &instances))
        return false;
    // A log's columns repeat the same way (the inverter's fault record snapshot words).
    QJsonArray logs = root->value(QLatin1String("logs")).toArray();
    for (qsizetype i = 0; i < logs.size(); ++i) {
        QJsonObject log = logs.at(i).toObject();
        QJsonArray columns;
        QHash<QString, QJsonArray> unused;
        if (!repeatItems(log.value(QLatin1String("columns")).toArray(), file, &columns, &unused))
            return false;
        log.insert(QLatin1String("columns"), columns);
        logs.replace(i, log);
    }
    if (!logs.isEmpty())
        root->insert(QStringLiteral("logs"), logs);
    root->insert(QStringLiteral("fields"), out);

    QJsonArray rules = root->value(QLatin1String("plausibility")).toArray();
    for (qsizetype i = 0; i < rules.size(); ++i) {
        QJsonObject rule = rules.at(i).toObject();
        QJsonArray keys;
        for (const QJsonArray items = rule.value(QLatin1String("fields")).toArray();
             const auto &k : items) {
            const auto it = instances.constFind(k.toString());
            if (it == instances.constEnd()) {
                keys.append(k);
                continue;
            }
            for (const auto &instance : *it)
                keys.append(instance);
        }
        rule.insert(QLatin1String("fields"), keys);
        rules.replace(i, rule);
    }
    if (!rules.isEmpty())
        root->insert(QStringLiteral("plausibility"), rules);
    return true;
}

} // namespace

std::optional<QJsonObject> expand(const QJsonObject &root, const QString &fileName,
                                  const MapReader &reader, QString *error) {
    Expander e(reader, error);
    auto out = e.withBase(root, fileName, 0);
    if (!out || !e.repeat(&*out, fileName))
        return std::nullopt;
    out->remove(QLatin1String("base"));
    return out;
}

} // namespace blupow::MapExpansion
