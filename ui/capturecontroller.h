#pragma once

#include "capture/captureimporter.h"
#include "capture/capturetimeline.h"
#include "registers/registermap.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>

class QAction;
class QWidget;

namespace blupow {

class ConnectionManager;
class Transport;

namespace capture {
class Recorder;
}

// File > Open capture and File > Record session: imports a btsnoop file off the GUI thread and
// hands what it holds to the capture viewer (captureOpened), and records the active transport to
// a btsnoop file. The actions only pick a path; openCapture() and startRecording() do the work and
// are what tests call.
class CaptureController : public QObject {
    Q_OBJECT

public:
    CaptureController(ConnectionManager *connections, RegisterMaps maps, QObject *parent = nullptr);
    ~CaptureController() override;

    // The window the file dialogs are centred on (it is built after this object).
    void setDialogParent(QWidget *parent) { m_dialogParent = parent; }

    [[nodiscard]] QAction *openAction() const { return m_openAction; }
    [[nodiscard]] QAction *recordAction() const { return m_recordAction; }

    [[nodiscard]] bool isRecording() const;
    [[nodiscard]] QString recordingPath() const;
    // From openCapture() until its outcome has been signalled (on this thread).
    [[nodiscard]] bool isImporting() const { return !m_importPath.isEmpty(); }

public Q_SLOTS:
    // Imports `path` on a worker thread (a capture of hundreds of megabytes takes seconds):
    // captureOpened(), or errorOccurred() when the file cannot be imported or holds no Modbus
    // request. False, with errorOccurred(), while another import is running.
    bool openCapture(const QString &path);
    bool startRecording(const QString &path);
    void stopRecording();

Q_SIGNALS:
    // One line; the composition root shows it in a message box (tests need no dialog).
    void errorOccurred(const QString &message);
    // For the status bar: where it records, what an import skipped.
    void statusMessage(const QString &message);
    void recordingChanged(bool recording);
    // The import finished: what the capture holds, for CaptureViewer::open(). `source` is the
    // recorded link's advertised name, empty when the capture does not say.
    void captureOpened(const QString &path,
                       std::shared_ptr<const blupow::capture::CaptureTimeline> timeline,
                       const QString &source);

private:
    void chooseAndOpen();
    void onRecordToggled(bool checked);
    void onTransportCreated(Transport *transport);
    void onImported();

    // The import's outcome; the timeline is built on the worker thread too.
    struct Imported {
        capture::CaptureImport import;
        std::shared_ptr<const capture::CaptureTimeline> timeline;
    };

    ConnectionManager *m_connections;
    RegisterMaps m_maps;
    QPointer<QWidget> m_dialogParent;
    QAction *m_openAction;
    QAction *m_recordAction;
    std::unique_ptr<capture::Recorder> m_recorder;
    QString m_lastDir;
    QFutureWatcher<Imported> m_import;
    QString m_importPath; // the import in progress; empty when none
};

} // namespace blupow
