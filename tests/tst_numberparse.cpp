#include "parse/numberparse.h"

#include <QTest>

#include <optional>

using namespace blupow;

Q_DECLARE_METATYPE(std::optional<double>)

class TestNumberParse : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void number_data();
    void number();
    void integer_data();
    void integer();
};

void TestNumberParse::number_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<std::optional<double>>("expected");
    const std::optional<double> refused;
    QTest::newRow("plain") << QStringLiteral("5") << std::optional<double>(5);
    QTest::newRow("decimal") << QStringLiteral("0.5") << std::optional<double>(0.5);
    QTest::newRow("exponent") << QStringLiteral("1e2") << std::optional<double>(100);
    QTest::newRow("lower bound") << QStringLiteral("0.1") << std::optional<double>(0.1);
    QTest::newRow("upper bound") << QStringLiteral("86400") << std::optional<double>(86400);
    // `x < lo || x > hi` is false for NaN: the reason this helper exists.
    QTest::newRow("nan") << QStringLiteral("nan") << refused;
    QTest::newRow("NaN") << QStringLiteral("NaN") << refused;
    QTest::newRow("-nan") << QStringLiteral("-nan") << refused;
    QTest::newRow("inf") << QStringLiteral("inf") << refused;
    QTest::newRow("infinity") << QStringLiteral("infinity") << refused;
    QTest::newRow("-inf") << QStringLiteral("-inf") << refused;
    QTest::newRow("overflow to inf") << QStringLiteral("1e999") << refused;
    QTest::newRow("below") << QStringLiteral("0.05") << refused;
    QTest::newRow("above") << QStringLiteral("86401") << refused;
    QTest::newRow("empty") << QString() << refused;
    QTest::newRow("spaces") << QStringLiteral(" 5") << refused;
    QTest::newRow("comma decimal") << QStringLiteral("0,5") << refused;
    QTest::newRow("words") << QStringLiteral("five") << refused;
    QTest::newRow("unit") << QStringLiteral("5s") << refused;
}

void TestNumberParse::number() {
    QFETCH(QString, text);
    QFETCH(std::optional<double>, expected);
    QCOMPARE(parseNumber(text, {0.1, 86400}), expected);
}

void TestNumberParse::integer_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("base");
    QTest::addColumn<qint64>("expected"); // -1 = refused
    QTest::newRow("decimal") << QStringLiteral("1883") << 10 << qint64(1883);
    QTest::newRow("hex with base 0") << QStringLiteral("0x30") << 0 << qint64(48);
    QTest::newRow("hex with base 10") << QStringLiteral("0x30") << 10 << qint64(-1);
    QTest::newRow("zero") << QStringLiteral("0") << 10 << qint64(-1);
    QTest::newRow("above") << QStringLiteral("65536") << 10 << qint64(-1);
    QTest::newRow("nan") << QStringLiteral("nan") << 10 << qint64(-1);
    QTest::newRow("fraction") << QStringLiteral("1.5") << 10 << qint64(-1);
    QTest::newRow("empty") << QString() << 10 << qint64(-1);
}

void TestNumberParse::integer() {
    QFETCH(QString, text);
    QFETCH(int, base);
    QFETCH(qint64, expected);
    const auto value = parseInteger(text, 1, 65535, base);
    QCOMPARE(value.value_or(-1), expected);
}

QTEST_GUILESS_MAIN(TestNumberParse)
#include "tst_numberparse.moc"
