// File > Record history (docs/history.md): the recording follows the saved choice at start, the
// action switches it while the program runs and saves it, switching off keeps the file, and a
// file that cannot be opened is said in words.
#include "history/historyrecorder.h"
#include "historycontrol.h"
#include "preferences/appsettings.h"

#include <QAction>
#include <QApplication>
#include <QFileInfo>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace blupow;

class TestHistoryControl : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void followsTheSavedChoice_data() {
        QTest::addColumn<bool>("saved");
        QTest::newRow("on (the default)") << true;
        QTest::newRow("off") << false;
    }
    void followsTheSavedChoice() {
        QFETCH(bool, saved);
        QTemporaryDir dir;
        QSettings qs(dir.filePath(QStringLiteral("blupow.ini")), QSettings::IniFormat);
        AppSettings settings(qs);
        if (!saved)
            settings.setHistoryEnabled(false);
        HistoryRecorder recorder;
        HistoryControl control(&recorder, settings, dir.filePath(QStringLiteral("h.sqlite")));
        QCOMPARE(control.isRecording(), saved);
        QCOMPARE(recorder.isRunning(), saved);
        QCOMPARE(control.action()->isChecked(), saved);
        QVERIFY(control.action()->isCheckable());
        QVERIFY(control.action()->toolTip().contains(QLatin1String("h.sqlite")));
    }

    void switchedWhileRunning() {
        QTemporaryDir dir;
        const QString ini = dir.filePath(QStringLiteral("blupow.ini"));
        const QString file = dir.filePath(QStringLiteral("h.sqlite"));
        QSettings qs(ini, QSettings::IniFormat);
        AppSettings settings(qs);
        settings.setHistoryEnabled(false);
        HistoryRecorder recorder;
        HistoryControl control(&recorder, settings, file);
        QSignalSpy messages(&control, &HistoryControl::statusMessage);
        QSignalSpy written(&recorder, &HistoryRecorder::written);

        control.action()->trigger(); // on
        QVERIFY(recorder.isRunning());
        QVERIFY(settings.historyEnabled());
        QTRY_VERIFY(std::any_of(messages.cbegin(), messages.cend(), [](const QList<QVariant> &m) {
            return m.first().toString().startsWith(QLatin1String("Recording history to"));
        }));
        DecodedValue v;
        v.key = QStringLiteral("battery_voltage");
        v.value = 13.2;
        v.quality = Quality::Good;
        recorder.record(QStringLiteral("dev"), QStringLiteral("Dev"), {v});

        control.action()->trigger(); // off: the last batch is committed, the file stays
        QVERIFY(!recorder.isRunning());
        QVERIFY(!settings.historyEnabled());
        QVERIFY(!control.action()->isChecked());
        QTRY_COMPARE(written.size(), 1);
        QCOMPARE(written.first().first().toLongLong(), 1);
        QVERIFY(QFileInfo(file).size() > 0);
        QVERIFY(messages.last().first().toString().contains(QLatin1String("stays")));
        QSettings reread(ini, QSettings::IniFormat);
        QCOMPARE(reread.value(QStringLiteral("history/enabled")).toBool(), false);
    }

    void unwritableFileIsSaid() {
        QTemporaryDir dir;
        QSettings qs(dir.filePath(QStringLiteral("blupow.ini")), QSettings::IniFormat);
        AppSettings settings(qs);
        settings.setHistoryEnabled(false);
        HistoryRecorder recorder;
        // A directory where the file should be: SQLite cannot open it.
        HistoryControl control(&recorder, settings, dir.path());
        QSignalSpy messages(&control, &HistoryControl::statusMessage);
        control.setRecording(true);
        QTRY_VERIFY(!messages.isEmpty());
        QVERIFY2(
            messages.first().first().toString().startsWith(QLatin1String("History not recorded")),
            qPrintable(messages.first().first().toString()));
    }
};

QTEST_MAIN(TestHistoryControl)
#include "tst_historycontrol.moc"
