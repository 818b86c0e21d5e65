#include "registermap.h"

#include "jsonschema.h"
#include "logging.h"
#include "mapexpansion.h"
#include "registerdecoder.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>

namespace blupow {

namespace {

struct TypeName {
    const char *name;
    FieldType type;
};
constexpr std::array kTypes{
    TypeName{"u16", FieldType::U16},
    TypeName{"s16", FieldType::S16},
    TypeName{"u32", FieldType::U32},
    TypeName{"s32", FieldType::S32},
    TypeName{"u8hi", FieldType::U8Hi},
    TypeName{"u8lo", FieldType::U8Lo},
    TypeName{"signmag8hi", FieldType::SignMag8Hi},
    TypeName{"signmag8lo", FieldType::SignMag8Lo},
    TypeName{"ascii", FieldType::Ascii},
    TypeName{"enum", FieldType::Enum},
    TypeName{"bits", FieldType::Bits},
    TypeName{"s24", FieldType::S24},
    TypeName{"u24", FieldType::U24},
};

std::optional<FieldType> typeFromName(const QString &name) {
    for (const auto &t : kTypes)
        if (name == QLatin1String(t.name))
            return t.type;
    return std::nullopt;
}

bool isInteger(FieldType t) {
    return t != FieldType::Ascii && t != FieldType::Enum && t != FieldType::Bits;
}

// Registers a Modbus field covers (bytes for the shunt payload).
int widthOf(FieldType t, bool modbus) {
    switch (t) {
    case FieldType::U32:
    case FieldType::S32:
        return modbus ? 2 : 4;
    case FieldType::S24:
    case FieldType::U24:
        return 3;
    case FieldType::U8Hi:
    case FieldType::U8Lo:
    case FieldType::SignMag8Hi:
    case FieldType::SignMag8Lo:
        return 1;
    default:
        return modbus ? 1 : 2;
    }
}

// The bits of each covered register that a field reads, for the overlap check.
quint32 registerBits(const FieldDef &f) {
    const FieldType t = (f.type == FieldType::Enum || f.type == FieldType::Bits) ? f.width : f.type;
    quint32 bits = 0xFFFF;
    if (t == FieldType::U8Hi || t == FieldType::SignMag8Hi)
        bits = f.mask ? (f.mask << 8) & 0xFF00 : 0xFF00;
    else if (t == FieldType::U8Lo || t == FieldType::SignMag8Lo)
        bits = f.mask ? f.mask & 0x00FF : 0x00FF;
    else if (f.words == 1 && f.mask)
        bits = f.mask & 0xFFFF;
    return bits;
}

class Parser {
public:
    Parser(const QString &fileName, QString *error)
        : m_file(fileName)
        , m_error(error) {}

    bool fail(const QString &what) {
        if (m_error)
            *m_error = m_file + QStringLiteral(": ") + m_context + what;
        return false;
    }
    // Said before every error from now on ("log 'daily_history': ").
    void setContext(const QString &context) { m_context = context; }
    bool failField(const QString &key, const QString &what) {
        return fail(QStringLiteral("field '%1': %2").arg(key, what));
    }

    // A register is a number or a "0x..." string (the documents number some blocks in hex).
    bool reg(const QJsonValue &v, int *out) {
        if (v.isDouble()) {
            const double d = v.toDouble();
            if (d != std::floor(d) || d < 0 || d > 65535)
                return false;
            *out = static_cast<int>(d);
            return true;
        }
        if (v.isString()) {
            bool ok = false;
            const QString s = v.toString();
            if (!s.startsWith(QLatin1String("0x")) && !s.startsWith(QLatin1String("0X")))
                return false;
            const int r = s.mid(2).toInt(&ok, 16);
            if (!ok || r < 0 || r > 65535)
                return false;
            *out = r;
            return true;
        }
        return false;
    }

    bool table(const QString &key, const QJsonValue &v, QMap<int, QString> *out, const char *what) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            bool ok = false;
            const QString k = it.key();
            const int n =
                k.startsWith(QLatin1String("0x")) ? k.mid(2).toInt(&ok, 16) : k.toInt(&ok);
            if (!ok || n < 0)
                return failField(
                    key, QStringLiteral("%1 key '%2' is not a number").arg(QLatin1String(what), k));
            if (!it.value().isString() || it.value().toString().isEmpty())
                return failField(
                    key, QStringLiteral("%1 entry '%2' needs a name").arg(QLatin1String(what), k));
            out->insert(n, it.value().toString());
        }
        return true;
    }

    bool field(const QJsonObject &o, bool modbus, FieldDef *f);
    bool alarms(const QJsonObject &o, FieldDef *f);

private:
    QString m_file;
    QString m_context;
    QString *m_error;
};

bool Parser::field(const QJsonObject &o, bool modbus, FieldDef *f) {
    static const QRegularExpression snake(QStringLiteral("^[a-z][a-z0-9]*(_[a-z0-9]+)*$"));
    f->key = o.value(QLatin1String("key")).toString();
    if (f->key.isEmpty())
        return fail(QStringLiteral("field #%1: missing key").arg(f->index + 1));
    const QString &key = f->key;
    if (!snake.match(key).hasMatch())
        return failField(key, QStringLiteral("key is not snake_case"));
    f->label = o.value(QLatin1String("label")).toString();
    if (f->label.isEmpty())
        return failField(key, QStringLiteral("missing label"));

    const QJsonValue derived = o.value(QLatin1String("derived"));
    if (derived.isObject()) {
        const QString op = derived.toObject().value(QLatin1String("op")).toString();
        if (op == QLatin1String("percent"))
            f->derivedOp = DerivedOp::Percent;
        else if (op == QLatin1String("product"))
            f->derivedOp = DerivedOp::Product;
        else if (op == QLatin1String("sum"))
            f->derivedOp = DerivedOp::Sum;
        else if (op == QLatin1String("difference"))
            f->derivedOp = DerivedOp::Difference;
        else
            return failField(key, QStringLiteral("unknown derived op '%1'").arg(op));
        for (const QJsonArray items = derived.toObject().value(QLatin1String("of")).toArray();
             const auto &v : items)
            f->derivedFrom.append(v.toString());
        if (f->derivedFrom.size() != 2)
            return failField(key, QStringLiteral("derived op needs two operands"));
        if (o.contains(QLatin1String("register")) || o.contains(QLatin1String("offset")))
            return failField(key, QStringLiteral("a derived field has no register"));
        f->reg = -1;
        f->words = 0;
    } else {
        const QString typeName = o.value(QLatin1String("type")).toString();
        const auto type = typeFromName(typeName);
        if (!type)
            return failField(key, typeName.isEmpty()
                                      ? QStringLiteral("missing type")
                                      : QStringLiteral("unknown type '%1'").arg(typeName));
        f->type = *type;
        if (modbus && (f->type == FieldType::S24 || f->type == FieldType::U24))
            return failField(
                key, QStringLiteral("type '%1' exists only in the shunt payload").arg(typeName));
        const QLatin1String where = modbus ? QLatin1String("register") : QLatin1String("offset");
        if (o.contains(modbus ? QLatin1String("offset") : QLatin1String("register")))
            return failField(key, QStringLiteral("use '%1' in this map").arg(where));
        if (!reg(o.value(where), &f->reg))
            return failField(key, QStringLiteral("missing or bad %1").arg(where));

        if (f->type == FieldType::Enum || f->type == FieldType::Bits) {
            const QString w = o.value(QLatin1String("width")).toString(QStringLiteral("u16"));
            const auto width = typeFromName(w);
            if (!width || !isInteger(*width) || *width == FieldType::SignMag8Hi ||
                *width == FieldType::SignMag8Lo)
                return failField(key, QStringLiteral("bad width '%1'").arg(w));
            f->width = *width;
            f->words = widthOf(f->width, modbus);
        } else if (o.contains(QLatin1String("width"))) {
            return failField(key, QStringLiteral("width is only for enum and bits"));
        } else if (f->type == FieldType::Ascii) {
            f->words = o.value(QLatin1String("words")).toInt(0);
            if (f->words < 1)
                return failField(key, QStringLiteral("ascii needs words >= 1"));
        } else {
            f->words = widthOf(f->type, modbus);
        }
        if (o.contains(QLatin1String("words")) && f->type != FieldType::Ascii)
            return failField(key, QStringLiteral("words is only for ascii"));
    }

    if (o.contains(QLatin1String("enum")) && f->type != FieldType::Enum)
        return failField(key, QStringLiteral("enum table on a non-enum type"));
    if (o.contains(QLatin1String("bits")) && f->type != FieldType::Bits)
        return failField(key, QStringLiteral("bits table on a non-bits type"));
    if (f->type == FieldType::Enum && !f->isDerived()) {
        if (!table(key, o.value(QLatin1String("enum")), &f->enumValues, "enum"))
            return false;
        if (f->enumValues.isEmpty())
            return failField(key, QStringLiteral("enum type without an enum table"));
    }
    if (f->type == FieldType::Bits && !f->isDerived()) {
        if (!table(key, o.value(QLatin1String("bits")), &f->bits, "bits"))
            return false;
        if (f->bits.isEmpty())
            return failField(key, QStringLiteral("bits type without a bits table"));
        const int maxBit = (f->width == FieldType::U32 || f->width == FieldType::S32)     ? 31
                           : (f->width == FieldType::U8Hi || f->width == FieldType::U8Lo) ? 7
                                                                                          : 15;
        if (f->bits.lastKey() > maxBit)
            return failField(key,
                             QStringLiteral("bit %1 outside the width").arg(f->bits.lastKey()));
    }

    f->scale = o.value(QLatin1String("scale")).toDouble(1.0);
    if (f->scale == 0)
        return failField(key, QStringLiteral("scale 0"));
    if (o.contains(QLatin1String("scale")) && !isInteger(f->type))
        return failField(key, QStringLiteral("scale on a non-numeric type"));
    f->unit = o.value(QLatin1String("unit")).toString();
    f->decimals = o.value(QLatin1String("decimals")).toInt(0);
    if (f->decimals < 0 || f->decimals > 6)
        return failField(key, QStringLiteral("decimals out of 0-6"));

    const QString fmt = o.value(QLatin1String("format")).toString(QStringLiteral("number"));
    if (fmt == QLatin1String("hex"))
        f->format = FieldFormat::Hex;
    else if (fmt == QLatin1String("version"))
        f->format = FieldFormat::Version;
    else if (fmt != QLatin1String("number"))
        return failField(key, QStringLiteral("unknown format '%1'").arg(fmt));
    if (f->format != FieldFormat::Number && (!isInteger(f->type) || f->isDerived()))
        return failField(key, QStringLiteral("format '%1' needs an integer type").arg(fmt));

    if (o.contains(QLatin1String("mask"))) {
        const double m = o.value(QLatin1String("mask")).toDouble();
        if (m < 1 || m > 4294967295.0 || m != std::floor(m))
            return failField(key, QStringLiteral("bad mask"));
        f->mask = static_cast<quint32>(m);
    }
    f->allowOverlap = o.value(QLatin1String("allow_overlap")).toBool(false);
    f->readGroup = o.value(QLatin1String("read_group")).toString();

    const QString access = o.value(QLatin1String("access")).toString(QStringLiteral("r"));
    if (access != QLatin1String("r") && access != QLatin1String("rw"))
        return failField(key, QStringLiteral("unknown access '%1'").arg(access));
    f->writable = access == QLatin1String("rw");
    if (o.contains(QLatin1String("min")))
        f->min = o.value(QLatin1String("min")).toDouble();
    if (o.contains(QLatin1String("max")))
        f->max = o.value(QLatin1String("max")).toDouble();
    f->step = o.value(QLatin1String("step")).toDouble(0);
    if (f->min && f->max && *f->min > *f->max)
        return failField(key, QStringLiteral("min %1 > max %2").arg(*f->min).arg(*f->max));
    if (f->writable) {
        if (f->isDerived())
            return failField(key, QStringLiteral("a derived field cannot be written"));
        if (!modbus)
            return failField(key, QStringLiteral("the shunt payload cannot be written"));
        if (isInteger(f->type) && f->format == FieldFormat::Number && (!f->min || !f->max))
            return failField(key, QStringLiteral("writable numeric field needs min and max"));
    }

    static const QStringList groups{QStringLiteral("battery"),  QStringLiteral("pv"),
                                    QStringLiteral("load"),     QStringLiteral("ac"),
                                    QStringLiteral("status"),   QStringLiteral("faults"),
                                    QStringLiteral("energy"),   QStringLiteral("identity"),
                                    QStringLiteral("settings"), QStringLiteral("temperature")};
    f->group = o.value(QLatin1String("group")).toString();
    if (!groups.contains(f->group))
        return failField(key, f->group.isEmpty()
                                  ? QStringLiteral("missing group")
                                  : QStringLiteral("unknown group '%1'").arg(f->group));

    const QString poll = o.value(QLatin1String("poll")).toString(QStringLiteral("cycle"));
    if (poll == QLatin1String("cycle"))
        f->poll = PollClass::Cycle;
    else if (poll == QLatin1String("once"))
        f->poll = PollClass::Once;
    else if (poll == QLatin1String("demand"))
        f->poll = PollClass::Demand;
    else
        return failField(key, QStringLiteral("unknown poll class '%1'").arg(poll));

    const QJsonObject ha = o.value(QLatin1String("ha")).toObject();
    f->haDeviceClass = ha.value(QLatin1String("device_class")).toString();
    f->haStateClass = ha.value(QLatin1String("state_class")).toString();
    f->haComponent = ha.value(QLatin1String("component")).toString(QStringLiteral("sensor"));

    if (o.contains(QLatin1String("count"))) {
        const QJsonObject c = o.value(QLatin1String("count")).toObject();
        f->countKey = c.value(QLatin1String("key")).toString();
        f->countIndex = c.value(QLatin1String("index")).toInt(0);
        if (f->countKey.isEmpty() || f->countIndex < 1)
            return failField(key, QStringLiteral("count needs a key and an index >= 1"));
    }
    if (o.contains(QLatin1String("absent_raw"))) {
        const double a = o.value(QLatin1String("absent_raw")).toDouble(-1);
        if (a < 0 || a > 4294967295.0)
            return failField(key, QStringLiteral("bad absent_raw"));
        f->absentRaw = static_cast<quint32>(a);
    }
    const QJsonArray plausible = o.value(QLatin1String("plausible")).toArray();
    if (o.contains(QLatin1String("plausible"))) {
        if (plausible.size() != 2 || plausible.at(0).toDouble() > plausible.at(1).toDouble())
            return failField(key, QStringLiteral("plausible is [low, high]"));
        f->plausibleMin = plausible.at(0).toDouble();
        f->plausibleMax = plausible.at(1).toDouble();
    }
    f->source = o.value(QLatin1String("source")).toString();
    f->note = o.value(QLatin1String("note")).toString();
    f->help = o.value(QLatin1String("help")).toString();
    if (o.contains(QLatin1String("enum_labels"))) {
        if (f->type != FieldType::Enum || f->isDerived())
            return failField(key, QStringLiteral("enum_labels on a field without an enum table"));
        if (!table(key, o.value(QLatin1String("enum_labels")), &f->enumLabels, "enum_labels"))
            return false;
        for (auto it = f->enumLabels.cbegin(); it != f->enumLabels.cend(); ++it) {
            if (!f->enumValues.contains(it.key()))
                return failField(
                    key, QStringLiteral("enum_labels has %1, which enum has not").arg(it.key()));
        }
    }
    return alarms(o, f);
}

// Bits of the integer a field decodes to: its width, or the bits of its mask.
int integerBits(const FieldDef &f) {
    if (f.mask)
        return std::bit_width(f.mask) - std::countr_zero(f.mask);
    const FieldType enc =
        (f.type == FieldType::Enum || f.type == FieldType::Bits) ? f.width : f.type;
    switch (enc) {
    case FieldType::U32:
    case FieldType::S32:
        return 32;
    case FieldType::U8Hi:
    case FieldType::U8Lo:
    case FieldType::SignMag8Hi:
    case FieldType::SignMag8Lo:
        return 8;
    default:
        return 16;
    }
}

bool Parser::alarms(const QJsonObject &o, FieldDef *f) {
    const QString &key = f->key;
    const auto severityOf = [](const QJsonValue &v) {
        return v.toString() == QLatin1String("warning") ? AlarmSeverity::Warning
                                                        : AlarmSeverity::Fault;
    };
    if (o.contains(QLatin1String("alarm_codes"))) {
        if (f->type != FieldType::Enum || f->isDerived())
            return failField(key, QStringLiteral("alarm_codes on a field without an enum table"));
        const QJsonObject c = o.value(QLatin1String("alarm_codes")).toObject();
        QList<int> except;
        for (const QJsonValue v : c.value(QLatin1String("except")).toArray(QJsonArray{0}))
            except.append(v.toInt());
        for (auto it = f->enumValues.cbegin(); it != f->enumValues.cend(); ++it) {
            if (except.contains(it.key()))
                continue;
            AlarmCondition a;
            a.key = it.value();
            a.label = f->enumLabels.value(it.key(), QString(it.value()).replace(u'_', u' '));
            a.severity = severityOf(c.value(QLatin1String("severity")));
            a.meaning = c.value(QLatin1String("meaning")).toString();
            a.source = f->source;
            a.width = integerBits(*f);
            a.value = static_cast<quint32>(it.key());
            f->alarms.append(a);
        }
    }
    const QJsonArray list = o.value(QLatin1String("alarms")).toArray();
    if (!list.isEmpty() &&
        (f->isDerived() || f->type == FieldType::Ascii || f->type == FieldType::Enum))
        return failField(key, QStringLiteral("alarms need an integer or bits field"));
    const int bits = integerBits(*f);
    for (const QJsonValue v : list) {
        const QJsonObject c = v.toObject();
        AlarmCondition a;
        a.severity = severityOf(c.value(QLatin1String("severity")));
        a.meaning = c.value(QLatin1String("meaning")).toString();
        a.reading = c.value(QLatin1String("reading")).toString();
        a.source = c.value(QLatin1String("source")).toString(f->source);
        a.bit = c.value(QLatin1String("bit")).toInt(0);
        a.width = c.value(QLatin1String("width")).toInt(1);
        a.value = static_cast<quint32>(c.value(QLatin1String("value")).toInt(1));
        const QJsonObject repeat = c.value(QLatin1String("repeat")).toObject();
        const int count = repeat.value(QLatin1String("count")).toInt(1);
        const int stride = repeat.value(QLatin1String("stride")).toInt(a.width);
        const QString keyTemplate = c.value(QLatin1String("key")).toString();
        const QString labelTemplate = c.value(QLatin1String("label")).toString();
        const QString meaningTemplate = a.meaning;
        for (int n = 1; n <= count; ++n) {
            const QString num = QString::number(n);
            AlarmCondition r = a;
            r.bit = a.bit + (n - 1) * stride;
            r.key = QString(keyTemplate).replace(QLatin1String("{n}"), num);
            r.meaning = QString(meaningTemplate).replace(QLatin1String("{n}"), num);
            r.label = labelTemplate.isEmpty()
                          ? (r.width == 1 ? f->bits.value(r.bit) : QString())
                          : QString(labelTemplate).replace(QLatin1String("{n}"), num);
            if (r.label.isEmpty())
                return failField(key, QStringLiteral("alarm '%1' needs a label").arg(r.key));
            if (r.bit + r.width > bits)
                return failField(key,
                                 QStringLiteral("alarm '%1' reads bits %2-%3 of a %4-bit value")
                                     .arg(r.key)
                                     .arg(r.bit)
                                     .arg(r.bit + r.width - 1)
                                     .arg(bits));
            if (r.value >= (1u << r.width))
                return failField(key, QStringLiteral("alarm '%1': value %2 does not fit %3 bits")
                                          .arg(r.key)
                                          .arg(r.value)
                                          .arg(r.width));
            f->alarms.append(r);
        }
    }
    QSet<QString> seen;
    for (const AlarmCondition &a : std::as_const(f->alarms)) {
        if (seen.contains(a.key))
            return failField(key, QStringLiteral("alarm '%1' twice").arg(a.key));
        seen.insert(a.key);
    }
    return true;
}

// Home Assistant rejects a unit outside its device class's set (docs/ha-mqtt.md 8); catching it
// here keeps a map edit from breaking discovery.
bool checkHa(Parser &p, const FieldDef &f) {
    struct Rule {
        const char *deviceClass;
        const char *units; // space-separated; empty = no unit allowed
        const char *stateClasses;
    };
    static constexpr std::array kRules{
        Rule{"voltage", "V mV", "measurement"},
        Rule{"current", "A mA", "measurement"},
        Rule{"power", "W kW", "measurement"},
        Rule{"apparent_power", "VA", "measurement"},
        Rule{"energy", "Wh kWh", "total total_increasing"},
        Rule{"energy_storage", "Wh kWh", "measurement"},
        Rule{"frequency", "Hz", "measurement"},
        Rule{"temperature", "\u00b0C", "measurement"},
        Rule{"battery", "%", "measurement"},
        Rule{"duration", "d h min s", "measurement total total_increasing"},
        Rule{"enum", "", ""},
    };
    if (f.haDeviceClass.isEmpty()) {
        static const QStringList stateClasses{QStringLiteral("measurement"),
                                              QStringLiteral("total"),
                                              QStringLiteral("total_increasing")};
        if (!f.haStateClass.isEmpty() && !stateClasses.contains(f.haStateClass))
            return p.failField(f.key,
                               QStringLiteral("unknown state_class '%1'").arg(f.haStateClass));
        return true;
    }
    for (const auto &r : kRules) {
        if (f.haDeviceClass != QLatin1String(r.deviceClass))
            continue;
        const QStringList units =
            QString::fromUtf8(r.units).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        const QStringList states =
            QString::fromUtf8(r.stateClasses).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (units.isEmpty() ? !f.unit.isEmpty() : !units.contains(f.unit))
            return p.failField(f.key, QStringLiteral("unit '%1' is not valid for device_class '%2'")
                                          .arg(f.unit, f.haDeviceClass));
        if (states.isEmpty() ? !f.haStateClass.isEmpty()
                             : (!f.haStateClass.isEmpty() && !states.contains(f.haStateClass)))
            return p.failField(f.key,
                               QStringLiteral("state_class '%1' is not valid for device_class '%2'")
                                   .arg(f.haStateClass, f.haDeviceClass));
        if (r.units[0] == 0 && f.type != FieldType::Enum)
            return p.failField(f.key, QStringLiteral("device_class enum on a non-enum type"));
        return true;
    }
    return p.failField(f.key, QStringLiteral("unknown device_class '%1'").arg(f.haDeviceClass));
}

// `enum_from` names an enum field whose table (and enum_labels) a field takes, so that a table
// several registers share (the inverter's fault codes) is written once in the map.
bool resolveEnumFrom(Parser &p, QJsonObject *o, const RegisterMap &map) {
    const QString enumFrom = o->value(QLatin1String("enum_from")).toString();
    if (enumFrom.isEmpty())
        return true;
    const FieldDef *from = map.field(enumFrom);
    if (!from || from->type != FieldType::Enum)
        return p.failField(
            o->value(QLatin1String("key")).toString(),
            QStringLiteral("enum_from '%1' is not an enum field defined before it").arg(enumFrom));
    QJsonObject table;
    for (auto it = from->enumValues.cbegin(); it != from->enumValues.cend(); ++it)
        table.insert(QString::number(it.key()), it.value());
    o->insert(QLatin1String("enum"), table);
    if (!from->enumLabels.isEmpty() && !o->contains(QLatin1String("enum_labels"))) {
        QJsonObject labels;
        for (auto it = from->enumLabels.cbegin(); it != from->enumLabels.cend(); ++it)
            labels.insert(QString::number(it.key()), it.value());
        o->insert(QLatin1String("enum_labels"), labels);
    }
    o->remove(QLatin1String("enum_from"));
    return true;
}

// A log's columns are fields, parsed by the same rules, that sit relative to their row
// (docs/registers.md, "Device logs").
bool parseLog(Parser &p, const QJsonObject &o, const RegisterMap &map,
              const QList<QPair<int, int>> &noReadRanges, LogDef *log) {
    log->key = o.value(QLatin1String("key")).toString();
    p.setContext(QStringLiteral("log '%1': ").arg(log->key));
    log->title = o.value(QLatin1String("title")).toString();
    log->source = o.value(QLatin1String("source")).toString();
    log->note = o.value(QLatin1String("note")).toString();
    log->rows = o.value(QLatin1String("rows")).toInt(1);
    if (o.contains(QLatin1String("row_start")) &&
        !p.reg(o.value(QLatin1String("row_start")), &log->rowStart))
        return p.fail(QStringLiteral("bad row_start"));
    log->rowStride = o.value(QLatin1String("row_stride")).toInt(1);
    log->readPerRow = o.value(QLatin1String("read")).toString(QStringLiteral("block")) ==
                      QLatin1String("per_row");
    log->daysAgo = o.value(QLatin1String("days_ago")).toBool(false);
    log->rowNumberFrom = o.value(QLatin1String("row_number_from")).toInt(0);
    log->rowLabel = o.value(QLatin1String("row_label")).toString();
    for (const QJsonArray labels = o.value(QLatin1String("row_labels")).toArray();
         const auto &v : labels)
        log->rowLabels.append(v.toString());
    if (log->rowLabels.size() > log->rows)
        return p.fail(
            QStringLiteral("%1 row_labels for %2 rows").arg(log->rowLabels.size()).arg(log->rows));
    if (log->rowLabel.isEmpty() && log->rowLabels.size() < log->rows)
        return p.fail(QStringLiteral("rows without a label: give row_label, or row_labels for "
                                     "every row"));

    for (const QJsonArray columns = o.value(QLatin1String("columns")).toArray();
         const auto &v : columns) {
        QJsonObject c = v.toObject();
        if (!resolveEnumFrom(p, &c, map))
            return false;
        FieldDef f;
        f.index = static_cast<int>(log->columns.size());
        f.poll = PollClass::Demand;
        if (!p.field(c, true, &f))
            return false;
        if (f.isDerived() || f.writable || !f.countKey.isEmpty() || !f.alarms.isEmpty())
            return p.failField(f.key, QStringLiteral("a log column is read as it is: no derived, "
                                                     "access rw, count or alarms"));
        if (log->column(f.key))
            return p.failField(f.key, QStringLiteral("duplicate key"));
        log->columns.append(f);
    }
    if (log->columns.isEmpty())
        return p.fail(QStringLiteral("no columns"));
    const int words = log->rowWords();
    if (log->readPerRow && words > map.maxReadCount())
        return p.fail(
            QStringLiteral("a row of %1 registers is wider than max_read_count").arg(words));
    if (log->rowAddress(log->rows - 1) + words - 1 > 0xFFFF)
        return p.fail(QStringLiteral("the last row ends beyond register 0xFFFF"));
    for (int r = 0; r < log->rows; ++r) {
        for (const FieldDef &c : std::as_const(log->columns)) {
            const int first = log->rowAddress(r) + c.reg;
            const int last = log->rowAddress(r) + c.lastReg();
            for (const auto &range : noReadRanges) {
                if (first <= range.second && last >= range.first)
                    return p.failField(c.key, QStringLiteral("row %1 lies inside no_read_range "
                                                             "%2-%3")
                                                  .arg(r)
                                                  .arg(range.first)
                                                  .arg(range.second));
            }
        }
    }
    p.setContext({});
    return true;
}

// Schema violations as one line: "field 'battery_voltage': unknown type 'u17'".
bool validateAgainstSchema(Parser &p, const QJsonObject &root) {
    QFile file(QStringLiteral(":/registers/registers.schema.json"));
    if (!file.open(QIODevice::ReadOnly))
        return p.fail(QStringLiteral("registers.schema.json is not built in"));
    QString error;
    const auto schema = JsonSchema::fromJson(file.readAll(), &error);
    if (!schema)
        return p.fail(error);
    const auto violation = schema->validate(root);
    if (!violation)
        return true;
    QStringList path = violation->path;
    QString where;
    // "field 'v': ", "log 'daily_history': field 'x': ": by key where the item has one.
    const auto item = [&](const QJsonObject &parent, const char *list, const char *what) {
        if (path.size() < 2 || path.first() != QLatin1String(list))
            return QJsonObject();
        const QJsonObject o =
            parent.value(QLatin1String(list)).toArray().at(path.at(1).toInt()).toObject();
        where +=
            o.value(QLatin1String("key")).isString()
                ? QStringLiteral("%1 '%2': ")
                      .arg(QLatin1String(what), o.value(QLatin1String("key")).toString())
                : QStringLiteral("%1 #%2: ").arg(QLatin1String(what)).arg(path.at(1).toInt() + 1);
        path = path.mid(2);
        return o;
    };
    item(root, "fields", "field");
    const QJsonObject log = item(root, "logs", "log");
    if (!log.isEmpty())
        item(log, "columns", "field");
    if (path.size() >= 2)
        where += path.mid(0, path.size() - 1).join(QLatin1Char('.')) + QStringLiteral(": ");
    return p.fail(where + violation->message);
}

} // namespace

std::optional<RegisterMap> RegisterMap::fromJson(const QByteArray &json, const QString &fileName,
                                                 QString *error,
                                                 const MapExpansion::MapReader &reader) {
    Parser p(fileName, error);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        p.fail(QStringLiteral("JSON error at offset %1: %2")
                   .arg(parseError.offset)
                   .arg(parseError.errorString()));
        return std::nullopt;
    }
    if (!doc.isObject()) {
        p.fail(QStringLiteral("the map must be a JSON object"));
        return std::nullopt;
    }
    // The schema first (structure, names, JSON types) on the file as written and again on it with
    // its base and repeated fields expanded, then the checks a schema cannot express.
    if (!validateAgainstSchema(p, doc.object()))
        return std::nullopt;
    const auto expanded = MapExpansion::expand(doc.object(), fileName, reader, error);
    if (!expanded || !validateAgainstSchema(p, *expanded))
        return std::nullopt;
    const QJsonObject &root = *expanded;

    RegisterMap map;
    map.m_fileName = fileName;
    const auto family = familyFromName(root.value(QLatin1String("family")).toString());
    if (!family) {
        p.fail(QStringLiteral("unknown family '%1'")
                   .arg(root.value(QLatin1String("family")).toString()));
        return std::nullopt;
    }
    map.m_family = *family;
    const bool modbus = map.isModbus();
    map.m_variant = root.value(QLatin1String("variant")).toString(QStringLiteral("default"));
    map.m_title = root.value(QLatin1String("title")).toString(familyTitle(*family));
    const int slave = root.value(QLatin1String("default_slave")).toInt(0xFF);
    if (slave < 0 || slave > 255) {
        p.fail(QStringLiteral("default_slave out of 0-255"));
        return std::nullopt;
    }
    map.m_defaultSlave = static_cast<quint8>(slave);
    for (const QJsonArray items = root.value(QLatin1String("probe_slaves")).toArray();
         const auto &v : items) {
        const int s = v.toInt(-1);
        if (s < 0 || s > 255) {
            p.fail(QStringLiteral("probe_slaves entry out of 0-255"));
            return std::nullopt;
        }
        map.m_probeSlaves.append(static_cast<quint8>(s));
    }
    if (map.m_probeSlaves.isEmpty())
        map.m_probeSlaves.append(map.m_defaultSlave);
    map.m_maxReadCount = root.value(QLatin1String("max_read_count")).toInt(32);
    if (map.m_maxReadCount < 1 || map.m_maxReadCount > 0x7D) {
        p.fail(QStringLiteral("max_read_count out of 1-125"));
        return std::nullopt;
    }
    map.m_maxGap = root.value(QLatin1String("max_gap")).toInt(4);
    if (map.m_maxGap < 0) {
        p.fail(QStringLiteral("max_gap is negative"));
        return std::nullopt;
    }
    for (const QJsonArray items = root.value(QLatin1String("no_read_ranges")).toArray();
         const auto &v : items) {
        const QJsonArray pair = v.toArray();
        int a = 0;
        int b = 0;
        if (pair.size() != 2 || !p.reg(pair.at(0), &a) || !p.reg(pair.at(1), &b) || a > b) {
            p.fail(QStringLiteral("no_read_ranges entries are [first, last] registers"));
            return std::nullopt;
        }
        map.m_noReadRanges.append({a, b});
    }

    const QJsonObject payload = root.value(QLatin1String("payload")).toObject();
    if (modbus != payload.isEmpty()) {
        p.fail(modbus ? QStringLiteral("payload is only for the shunt")
                      : QStringLiteral("a payload map needs payload.header and payload.length"));
        return std::nullopt;
    }
    if (!modbus) {
        map.m_payloadHeader =
            QByteArray::fromHex(payload.value(QLatin1String("header")).toString().toLatin1());
        map.m_payloadLength = payload.value(QLatin1String("length")).toInt(0);
        map.m_payloadPrefix =
            QByteArray::fromHex(payload.value(QLatin1String("prefix")).toString().toLatin1());
        map.m_payloadPrefixLength = payload.value(QLatin1String("prefix_length")).toInt(0);
        if (map.m_payloadHeader.isEmpty() || map.m_payloadLength < map.m_payloadHeader.size() ||
            map.m_payloadPrefixLength < map.m_payloadPrefix.size()) {
            p.fail(QStringLiteral("payload needs a hex header, a length and a consistent prefix"));
            return std::nullopt;
        }
    }

    const QJsonArray fields = root.value(QLatin1String("fields")).toArray();
    if (fields.isEmpty()) {
        p.fail(QStringLiteral("no fields"));
        return std::nullopt;
    }
    for (const auto &v : fields) {
        FieldDef f;
        f.index = static_cast<int>(map.m_fields.size());
        QJsonObject o = v.toObject();
        if (!resolveEnumFrom(p, &o, map) || !p.field(o, modbus, &f))
            return std::nullopt;
        if (map.m_keyIndex.contains(f.key)) {
            p.failField(f.key, QStringLiteral("duplicate key"));
            return std::nullopt;
        }
        if (!checkHa(p, f))
            return std::nullopt;
        if (!f.isDerived()) {
            if (f.words > map.m_maxReadCount && modbus) {
                p.failField(f.key, QStringLiteral("wider than max_read_count"));
                return std::nullopt;
            }
            if (!modbus && f.lastReg() >= map.m_payloadLength) {
                p.failField(f.key, QStringLiteral("offset beyond the payload"));
                return std::nullopt;
            }
            for (const auto &r : std::as_const(map.m_noReadRanges)) {
                if (f.reg <= r.second && f.lastReg() >= r.first) {
                    p.failField(
                        f.key,
                        QStringLiteral("inside no_read_range %1-%2").arg(r.first).arg(r.second));
                    return std::nullopt;
                }
            }
        }
        map.m_keyIndex.insert(f.key, f.index);
        map.m_fields.append(f);
    }

    // References between fields, now that every key is known.
    for (FieldDef &f : map.m_fields) {
        for (const QString &operand : std::as_const(f.derivedFrom))
            f.derivedFromIndex.append(map.indexOf(operand));
        f.countField = f.countKey.isEmpty() ? -1 : map.indexOf(f.countKey);
        map.m_hasRelations = map.m_hasRelations || f.isDerived() || f.countField >= 0;
    }
    for (const FieldDef &f : std::as_const(map.m_fields)) {
        for (const QString &operand : f.derivedFrom) {
            const FieldDef *o = map.field(operand);
            if (!o || o->isText() || o->type == FieldType::Enum || o->type == FieldType::Bits) {
                p.failField(
                    f.key,
                    QStringLiteral("derived operand '%1' is not a numeric field").arg(operand));
                return std::nullopt;
            }
        }
        if (!f.countKey.isEmpty()) {
            const FieldDef *c = map.field(f.countKey);
            if (!c || c->isDerived() || !isInteger(c->type)) {
                p.failField(
                    f.key,
                    QStringLiteral("count key '%1' is not an integer field").arg(f.countKey));
                return std::nullopt;
            }
        }
    }

    for (const QJsonArray items = root.value(QLatin1String("plausibility")).toArray();
         const auto &v : items) {
        const QJsonObject o = v.toObject();
        if (o.value(QLatin1String("rule")).toString() != QLatin1String("scale_from_sum")) {
            p.fail(QStringLiteral("unknown plausibility rule '%1'")
                       .arg(o.value(QLatin1String("rule")).toString()));
            return std::nullopt;
        }
        ScaleRule rule;
        for (const QJsonArray fieldKeys = o.value(QLatin1String("fields")).toArray();
             const auto &k : fieldKeys)
            rule.fields.append(k.toString());
        rule.reference = o.value(QLatin1String("reference")).toString();
        for (const QJsonArray scales = o.value(QLatin1String("scales")).toArray();
             const auto &s : scales)
            rule.scales.append(s.toDouble());
        rule.tolerance = o.value(QLatin1String("tolerance")).toDouble(0.05);
        QStringList keys = rule.fields;
        keys.append(rule.reference);
        for (const QString &k : std::as_const(keys)) {
            const FieldDef *f = map.field(k);
            if (!f || !isInteger(f->type) || f->isDerived()) {
                p.fail(QStringLiteral("plausibility rule: '%1' is not a numeric field").arg(k));
                return std::nullopt;
            }
        }
        if (rule.fields.isEmpty() || rule.scales.size() < 2) {
            p.fail(QStringLiteral("plausibility rule needs fields and two or more scales"));
            return std::nullopt;
        }
        for (const QString &k : std::as_const(rule.fields))
            rule.fieldIndex.append(map.indexOf(k));
        rule.referenceIndex = map.indexOf(rule.reference);
        map.m_hasRelations = true;
        map.m_scaleRules.append(rule);
    }

    for (const QJsonArray items = root.value(QLatin1String("logs")).toArray();
         const auto &v : items) {
        LogDef log;
        if (!modbus) {
            p.fail(QStringLiteral("the shunt keeps no logs"));
            return std::nullopt;
        }
        if (!parseLog(p, v.toObject(), map, map.m_noReadRanges, &log))
            return std::nullopt;
        if (map.log(log.key)) {
            p.fail(QStringLiteral("log '%1' twice").arg(log.key));
            return std::nullopt;
        }
        map.m_logs.append(log);
    }

    for (const FieldDef &f : std::as_const(map.m_fields))
        if (!f.isDerived())
            map.m_byRegister.append(f.index);
    std::stable_sort(map.m_byRegister.begin(), map.m_byRegister.end(), [&map](int a, int b) {
        return map.m_fields.at(a).reg < map.m_fields.at(b).reg;
    });
    map.m_steps.reserve(map.m_byRegister.size());
    for (const int i : std::as_const(map.m_byRegister))
        map.m_steps.append(RegisterDecoder::compileStep(map.m_fields.at(i)));
    for (const FieldDef &f : std::as_const(map.m_fields))
        if (f.isDerived())
            map.m_derived.append(f.index);

    // Two fields of one poll class reading the same bits would publish one quantity twice, or
    // hide a wrong offset; hi/lo byte pairs and masked flags share a register without sharing bits.
    for (qsizetype i = 0; i < map.m_byRegister.size(); ++i) {
        const FieldDef &a = map.m_fields.at(map.m_byRegister.at(i));
        for (qsizetype j = i + 1; j < map.m_byRegister.size(); ++j) {
            const FieldDef &b = map.m_fields.at(map.m_byRegister.at(j));
            if (b.reg > a.lastReg())
                break;
            if (a.poll != b.poll || a.allowOverlap || b.allowOverlap)
                continue;
            const bool sameSingle = a.words == 1 && b.words == 1 && modbus;
            if (sameSingle && (registerBits(a) & registerBits(b)) == 0)
                continue;
            p.failField(b.key, QStringLiteral("overlaps field '%1'").arg(a.key));
            return std::nullopt;
        }
    }
    return map;
}

std::optional<RegisterMap> RegisterMap::load(const QString &path, QString *error) {
    QFile file(path);
    const QString name = QFileInfo(path).fileName();
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = name + QStringLiteral(": cannot open: ") + file.errorString();
        return std::nullopt;
    }
    const QDir directory = QFileInfo(path).dir();
    const auto reader = [directory](const QString &fileName) -> std::optional<QByteArray> {
        QFile base(directory.filePath(fileName));
        if (!base.open(QIODevice::ReadOnly))
            return std::nullopt;
        return base.readAll();
    };
    return fromJson(file.readAll(), name, error, reader);
}

int RegisterMap::indexOf(QStringView key) const {
    return m_keyIndex.value(key.toString(), -1);
}

const FieldDef *RegisterMap::field(QStringView key) const {
    const int i = indexOf(key);
    return i < 0 ? nullptr : &m_fields.at(i);
}

QList<const FieldDef *> RegisterMap::fieldsAt(int reg) const {
    QList<const FieldDef *> out;
    for (const int i : m_byRegister) {
        const FieldDef &f = m_fields.at(i);
        if (f.reg > reg)
            break;
        if (f.lastReg() >= reg)
            out.append(&f);
    }
    return out;
}

namespace {

// The registers one value needs, and the read group it must not share a request outside of.
struct Span {
    int first = 0;
    int last = 0;
    QString group;
};

// Requests covering `spans` (sorted by first register): neighbours share one while the gap
// between them is at most maxGap, the request stays within maxCount registers and never crosses
// a noReadRange.
QList<ReadBlock> coalesce(const QList<Span> &spans, int maxCount, int maxGap,
                          const QList<QPair<int, int>> &noReadRanges, PollClass poll) {
    QList<ReadBlock> plan;
    const auto crossesNoRead = [&noReadRanges](int first, int last) {
        return std::any_of(noReadRanges.begin(), noReadRanges.end(), [&](const QPair<int, int> &r) {
            return first <= r.second && last >= r.first;
        });
    };
    int start = -1;
    int end = -1;
    QString group;
    const auto flush = [&] {
        if (start >= 0)
            plan.append({static_cast<quint16>(start), static_cast<quint16>(end - start + 1), poll});
    };
    for (const Span &s : spans) {
        if (start >= 0 && s.last <= end)
            continue; // inside the block already (a hi/lo byte partner)
        const bool fits = start >= 0 && s.group == group && s.first - end - 1 <= maxGap &&
                          std::max(end, s.last) - start + 1 <= maxCount &&
                          !crossesNoRead(start, s.last);
        if (fits) {
            end = std::max(end, s.last);
            continue;
        }
        flush();
        start = s.first;
        end = s.last;
        group = s.group;
    }
    flush();
    return plan;
}

} // namespace

QList<ReadBlock> RegisterMap::readPlan(PollClass poll) const {
    if (!isModbus())
        return {};
    QList<Span> spans;
    for (const int i : m_byRegister) {
        const FieldDef &f = m_fields.at(i);
        if (f.poll == poll)
            spans.append({f.reg, f.lastReg(), f.readGroup});
    }
    return coalesce(spans, m_maxReadCount, m_maxGap, m_noReadRanges, poll);
}

QList<ReadBlock> RegisterMap::readPlan(const LogDef &log) const {
    QList<ReadBlock> plan;
    if (log.readPerRow) {
        const auto words = static_cast<quint16>(log.rowWords());
        for (int r = 0; r < log.rows; ++r)
            plan.append({static_cast<quint16>(log.rowAddress(r)), words, PollClass::Demand});
        return plan;
    }
    QList<Span> spans;
    for (int r = 0; r < log.rows; ++r) {
        for (const FieldDef &c : log.columns)
            spans.append({log.rowAddress(r) + c.reg, log.rowAddress(r) + c.lastReg(), {}});
    }
    std::stable_sort(spans.begin(), spans.end(),
                     [](const Span &a, const Span &b) { return a.first < b.first; });
    return coalesce(spans, m_maxReadCount, m_maxGap, m_noReadRanges, PollClass::Demand);
}

const LogDef *RegisterMap::log(QStringView key) const {
    for (const LogDef &l : m_logs)
        if (l.key == key)
            return &l;
    return nullptr;
}

int LogDef::rowWords() const {
    int words = 0;
    for (const FieldDef &c : columns)
        words = std::max(words, c.lastReg() + 1);
    return words;
}

QString LogDef::labelOf(int row) const {
    if (row >= 0 && row < rowLabels.size())
        return rowLabels.at(row);
    return QString(rowLabel).replace(QLatin1String("{n}"), QString::number(rowNumber(row)));
}

const FieldDef *LogDef::column(QStringView columnKey) const {
    for (const FieldDef &c : columns)
        if (c.key == columnKey)
            return &c;
    return nullptr;
}

// ---- RegisterMaps

RegisterMaps RegisterMaps::fromDirectory(const QString &directory, QStringList *errors) {
    RegisterMaps maps;
    const QDir dir(directory);
    const QStringList names = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    for (const QString &name : names) {
        if (name.endsWith(QLatin1String(".schema.json")))
            continue;
        QString error;
        auto map = RegisterMap::load(dir.filePath(name), &error);
        if (map) {
            maps.m_maps.append(std::move(*map));
        } else {
            qCWarning(lcRegisters).noquote() << error;
            if (errors)
                errors->append(error);
        }
    }
    return maps;
}

RegisterMaps RegisterMaps::builtIn() {
    return fromDirectory(QStringLiteral(":/registers"), nullptr);
}

const RegisterMap *RegisterMaps::find(Family family, QStringView variant) const {
    // Without a variant, batteries are legacy (the common BT-2 / BT-TH case, docs/protocol.md 6.3).
    const QString wanted = !variant.isEmpty()          ? variant.toString()
                           : family == Family::Battery ? QStringLiteral("legacy")
                                                       : QStringLiteral("default");
    for (const RegisterMap &m : m_maps)
        if (m.family() == family && m.variant() == wanted)
            return &m;
    if (variant.isEmpty())
        for (const RegisterMap &m : m_maps)
            if (m.family() == family)
                return &m;
    return nullptr;
}

QString alarmSeverityName(AlarmSeverity severity) {
    return severity == AlarmSeverity::Warning ? QStringLiteral("warning") : QStringLiteral("fault");
}

QStringList RegisterMaps::variants(Family family) const {
    QStringList out;
    for (const RegisterMap &m : m_maps)
        if (m.family() == family)
            out.append(m.variant());
    return out;
}

} // namespace blupow
