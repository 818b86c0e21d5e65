// Several devices linked at once in the GUI (docs/gui.md, "Several devices at once"), offscreen
// with real widgets over fast simulated links: the device list shows each link's state and
// reading, choosing a linked row shows that device in the per-device panels, the chart plots a
// field for every linked device, the overview sums all links, the limit is the person's choice,
// and a closed link leaves the others running.
#include "../simtesthelpers.h"
#include "chartpanel.h"
#include "devicespanel.h"
#include "linkhealthpanel.h"
#include "livevaluespanel.h"
#include "models/devicelistlinks.h"
#include "models/devicelistmodel.h"
#include "models/livevaluesmodel.h"
#include "registerconsole.h"
#include "system/systemsummary.h"
#include "systemoverviewpanel.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTest>

using namespace blupow;

namespace {

constexpr QChar kIdSeparator(0x1f); // ChartPanel's device/field id

// The composition root's wiring of links (app/gui/main.cpp), on the panels under test.
struct Rig {
    Rig() {
        connections = testing::fastSimulatedConnections(testing::builtInMaps(), 100);
        for (const DiscoveredDevice &d : SimulatedDevices::all())
            devices.addOrUpdate(d);
        showLinksInDeviceList(connections.get(), &devices);
        QObject::connect(&panel, &DevicesPanel::connectRequested, connections.get(),
                         &ConnectionManager::connectTo);
        QObject::connect(&panel, &DevicesPanel::showRequested, connections.get(),
                         &ConnectionManager::select);
        QObject::connect(&panel, &DevicesPanel::disconnectRequested, connections.get(),
                         &ConnectionManager::disconnectAddress);
        QObject::connect(connections.get(), &ConnectionManager::errorOccurred, &panel,
                         &DevicesPanel::setMessage);
        QObject::connect(connections.get(), &ConnectionManager::deviceChanged, &panel,
                         [this](const QString &, const QString &address) {
                             panel.setConnectedAddress(address);
                         });
        QObject::connect(connections.get(), &ConnectionManager::sessionChanged, &link,
                         &LinkHealthPanel::setSession);
        QObject::connect(connections.get(), &ConnectionManager::sessionChanged, &panel,
                         &DevicesPanel::setSession);
        QObject::connect(connections.get(), &ConnectionManager::sessionChanged, &live,
                         &LiveValuesPanel::setSession);
        QObject::connect(connections.get(), &ConnectionManager::sessionChanged, &console,
                         &RegisterConsole::setSession);
        QObject::connect(connections.get(), &ConnectionManager::linkOpened, &chart,
                         [this](DeviceSession *session) {
                             chart.addSession(session);
                             overview.setSessions(connections->sessions());
                         });
        QObject::connect(connections.get(), &ConnectionManager::linkClosed, &chart,
                         [this](DeviceSession *session) {
                             chart.removeSession(session);
                             overview.setSessions(connections->sessions());
                         });
        link.setMaxLinks(connections->maxLinks());
        QObject::connect(&link, &LinkHealthPanel::maxLinksChanged, connections.get(),
                         &ConnectionManager::setMaxLinks);
        chart.setChosenFields({QStringLiteral("battery_voltage")});
    }

    // As a person does it: the row chosen, then Connect.
    void connectRow(const QString &address) {
        panel.selectAddress(address);
        QVERIFY(panel.connectAction()->isEnabled());
        panel.connectAction()->trigger();
    }

    QString cell(const QString &address, int column) const {
        return devices.index(devices.rowOf(address), column).data().toString();
    }

    std::unique_ptr<ConnectionManager> connections;
    DeviceListModel devices;
    DevicesPanel panel{&devices};
    LinkHealthPanel link;
    LiveValuesModel liveModel;
    LiveValuesPanel live{&liveModel};
    RegisterConsole console;
    ChartPanel chart;
    SystemOverviewPanel overview{nullptr};
};

const QStringList kThree{QStringLiteral("sim:controller"), QStringLiteral("sim:battery"),
                         QStringLiteral("sim:inverter")};

bool allPolling(const ConnectionManager &connections) {
    const QList<DeviceSession *> sessions = connections.sessions();
    return !sessions.isEmpty() &&
           std::all_of(sessions.cbegin(), sessions.cend(), [](const DeviceSession *s) {
               return s->state() == DeviceSession::State::Polling;
           });
}

} // namespace

class TestMultiLink : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void listShowsEveryLink() {
        Rig rig;
        for (const QString &address : kThree)
            rig.connectRow(address);
        QCOMPARE(rig.connections->linkCount(), 3);
        QTRY_VERIFY_WITH_TIMEOUT(allPolling(*rig.connections), 10000);
        for (const QString &address : kThree) {
            const int row = rig.devices.rowOf(address);
            QVERIFY(rig.devices.index(row, 0).data(DeviceListModel::LinkedRole).toBool());
            QTRY_COMPARE_WITH_TIMEOUT(rig.cell(address, DeviceListModel::StatusColumn),
                                      QStringLiteral("polling"), 10000);
            // Each row its own reading, from its own link.
            QTRY_VERIFY_WITH_TIMEOUT(
                rig.cell(address, DeviceListModel::SummaryColumn).contains(QLatin1String(" V")),
                10000);
        }
        QTRY_VERIFY_WITH_TIMEOUT(
            rig.cell(QStringLiteral("sim:battery"), DeviceListModel::SummaryColumn)
                .contains(QLatin1String(" %")),
            10000);
        // The last one linked is shown, in bold; the others are linked, not shown.
        QCOMPARE(rig.devices.connectedAddress(), QStringLiteral("sim:inverter"));
        QVERIFY(!rig.devices.index(rig.devices.rowOf(QStringLiteral("sim:battery")), 0)
                     .data(DeviceListModel::ConnectedRole)
                     .toBool());
        QVERIFY(rig.devices.index(rig.devices.rowOf(QStringLiteral("sim:battery")), 0)
                    .data(DeviceListModel::LinkedRole)
                    .toBool());
        // A device not linked says nothing of a link.
        QCOMPARE(rig.cell(QStringLiteral("sim:dcc"), DeviceListModel::StatusColumn), QString());
    }

    // Choosing a linked device's row shows it in the per-device panels; Connect on it says
    // Show and opens nothing new; Disconnect closes that link only.
    void choosingARowShowsThatDevice() {
        Rig rig;
        for (const QString &address : kThree)
            rig.connectRow(address);
        QTRY_VERIFY_WITH_TIMEOUT(allPolling(*rig.connections), 10000);
        QSignalSpy shown(rig.connections.get(), &ConnectionManager::sessionChanged);
        rig.panel.selectAddress(QStringLiteral("sim:controller"));
        QCOMPARE(shown.size(), 1);
        QCOMPARE(rig.connections->device()->address, QStringLiteral("sim:controller"));
        QCOMPARE(rig.devices.connectedAddress(), QStringLiteral("sim:controller"));
        QTRY_VERIFY_WITH_TIMEOUT(rig.link.text(QStringLiteral("device"))
                                     .contains(QLatin1String("Controller"), Qt::CaseInsensitive),
                                 10000);
        QCOMPARE(rig.panel.connectAction()->text(), QStringLiteral("&Show"));
        rig.panel.connectAction()->trigger();
        QCOMPARE(rig.connections->linkCount(), 3);

        rig.panel.selectAddress(QStringLiteral("sim:battery"));
        QVERIFY(rig.panel.disconnectAction()->isEnabled());
        rig.panel.disconnectAction()->trigger();
        QCOMPARE(rig.connections->linkCount(), 2);
        QVERIFY(!rig.connections->sessionFor(QStringLiteral("sim:battery")));
        QCOMPARE(rig.cell(QStringLiteral("sim:battery"), DeviceListModel::StatusColumn), QString());
        QCOMPARE(rig.cell(QStringLiteral("sim:battery"), DeviceListModel::SummaryColumn),
                 QString());
        // The others go on.
        QVERIFY(allPolling(*rig.connections));
        QVERIFY(rig.connections->session());
        // An unlinked row chosen: Connect again, and Disconnect acts on the device shown.
        QCOMPARE(rig.panel.connectAction()->text(), QStringLiteral("&Connect"));
        QVERIFY(rig.panel.disconnectAction()->isEnabled());
    }

    // The chart plots a field for each linked device that has it (the battery voltage as the
    // controller, the battery and the inverter each read it); a closed link's device is marked.
    void chartPlotsEveryLink() {
        Rig rig;
        for (const QString &address : kThree)
            rig.connectRow(address);
        QTRY_VERIFY_WITH_TIMEOUT(allPolling(*rig.connections), 10000);
        QStringList titles;
        for (DeviceSession *session : rig.connections->sessions())
            titles.append(session->identity()->title());
        for (const QString &title : titles) {
            const QString id = title + kIdSeparator + QStringLiteral("battery_voltage");
            QTRY_VERIFY2_WITH_TIMEOUT(rig.chart.recordedSamples(id) > 0, qPrintable(title), 10000);
            rig.chart.refresh();
            QVERIFY2(rig.chart.seriesPointCount(id) > 0, qPrintable(title));
        }
        // A section per device, in the order their first values came (which link answers first
        // is the scheduler's business).
        QStringList sections = rig.chart.devices();
        sections.sort();
        QStringList expected = titles;
        expected.sort();
        QCOMPARE(sections, expected);
        rig.connections->disconnectAddress(QStringLiteral("sim:battery"));
        QVERIFY(!rig.chart.isDeviceConnected(titles.at(1)));
        QVERIFY(rig.chart.isDeviceConnected(titles.at(0)));
        QVERIFY(rig.chart.recordedSamples(titles.at(1) + kIdSeparator +
                                          QStringLiteral("battery_voltage")) > 0);
    }

    // The overview is the whole installation: a controller, a battery and an inverter on three
    // links read as one system.
    void overviewSumsEveryLink() {
        Rig rig;
        for (const QString &address : kThree)
            rig.connectRow(address);
        QTRY_VERIFY_WITH_TIMEOUT(allPolling(*rig.connections), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                rig.overview.refresh();
                const SystemSummary &s = rig.overview.summary();
                return s.controllers == 1 && s.inverters == 1 && s.batteries.size() == 1 &&
                       s.bankSoc.has_value();
            }(),
            10000);
        rig.connections->disconnectAddress(QStringLiteral("sim:inverter"));
        rig.overview.refresh();
        QCOMPARE(rig.overview.summary().inverters, 0);
        QCOMPARE(rig.overview.summary().controllers, 1);
    }

    // Several devices behind one link (the simulated system): the chooser under the list puts
    // one in focus, and the per-device panels show it; the register console reads from it.
    void chooserFocusesADeviceOfTheLink() {
        Rig rig;
        rig.panel.show();
        QVERIFY(!rig.panel.slaveChooser()->isVisible());
        rig.connectRow(QStringLiteral("sim:system"));
        DeviceSession *session = rig.connections->session();
        QTRY_COMPARE_WITH_TIMEOUT(session->state(), DeviceSession::State::Polling, 30000);
        QComboBox *chooser = rig.panel.slaveChooser();
        QVERIFY(chooser->isVisible());
        QCOMPARE(chooser->count(), session->slaves().size());
        QCOMPARE(chooser->currentData().toUInt(), 0x10u); // the first, the controller
        QTRY_VERIFY_WITH_TIMEOUT(rig.liveModel.rowCount() > 0, 10000);

        const int battery = chooser->findData(0x31);
        QVERIFY(battery >= 0);
        chooser->setCurrentIndex(battery);
        Q_EMIT chooser->activated(battery); // as a person's choice does
        QCOMPARE(session->identity()->slave, quint8(0x31));
        QCOMPARE(rig.connections->linkCount(), 1);
        // The live values are the battery's now: its cycle count, no PV.
        const auto hasKey = [&rig](const char *key) {
            return rig.liveModel.rowOfKey(QString::fromLatin1(key)) >= 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(hasKey("cycle_count"), 10000);
        QVERIFY(!hasKey("pv_power"));
        // The console reads from the battery: its start follows the battery's first block.
        QSignalSpy exchanges(session, &DeviceSession::exchangeFinished);
        const quint16 first = session->map()->readPlan(PollClass::Cycle).first().start;
        QCOMPARE(rig.console.startEdit()->text(),
                 QStringLiteral("0x%1").arg(first, 4, 16, QLatin1Char('0')));
        QSignalSpy onDemand(session, &DeviceSession::registersRead); // on-demand reads only
        rig.console.read();
        QTRY_COMPARE_WITH_TIMEOUT(onDemand.size(), 1, 20000);
        const quint64 id = onDemand.first().first().toULongLong();
        const auto read =
            std::find_if(exchanges.cbegin(), exchanges.cend(), [id](const QList<QVariant> &args) {
                return args.first().value<Exchange>().id == id;
            });
        QVERIFY(read != exchanges.cend());
        QCOMPARE(read->first().value<Exchange>().request.slave, quint8(0x31));
        QCOMPARE(read->first().value<Exchange>().request.start, first);
    }

    // "Links at once" is the person's choice; past it a new link is refused in words, in the
    // device list's message line.
    void limitFromTheLinkPanel() {
        Rig rig;
        rig.link.maxLinksBox()->setValue(2);
        QCOMPARE(rig.connections->maxLinks(), 2);
        for (const QString &address : kThree)
            rig.connectRow(address);
        QCOMPARE(rig.connections->linkCount(), 2);
        QVERIFY2(rig.panel.messageText().contains(QLatin1String("Disconnect one first")),
                 qPrintable(rig.panel.messageText()));
        QCOMPARE(rig.cell(QStringLiteral("sim:inverter"), DeviceListModel::StatusColumn),
                 QString());
        // One: the single-device inspector, a new link replaces the one open.
        rig.link.maxLinksBox()->setValue(1);
        rig.connections->disconnectAll();
        rig.connectRow(QStringLiteral("sim:controller"));
        rig.connectRow(QStringLiteral("sim:inverter"));
        QCOMPARE(rig.connections->linkCount(), 1);
        QCOMPARE(rig.connections->device()->address, QStringLiteral("sim:inverter"));
    }
};

QTEST_MAIN(TestMultiLink)
#include "tst_multilink.moc"
