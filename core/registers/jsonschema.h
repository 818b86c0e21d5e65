#pragma once

// The subset of JSON Schema (draft 2020-12) that registers.schema.json uses, so every map is
// checked against the same schema the CTest validates with the reference implementation:
// type, required, properties, additionalProperties (false or a schema), enum, const, pattern,
// minimum, maximum, minLength, minProperties, items, minItems, maxItems, $ref to #/$defs/...,
// anyOf, oneOf, allOf. Unknown keywords are annotations and ignored, as the standard says;
// "x-error" on a schema replaces the message of a failed pattern, anyOf or oneOf.

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QRegularExpression>
#include <QStringList>

#include <optional>

namespace blupow {

class JsonSchema {
public:
    struct Error {
        QStringList path; // instance location: property names and array indices
        QString message;  // "unknown type 'u17'", "missing key", "scale: expected number"
    };

    static std::optional<JsonSchema> fromJson(const QByteArray &json, QString *error);

    // The first violation, or nothing when `instance` is valid.
    [[nodiscard]] std::optional<Error> validate(const QJsonValue &instance) const;

private:
    explicit JsonSchema(QJsonObject root)
        : m_root(std::move(root)) {}
    [[nodiscard]] std::optional<Error> check(const QJsonObject &schema, const QJsonValue &value,
                                             const QStringList &path, int depth) const;
    [[nodiscard]] QJsonObject resolve(const QString &ref) const;

    QJsonObject m_root;
    // Compiled patterns: a map repeats the same few patterns for every field.
    mutable QHash<QString, QRegularExpression> m_patterns;
};

} // namespace blupow
