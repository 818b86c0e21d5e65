// The alarm banner and list in the real main window, offscreen (docs/gui.md, Alarms): the banner
// appears with the newest condition's meaning, Enter or a click on it brings the list forward
// with the keyboard focus in it, and a cleared condition stays listed with its times.
#include "alarmnotifier.h"
#include "alarms/alarmtracker.h"
#include "alarmspanel.h"
#include "capturecontroller.h"
#include "chartpanel.h"
#include "device/connectionmanager.h"
#include "devicespanel.h"
#include "framespanel.h"
#include "linkhealthpanel.h"
#include "livevaluespanel.h"
#include "mainwindow.h"
#include "models/alarmlistmodel.h"
#include "models/devicelistmodel.h"
#include "models/framelogmodel.h"
#include "models/livevaluesmodel.h"
#include "registerconsole.h"
#include "registers/registerdecoder.h"
#include "settingspanel.h"
#include "supportbundleaction.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QSignalSpy>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace blupow;
using namespace Qt::StringLiterals;

namespace {

const RegisterMaps &maps() {
    static const RegisterMaps m = RegisterMaps::builtIn();
    return m;
}

struct Window {
    AlarmTracker tracker;
    AlarmListModel alarmModel{&tracker};
    DeviceListModel devices;
    LiveValuesModel live;
    FrameLogModel frames;
    ConnectionManager connections{{}, maps(), {}};
    CaptureController captures{&connections, maps()};
    AlarmsPanel *alarmsPanel = new AlarmsPanel(&alarmModel);
    AlarmBanner *banner = new AlarmBanner(&tracker);
    MainWindow window{{new DevicesPanel(&devices), new LiveValuesPanel(&live), new ChartPanel,
                       new FramesPanel(&frames), new LinkHealthPanel, new RegisterConsole,
                       new SettingsPanel, nullptr, captures.openAction(), captures.recordAction(),
                       nullptr, alarmsPanel, banner}};

    void faults(quint16 high, const QDateTime &at) {
        const RegisterMap *map = maps().find(Family::Controller);
        DecodedValue v = RegisterDecoder::decodeField(*map->field(u"faults"), {high, 0}, 1);
        tracker.update(u"AA:BB:CC:DD:EE:01"_s, u"BT-TH-66EDFC11"_s, map->fields(), {v}, at);
    }
};

} // namespace

class TestAlarmsPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void bannerAndList();
    void noTrayNoNotification();
    void supportBundleSaysWhere();
};

void TestAlarmsPanel::bannerAndList() {
    Window w;
    w.window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w.window));
    QVERIFY(!w.banner->isVisible());
    QDockWidget *dock = w.window.dock(u"alarmsDock"_s);
    QVERIFY(dock);
    QVERIFY(w.window.focusAction(u"alarmsDock"_s));

    const QDateTime t0 = QDateTime::currentDateTimeUtc();
    w.faults(0x0002, t0); // B17 battery over-voltage
    QVERIFY(w.banner->isVisible());
    QVERIFY2(w.banner->text().contains(u"BT-TH-66EDFC11"_s), qPrintable(w.banner->text()));
    QVERIFY(w.banner->text().contains(u"above the over-voltage limit"_s));
    QVERIFY(!w.banner->text().contains(u"more"_s));
    w.faults(0x0006, t0.addSecs(1)); // and B18
    QVERIFY2(w.banner->text().contains(u"(+1 more)"_s), qPrintable(w.banner->text()));
    QVERIFY(w.banner->text().contains(u"under-voltage"_s)); // the newest first

    // Keyboard: the banner takes focus and Enter opens the list, focused.
    w.banner->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY(w.banner->hasFocus());
    QTest::keyClick(w.banner, Qt::Key_Return);
    QTRY_VERIFY(!dock->visibleRegion().isEmpty());
    QTRY_VERIFY(w.alarmsPanel->view()->hasFocus());
    QCOMPARE(w.alarmsPanel->view()->model()->rowCount(), 2);

    w.faults(0x0000, t0.addSecs(2));
    QVERIFY(!w.banner->isVisible());
    const QAbstractItemModel *m = w.alarmsPanel->view()->model();
    QCOMPARE(m->rowCount(), 2);
    for (int r = 0; r < 2; ++r) {
        QVERIFY(!m->index(r, AlarmListModel::Cleared).data().toString().isEmpty());
        QVERIFY(m->index(r, AlarmListModel::Cleared).data().toString() != u"active"_s);
    }
}

void TestAlarmsPanel::noTrayNoNotification() {
    // Offscreen there is no tray: the decision (AlarmNotificationPolicy, tst_alarmtracker) says
    // nothing, and nothing is shown.
    QVERIFY(!QSystemTrayIcon::isSystemTrayAvailable());
    Window w;
    AlarmNotifier notifier(&w.tracker, QIcon());
    QSignalSpy notified(&notifier, &AlarmNotifier::notified);
    w.faults(0x0002, QDateTime::currentDateTimeUtc());
    QCOMPARE(w.tracker.active().size(), 1);
    QCOMPARE(notified.size(), 0);
}

// Help > Create support bundle: written where asked, said so, the password removed.
void TestAlarmsPanel::supportBundleSaysWhere() {
    Window w;
    w.faults(0x0002, QDateTime::currentDateTimeUtc());
    SupportBundleAction bundle(
        [&] {
            SupportBundle::Contents c;
            c.alarms = w.tracker.recent();
            c.log = {u"publishing with password pw-xyz-1 to 11:22:33:44:55:66"_s};
            c.secrets = {u"pw-xyz-1"_s};
            return c;
        },
        &w.window);
    QVERIFY(bundle.action()->text().contains(u"support bundle"_s));
    QTemporaryDir dir;
    const QString path = dir.filePath(u"b.zip"_s);
    QSignalSpy written(&bundle, &SupportBundleAction::written);
    QString message;
    QVERIFY(bundle.writeTo(path, &message));
    QVERIFY2(message.contains(QDir::toNativeSeparators(path)), qPrintable(message));
    QCOMPARE(written.size(), 1);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray zip = file.readAll();
    QVERIFY(zip.contains("battery_over_voltage"));
    QVERIFY(!zip.contains("pw-xyz-1"));
    QVERIFY(!zip.contains("11:22:33:44:55:66"));
    QVERIFY(!bundle.writeTo(dir.filePath(u"no/such/dir/b.zip"_s), &message));
    QVERIFY(message.contains(u"cannot write"_s));
}

QTEST_MAIN(TestAlarmsPanel)
#include "tst_alarmspanel.moc"
