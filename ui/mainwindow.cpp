#include "mainwindow.h"

#include "chartpanel.h"
#include "devicespanel.h"
#include "framespanel.h"
#include "linkhealthpanel.h"
#include "livevaluespanel.h"
#include "mqtt/sessionpublisher.h"
#include "registerconsole.h"
#include "settingspanel.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QStatusBar>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace blupow {

namespace {
// Narrower than this many average characters, the chart shares the bottom with the frames.
constexpr int kChartBesideChars = 190;
// The publishing state in the status bar, beyond which its message is elided (tooltip whole).
constexpr int kStatusChars = 60;
} // namespace

MainWindow::MainWindow(const Panels &panels, QWidget *parent)
    : QMainWindow(parent)
    , m_panels(panels)
    , m_quitAction(new QAction(QStringLiteral("&Quit"), this))
    , m_banner(new QLabel)
    , m_simulatedStatus(new QLabel)
    , m_publishingStatus(new QToolButton)
    , m_recordingStatus(new QToolButton)
    , m_stopRecording(new QAction(QStringLiteral("Stop recording"), this))
    , m_showRecording(new QAction(QStringLiteral("Show the recording's folder"), this)) {
    setWindowTitle(QStringLiteral("BluPow"));
    setObjectName(QStringLiteral("MainWindow"));
    setDockNestingEnabled(true);
    // The left column (devices, link health) runs the full height; frames sit under the values.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::TopLeftCorner, Qt::LeftDockWidgetArea);

    // The banner sits over the values it qualifies; hidden unless the device is simulated.
    auto *central = new QWidget(this);
    auto *centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(0);
    m_banner->setObjectName(QStringLiteral("simulatedBanner"));
    m_banner->setWordWrap(true);
    m_banner->setAlignment(Qt::AlignCenter);
    m_banner->setMargin(fontMetrics().height() / 3);
    m_banner->setStyleSheet(
        QStringLiteral("QLabel { background-color: #c25e00; color: white; font-weight: bold; }"));
    m_banner->hide();
    m_simulatedStatus->setText(QStringLiteral("SIMULATED"));
    m_simulatedStatus->setStyleSheet(
        QStringLiteral("QLabel { background-color: #c25e00; color: white; font-weight: bold; "
                       "padding: 0 0.5em; }"));
    m_simulatedStatus->setToolTip(QStringLiteral(
        "The values come from BluPow's built-in simulator, not from real equipment."));
    m_simulatedStatus->hide();
    if (m_panels.alarmBanner)
        centralLayout->addWidget(m_panels.alarmBanner);
    centralLayout->addWidget(m_banner);
    if (m_panels.captureBar)
        centralLayout->addWidget(m_panels.captureBar);
    centralLayout->addWidget(m_panels.liveValues, 1);
    setCentralWidget(central);
    addPanel(m_panels.devices, QStringLiteral("Devices"), QStringLiteral("devicesDock"),
             Qt::LeftDockWidgetArea, 1);
    addPanel(m_panels.linkHealth, QStringLiteral("Link Health"), QStringLiteral("linkHealthDock"),
             Qt::LeftDockWidgetArea, 2);
    addPanel(m_panels.chart, QStringLiteral("Chart"), QStringLiteral("chartDock"),
             Qt::RightDockWidgetArea, 3);
    QDockWidget *frames = addPanel(m_panels.frames, QStringLiteral("Frames"),
                                   QStringLiteral("framesDock"), Qt::BottomDockWidgetArea, 4);
    QDockWidget *registers = addPanel(m_panels.registers, QStringLiteral("Register Console"),
                                      QStringLiteral("registersDock"), Qt::BottomDockWidgetArea, 5);
    tabifyDockWidget(frames, registers);
    if (m_panels.settings) {
        QDockWidget *settings =
            addPanel(m_panels.settings, QStringLiteral("Device Settings"),
                     QStringLiteral("settingsDock"), Qt::BottomDockWidgetArea, 6);
        tabifyDockWidget(registers, settings);
    }
    if (m_panels.alarms) {
        QDockWidget *alarms = addPanel(m_panels.alarms, QStringLiteral("Alarms"),
                                       QStringLiteral("alarmsDock"), Qt::BottomDockWidgetArea, 7);
        tabifyDockWidget(frames, alarms);
        if (m_panels.alarmBanner) {
            connect(m_panels.alarmBanner, &QAbstractButton::clicked, this, [this] {
                if (QAction *go = focusAction(QStringLiteral("alarmsDock")))
                    go->trigger();
            });
        }
    }
    if (m_panels.system) {
        QDockWidget *system = addPanel(m_panels.system, QStringLiteral("System"),
                                       QStringLiteral("systemDock"), Qt::RightDockWidgetArea, 8);
        tabifyDockWidget(dock(QStringLiteral("chartDock")), system);
        dock(QStringLiteral("chartDock"))->raise(); // until a link has several devices
    }
    if (m_panels.deviceLogs) {
        QDockWidget *logs = addPanel(m_panels.deviceLogs, QStringLiteral("Device Logs"),
                                     QStringLiteral("deviceLogsDock"), Qt::BottomDockWidgetArea, 9);
        tabifyDockWidget(frames, logs);
    }
    frames->raise();

    statusBar()->addWidget(m_simulatedStatus);
    m_publishingStatus->setAutoRaise(true);
    m_publishingStatus->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_publishingStatus->hide();
    if (m_panels.publish)
        connect(m_publishingStatus, &QToolButton::clicked, m_panels.publish, &QAction::trigger);
    statusBar()->addPermanentWidget(m_publishingStatus);
    // Like the publishing state, the recording leads to what can be done about it.
    m_recordingStatus->setText(QStringLiteral("● Recording"));
    m_recordingStatus->setAutoRaise(true);
    m_recordingStatus->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_recordingStatus->setPopupMode(QToolButton::InstantPopup);
    m_recordingStatus->setStyleSheet(QStringLiteral("color: #c00000;"));
    auto *recordingMenu = new QMenu(m_recordingStatus);
    recordingMenu->addAction(m_stopRecording);
    recordingMenu->addAction(m_showRecording);
    m_recordingStatus->setMenu(recordingMenu);
    m_recordingStatus->hide();
    connect(m_stopRecording, &QAction::triggered, this, [this] {
        if (m_panels.record)
            m_panels.record->setChecked(false); // the record action's owner stops and says so
    });
    connect(m_showRecording, &QAction::triggered, this, [this] {
        if (!m_recordingPath.isEmpty())
            QDesktopServices::openUrl(
                QUrl::fromLocalFile(QFileInfo(m_recordingPath).absolutePath()));
    });
    statusBar()->addPermanentWidget(m_recordingStatus);
    statusBar()->addPermanentWidget(m_panels.linkHealth->statusSummary(), 1);
    buildMenus();

    // Default size in text units, so 200 % scaling gets the same layout, clamped to the screen.
    const QFontMetrics fm(font());
    QSize wanted(fm.averageCharWidth() * 250, fm.height() * 62);
    if (const QScreen *s = screen())
        wanted = wanted.boundedTo(s->availableSize() * 9 / 10);
    resize(wanted);
}

void MainWindow::showWithLayout(const QByteArray &geometry, const QByteArray &state) {
    restoreGeometry(geometry);
    // Qt 6 gives the docks their saved sizes only in a window that is shown: restored before
    // show(), they came back at other sizes on the next start, and that state was saved again.
    show();
    if (!restoreState(state))
        applyDefaultLayout();
}

void MainWindow::applyDefaultLayout() {
    // The values get most of the room: the side columns take a share of the window rather than
    // a width in characters, which at 1024 px left the values ~130 px. Below kChartBesideChars
    // the chart moves to the bottom, tabbed with the frames.
    const QFontMetrics fm(font());
    const int em = fm.averageCharWidth();
    QDockWidget *devices = dock(QStringLiteral("devicesDock"));
    QDockWidget *chart = dock(QStringLiteral("chartDock"));
    QDockWidget *frames = dock(QStringLiteral("framesDock"));
    const bool chartBeside = width() >= em * kChartBesideChars;
    if (chartBeside) {
        resizeDocks({devices, chart}, {width() * 22 / 100, width() * 30 / 100}, Qt::Horizontal);
        chart->raise(); // over the System overview until a link has several devices
    } else {
        addDockWidget(Qt::BottomDockWidgetArea, chart);
        tabifyDockWidget(frames, chart);
        if (QDockWidget *system = dock(QStringLiteral("systemDock"))) {
            addDockWidget(Qt::BottomDockWidgetArea, system);
            tabifyDockWidget(frames, system);
        }
        resizeDocks({devices}, {width() * 28 / 100}, Qt::Horizontal);
    }
    frames->raise();
    resizeDocks({devices, frames}, {height() * 40 / 100, height() * 40 / 100}, Qt::Vertical);
}

void MainWindow::showDevice(const QString &name, bool simulated) {
    const QString title =
        name.isEmpty() ? QStringLiteral("BluPow") : QStringLiteral("%1 — BluPow").arg(name);
    setWindowTitle(simulated ? QStringLiteral("SIMULATED — ") + title : title);
    m_banner->setText(
        QStringLiteral("SIMULATED DEVICE — %1: these values come from BluPow's built-in "
                       "simulator, not from real equipment.")
            .arg(name));
    m_banner->setVisible(simulated);
    m_simulatedStatus->setVisible(simulated);
}

void MainWindow::setPublisher(SessionPublisher *publisher) {
    const auto show = [this](SessionPublisher::State state, const QString &message) {
        // Words first; the colour only repeats them. A lost broker shows at once: the publisher
        // reports it the moment the client disconnects.
        const bool up = state == SessionPublisher::State::Publishing;
        m_publishingStatus->setVisible(state != SessionPublisher::State::Stopped);
        // What went wrong comes first: the elided end of a long line is the least needed.
        const QString text =
            up || message.isEmpty()
                ? QStringLiteral("Home Assistant: %1").arg(publisherStateName(state))
                : QStringLiteral("Home Assistant: %1 (%2)").arg(message, publisherStateName(state));
        m_publishingStatus->setText(fontMetrics().elidedText(
            text, Qt::ElideRight, fontMetrics().averageCharWidth() * kStatusChars));
        m_publishingStatus->setToolTip(text +
                                       QStringLiteral("\nClick for the publishing settings."));
        m_publishingStatus->setStyleSheet(up ? QStringLiteral("color: #1a7f37;")
                                             : QStringLiteral("color: #b35900;"));
    };
    connect(publisher, &SessionPublisher::stateChanged, this, show);
    show(publisher->state(), publisher->message());
}

void MainWindow::setRecording(bool recording, const QString &path) {
    m_recordingPath = recording ? path : QString();
    m_recordingStatus->setVisible(recording);
    m_stopRecording->setEnabled(recording && m_panels.record);
    m_showRecording->setEnabled(!m_recordingPath.isEmpty());
    const QString where = QDir::toNativeSeparators(m_recordingPath);
    m_showRecording->setToolTip(where);
    m_recordingStatus->setToolTip(
        where.isEmpty()
            ? QStringLiteral("This session's traffic is being recorded (File > Record session). "
                             "Click to stop.")
            : QStringLiteral("This session's traffic is being recorded to %1. Click to stop "
                             "or to show the file.")
                  .arg(where));
}

bool MainWindow::isShowingSimulated() const {
    return !m_banner->isHidden();
}

QAction *MainWindow::focusAction(const QString &dockObjectName) const {
    for (QAction *a : m_focusActions) {
        if (a->data().toString() == dockObjectName)
            return a;
    }
    return nullptr;
}

void MainWindow::bringForward(const QString &dockObjectName) {
    if (QDockWidget *d = dock(dockObjectName)) {
        d->show();
        d->raise();
    }
}

QDockWidget *MainWindow::addPanel(QWidget *panel, const QString &title, const QString &objectName,
                                  Qt::DockWidgetArea area, int shortcutDigit) {
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(objectName); // saveState()/restoreState() key
    dock->setWidget(panel);
    addDockWidget(area, dock);
    // Alt+digit always brings the panel forward: as the dock's toggle it hid a visible panel,
    // and a panel tabbed behind another stayed there.
    auto *focus = new QAction(QStringLiteral("Go to %1").arg(title), this);
    focus->setData(objectName);
    focus->setShortcut(QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_0 + shortcutDigit)));
    focus->setShortcutContext(Qt::WindowShortcut);
    connect(focus, &QAction::triggered, this, [dock, panel] {
        dock->show();
        dock->raise();
        QWidget *target = panel->focusWidget();
        for (QWidget *w = panel->nextInFocusChain(); !target && panel->isAncestorOf(w);
             w = w->nextInFocusChain()) {
            if (w->isVisible() && w->isEnabled() && (w->focusPolicy() & Qt::TabFocus))
                target = w;
        }
        (target ? target : panel)->setFocus(Qt::ShortcutFocusReason);
    });
    addAction(focus);
    m_focusActions.append(focus);
    m_docks.append(dock);
    return dock;
}

QDockWidget *MainWindow::dock(const QString &objectName) const {
    for (QDockWidget *d : m_docks) {
        if (d->objectName() == objectName)
            return d;
    }
    return nullptr;
}

void MainWindow::buildMenus() {
    QMenu *file = menuBar()->addMenu(QStringLiteral("&File"));
    if (m_panels.openCapture)
        file->addAction(m_panels.openCapture);
    if (m_panels.record)
        file->addAction(m_panels.record);
    if (m_panels.recordHistory)
        file->addAction(m_panels.recordHistory);
    if (m_panels.openCapture || m_panels.record || m_panels.recordHistory)
        file->addSeparator();
    if (m_panels.publish)
        file->addAction(m_panels.publish);
    file->addSeparator();
    file->addAction(m_panels.frames->exportTextAction());
    file->addAction(m_panels.frames->exportCsvAction());
    file->addSeparator();
    m_quitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);
    file->addAction(m_quitAction);

    QMenu *device = menuBar()->addMenu(QStringLiteral("&Device"));
    device->addAction(m_panels.devices->scanAction());
    device->addAction(m_panels.devices->connectAction());
    device->addAction(m_panels.devices->disconnectAction());

    QMenu *view = menuBar()->addMenu(QStringLiteral("&View"));
    view->addAction(m_panels.liveValues->findAction());
    view->addAction(m_panels.liveValues->copyAction());
    view->addAction(m_panels.frames->pauseAction());
    view->addSeparator();
    view->addActions(m_focusActions);
    QMenu *panels = view->addMenu(QStringLiteral("&Panels"));
    for (QDockWidget *d : std::as_const(m_docks))
        panels->addAction(d->toggleViewAction());

    QMenu *help = menuBar()->addMenu(QStringLiteral("&Help"));
    if (m_panels.supportBundle) {
        help->addAction(m_panels.supportBundle);
        help->addSeparator();
    }
    help->addAction(QStringLiteral("&About BluPow"), this, [this] {
        QMessageBox::about(
            this, QStringLiteral("About BluPow"),
            QStringLiteral("<b>BluPow %1</b><p>Diagnostics for Renogy solar devices over "
                           "Bluetooth LE, and a bridge to Home Assistant.</p>")
                .arg(QStringLiteral(BLUPOW_VERSION)));
    });
}

} // namespace blupow
