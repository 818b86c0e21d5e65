// The set-point ordering rules (docs/protocol.md 8.4), one row per family and rule, on the
// built-in maps: a set-point that crosses its neighbour is refused, one that touches it is
// refused or allowed as the rule says, and the write order keeps every step in order.

#include "config/settingrules.h"

#include <QTest>

using namespace blupow;

namespace {

const RegisterMap &mapOf(Family family) {
    static const RegisterMaps maps = RegisterMaps::builtIn();
    return *maps.find(family);
}

// Values in order for each family: the documents' defaults (the controller's as the simulator
// holds them, the inverter's from its document's 12 V table).
SettingRules::Values defaults(Family family) {
    if (family == Family::Inverter)
        return {{QStringLiteral("equalize_voltage"), 14.4},
                {QStringLiteral("boost_voltage"), 14.4},
                {QStringLiteral("float_voltage"), 14.0},
                {QStringLiteral("boost_return_voltage"), 13.2},
                {QStringLiteral("over_discharge_return_voltage"), 12.6},
                {QStringLiteral("under_voltage_warning_voltage"), 11.0},
                {QStringLiteral("over_discharge_voltage"), 12.2},
                {QStringLiteral("discharge_limit_voltage"), 11.2}};
    return {{QStringLiteral("over_voltage_threshold"), 15.0},
            {QStringLiteral("charging_limit_voltage"), 14.4},
            {QStringLiteral("equalizing_voltage"), 14.4},
            {QStringLiteral("boost_voltage"), 14.4},
            {QStringLiteral("float_voltage"), 13.6},
            {QStringLiteral("boost_recovery_voltage"), 13.2},
            {QStringLiteral("over_discharge_recovery_voltage"), 12.6},
            {QStringLiteral("under_voltage_warning_voltage"), 12.0},
            {QStringLiteral("over_discharge_voltage"), 11.1},
            {QStringLiteral("discharge_limit_voltage"), 10.6}};
}

} // namespace

class TestSettingRules : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void defaultsAreInOrder_data();
    void defaultsAreInOrder();
    void eachRule_data();
    void eachRule();
    void onlyChangedRulesChecked();
    void writeOrderKeepsEveryStepInOrder_data();
    void writeOrderKeepsEveryStepInOrder();
    void rulesNameMapFields_data();
    void rulesNameMapFields();
};

// The families with writable set-points.
static void addFamilyRows() {
    QTest::addColumn<Family>("family");
    QTest::newRow("controller") << Family::Controller;
    QTest::newRow("dcc") << Family::DcDcCharger;
    QTest::newRow("inverter") << Family::Inverter;
}

void TestSettingRules::defaultsAreInOrder_data() {
    addFamilyRows();
}

void TestSettingRules::defaultsAreInOrder() {
    QFETCH(Family, family);
    const SettingRules::Values values = defaults(family);
    const QStringList keys = values.keys();
    const QSet<QString> all(keys.cbegin(), keys.cend());
    const QStringList broken = SettingRules::violations(mapOf(family), values, all);
    QVERIFY2(broken.isEmpty(), qPrintable(broken.join(u'\n')));
}

// Each row moves `key` to `value` with the family's defaults around it.
void TestSettingRules::eachRule_data() {
    QTest::addColumn<Family>("family");
    QTest::addColumn<QString>("key");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("refusal"); // empty: allowed

    const auto row = [](const QByteArray &name, Family family, const char *key, double value,
                        const char *refusal) {
        QTest::newRow(name.constData())
            << family << QString::fromLatin1(key) << value << QString::fromUtf8(refusal);
    };
    for (const auto &[prefix, family] :
         {std::pair{"controller", Family::Controller}, std::pair{"dcc", Family::DcDcCharger}}) {
        const auto name = [prefix](const char *rule) -> QByteArray {
            return QByteArray(prefix) + ' ' + rule;
        };
        row(name("float 15.5 V above boost 14.4 V"), family, "float_voltage", 15.5,
            "must be at most");
        row(name("float equal to boost"), family, "float_voltage", 14.4, "");
        row(name("boost above equalize"), family, "boost_voltage", 14.6, "must be at most");
        row(name("equalize above charge limit"), family, "equalizing_voltage", 14.6,
            "must be at most");
        row(name("charge limit equal to over-voltage"), family, "charging_limit_voltage", 15.0,
            "must be below");
        row(name("over-voltage below charge limit"), family, "over_voltage_threshold", 14.0,
            "must be below");
        row(name("boost return equal to float"), family, "boost_recovery_voltage", 13.6,
            "must be below");
        row(name("over-discharge return above boost return"), family,
            "over_discharge_recovery_voltage", 13.3, "must be below");
        row(name("warning equal to over-discharge return"), family, "under_voltage_warning_voltage",
            12.6, "must be below");
        row(name("over-discharge above warning"), family, "over_discharge_voltage", 12.1,
            "must be below");
        row(name("discharge limit equal to over-discharge"), family, "discharge_limit_voltage",
            11.1, "must be below");
        row(name("float lowered within order"), family, "float_voltage", 13.4, "");
    }
    row("inverter float above boost", Family::Inverter, "float_voltage", 14.5, "must be at most");
    row("inverter boost above equalize", Family::Inverter, "boost_voltage", 14.5,
        "must be at most");
    row("inverter boost return equal to float", Family::Inverter, "boost_return_voltage", 14.0,
        "must be below");
    row("inverter over-discharge return above boost return", Family::Inverter,
        "over_discharge_return_voltage", 13.4, "must be below");
    row("inverter over-discharge equal to its return", Family::Inverter, "over_discharge_voltage",
        12.6, "must be below");
    row("inverter warning equal to over-discharge return", Family::Inverter,
        "under_voltage_warning_voltage", 12.6, "must be below");
    row("inverter discharge limit above over-discharge", Family::Inverter,
        "discharge_limit_voltage", 12.3, "must be below");
    // The document's own defaults put the warning below the over-discharge voltage.
    row("inverter warning below over-discharge allowed", Family::Inverter,
        "under_voltage_warning_voltage", 10.5, "");
}

void TestSettingRules::eachRule() {
    QFETCH(Family, family);
    QFETCH(QString, key);
    QFETCH(double, value);
    QFETCH(QString, refusal);
    SettingRules::Values values = defaults(family);
    values.insert(key, value);
    const QStringList broken = SettingRules::violations(mapOf(family), values, {key});
    if (refusal.isEmpty()) {
        QVERIFY2(broken.isEmpty(), qPrintable(broken.join(u'\n')));
        return;
    }
    QCOMPARE(broken.size(), 1);
    QVERIFY2(broken.first().contains(refusal), qPrintable(broken.first()));
    // In plain words: the field's label and the value with its unit, and which value is the
    // device's.
    const FieldDef *f = mapOf(family).field(key);
    QVERIFY2(broken.first().contains(f->label), qPrintable(broken.first()));
    QVERIFY2(broken.first().contains(QString::number(value, 'f', 1) + QStringLiteral(" V")),
             qPrintable(broken.first()));
    QVERIFY2(broken.first().contains(QLatin1String("(now on the device)")),
             qPrintable(broken.first()));
}

void TestSettingRules::onlyChangedRulesChecked() {
    // The device already holds float above boost; a change elsewhere is not blocked by it...
    SettingRules::Values values = defaults(Family::Controller);
    values.insert(QStringLiteral("float_voltage"), 14.8);
    const RegisterMap &map = mapOf(Family::Controller);
    QVERIFY(SettingRules::violations(map, values, {QStringLiteral("discharge_limit_voltage")})
                .isEmpty());
    // ...but a change to either of the two is.
    QCOMPARE(SettingRules::violations(map, values, {QStringLiteral("boost_voltage")}).size(), 1);
}

void TestSettingRules::writeOrderKeepsEveryStepInOrder_data() {
    QTest::addColumn<QStringList>("keys");
    QTest::addColumn<QList<double>>("targets");
    QTest::addColumn<QStringList>("order");
    // Raising float above the old boost needs boost first; lowering boost below the old float
    // needs float first.
    QTest::newRow("raise both") << QStringList{QStringLiteral("float_voltage"),
                                               QStringLiteral("boost_voltage")}
                                << QList<double>{14.6, 14.8}
                                << QStringList{QStringLiteral("boost_voltage"),
                                               QStringLiteral("float_voltage")};
    QTest::newRow("lower both") << QStringList{QStringLiteral("boost_voltage"),
                                               QStringLiteral("float_voltage")}
                                << QList<double>{13.4, 13.3}
                                << QStringList{QStringLiteral("float_voltage"),
                                               QStringLiteral("boost_voltage")};
    QTest::newRow("already in order")
        << QStringList{QStringLiteral("float_voltage"), QStringLiteral("boost_time")}
        << QList<double>{13.5, 150}
        << QStringList{QStringLiteral("float_voltage"), QStringLiteral("boost_time")};
}

void TestSettingRules::writeOrderKeepsEveryStepInOrder() {
    QFETCH(QStringList, keys);
    QFETCH(QList<double>, targets);
    QFETCH(QStringList, order);
    const RegisterMap &map = mapOf(Family::Controller);
    const SettingRules::Values current = defaults(Family::Controller);
    SettingRules::Values target = current;
    for (qsizetype i = 0; i < keys.size(); ++i) {
        if (SettingRules::isRuled(Family::Controller, keys.at(i)))
            target.insert(keys.at(i), targets.at(i));
    }
    // A charge limit and equalize high enough for the raised boost.
    target.insert(QStringLiteral("charging_limit_voltage"), 14.8);
    target.insert(QStringLiteral("equalizing_voltage"), 14.8);
    SettingRules::Values start = current;
    start.insert(QStringLiteral("charging_limit_voltage"), 14.8);
    start.insert(QStringLiteral("equalizing_voltage"), 14.8);
    QCOMPARE(SettingRules::writeOrder(map, start, target, keys), order);
}

void TestSettingRules::rulesNameMapFields_data() {
    addFamilyRows();
}

// A renamed key would silently switch its rules off.
void TestSettingRules::rulesNameMapFields() {
    QFETCH(Family, family);
    const RegisterMap &map = mapOf(family);
    for (const SettingRules::Rule &r : SettingRules::rulesFor(family)) {
        for (const QString &key : {r.upper, r.lower}) {
            const FieldDef *f = map.field(key);
            QVERIFY2(f && f->writable && f->unit == QLatin1String("V"), qPrintable(key));
        }
    }
    // Contiguous, so the writer reads them in one request.
    const QList<const FieldDef *> fields = SettingRules::ruleFields(map);
    QCOMPARE(fields.last()->lastReg() - fields.first()->reg + 1, fields.size());
}

QTEST_GUILESS_MAIN(TestSettingRules)
#include "tst_settingrules.moc"
