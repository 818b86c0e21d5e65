#pragma once

#include <QMainWindow>

class QAbstractButton;
class QAction;
class QDockWidget;
class QLabel;
class QToolButton;

namespace blupow {

class ChartPanel;
class DevicesPanel;
class FramesPanel;
class LinkHealthPanel;
class LiveValuesPanel;
class RegisterConsole;
class SettingsPanel;
class SessionPublisher;

// A frame: lays out the panels as docks around the live values, builds the menus from the
// panels' own actions, and shows the link summary in the status bar. No logic lives here
// (no god MainWindow); app/gui/main.cpp wires everything.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    struct Panels {
        DevicesPanel *devices = nullptr;
        LiveValuesPanel *liveValues = nullptr;
        ChartPanel *chart = nullptr;
        FramesPanel *frames = nullptr;
        LinkHealthPanel *linkHealth = nullptr;
        RegisterConsole *registers = nullptr;
        SettingsPanel *settings = nullptr;      // Device Settings; optional
        QAction *publish = nullptr;             // "Publish to Home Assistant…"
        QAction *openCapture = nullptr;         // "Open capture…"
        QAction *record = nullptr;              // "Record session…" (checkable)
        QWidget *captureBar = nullptr;          // the open capture's time bar, over the values
        QWidget *alarms = nullptr;              // the Alarms list; optional
        QAbstractButton *alarmBanner = nullptr; // over the values; a click opens the list
        QAction *supportBundle = nullptr;       // Help > Create support bundle…; optional
        QWidget *deviceLogs = nullptr;          // the device's own logs; optional
        QWidget *system = nullptr;              // the whole installation at a glance; optional
        QAction *recordHistory = nullptr;       // File > Record history (checkable); optional
    };

    explicit MainWindow(const Panels &panels, QWidget *parent = nullptr);

    [[nodiscard]] const Panels &panels() const { return m_panels; }
    [[nodiscard]] QDockWidget *dock(const QString &objectName) const;
    [[nodiscard]] QAction *quitAction() const { return m_quitAction; }
    // Shows the window with the layout an earlier run saved (saveGeometry(), saveState()), or
    // with the default layout on a first start or when the saved state no longer fits.
    void showWithLayout(const QByteArray &geometry, const QByteArray &state);
    // The device the panels show: its name in the title; a simulated one is marked in the title,
    // by a banner over the values and in the status bar, so it never passes for real data.
    void showDevice(const QString &name, bool simulated);
    [[nodiscard]] bool isShowingSimulated() const;
    [[nodiscard]] QLabel *simulatedBanner() const { return m_banner; }
    // Background work in the status bar: publishing (connecting, publishing, the broker lost)
    // as a button that opens the publish dialog, shown from the first start until it stops.
    void setPublisher(SessionPublisher *publisher);
    // A recording in progress to `path`, shown until it stops (CaptureController::
    // recordingChanged), as a button whose menu stops it or shows the file.
    void setRecording(bool recording, const QString &path = QString());
    [[nodiscard]] QToolButton *publishingStatus() const { return m_publishingStatus; }
    [[nodiscard]] QToolButton *recordingStatus() const { return m_recordingStatus; }
    [[nodiscard]] QAction *stopRecordingAction() const { return m_stopRecording; }
    [[nodiscard]] QAction *showRecordingAction() const { return m_showRecording; }
    // "Go to" actions (Alt+1..9): show the panel, raise it above its tab siblings and focus it.
    [[nodiscard]] QAction *focusAction(const QString &dockObjectName) const;
    // Shows a dock above its tab siblings without taking the keyboard from where it is (the
    // System overview once a link has several devices).
    void bringForward(const QString &dockObjectName);

private:
    // Dock sizes for a first start; they need the shown window's size.
    void applyDefaultLayout();
    QDockWidget *addPanel(QWidget *panel, const QString &title, const QString &objectName,
                          Qt::DockWidgetArea area, int shortcutDigit);
    void buildMenus();

    Panels m_panels;
    QList<QDockWidget *> m_docks;
    QList<QAction *> m_focusActions;
    QAction *m_quitAction;
    QLabel *m_banner;
    QLabel *m_simulatedStatus;
    QToolButton *m_publishingStatus;
    QToolButton *m_recordingStatus;
    QAction *m_stopRecording;
    QAction *m_showRecording; // opens the folder of the file being recorded
    QString m_recordingPath;
};

} // namespace blupow
