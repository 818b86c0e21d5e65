// The Device Settings panel offscreen against the simulator: plain words, typed numbers kept and
// explained instead of clamped, edits that survive a cancelled preview, the set-point order
// checked against the device before anything is written, and backup and restore round trips.

#include "../simtesthelpers.h"
#include "device/connectionmanager.h"
#include "numberfield.h"
#include "settingsbackup.h"
#include "settingspanel.h"
#include "sim/simulateddevices.h"
#include "writeflow.h"

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace blupow;

namespace {

constexpr int kWaitMs = 15000;

struct Rig {
    RegisterMaps maps = RegisterMaps::builtIn();
    std::unique_ptr<ConnectionManager> connections;
    SettingsPanel settings;
    QStringList asked;   // title and text of every question, frames not included
    QStringList details; // what the question keeps behind "Show Details"
    bool answer = true;

    Rig() {
        connections = testing::fastSimulatedConnections(maps, 200);
        QObject::connect(connections.get(), &ConnectionManager::sessionChanged, &settings,
                         &SettingsPanel::setSession);
        settings.writeFlow()->setConfirm([this](const QString &title, const QString &text,
                                                const QString &more,
                                                const std::function<void(bool)> &reply) {
            asked.append(title + QLatin1Char('\n') + text);
            details.append(more);
            reply(answer);
        });
    }

    // Connected, every setting read, unlocked.
    bool connectTo(const QString &model) {
        for (const DiscoveredDevice &d : SimulatedDevices::all()) {
            if (d.address == QStringLiteral("sim:") + model)
                connections->connectTo(d);
        }
        if (!QTest::qWaitFor([this] { return settings.statusText().contains(u"read at"); },
                             kWaitMs))
            return false;
        settings.setLocked(false);
        return true;
    }

    [[nodiscard]] QWidget *editor(const QString &key) const {
        return settings.table()->cellWidget(settings.rowOf(key), SettingsPanel::NewColumn);
    }

    // Waits for the write flow's outcome and the read that follows it.
    bool waitForWriteAndRead(QSignalSpy &done) {
        return (done.size() > 0 || done.wait(kWaitMs)) &&
               QTest::qWaitFor(
                   [this] {
                       return settings.statusText().contains(u"read at") &&
                              !settings.writeFlow()->isBusy();
                   },
                   kWaitMs);
    }
};

} // namespace

class TestSettingsPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void typedNumbersKeptAndExplained_data();
    void typedNumbersKeptAndExplained();
    void cancelKeepsEditsAndPreviewIsInWords();
    void setPointOrderRefusedBeforeWriting();
    void plainWords_data();
    void plainWords();
    void backupRestoreRoundTrip();
    void restoreRefusesAnotherKindOfDevice();
    void fitsALaptopScreen_data();
    void fitsALaptopScreen();
};

void TestSettingsPanel::typedNumbersKeptAndExplained_data() {
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("problem"); // empty: accepted
    // A spin box with a maximum of 17.0 made "99" 9.0 without a word.
    QTest::newRow("99 in a volt field") << "99"
                                        << "Float voltage wants V from 7 to 17, not '99'";
    QTest::newRow("nan") << "nan"
                         << "not 'nan'";
    QTest::newRow("inf") << "inf"
                         << "not 'inf'";
    QTest::newRow("decimal comma") << "13,8"
                                   << "not '13,8'";
    QTest::newRow("off the step") << "13.85"
                                  << "Float voltage: 13.85 is not a multiple of the step";
    QTest::newRow("in range") << "13.8"
                              << "";
}

void TestSettingsPanel::typedNumbersKeptAndExplained() {
    QFETCH(QString, typed);
    QFETCH(QString, problem);
    Rig rig;
    QVERIFY(rig.connectTo(QStringLiteral("controller")));
    const QString key = QStringLiteral("float_voltage");
    rig.settings.show(); // typed into, as a person would
    QVERIFY(QTest::qWaitForWindowExposed(&rig.settings));
    auto *field = qobject_cast<NumberField *>(rig.editor(key));
    QVERIFY(field);
    QVERIFY(field->isEnabled());
    field->selectAll();
    QTest::keyClicks(field, typed);
    QCOMPARE(field->text(), typed); // what was typed, never clamped
    QCOMPARE(rig.settings.changedKeys(), QStringList{key});
    QCOMPARE(field->property("invalid").toBool(), !field->isValid()); // red only when wrong
    if (problem.isEmpty()) {
        QVERIFY2(rig.settings.problems().isEmpty(),
                 qPrintable(rig.settings.problems().join(u'\n')));
        QVERIFY(rig.settings.applyButton()->isEnabled());
        return;
    }
    QCOMPARE(rig.settings.problems().size(), 1);
    QVERIFY2(rig.settings.problems().first().contains(problem),
             qPrintable(rig.settings.problems().first()));
    QVERIFY(!rig.settings.applyButton()->isEnabled());
    rig.settings.apply(); // as a shortcut would: still nothing is asked or sent
    QVERIFY(rig.asked.isEmpty());
    QVERIFY2(rig.settings.statusText().startsWith(u"Not sent: "),
             qPrintable(rig.settings.statusText()));
    QCOMPARE(field->text(), typed);
}

void TestSettingsPanel::cancelKeepsEditsAndPreviewIsInWords() {
    Rig rig;
    rig.answer = false;
    QVERIFY(rig.connectTo(QStringLiteral("controller")));
    QVERIFY(rig.settings.setNewValue(QStringLiteral("float_voltage"), 14.1));
    QVERIFY(rig.settings.setNewValue(QStringLiteral("battery_type"), QStringLiteral("gel")));
    QSignalSpy done(rig.settings.writeFlow(), &WriteFlow::finished);
    rig.settings.apply();
    QVERIFY(rig.waitForWriteAndRead(done));
    QCOMPARE(done.first().at(0).toBool(), false);
    // In words first, by label, with units; the frames only behind the details.
    QCOMPARE(rig.asked.size(), 1);
    const QString &question = rig.asked.first();
    QVERIFY2(question.contains(u"Float voltage: 13.6 V -> 14.1 V"), qPrintable(question));
    QVERIFY2(question.contains(u"Battery type: lithium -> gel"), qPrintable(question));
    QVERIFY2(!question.contains(u"0x") && !question.contains(u"float_voltage") &&
                 !question.contains(u"frame"),
             qPrintable(question));
    QVERIFY2(rig.details.first().contains(u"frame: 01 06 e0 09 00 8d"),
             qPrintable(rig.details.first()));
    // Declined: the device was read again, and every edit is still there to apply later.
    QCOMPARE(rig.settings.currentText(QStringLiteral("float_voltage")), QStringLiteral("13.6 V"));
    QCOMPARE(rig.settings.editorText(QStringLiteral("float_voltage")), QStringLiteral("14.1"));
    QCOMPARE(rig.settings.editorText(QStringLiteral("battery_type")), QStringLiteral("Gel"));
    QCOMPARE(rig.settings.changedKeys(),
             (QStringList{QStringLiteral("battery_type"), QStringLiteral("float_voltage")}));
    QVERIFY(rig.settings.applyButton()->isEnabled());

    // Applying again, now confirmed, writes both; Revert is then a no-op.
    rig.answer = true;
    QSignalSpy again(rig.settings.writeFlow(), &WriteFlow::finished);
    rig.settings.apply();
    QVERIFY(rig.waitForWriteAndRead(again));
    QVERIFY2(again.first().at(0).toBool(), qPrintable(again.first().at(1).toString()));
    QCOMPARE(rig.settings.currentText(QStringLiteral("float_voltage")), QStringLiteral("14.1 V"));
    QVERIFY(rig.settings.changedKeys().isEmpty());
}

void TestSettingsPanel::setPointOrderRefusedBeforeWriting() {
    Rig rig;
    QVERIFY(rig.connectTo(QStringLiteral("controller")));
    // 15.5 V is inside the float voltage's own range, but above the boost voltage of 14.4 V.
    QVERIFY(rig.settings.setNewValue(QStringLiteral("float_voltage"), 15.5));
    QVERIFY(rig.settings.problems().isEmpty());
    QSignalSpy done(rig.settings.writeFlow(), &WriteFlow::finished);
    rig.settings.apply();
    QVERIFY(rig.waitForWriteAndRead(done));
    QVERIFY(rig.asked.isEmpty()); // never offered
    const QString status = rig.settings.statusText();
    QVERIFY2(status.contains(u"refused, nothing written: Float voltage 15.5 V must be at most "
                             u"Boost voltage 14.4 V (now on the device)"),
             qPrintable(status));
    QCOMPARE(rig.settings.currentText(QStringLiteral("float_voltage")), QStringLiteral("13.6 V"));
    QCOMPARE(rig.settings.editorText(QStringLiteral("float_voltage")), QStringLiteral("15.5"));
}

void TestSettingsPanel::plainWords_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("choice"); // a plain label the editor offers; empty for numbers
    QTest::addColumn<QString>("rawKey"); // its raw value, which the JSON output and MQTT use
    QTest::newRow("inverter battery type") << "inverter"
                                           << "battery_type"
                                           << "Lithium iron phosphate, 14 cells"
                                           << "lfp_14s";
    QTest::newRow("inverter charge source") << "inverter"
                                            << "charge_source_priority"
                                            << "Solar first"
                                            << "pv_first";
    QTest::newRow("inverter float voltage") << "inverter"
                                            << "float_voltage"
                                            << ""
                                            << "";
    QTest::newRow("dcc current limit") << "dcc"
                                       << "charging_current_limit"
                                       << ""
                                       << "";
}

void TestSettingsPanel::plainWords() {
    QFETCH(QString, model);
    QFETCH(QString, key);
    QFETCH(QString, choice);
    QFETCH(QString, rawKey);
    Rig rig;
    QVERIFY(rig.connectTo(model));
    const int row = rig.settings.rowOf(key);
    QVERIFY(row >= 0);
    const QTableWidget *table = rig.settings.table();
    const FieldDef *f = rig.connections->session()->map()->field(key);
    // Nothing a developer wrote for developers in the visible cells...
    for (int column = 0; column < SettingsPanel::ColumnCount; ++column) {
        const QTableWidgetItem *item = table->item(row, column);
        const QString text = item ? item->text() : QString();
        for (const char *jargon : {"protocol.md", "A.9", "D.27", "renogy-ha", "[", "0x"})
            QVERIFY2(!text.contains(QLatin1String(jargon)), qPrintable(text));
    }
    QVERIFY(!f->help.isEmpty());
    QCOMPARE(table->item(row, SettingsPanel::AboutColumn)->text(), f->help);
    // ...and all of it in the tooltip, with the key and the register.
    const QString tip = table->item(row, SettingsPanel::SettingColumn)->toolTip();
    QVERIFY2(tip.contains(key) && tip.contains(QString::number(f->reg)), qPrintable(tip));
    if (!f->note.isEmpty())
        QVERIFY2(tip.contains(f->note), qPrintable(tip));
    if (choice.isEmpty())
        return;
    auto *combo = qobject_cast<QComboBox *>(rig.editor(key));
    QVERIFY(combo);
    const int index = combo->findText(choice);
    QVERIFY2(index >= 0, qPrintable(choice));
    QCOMPARE(combo->itemData(index).toString(), rawKey); // the raw key is unchanged
    QVERIFY(table->item(row, SettingsPanel::AllowedColumn)->text().contains(choice));
}

void TestSettingsPanel::backupRestoreRoundTrip() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("rover.json"));
    Rig rig;
    QVERIFY(rig.connectTo(QStringLiteral("controller")));
    const QString key = QStringLiteral("float_voltage");

    QSignalSpy backedUp(rig.settings.backup(), &SettingsBackup::finished);
    QVERIFY(rig.settings.backUpTo(path));
    QVERIFY(backedUp.wait(kWaitMs));
    QVERIFY2(backedUp.first().at(0).toBool(), qPrintable(backedUp.first().at(1).toString()));
    QVERIFY(QFileInfo::exists(path));
    QVERIFY(rig.asked.isEmpty()); // a backup writes nothing to the device

    // A change after the backup...
    QVERIFY(rig.settings.setNewValue(key, 14.1));
    QSignalSpy written(rig.settings.writeFlow(), &WriteFlow::finished);
    rig.settings.apply();
    QVERIFY(rig.waitForWriteAndRead(written));
    QCOMPARE(rig.settings.currentText(key), QStringLiteral("14.1 V"));

    // ...is undone by the restore, previewed in words, confirmed and read back.
    QSignalSpy restored(rig.settings.writeFlow(), &WriteFlow::finished);
    QVERIFY(rig.settings.restoreFrom(path));
    QVERIFY(rig.waitForWriteAndRead(restored));
    QVERIFY2(restored.first().at(0).toBool(), qPrintable(restored.first().at(1).toString()));
    QCOMPARE(rig.asked.size(), 2);
    QVERIFY2(rig.asked.last().startsWith(u"Restore settings\nChange this setting"),
             qPrintable(rig.asked.last()));
    QVERIFY2(rig.asked.last().contains(u"Float voltage: 14.1 V -> 13.6 V"),
             qPrintable(rig.asked.last()));
    QCOMPARE(rig.settings.currentText(key), QStringLiteral("13.6 V"));
    QCOMPARE(rig.connections->session()->map()->field(key)->reg, 0xE009);

    // Restoring again finds nothing to write and asks nothing.
    QSignalSpy nothing(rig.settings.backup(), &SettingsBackup::finished);
    QVERIFY(rig.settings.restoreFrom(path));
    QVERIFY(nothing.wait(kWaitMs));
    QVERIFY2(nothing.first().at(1).toString().startsWith(u"nothing to restore"),
             qPrintable(nothing.first().at(1).toString()));
    QCOMPARE(rig.asked.size(), 2);
}

void TestSettingsPanel::restoreRefusesAnotherKindOfDevice() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("inverter.json"));
    {
        Rig inverter;
        QVERIFY(inverter.connectTo(QStringLiteral("inverter")));
        QSignalSpy backedUp(inverter.settings.backup(), &SettingsBackup::finished);
        QVERIFY(inverter.settings.backUpTo(path));
        QVERIFY(backedUp.wait(kWaitMs));
    }
    Rig rig;
    QVERIFY(rig.connectTo(QStringLiteral("controller")));
    QSignalSpy finished(rig.settings.backup(), &SettingsBackup::finished);
    QVERIFY(rig.settings.restoreFrom(path));
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(finished.first().at(0).toBool(), false);
    QVERIFY2(finished.first().at(1).toString().contains(u"does not fit this device"),
             qPrintable(finished.first().at(1).toString()));
    QVERIFY(rig.asked.isEmpty());
    // And a file that is not a backup is refused before anything is read.
    const QString junk = dir.filePath(QStringLiteral("junk.json"));
    QFile file(junk);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"format\": \"something else\"}");
    file.close();
    QVERIFY(!rig.settings.restoreFrom(junk));
    QVERIFY2(rig.settings.statusText().startsWith(u"Not restored, nothing sent: "),
             qPrintable(rig.settings.statusText()));
}

void TestSettingsPanel::fitsALaptopScreen_data() {
    QTest::addColumn<QString>("model");
    QTest::newRow("controller") << "controller";
    QTest::newRow("inverter") << "inverter"; // nine battery types, long descriptions
}

// At 1366x768 (docs/gui.md, Window sizes) every column is in view without scrolling sideways:
// long descriptions and choice lists wrap in their rows. BLUPOW_SCREENSHOT_DIR keeps a picture
// (run under Xvfb with QT_QPA_PLATFORM=xcb to look at it as a person would).
void TestSettingsPanel::fitsALaptopScreen() {
    QFETCH(QString, model);
    Rig rig;
    rig.settings.resize(1366, 768);
    rig.settings.show();
    QVERIFY(QTest::qWaitForWindowExposed(&rig.settings));
    QVERIFY(rig.connectTo(model));
    // One wrong value, so the picture shows how a problem is explained.
    const QString key = QStringLiteral("float_voltage");
    QVERIFY(!rig.settings.setNewValue(key, QStringLiteral("99")));
    QApplication::processEvents();
    const QTableWidget *table = rig.settings.table();
    int width = 0;
    for (int column = 0; column < SettingsPanel::ColumnCount; ++column)
        width += table->horizontalHeader()->sectionSize(column);
    QVERIFY2(width <= table->viewport()->width(),
             qPrintable(QStringLiteral("%1 > %2").arg(width).arg(table->viewport()->width())));
    QVERIFY(table->horizontalHeader()->sectionSize(SettingsPanel::AboutColumn) >= 200);
    // Only the wrong value is marked, not every field the device filled in.
    for (int row = 0; row < table->rowCount(); ++row) {
        const auto *field =
            qobject_cast<const NumberField *>(table->cellWidget(row, SettingsPanel::NewColumn));
        if (field)
            QVERIFY2(field->property("invalid").toBool() == (row == rig.settings.rowOf(key)),
                     qPrintable(field->accessibleName()));
    }
    if (const QString dir = qEnvironmentVariable("BLUPOW_SCREENSHOT_DIR"); !dir.isEmpty())
        QVERIFY(rig.settings.grab().save(dir + QStringLiteral("/settings-%1.png").arg(model)));
}

QTEST_MAIN(TestSettingsPanel)
#include "tst_settingspanel.moc"
