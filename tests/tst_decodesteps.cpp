// decodeBlock follows the decode steps the loader resolved (RegisterMap::decodeSteps()); this
// proves that path gives, field by field, exactly what the reference RegisterDecoder::decodeField
// gives for the same words, over every field of every built-in Modbus map.

#include "registers/registerdecoder.h"

#include <QRandomGenerator>
#include <QTest>

#include <array>

using namespace blupow;

namespace {

const RegisterMaps &maps() {
    // Loaded once per test program; the maps are immutable values.
    static const RegisterMaps loaded = RegisterMaps::builtIn();
    return loaded;
}

// Words that hit the edges: absent-sensor sentinels, sign bits, all ones, zero, and random ones.
QList<quint16> wordsFor(int count, quint32 seed) {
    static constexpr std::array<quint16, 6> edges{0x0000, 0x8000, 0xFFFF, 0x7FFF, 0x0080, 0x00FF};
    QRandomGenerator random(seed);
    QList<quint16> words;
    words.reserve(count);
    for (int i = 0; i < count; ++i) {
        const quint32 pick = random.bounded(10u);
        words.append(pick < edges.size() ? edges.at(pick)
                                         : static_cast<quint16>(random.bounded(0x10000u)));
    }
    return words;
}

bool related(const RegisterMap &map, const FieldDef &f) {
    // Counts and scale rules change a value after decodeField on purpose (tested elsewhere).
    if (!f.countKey.isEmpty())
        return true;
    for (const ScaleRule &rule : map.scaleRules())
        if (rule.fieldIndex.contains(f.index))
            return true;
    return false;
}

} // namespace

class TestDecodeSteps : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sameAsDecodeField_data();
    void sameAsDecodeField();
    void oneWordRawIsAnOrdinaryList();
};

void TestDecodeSteps::sameAsDecodeField_data() {
    QTest::addColumn<int>("mapIndex");
    QTest::addColumn<quint32>("seed");
    for (qsizetype i = 0; i < maps().all().size(); ++i) {
        const RegisterMap &map = maps().all().at(i);
        if (!map.isModbus())
            continue;
        for (const quint32 seed : {1u, 2u, 3u, 4u, 5u}) {
            const QString name = map.fileName() + QStringLiteral(" seed ") + QString::number(seed);
            QTest::newRow(qPrintable(name)) << static_cast<int>(i) << seed;
        }
    }
}

void TestDecodeSteps::sameAsDecodeField() {
    QFETCH(int, mapIndex);
    QFETCH(quint32, seed);
    const RegisterMap &map = maps().all().at(mapIndex);
    QVERIFY(!map.decodeSteps().isEmpty());
    QCOMPARE(map.decodeSteps().size(), map.byRegister().size());

    // One block over every read register of the map, so each field is decoded from its words.
    const FieldDef &first = map.fields().at(map.byRegister().first());
    int last = first.lastReg();
    for (const int i : map.byRegister())
        last = std::max(last, map.fields().at(i).lastReg());
    const RegisterBlock block{static_cast<quint16>(first.reg), wordsFor(last - first.reg + 1, seed),
                              1234};
    const DecodedValues values = RegisterDecoder::decodeBlock(map, block);

    int compared = 0;
    for (const DecodedValue &got : values) {
        const FieldDef *f = map.field(got.key);
        QVERIFY2(f, qPrintable(got.key));
        if (f->isDerived() || related(map, *f))
            continue;
        const DecodedValue want = RegisterDecoder::decodeField(
            *f, block.words.mid(f->reg - block.start, f->words), block.timestampMs);
        const QByteArray where = got.key.toUtf8();
        QVERIFY2(got.label == want.label, where.constData());
        QVERIFY2(got.unit == want.unit, where.constData());
        QVERIFY2(got.group == want.group, where.constData());
        QVERIFY2(got.reg == want.reg, where.constData());
        QVERIFY2(got.wordCount == want.wordCount, where.constData());
        QVERIFY2(got.raw == want.raw, where.constData());
        QVERIFY2(got.value.metaType() == want.value.metaType(), where.constData());
        QVERIFY2(got.value == want.value, where.constData());
        QVERIFY2(got.decimals == want.decimals, where.constData());
        QVERIFY2(got.quality == want.quality, where.constData());
        QVERIFY2(got.timestampMs == want.timestampMs, where.constData());
        QVERIFY2(got.note == want.note, where.constData());
        ++compared;
    }
    QVERIFY(compared > 0);
}

void TestDecodeSteps::oneWordRawIsAnOrdinaryList() {
    // A one-word raw list shares constant data; changing a copy must not change anything else.
    const RegisterMap *map = maps().find(Family::Controller);
    QVERIFY(map);
    const int reg = map->fields().at(map->byRegister().first()).reg;
    const DecodedValues values =
        RegisterDecoder::decodeBlock(*map, {static_cast<quint16>(reg), {0x1234}, 1});
    QVERIFY(!values.isEmpty());
    QList<quint16> raw = values.first().raw;
    QCOMPARE(raw, QList<quint16>{0x1234});
    raw[0] = 0x4321;
    raw.append(7);
    QCOMPARE(raw, (QList<quint16>{0x4321, 7}));
    QCOMPARE(values.first().raw, QList<quint16>{0x1234});
    const DecodedValues again =
        RegisterDecoder::decodeBlock(*map, {static_cast<quint16>(reg), {0x1234}, 1});
    QCOMPARE(again.first().raw, QList<quint16>{0x1234});
}

QTEST_GUILESS_MAIN(TestDecodeSteps)
#include "tst_decodesteps.moc"
