#include "config/settingswriter.h"
#include "config/writepolicy.h"
#include "configrig.h"
#include "modbus/modbusframe.h"

#include <QSignalSpy>
#include <QTest>

using namespace blupow;
using testing::ConfigRig;

namespace {

// prepare() and wait for the preview; false when refused.
bool preparePreview(SettingsWriter &writer, const QList<SettingTarget> &targets,
                    SettingsWriter::Options options = {}) {
    QSignalSpy preview(&writer, &SettingsWriter::previewReady);
    QString error;
    if (!writer.prepare(targets, options, &error)) {
        qWarning() << "refused:" << error;
        return false;
    }
    return preview.wait(5000) || !preview.isEmpty();
}

// confirm() and wait for the outcome.
std::pair<bool, QString> confirmAndWait(SettingsWriter &writer) {
    QSignalSpy finished(&writer, &SettingsWriter::finished);
    writer.confirm();
    if (finished.isEmpty() && !finished.wait(10000))
        return {false, QStringLiteral("no outcome")};
    return {finished.first().at(0).toBool(), finished.first().at(1).toString()};
}

SettingTarget byKey(const char *key, const QVariant &value) {
    return SettingTarget{QString::fromLatin1(key), -1, value, std::nullopt};
}

} // namespace

class TestSettingsWriter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void validWrite_data();
    void validWrite();
    void refusedBeforeSending_data();
    void refusedBeforeSending();
    void nothingWrittenWithoutConfirmation();
    void deviceException();
    void deviceIgnoresWrite();
    void failureStopsRemainingChanges();
    void loadSwitch_data();
    void loadSwitch();
    void loadSwitchOnlyOnControllers();
    void forbiddenRegisters_data();
    void forbiddenRegisters();
    void mapsNeverMarkForbiddenWritable();
};

void TestSettingsWriter::validWrite_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<int>("reg");
    QTest::addColumn<quint16>("raw");
    QTest::addColumn<QString>("frame");

    QTest::newRow("controller float voltage")
        << "controller"
        << "float_voltage" << QVariant(13.8) << 0xE009 << quint16(138) << "01 06 e0 09 00 8a";
    QTest::newRow("controller battery type by name")
        << "controller"
        << "battery_type" << QVariant(QStringLiteral("gel")) << 0xE004 << quint16(3)
        << "01 06 e0 04 00 03";
    QTest::newRow("controller boost time text number")
        << "controller"
        << "boost_time" << QVariant(QStringLiteral("150")) << 0xE012 << quint16(150)
        << "01 06 e0 12 00 96";
    QTest::newRow("dcc charging current x100") << "dcc"
                                               << "charging_current_limit" << QVariant(20.0)
                                               << 0xE001 << quint16(2000) << "06 e0 01 07 d0";
    QTest::newRow("inverter output priority sbu")
        << "inverter"
        << "output_priority" << QVariant(QStringLiteral("sbu")) << 4441 << quint16(2)
        << "20 06 11 59 00 02";
    QTest::newRow("inverter equalize interval")
        << "inverter"
        << "equalize_interval" << QVariant(45) << 4436 << quint16(45) << "20 06 11 54 00 2d";
}

void TestSettingsWriter::validWrite() {
    QFETCH(QString, model);
    QFETCH(QString, key);
    QFETCH(QVariant, value);
    QFETCH(int, reg);
    QFETCH(quint16, raw);
    QFETCH(QString, frame);
    BLUPOW_REQUIRE_RIG(rig, model);

    const QList<quint16> before = rig.words(reg);
    SettingsWriter writer(rig.session.get());
    QVERIFY(preparePreview(writer, {SettingTarget{key, -1, value, std::nullopt}}));
    QCOMPARE(writer.state(), SettingsWriter::State::AwaitingConfirmation);
    QCOMPARE(writer.changes().size(), 1);
    const SettingChange &c = writer.changes().first();
    QCOMPARE(c.oldRaw, before);
    QCOMPARE(c.newRaw, QList<quint16>{raw});
    QVERIFY2(modbus::toHex(c.frame).contains(frame), qPrintable(modbus::toHex(c.frame)));
    QVERIFY(writer.previewText().contains(modbus::toHex(c.frame)));
    QCOMPARE(rig.writeFrames, 0);

    const auto [ok, message] = confirmAndWait(writer);
    QVERIFY2(ok, qPrintable(message));
    QCOMPARE(writer.state(), SettingsWriter::State::Succeeded);
    QCOMPARE(writer.changes().first().status, SettingChange::Status::Verified);
    QCOMPARE(rig.writeFrames, 1);
    QCOMPARE(rig.words(reg), QList<quint16>{raw});
}

void TestSettingsWriter::refusedBeforeSending_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("reg");
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QString>("why");

    QTest::newRow("unknown key") << "controller"
                                 << "no_such_setting" << -1 << QVariant(1) << "unknown setting";
    QTest::newRow("unknown register") << "controller"
                                      << "" << 0x7777 << QVariant(1) << "not in the controller map";
    QTest::newRow("read-only field") << "controller"
                                     << "battery_voltage" << -1 << QVariant(12.0) << "read-only";
    QTest::newRow("read-only by register") << "controller"
                                           << "" << 0x0101 << QVariant(12.0) << "read-only";
    QTest::newRow("above maximum") << "controller"
                                   << "float_voltage" << -1 << QVariant(17.5) << "out of range";
    QTest::newRow("below minimum") << "controller"
                                   << "boost_time" << -1 << QVariant(5) << "out of range";
    QTest::newRow("off the step") << "controller"
                                  << "float_voltage" << -1 << QVariant(13.85) << "step";
    QTest::newRow("not a number") << "controller"
                                  << "float_voltage" << -1 << QVariant(QStringLiteral("high"))
                                  << "not a number";
    QTest::newRow("not an enum choice")
        << "controller"
        << "battery_type" << -1 << QVariant(QStringLiteral("plutonium")) << "not one of";
    QTest::newRow("enum number outside choices")
        << "inverter"
        << "output_priority" << -1 << QVariant(7) << "not one of";
    QTest::newRow("inverter factory reset register")
        << "inverter"
        << "" << 4418 << QVariant(0xAA) << "never written";
    QTest::newRow("inverter clear history register")
        << "inverter"
        << "" << 4420 << QVariant(0xAA) << "never written";
    QTest::newRow("battery address") << "battery"
                                     << "device_address" << -1 << QVariant(2) << "never written";
    QTest::newRow("battery shutdown register") << "battery"
                                               << "" << 5222 << QVariant(1) << "never written";
}

void TestSettingsWriter::refusedBeforeSending() {
    QFETCH(QString, model);
    QFETCH(QString, key);
    QFETCH(int, reg);
    QFETCH(QVariant, value);
    QFETCH(QString, why);
    BLUPOW_REQUIRE_RIG(rig, model);

    SettingsWriter writer(rig.session.get());
    QSignalSpy preview(&writer, &SettingsWriter::previewReady);
    QString error;
    QVERIFY(!writer.prepare({SettingTarget{key, reg, value, std::nullopt}}, {}, &error));
    QVERIFY2(error.contains(why), qPrintable(error));
    QCOMPARE(writer.state(), SettingsWriter::State::Idle);
    writer.confirm(); // ignored: nothing was prepared
    // A few poll cycles later still no write frame has gone out.
    QSignalSpy cycles(rig.session.get(), &DeviceSession::valuesUpdated);
    QVERIFY(cycles.wait(3000));
    QVERIFY(cycles.wait(3000));
    QCOMPARE(rig.writeFrames, 0);
    QCOMPARE(rig.sim().writesAccepted(), quint64(0));
    QVERIFY(preview.isEmpty());
}

void TestSettingsWriter::nothingWrittenWithoutConfirmation() {
    BLUPOW_REQUIRE_RIG(rig, "controller");
    const QList<quint16> before = rig.words(0xE009);
    SettingsWriter writer(rig.session.get());
    QSignalSpy finished(&writer, &SettingsWriter::finished);
    QVERIFY(preparePreview(writer, {byKey("float_voltage", 14.0)}));
    QSignalSpy cycles(rig.session.get(), &DeviceSession::valuesUpdated);
    QVERIFY(cycles.wait(3000));
    QCOMPARE(rig.writeFrames, 0);
    writer.cancel();
    QCOMPARE(writer.state(), SettingsWriter::State::Cancelled);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(0).toBool(), false);
    writer.confirm(); // too late: ignored
    QVERIFY(cycles.wait(3000));
    QCOMPARE(rig.writeFrames, 0);
    QCOMPARE(rig.words(0xE009), before);
}

void TestSettingsWriter::deviceException() {
    BLUPOW_REQUIRE_RIG(rig, "controller");
    rig.sim().setRejectWrites(0x04);
    const QList<quint16> before = rig.words(0xE009);
    SettingsWriter writer(rig.session.get());
    QVERIFY(preparePreview(writer, {byKey("float_voltage", 14.0)}));
    const auto [ok, message] = confirmAndWait(writer);
    QVERIFY(!ok);
    QVERIFY2(message.contains(QLatin1String("exception 0x04")), qPrintable(message));
    QVERIFY2(message.contains(modbus::exceptionMeaning(0x04)), qPrintable(message));
    QCOMPARE(writer.state(), SettingsWriter::State::Failed);
    QCOMPARE(writer.changes().first().status, SettingChange::Status::Failed);
    QCOMPARE(rig.writeFrames, 1);
    QCOMPARE(rig.words(0xE009), before);
}

void TestSettingsWriter::deviceIgnoresWrite() {
    BLUPOW_REQUIRE_RIG(rig, "inverter");
    rig.sim().setIgnoreWrites(true);
    SettingsWriter writer(rig.session.get());
    QVERIFY(preparePreview(writer, {byKey("boost_time", 200)}));
    const auto [ok, message] = confirmAndWait(writer);
    QVERIFY(!ok);
    QVERIFY2(message.contains(QLatin1String("not applied")), qPrintable(message));
    QVERIFY2(writer.changes().first().result.contains(QLatin1String("read back")),
             qPrintable(writer.changes().first().result));
    QCOMPARE(rig.sim().writesAccepted(), quint64(1)); // echoed, but the value stayed
}

void TestSettingsWriter::failureStopsRemainingChanges() {
    BLUPOW_REQUIRE_RIG(rig, "controller");
    rig.sim().setIgnoreWrites(true);
    SettingsWriter writer(rig.session.get());
    QVERIFY(preparePreview(writer, {byKey("float_voltage", 14.0), byKey("boost_time", 150),
                                    byKey("battery_type", QStringLiteral("gel"))}));
    const auto [ok, message] = confirmAndWait(writer);
    QVERIFY(!ok);
    QCOMPARE(rig.writeFrames, 1);
    QCOMPARE(writer.changes().at(0).status, SettingChange::Status::Failed);
    QCOMPARE(writer.changes().at(1).status, SettingChange::Status::NotAttempted);
    QCOMPARE(writer.changes().at(2).status, SettingChange::Status::NotAttempted);
}

void TestSettingsWriter::loadSwitch_data() {
    QTest::addColumn<bool>("on");
    QTest::newRow("off") << false;
    QTest::newRow("on") << true;
}

void TestSettingsWriter::loadSwitch() {
    QFETCH(bool, on);
    BLUPOW_REQUIRE_RIG(rig, "controller");
    SettingsWriter writer(rig.session.get());
    // Start from the opposite state so the write is a real change.
    {
        QSignalSpy preview(&writer, &SettingsWriter::previewReady);
        QString error;
        QVERIFY2(writer.prepareLoadSwitch(!on, &error), qPrintable(error));
        QVERIFY(preview.wait(5000));
        QVERIFY(confirmAndWait(writer).first);
    }
    QSignalSpy preview(&writer, &SettingsWriter::previewReady);
    QString error;
    QVERIFY2(writer.prepareLoadSwitch(on, &error), qPrintable(error));
    QVERIFY(preview.wait(5000));
    const SettingChange &c = writer.changes().first();
    QCOMPARE(c.request.start, WritePolicy::kControllerLoadCommand);
    QCOMPARE(c.request.function, modbus::FunctionCode::WriteSingleRegister);
    QCOMPARE(c.oldText, on ? QStringLiteral("off") : QStringLiteral("on"));
    const auto [ok, message] = confirmAndWait(writer);
    QVERIFY2(ok, qPrintable(message));
    QCOMPARE(bool(rig.words(WritePolicy::kControllerLoadState).value(0) & 0x8000), on);
    QCOMPARE(rig.writeFrames, 2);
}

void TestSettingsWriter::loadSwitchOnlyOnControllers() {
    BLUPOW_REQUIRE_RIG(rig, "inverter");
    SettingsWriter writer(rig.session.get());
    QString error;
    QVERIFY(!writer.prepareLoadSwitch(true, &error));
    QVERIFY2(error.contains(QLatin1String("controllers only")), qPrintable(error));
    QCOMPARE(rig.writeFrames, 0);
}

void TestSettingsWriter::forbiddenRegisters_data() {
    QTest::addColumn<QString>("family");
    QTest::addColumn<int>("reg");
    QTest::addColumn<bool>("forbidden");
    QTest::newRow("inverter 4417 reset") << "inverter" << 4417 << true;
    QTest::newRow("inverter 4418 factory") << "inverter" << 4418 << true;
    QTest::newRow("inverter 4420 clear history") << "inverter" << 4420 << true;
    QTest::newRow("inverter 4425 equalize voltage") << "inverter" << 4425 << false;
    QTest::newRow("battery 5222 shutdown") << "battery" << 5222 << true;
    QTest::newRow("battery 5223 address") << "battery" << 5223 << true;
    QTest::newRow("battery 5224 lock") << "battery" << 5224 << true;
    QTest::newRow("controller 4418 is not special") << "controller" << 4418 << false;
}

void TestSettingsWriter::forbiddenRegisters() {
    QFETCH(QString, family);
    QFETCH(int, reg);
    QFETCH(bool, forbidden);
    QCOMPARE(WritePolicy::forbiddenReason(*familyFromName(family), reg).has_value(), forbidden);
}

void TestSettingsWriter::mapsNeverMarkForbiddenWritable() {
    for (const RegisterMap &map : testing::builtInMaps().all()) {
        for (const FieldDef &f : map.fields()) {
            for (int reg = f.reg; reg <= f.lastReg() && f.writable; ++reg)
                QVERIFY2(!WritePolicy::forbiddenReason(map.family(), reg),
                         qPrintable(QStringLiteral("%1: %2").arg(map.fileName(), f.key)));
        }
    }
}

QTEST_GUILESS_MAIN(TestSettingsWriter)
#include "tst_settingswriter.moc"
