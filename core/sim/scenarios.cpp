#include "scenarios.h"

#include "logging.h"
#include "simexpression.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace blupow::scenarios {

namespace {

constexpr double kHour = 3600.0;

class ScenarioParser {
public:
    explicit ScenarioParser(QString *error)
        : m_error(error) {}

    bool fail(const QString &where, const QString &what) {
        if (m_error)
            *m_error = where.isEmpty() ? what : where + QStringLiteral(": ") + what;
        return false;
    }

    bool parse(const QJsonObject &o, QList<Scenario> *out);

private:
    // One scenario from `o`, `extends` looked up in `known`; `lets` become its own.
    bool build(const QJsonObject &o, const QString &id, const QList<Scenario> &known,
               SimExpression::Lets *lets, Scenario *s);
    bool members(const QJsonObject &o, const QList<Scenario> &known, Scenario *system);
    bool properties(const QJsonObject &o, Scenario *s);
    bool values(const QJsonObject &o, const QString &id, SimExpression::Lets *lets, Scenario *s);

    QString *m_error;
    QHash<QString, SimExpression::Lets> m_lets; // per scenario id, for `extends`
};

bool ScenarioParser::properties(const QJsonObject &o, Scenario *s) {
    static const QStringList known{QStringLiteral("id"),
                                   QStringLiteral("extends"),
                                   QStringLiteral("family"),
                                   QStringLiteral("variant"),
                                   QStringLiteral("model"),
                                   QStringLiteral("advertised_name"),
                                   QStringLiteral("slave"),
                                   QStringLiteral("echo_broadcast_address"),
                                   QStringLiteral("answers_broadcast"),
                                   QStringLiteral("silent_spans"),
                                   QStringLiteral("silent_starts"),
                                   QStringLiteral("reserved_gap"),
                                   QStringLiteral("start_hour"),
                                   QStringLiteral("alarms"),
                                   QStringLiteral("notes"),
                                   QStringLiteral("let"),
                                   QStringLiteral("values"),
                                   QStringLiteral("logs"),
                                   QStringLiteral("unset"),
                                   QStringLiteral("members")};
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!known.contains(it.key()))
            return fail(s->id, QStringLiteral("unknown key '%1'").arg(it.key()));
    if (o.contains(QLatin1String("family"))) {
        const auto family = familyFromName(o.value(QLatin1String("family")).toString());
        if (!family)
            return fail(s->id, QStringLiteral("unknown family '%1'")
                                   .arg(o.value(QLatin1String("family")).toString()));
        s->family = *family;
    }
    const auto text = [&o](const char *key, QString *into) {
        if (o.contains(QLatin1String(key)))
            *into = o.value(QLatin1String(key)).toString();
    };
    text("variant", &s->variant);
    text("model", &s->model);
    text("advertised_name", &s->advertisedName);
    if (o.contains(QLatin1String("slave"))) {
        const int slave = o.value(QLatin1String("slave")).toInt(-1);
        if (slave < 1 || slave > 247)
            return fail(s->id, QStringLiteral("slave out of 1-247"));
        s->slave = static_cast<quint8>(slave);
    }
    s->echoBroadcastAddress =
        o.value(QLatin1String("echo_broadcast_address")).toBool(s->echoBroadcastAddress);
    s->answersBroadcast = o.value(QLatin1String("answers_broadcast")).toBool(s->answersBroadcast);
    if (o.contains(QLatin1String("silent_spans"))) {
        s->silentSpans.clear();
        for (const QJsonArray items = o.value(QLatin1String("silent_spans")).toArray();
             const auto &v : items) {
            const QJsonArray pair = v.toArray();
            if (pair.size() != 2 || pair.at(0).toInt(-1) < 0 ||
                pair.at(1).toInt(-1) < pair.at(0).toInt())
                return fail(s->id, QStringLiteral("silent_spans are [first, last] registers"));
            s->silentSpans.append({pair.at(0).toInt(), pair.at(1).toInt()});
        }
    }
    if (o.contains(QLatin1String("silent_starts"))) {
        s->silentStarts.clear();
        for (const QJsonArray items = o.value(QLatin1String("silent_starts")).toArray();
             const auto &v : items)
            s->silentStarts.append(v.toInt());
    }
    s->reservedGap = o.value(QLatin1String("reserved_gap")).toInt(s->reservedGap);
    if (o.contains(QLatin1String("alarms"))) {
        s->alarms.clear();
        for (const QJsonArray items = o.value(QLatin1String("alarms")).toArray();
             const QJsonValue &v : items) {
            const QJsonObject a = v.toObject();
            Scenario::AlarmWindow w;
            w.field = a.value(QLatin1String("field")).toString();
            w.condition = a.value(QLatin1String("condition")).toString();
            w.fromS = a.value(QLatin1String("from_s")).toDouble(0);
            w.untilS = a.value(QLatin1String("until_s")).toDouble(0);
            w.everyS = a.value(QLatin1String("every_s")).toDouble(0);
            if (w.field.isEmpty() || w.condition.isEmpty() || w.untilS <= w.fromS ||
                (w.everyS > 0 && w.untilS > w.everyS))
                return fail(s->id, QStringLiteral("alarms are {field, condition, from_s, until_s "
                                                  "> from_s, every_s >= until_s or 0}"));
            s->alarms.append(w);
        }
    }
    for (const QJsonArray keys = o.value(QLatin1String("unset")).toArray(); const auto &k : keys)
        s->unset(k.toString());
    // {"daily_history": {"power_generation": [812, 640, ...]}}: cooked values, one per row.
    for (const QJsonObject logs = o.value(QLatin1String("logs")).toObject();
         const QString &log : logs.keys()) {
        const QJsonObject columns = logs.value(log).toObject();
        for (auto it = columns.begin(); it != columns.end(); ++it) {
            if (!it.value().isArray())
                return fail(s->id,
                            QStringLiteral("logs.%1.%2: a list of row values").arg(log, it.key()));
            s->logs[log].insert(it.key(), it.value().toArray().toVariantList());
        }
    }
    if (o.contains(QLatin1String("start_hour"))) {
        const double hour = o.value(QLatin1String("start_hour")).toDouble(-1);
        if (hour < 0 || hour >= 24)
            return fail(s->id, QStringLiteral("start_hour out of 0-24"));
        s->startTimeOfDayS = hour * kHour;
    }
    return true;
}

bool ScenarioParser::values(const QJsonObject &o, const QString &id, SimExpression::Lets *lets,
                            Scenario *s) {
    // A let may use other lets; JSON objects have no order, so resolve them in passes until
    // none is left, or a pass resolves nothing (an unknown name or a cycle).
    QJsonObject pending = o.value(QLatin1String("let")).toObject();
    while (!pending.isEmpty()) {
        QString failedKey;
        QString error;
        bool progress = false;
        for (const QString &key : pending.keys()) {
            QString why;
            const auto e = SimExpression::parse(pending.value(key).toString(), *lets, &why);
            if (!e) {
                if (failedKey.isEmpty()) {
                    failedKey = key;
                    error = why;
                }
                continue;
            }
            lets->insert(key, e->root());
            pending.remove(key);
            progress = true;
        }
        if (!progress)
            return fail(id, QStringLiteral("let %1: %2").arg(failedKey, error));
    }
    const QJsonObject valueObject = o.value(QLatin1String("values")).toObject();
    for (auto it = valueObject.begin(); it != valueObject.end(); ++it) {
        const QJsonValue v = it.value();
        if (v.isDouble()) {
            s->setConstant(it.key(), v.toDouble());
        } else if (v.isString() && v.toString().startsWith(u'=')) {
            QString error;
            const auto e = SimExpression::parse(v.toString().mid(1), *lets, &error);
            if (!e)
                return fail(id, QStringLiteral("%1: %2").arg(it.key(), error));
            s->set(it.key(), [e = *e](const SimTime &t) { return QVariant(e.evaluate(t)); });
        } else if (v.isString()) {
            s->setConstant(it.key(), v.toString());
        } else {
            return fail(
                id,
                QStringLiteral("%1: a value is a number, a text or a '=' formula").arg(it.key()));
        }
    }
    return true;
}

bool ScenarioParser::build(const QJsonObject &o, const QString &id, const QList<Scenario> &known,
                           SimExpression::Lets *lets, Scenario *s) {
    if (o.contains(QLatin1String("extends"))) {
        const QString base = o.value(QLatin1String("extends")).toString();
        const auto it = std::find_if(known.cbegin(), known.cend(),
                                     [&base](const Scenario &b) { return b.id == base; });
        if (it == known.cend())
            return fail(id,
                        QStringLiteral("extends '%1', which is not listed before it").arg(base));
        if (it->isSystem())
            return fail(id, QStringLiteral("extends the system '%1'").arg(base));
        *s = *it;
        *lets = m_lets.value(base);
    } else if (!o.contains(QLatin1String("family")) && !o.contains(QLatin1String("members"))) {
        return fail(id, QStringLiteral("no family"));
    }
    s->id = id;
    return properties(o, s) && values(o, id, lets, s) && members(o, known, s);
}

bool ScenarioParser::members(const QJsonObject &o, const QList<Scenario> &known, Scenario *system) {
    if (!o.contains(QLatin1String("members")))
        return true;
    // Each member is a device of the system: a scenario listed before (extends) with its own
    // slave id and overrides (the weak battery of a bank).
    for (const QJsonArray items = o.value(QLatin1String("members")).toArray();
         const QJsonValue &v : items) {
        const QJsonObject m = v.toObject();
        const QString id = QStringLiteral("%1/%2").arg(system->id).arg(system->members.size() + 1);
        if (m.contains(QLatin1String("members")))
            return fail(id, QStringLiteral("a member cannot be a system"));
        Scenario member;
        SimExpression::Lets lets;
        if (!build(m, id, known, &lets, &member))
            return false;
        const bool taken =
            std::any_of(system->members.cbegin(), system->members.cend(),
                        [&member](const Scenario &other) { return other.slave == member.slave; });
        if (taken)
            return fail(id, QStringLiteral("slave %1 taken by another member").arg(member.slave));
        system->members.push_back(std::move(member));
    }
    if (system->members.size() < 2)
        return fail(system->id, QStringLiteral("a system has two members or more"));
    system->family = system->members.front().family;
    return true;
}

bool ScenarioParser::parse(const QJsonObject &o, QList<Scenario> *out) {
    const QString id = o.value(QLatin1String("id")).toString();
    if (id.isEmpty())
        return fail(QStringLiteral("scenario #%1").arg(out->size() + 1), QStringLiteral("no id"));
    if (std::any_of(out->cbegin(), out->cend(), [&id](const Scenario &s) { return s.id == id; }))
        return fail(id, QStringLiteral("duplicate id"));
    Scenario s;
    SimExpression::Lets lets;
    if (!build(o, id, *out, &lets, &s))
        return false;
    m_lets.insert(id, lets);
    out->append(std::move(s));
    return true;
}

QList<Scenario> builtIn() {
    QFile file(QStringLiteral(":/sim/scenarios.json"));
    if (!file.open(QIODevice::ReadOnly)) {
        qCWarning(lcSim) << "scenarios.json is not built in";
        return {};
    }
    QString error;
    auto all = fromJson(file.readAll(), &error);
    if (!all) {
        qCWarning(lcSim).noquote() << "scenarios.json:" << error;
        return {};
    }
    return *all;
}

} // namespace

std::optional<QList<Scenario>> fromJson(const QByteArray &json, QString *error) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    ScenarioParser parser(error);
    if (parseError.error != QJsonParseError::NoError) {
        parser.fail({}, QStringLiteral("JSON error at offset %1: %2")
                            .arg(parseError.offset)
                            .arg(parseError.errorString()));
        return std::nullopt;
    }
    QList<Scenario> out;
    for (const QJsonArray items = doc.object().value(QLatin1String("scenarios")).toArray();
         const auto &v : items)
        if (!parser.parse(v.toObject(), &out))
            return std::nullopt;
    if (out.isEmpty()) {
        parser.fail({}, QStringLiteral("no scenarios"));
        return std::nullopt;
    }
    return out;
}

QStringList names() {
    QStringList out;
    for (const Scenario &s : builtIn())
        out.append(s.id);
    return out;
}

std::optional<Scenario> byName(QStringView name) {
    const QList<Scenario> all = builtIn();
    for (const Scenario &s : all)
        if (s.id == name || (name.isEmpty() && &s == &all.first()))
            return s;
    return std::nullopt;
}

} // namespace blupow::scenarios
