// The register maps and simulator scenarios as loaded, and what they decode to, against a golden
// file (tests/data/maps-golden.json). It holds a refactoring of the map or scenario format (a
// shared base map, repeated fields, scenarios as data) to "the decoded output byte for byte the
// same": any change to a loaded field, a read plan, a decoded value or a simulated word shows up
// here as a named difference. A deliberate change regenerates the file with
// BLUPOW_UPDATE_GOLDEN=1 and the diff is reviewed with the commit.

#include "registers/registerdecoder.h"
#include "registers/registermap.h"
#include "sim/devicesimulator.h"
#include "sim/scenarios.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace blupow;

namespace {

const QString kGolden = QStringLiteral(BLUPOW_TEST_DATA_DIR "/maps-golden.json");

QString typeName(FieldType t) {
    static const char *const names[] = {"u16",  "s16",        "u32",        "s32",   "u8hi",
                                        "u8lo", "signmag8hi", "signmag8lo", "ascii", "enum",
                                        "bits", "s24",        "u24"};
    return QString::fromLatin1(names[static_cast<int>(t)]);
}

QJsonValue optional(const std::optional<double> &v) {
    return v ? QJsonValue(*v) : QJsonValue();
}

QJsonObject table(const QMap<int, QString> &t) {
    QJsonObject o;
    for (auto it = t.begin(); it != t.end(); ++it)
        o.insert(QString::number(it.key()), it.value());
    return o;
}

QJsonObject fieldJson(const FieldDef &f) {
    return QJsonObject{
        {QStringLiteral("key"), f.key},
        {QStringLiteral("label"), f.label},
        {QStringLiteral("reg"), f.reg},
        {QStringLiteral("words"), f.words},
        {QStringLiteral("type"), typeName(f.type)},
        {QStringLiteral("width"), typeName(f.width)},
        {QStringLiteral("scale"), f.scale},
        {QStringLiteral("unit"), f.unit},
        {QStringLiteral("decimals"), f.decimals},
        {QStringLiteral("writable"), f.writable},
        {QStringLiteral("min"), optional(f.min)},
        {QStringLiteral("max"), optional(f.max)},
        {QStringLiteral("step"), f.step},
        {QStringLiteral("enum"), table(f.enumValues)},
        {QStringLiteral("bits"), table(f.bits)},
        {QStringLiteral("group"), f.group},
        {QStringLiteral("poll"), static_cast<int>(f.poll)},
        {QStringLiteral("ha"), QJsonArray{f.haDeviceClass, f.haStateClass, f.haComponent}},
        {QStringLiteral("count"), QJsonArray{f.countKey, f.countIndex, f.countField}},
        {QStringLiteral("absent_raw"),
         f.absentRaw ? QJsonValue(static_cast<qint64>(*f.absentRaw)) : QJsonValue()},
        {QStringLiteral("source"), f.source},
        {QStringLiteral("note"), f.note},
        {QStringLiteral("format"), static_cast<int>(f.format)},
        {QStringLiteral("derived"),
         QJsonArray{static_cast<int>(f.derivedOp), QJsonArray::fromStringList(f.derivedFrom)}},
        {QStringLiteral("mask"), static_cast<qint64>(f.mask)},
        {QStringLiteral("allow_overlap"), f.allowOverlap},
        {QStringLiteral("index"), f.index},
        {QStringLiteral("plausible"),
         QJsonArray{optional(f.plausibleMin), optional(f.plausibleMax)}},
    };
}

QJsonArray planJson(const RegisterMap &map) {
    QJsonArray out;
    for (const PollClass poll : {PollClass::Cycle, PollClass::Once, PollClass::Demand})
        for (const ReadBlock &b : map.readPlan(poll))
            out.append(QJsonArray{static_cast<int>(poll), b.start, b.count});
    return out;
}

QJsonObject mapJson(const RegisterMap &map) {
    QJsonObject o;
    o.insert(QStringLiteral("family"), familyName(map.family()));
    o.insert(QStringLiteral("variant"), map.variant());
    o.insert(QStringLiteral("title"), map.title());
    o.insert(QStringLiteral("default_slave"), map.defaultSlave());
    QJsonArray probes;
    for (const quint8 s : map.probeSlaves())
        probes.append(s);
    o.insert(QStringLiteral("probe_slaves"), probes);
    o.insert(QStringLiteral("max_read_count"), map.maxReadCount());
    o.insert(QStringLiteral("max_gap"), map.maxGap());
    QJsonArray noRead;
    for (const auto &r : map.noReadRanges())
        noRead.append(QJsonArray{r.first, r.second});
    o.insert(QStringLiteral("no_read_ranges"), noRead);
    QJsonArray rules;
    for (const ScaleRule &r : map.scaleRules())
        rules.append(QJsonObject{{QStringLiteral("fields"), QJsonArray::fromStringList(r.fields)},
                                 {QStringLiteral("reference"), r.reference},
                                 {QStringLiteral("tolerance"), r.tolerance}});
    o.insert(QStringLiteral("scale_rules"), rules);
    o.insert(QStringLiteral("payload"),
             QJsonArray{QString::fromLatin1(map.payloadHeader().toHex()), map.payloadLength(),
                        QString::fromLatin1(map.payloadPrefix().toHex()),
                        map.payloadPrefixLength()});
    QJsonArray fields;
    for (const FieldDef &f : map.fields())
        fields.append(fieldJson(f));
    o.insert(QStringLiteral("fields"), fields);
    o.insert(QStringLiteral("read_plan"), planJson(map));
    QJsonArray logs;
    for (const LogDef &l : map.logs()) {
        QJsonArray columns;
        for (const FieldDef &c : l.columns)
            columns.append(fieldJson(c));
        QJsonArray plan;
        for (const ReadBlock &b : map.readPlan(l))
            plan.append(QJsonArray{b.start, b.count});
        QJsonArray labels;
        for (int r = 0; r < l.rows; ++r)
            labels.append(l.labelOf(r));
        logs.append(QJsonObject{
            {QStringLiteral("key"), l.key},
            {QStringLiteral("title"), l.title},
            {QStringLiteral("rows"),
             QJsonArray{l.rows, l.rowStart, l.rowStride, l.readPerRow, l.daysAgo, l.rowNumberFrom}},
            {QStringLiteral("labels"), labels},
            {QStringLiteral("source"), l.source},
            {QStringLiteral("note"), l.note},
            {QStringLiteral("columns"), columns},
            {QStringLiteral("read_plan"), plan},
        });
    }
    if (!logs.isEmpty())
        o.insert(QStringLiteral("logs"), logs);
    return o;
}

QJsonArray valuesJson(const DecodedValues &values) {
    QJsonArray out;
    for (const DecodedValue &v : values) {
        QJsonArray raw;
        for (const quint16 w : v.raw)
            raw.append(w);
        out.append(QJsonArray{v.key, v.reg, raw, QJsonValue::fromVariant(v.value),
                              qualityName(v.quality), v.note, v.displayText()});
    }
    return out;
}

// Words that exercise every field without being realistic: a fixed pseudo-random sequence (a
// 32-bit LCG), the same on every run and machine.
QList<RegisterBlock> syntheticBlocks(const RegisterMap &map, quint32 seed) {
    QList<RegisterBlock> blocks;
    quint32 state = seed;
    for (const PollClass poll : {PollClass::Cycle, PollClass::Once, PollClass::Demand}) {
        for (const ReadBlock &b : map.readPlan(poll)) {
            RegisterBlock block{b.start, {}, 1000};
            for (int i = 0; i < b.count; ++i) {
                state = state * 1664525u + 1013904223u;
                block.words.append(static_cast<quint16>(state >> 16));
            }
            blocks.append(block);
        }
    }
    return blocks;
}

QJsonObject decodedJson(const RegisterMap &map) {
    QJsonObject o;
    if (!map.isModbus()) {
        QByteArray payload = map.payloadHeader();
        quint32 state = 7;
        while (payload.size() < map.payloadLength()) {
            state = state * 1664525u + 1013904223u;
            payload.append(static_cast<char>(state >> 24));
        }
        o.insert(QStringLiteral("payload"),
                 valuesJson(RegisterDecoder::decodePayload(map, payload, 1000)));
        return o;
    }
    for (const quint32 seed : {1u, 2u, 3u}) {
        o.insert(QStringLiteral("seed %1").arg(seed),
                 valuesJson(RegisterDecoder::decodeCycle(map, syntheticBlocks(map, seed))));
    }
    return o;
}

// What each simulated device serves at a few moments (the start, an hour in, past midnight), as
// its register map decodes it.
QJsonObject simulatorJson(const RegisterMaps &maps) {
    QJsonObject out;
    // A system's members one by one, as "system/0x33".
    QList<QPair<QString, Scenario>> devices;
    for (const QString &name : scenarios::names()) {
        const auto found = scenarios::byName(name);
        if (!found)
            continue;
        if (!found->isSystem())
            devices.append({name, *found});
        for (const Scenario &member : found->members)
            devices.append(
                {QStringLiteral("%1/0x%2").arg(name).arg(member.slave, 2, 16, QLatin1Char('0')),
                 member});
    }
    for (const auto &[name, device] : std::as_const(devices)) {
        const Scenario *scenario = &device;
        const RegisterMap *map = maps.find(scenario->family, scenario->variant);
        if (!map)
            continue;
        const DeviceSimulator sim(*map, *scenario, 0);
        QJsonObject times;
        for (const qint64 atMs : {qint64(0), qint64(3'725'500), qint64(52'000'000)}) {
            QList<RegisterBlock> blocks;
            for (const PollClass poll : {PollClass::Cycle, PollClass::Once, PollClass::Demand}) {
                for (const ReadBlock &b : map->readPlan(poll)) {
                    const auto words = sim.registers(b.start, b.count, atMs);
                    if (words)
                        blocks.append({b.start, *words, atMs});
                }
            }
            times.insert(QString::number(atMs),
                         valuesJson(RegisterDecoder::decodeCycle(*map, blocks)));
        }
        // The device's own logs as it serves them (records and plain registers alike).
        QJsonObject logs;
        for (const LogDef &l : map->logs()) {
            QList<RegisterBlock> blocks;
            for (const ReadBlock &b : map->readPlan(l)) {
                auto words = sim.logRecord(b.start, b.count);
                if (!words)
                    words = sim.registers(b.start, b.count, 0);
                if (words)
                    blocks.append({b.start, *words, 0});
            }
            QJsonArray rows;
            for (const LogRow &row : RegisterDecoder::decodeLog(l, blocks))
                rows.append(QJsonArray{row.label, valuesJson(row.values)});
            logs.insert(l.key, rows);
        }
        QJsonObject served{{QStringLiteral("family"), familyName(scenario->family)},
                           {QStringLiteral("variant"), scenario->variant},
                           {QStringLiteral("model"), scenario->model},
                           {QStringLiteral("advertised_name"), scenario->advertisedName},
                           {QStringLiteral("slave"), scenario->slave},
                           {QStringLiteral("values"), times}};
        if (!logs.isEmpty())
            served.insert(QStringLiteral("logs"), logs);
        out.insert(name, served);
    }
    return out;
}

QJsonObject everything() {
    const RegisterMaps maps = RegisterMaps::builtIn();
    QJsonObject mapsOut;
    QJsonObject decodedOut;
    for (const RegisterMap &m : maps.all()) {
        mapsOut.insert(m.fileName(), mapJson(m));
        decodedOut.insert(m.fileName(), decodedJson(m));
    }
    return QJsonObject{
        {QStringLiteral("maps"), mapsOut},
        {QStringLiteral("decoded"), decodedOut},
        {QStringLiteral("simulator"), simulatorJson(maps)},
        {QStringLiteral("scenarios"), QJsonArray::fromStringList(scenarios::names())}};
}

// One line per value that fits on a line, so a change to the golden file reads as a diff of
// fields and values rather than of a million indented lines.
void writeLines(const QJsonValue &v, const QByteArray &indent, QByteArray *out) {
    const auto compact = [](const QJsonValue &x) {
        if (x.isObject())
            return QJsonDocument(x.toObject()).toJson(QJsonDocument::Compact);
        if (x.isArray())
            return QJsonDocument(x.toArray()).toJson(QJsonDocument::Compact);
        // A scalar: wrapped in an array to reuse the document writer, then unwrapped.
        const QByteArray a = QJsonDocument(QJsonArray{x}).toJson(QJsonDocument::Compact);
        return a.mid(1, a.size() - 2);
    };
    const QByteArray line = compact(v);
    if ((!v.isObject() && !v.isArray()) || line.size() <= 160) {
        out->append(line);
        return;
    }
    const QByteArray inner = indent + "  ";
    out->append(v.isObject() ? "{\n" : "[\n");
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            out->append(inner + compact(it.key()) + ": ");
            writeLines(it.value(), inner, out);
            out->append(std::next(it) == o.end() ? "\n" : ",\n");
        }
    } else {
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            out->append(inner);
            writeLines(a.at(i), inner, out);
            out->append(i + 1 == a.size() ? "\n" : ",\n");
        }
    }
    out->append(indent + (v.isObject() ? "}" : "]"));
}

// The first place two JSON values differ, as a path ("maps/controller.json/fields/3/scale").
QString firstDifference(const QJsonValue &a, const QJsonValue &b, const QString &path) {
    if (a.type() != b.type())
        return path;
    if (a.isObject()) {
        const QJsonObject oa = a.toObject();
        const QJsonObject ob = b.toObject();
        QStringList keys = oa.keys() + ob.keys();
        keys.removeDuplicates();
        for (const QString &k : std::as_const(keys)) {
            const QString d = firstDifference(oa.value(k), ob.value(k), path + u'/' + k);
            if (!d.isEmpty())
                return d;
        }
        return {};
    }
    if (a.isArray()) {
        const QJsonArray aa = a.toArray();
        const QJsonArray ab = b.toArray();
        for (qsizetype i = 0; i < std::max(aa.size(), ab.size()); ++i) {
            const QString d = firstDifference(aa.at(i), ab.at(i), path + u'/' + QString::number(i));
            if (!d.isEmpty())
                return d;
        }
        return {};
    }
    return a == b ? QString() : path;
}

} // namespace

class TestMapGolden : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchesGolden_data() {
        QTest::addColumn<QString>("part");
        QTest::newRow("loaded maps") << QStringLiteral("maps");
        QTest::newRow("decoded synthetic blocks") << QStringLiteral("decoded");
        QTest::newRow("simulated devices") << QStringLiteral("simulator");
        QTest::newRow("scenario list") << QStringLiteral("scenarios");
    }

    void initTestCase() {
        m_now = everything();
        if (qEnvironmentVariableIsSet("BLUPOW_UPDATE_GOLDEN")) {
            QFile out(kGolden);
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            QByteArray text;
            writeLines(m_now, {}, &text);
            out.write(text + '\n');
        }
        QFile file(kGolden);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(kGolden));
        m_golden = QJsonDocument::fromJson(file.readAll()).object();
    }

    void matchesGolden() {
        QFETCH(QString, part);
        QVERIFY(m_golden.contains(part));
        const QString difference = firstDifference(m_golden.value(part), m_now.value(part), part);
        QVERIFY2(difference.isEmpty(), qPrintable(QStringLiteral("differs at ") + difference));
    }

private:
    QJsonObject m_now;
    QJsonObject m_golden;
};

QTEST_GUILESS_MAIN(TestMapGolden)
#include "tst_mapgolden.moc"
