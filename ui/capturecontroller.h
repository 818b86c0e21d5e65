#pragma once

#include "capture/captureimporter.h"
#include "registers/registermap.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>

class QAction;
class QActionGroup;
class QWidget;

namespace blupow {

class ConnectionManager;
class ReplayTransport;
class Transport;

namespace capture {
class Recorder;
}

// File > Open capture and File > Record session: imports a btsnoop file and plays it back as the
// active connection (so every panel shows it as it would a device), and records the active
// transport to a btsnoop file. The actions only pick a path; openCapture() and startRecording()
// do the work and are what tests call.
class CaptureController : public QObject {
    Q_OBJECT

public:
    CaptureController(ConnectionManager *connections, RegisterMaps maps, QObject *parent = nullptr);
    ~CaptureController() override;

    // The window the file dialogs are centred on (it is built after this object).
    void setDialogParent(QWidget *parent) { m_dialogParent = parent; }

    [[nodiscard]] QAction *openAction() const { return m_openAction; }
    [[nodiscard]] QAction *recordAction() const { return m_recordAction; }
    // "1x", "2x", "10x", "As fast as possible": exclusive, checkable, for a Replay speed menu.
    [[nodiscard]] QList<QAction *> speedActions() const;

    [[nodiscard]] bool isRecording() const;
    [[nodiscard]] QString recordingPath() const;
    [[nodiscard]] double speed() const { return m_speed; }
    // The replay now playing; nullptr when the active connection is not a capture.
    [[nodiscard]] ReplayTransport *replay() const;
    // From openCapture() until its outcome has been signalled (on this thread).
    [[nodiscard]] bool isImporting() const { return !m_importPath.isEmpty(); }

public Q_SLOTS:
    // Imports `path` on a worker thread (a capture of hundreds of megabytes takes seconds) and
    // then makes its replay the active connection: captureOpened(), or errorOccurred() when the
    // file cannot be imported or holds no answered request. False, with errorOccurred(), while
    // another import is running.
    bool openCapture(const QString &path);
    bool startRecording(const QString &path);
    void stopRecording();
    // 1 = recorded pace, 2 = twice as fast, 0 = as fast as possible.
    void setSpeed(double speed);

Q_SIGNALS:
    // One line; the composition root shows it in a message box (tests need no dialog).
    void errorOccurred(const QString &message);
    // For the status bar: where it records, what an import skipped.
    void statusMessage(const QString &message);
    void recordingChanged(bool recording);
    // The import finished and its replay is now the active connection.
    void captureOpened(const QString &path);

private:
    void chooseAndOpen();
    void onRecordToggled(bool checked);
    void onTransportCreated(Transport *transport);
    void onImported();

    ConnectionManager *m_connections;
    RegisterMaps m_maps;
    QPointer<QWidget> m_dialogParent;
    QAction *m_openAction;
    QAction *m_recordAction;
    QActionGroup *m_speedGroup;
    std::unique_ptr<capture::Recorder> m_recorder;
    QPointer<ReplayTransport> m_replay;
    double m_speed = 1.0;
    QString m_lastDir;
    QFutureWatcher<capture::CaptureImport> m_import;
    QString m_importPath; // the import in progress; empty when none
};

} // namespace blupow
