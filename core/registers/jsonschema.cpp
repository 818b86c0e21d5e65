#include "jsonschema.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cmath>

namespace blupow {

namespace {

QString typeOf(const QJsonValue &v) {
    switch (v.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("boolean");
    case QJsonValue::Double:
        return v.toDouble() == std::floor(v.toDouble()) ? QStringLiteral("integer")
                                                        : QStringLiteral("number");
    case QJsonValue::String:
        return QStringLiteral("string");
    case QJsonValue::Array:
        return QStringLiteral("array");
    case QJsonValue::Object:
        return QStringLiteral("object");
    default:
        return QStringLiteral("undefined");
    }
}

bool hasType(const QJsonValue &v, const QString &type) {
    const QString actual = typeOf(v);
    return actual == type ||
           (type == QLatin1String("number") && actual == QLatin1String("integer"));
}

// A value as it appears in a message: strings bare, everything else as compact JSON.
QString shown(const QJsonValue &v) {
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble());
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    const QJsonDocument doc =
        v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject());
    return QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
}

QString nameOf(const QStringList &path) {
    return path.isEmpty() ? QStringLiteral("value") : path.last();
}

} // namespace

std::optional<JsonSchema> JsonSchema::fromJson(const QByteArray &json, QString *error) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        if (error)
            *error =
                QStringLiteral("schema is not a JSON object: %1").arg(parseError.errorString());
        return std::nullopt;
    }
    return JsonSchema(doc.object());
}

std::optional<JsonSchema::Error> JsonSchema::validate(const QJsonValue &instance) const {
    return check(m_root, instance, {}, 0);
}

QJsonObject JsonSchema::resolve(const QString &ref) const {
    static const QLatin1String prefix("#/$defs/");
    if (!ref.startsWith(prefix))
        return {};
    return m_root.value(QLatin1String("$defs")).toObject().value(ref.mid(prefix.size())).toObject();
}

std::optional<JsonSchema::Error> JsonSchema::check(const QJsonObject &schema,
                                                   const QJsonValue &value, const QStringList &path,
                                                   int depth) const {
    const auto fail = [&path](const QString &message) {
        return std::optional<Error>(Error{path, message});
    };
    if (depth > 64)
        return fail(QStringLiteral("schema nests too deep (a $ref cycle?)"));
    const QString custom = schema.value(QLatin1String("x-error")).toString();

    if (schema.contains(QLatin1String("$ref"))) {
        const QString ref = schema.value(QLatin1String("$ref")).toString();
        const QJsonObject target = resolve(ref);
        if (target.isEmpty())
            return fail(QStringLiteral("schema reference '%1' not found").arg(ref));
        if (auto e = check(target, value, path, depth + 1))
            return e;
    }

    if (schema.contains(QLatin1String("type"))) {
        const QJsonValue t = schema.value(QLatin1String("type"));
        QStringList allowed;
        if (t.isArray())
            for (const QJsonArray items = t.toArray(); const auto &x : items)
                allowed.append(x.toString());
        else
            allowed.append(t.toString());
        bool ok = false;
        for (const QString &type : std::as_const(allowed))
            ok = ok || hasType(value, type);
        if (!ok)
            return fail(
                QStringLiteral("%1: expected %2, got %3")
                    .arg(nameOf(path), allowed.join(QStringLiteral(" or ")), typeOf(value)));
    }
    if (schema.contains(QLatin1String("enum")) &&
        !schema.value(QLatin1String("enum")).toArray().contains(value))
        return fail(QStringLiteral("unknown %1 '%2'").arg(nameOf(path), shown(value)));
    if (schema.contains(QLatin1String("const")) && schema.value(QLatin1String("const")) != value)
        return fail(QStringLiteral("%1 must be '%2'")
                        .arg(nameOf(path), shown(schema.value(QLatin1String("const")))));

    if (value.isString()) {
        const QString s = value.toString();
        if (schema.contains(QLatin1String("minLength")) &&
            s.size() < schema.value(QLatin1String("minLength")).toInt())
            return fail(QStringLiteral("%1 is too short").arg(nameOf(path)));
        if (schema.contains(QLatin1String("pattern"))) {
            const QString pattern = schema.value(QLatin1String("pattern")).toString();
            auto cached = m_patterns.find(pattern);
            if (cached == m_patterns.end())
                cached = m_patterns.insert(pattern, QRegularExpression(pattern));
            const QRegularExpression &re = cached.value();
            if (!re.match(s).hasMatch())
                return fail(!custom.isEmpty() ? custom
                                              : QStringLiteral("%1 '%2' does not match %3")
                                                    .arg(nameOf(path), s, re.pattern()));
        }
    }
    if (value.isDouble()) {
        const double d = value.toDouble();
        if (schema.contains(QLatin1String("minimum")) &&
            d < schema.value(QLatin1String("minimum")).toDouble())
            return fail(QStringLiteral("%1 %2 is below the minimum %3")
                            .arg(nameOf(path))
                            .arg(d)
                            .arg(schema.value(QLatin1String("minimum")).toDouble()));
        if (schema.contains(QLatin1String("maximum")) &&
            d > schema.value(QLatin1String("maximum")).toDouble())
            return fail(QStringLiteral("%1 %2 is above the maximum %3")
                            .arg(nameOf(path))
                            .arg(d)
                            .arg(schema.value(QLatin1String("maximum")).toDouble()));
    }

    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        for (const QJsonArray items = schema.value(QLatin1String("required")).toArray();
             const auto &r : items)
            if (!o.contains(r.toString()))
                return fail(QStringLiteral("missing %1").arg(r.toString()));
        if (schema.contains(QLatin1String("minProperties")) &&
            o.size() < schema.value(QLatin1String("minProperties")).toInt())
            return fail(!custom.isEmpty() ? custom
                                          : QStringLiteral("%1 is empty").arg(nameOf(path)));
        const QJsonObject properties = schema.value(QLatin1String("properties")).toObject();
        const QJsonValue additional = schema.value(QLatin1String("additionalProperties"));
        for (auto it = o.begin(); it != o.end(); ++it) {
            QStringList sub = path;
            sub.append(it.key());
            if (properties.contains(it.key())) {
                if (auto e =
                        check(properties.value(it.key()).toObject(), it.value(), sub, depth + 1))
                    return e;
            } else if (additional.isBool() && !additional.toBool()) {
                return fail(QStringLiteral("unknown property '%1'").arg(it.key()));
            } else if (additional.isObject()) {
                if (auto e = check(additional.toObject(), it.value(), sub, depth + 1))
                    return e;
            }
        }
    }

    if (value.isArray()) {
        const QJsonArray a = value.toArray();
        if (schema.contains(QLatin1String("minItems")) &&
            a.size() < schema.value(QLatin1String("minItems")).toInt())
            return fail(QStringLiteral("%1 needs at least %2 items")
                            .arg(nameOf(path))
                            .arg(schema.value(QLatin1String("minItems")).toInt()));
        if (schema.contains(QLatin1String("maxItems")) &&
            a.size() > schema.value(QLatin1String("maxItems")).toInt())
            return fail(QStringLiteral("%1 takes at most %2 items")
                            .arg(nameOf(path))
                            .arg(schema.value(QLatin1String("maxItems")).toInt()));
        if (schema.value(QLatin1String("items")).isObject()) {
            const QJsonObject items = schema.value(QLatin1String("items")).toObject();
            for (qsizetype i = 0; i < a.size(); ++i) {
                QStringList sub = path;
                sub.append(QString::number(i));
                if (auto e = check(items, a.at(i), sub, depth + 1))
                    return e;
            }
        }
    }

    for (const QJsonArray items = schema.value(QLatin1String("allOf")).toArray();
         const auto &s : items)
        if (auto e = check(s.toObject(), value, path, depth + 1))
            return e;
    if (schema.contains(QLatin1String("anyOf"))) {
        std::optional<Error> first;
        bool any = false;
        for (const QJsonArray items = schema.value(QLatin1String("anyOf")).toArray();
             const auto &s : items) {
            auto e = check(s.toObject(), value, path, depth + 1);
            if (!e) {
                any = true;
                break;
            }
            if (!first)
                first = e;
        }
        if (!any)
            return custom.isEmpty() ? first : fail(custom);
    }
    if (schema.contains(QLatin1String("oneOf"))) {
        int matches = 0;
        std::optional<Error> first;
        for (const QJsonArray items = schema.value(QLatin1String("oneOf")).toArray();
             const auto &s : items) {
            auto e = check(s.toObject(), value, path, depth + 1);
            if (!e)
                ++matches;
            else if (!first)
                first = e;
        }
        if (matches == 0)
            return custom.isEmpty() ? first : fail(custom);
        if (matches > 1)
            return fail(
                !custom.isEmpty()
                    ? custom
                    : QStringLiteral("%1 matches more than one allowed form").arg(nameOf(path)));
    }
    return std::nullopt;
}

} // namespace blupow
