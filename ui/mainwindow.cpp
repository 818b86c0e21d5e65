#include "mainwindow.h"

#include "chartpanel.h"
#include "devicespanel.h"
#include "framespanel.h"
#include "linkhealthpanel.h"
#include "livevaluespanel.h"
#include "registerconsole.h"
#include "settingspanel.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QStatusBar>

namespace blupow {

MainWindow::MainWindow(const Panels &panels, QWidget *parent)
    : QMainWindow(parent)
    , m_panels(panels)
    , m_quitAction(new QAction(QStringLiteral("&Quit"), this)) {
    setWindowTitle(QStringLiteral("BluPow"));
    setObjectName(QStringLiteral("MainWindow"));
    setDockNestingEnabled(true);
    // The left column (devices, link health) runs the full height; frames sit under the values.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::TopLeftCorner, Qt::LeftDockWidgetArea);

    setCentralWidget(m_panels.liveValues);
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
    frames->raise();

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
    const QFontMetrics fm(font());
    const int em = fm.averageCharWidth();
    resizeDocks({dock(QStringLiteral("devicesDock")), dock(QStringLiteral("chartDock"))},
                {em * 64, std::max(em * 80, width() / 3)}, Qt::Horizontal);
    resizeDocks({dock(QStringLiteral("devicesDock")), dock(QStringLiteral("framesDock"))},
                {fm.height() * 14, fm.height() * 26}, Qt::Vertical);
}

QDockWidget *MainWindow::addPanel(QWidget *panel, const QString &title, const QString &objectName,
                                  Qt::DockWidgetArea area, int shortcutDigit) {
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(objectName); // saveState()/restoreState() key
    dock->setWidget(panel);
    addDockWidget(area, dock);
    QAction *toggle = dock->toggleViewAction();
    toggle->setShortcut(QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_0 + shortcutDigit)));
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
    if (!m_panels.replaySpeeds.isEmpty()) {
        QMenu *speed = file->addMenu(QStringLiteral("Replay &speed"));
        speed->addActions(m_panels.replaySpeeds);
    }
    if (m_panels.record)
        file->addAction(m_panels.record);
    if (m_panels.openCapture || m_panels.record)
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
    for (QDockWidget *d : std::as_const(m_docks))
        view->addAction(d->toggleViewAction());

    QMenu *help = menuBar()->addMenu(QStringLiteral("&Help"));
    help->addAction(QStringLiteral("&About BluPow"), this, [this] {
        QMessageBox::about(
            this, QStringLiteral("About BluPow"),
            QStringLiteral("<b>BluPow %1</b><p>Diagnostics for Renogy solar devices over "
                           "Bluetooth LE, and a bridge to Home Assistant.</p>")
                .arg(QStringLiteral(BLUPOW_VERSION)));
    });
}

} // namespace blupow
