#include "capturecontroller.h"

#include "capture/captureimporter.h"
#include "capture/recorder.h"
#include "device/connectionmanager.h"
#include "transport/transport.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <utility>

namespace blupow {

namespace {

constexpr auto kCaptureFilter = "Bluetooth captures (*.btsnoop *.log *.cfa);;All files (*)";

} // namespace

CaptureController::CaptureController(ConnectionManager *connections, RegisterMaps maps,
                                     QObject *parent)
    : QObject(parent)
    , m_connections(connections)
    , m_maps(std::move(maps))
    , m_openAction(new QAction(QStringLiteral("&Open capture…"), this))
    , m_recordAction(new QAction(QStringLiteral("&Record session…"), this)) {
    m_openAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_O));
    m_openAction->setToolTip(QStringLiteral(
        "Show what a btsnoop capture holds: its devices, their values over time, its frames"));
    m_recordAction->setCheckable(true);
    m_recordAction->setToolTip(
        QStringLiteral("Write what the active connection sends and receives to a btsnoop file"));
    connect(m_openAction, &QAction::triggered, this, &CaptureController::chooseAndOpen);
    connect(m_recordAction, &QAction::toggled, this, &CaptureController::onRecordToggled);

    connect(m_connections, &ConnectionManager::transportCreated, this,
            &CaptureController::onTransportCreated);
    connect(&m_import, &QFutureWatcher<Imported>::finished, this, &CaptureController::onImported);
}

// A running import needs nothing of this object (it holds copies), so it is left to finish on
// its own; its watcher goes with this object and the result with it.
CaptureController::~CaptureController() = default;

bool CaptureController::isRecording() const {
    return m_recorder && m_recorder->isRecording();
}

QString CaptureController::recordingPath() const {
    return isRecording() ? m_recorder->path() : QString();
}

bool CaptureController::openCapture(const QString &path) {
    if (isImporting()) {
        Q_EMIT errorOccurred(
            QStringLiteral("Cannot open %1: still importing %2")
                .arg(QFileInfo(path).fileName(), QFileInfo(m_importPath).fileName()));
        return false;
    }
    m_importPath = path;
    m_openAction->setEnabled(false);
    Q_EMIT statusMessage(QStringLiteral("Importing %1…").arg(QFileInfo(path).fileName()));
    // The importer is pure (no QObject, no I/O but the file); the maps are a copy that only this
    // thread reads.
    m_import.setFuture(QtConcurrent::run([maps = m_maps, path] {
        Imported out{capture::CaptureImporter(maps).importFile(path), nullptr};
        out.timeline =
            std::make_shared<const capture::CaptureTimeline>(std::move(out.import.exchanges));
        return out;
    }));
    return true;
}

void CaptureController::onImported() {
    m_openAction->setEnabled(true);
    const QString path = std::exchange(m_importPath, {});
    Imported result = m_import.result();
    capture::CaptureImport &im = result.import;
    const QString file = QFileInfo(path).fileName();
    if (im.ok && result.timeline->isEmpty()) {
        im.ok = false;
        im.error = QStringLiteral("no Modbus request in the capture");
    }
    if (!im.ok) {
        Q_EMIT errorOccurred(QStringLiteral("Cannot open %1: %2").arg(file, im.error));
        return;
    }
    m_lastDir = QFileInfo(path).absolutePath();

    QString status = QStringLiteral("Opened %1: %2 exchanges (%3 answered), %4 device(s)")
                         .arg(file)
                         .arg(im.summary.exchanges)
                         .arg(im.summary.exchanges - im.summary.unanswered)
                         .arg(im.summary.devices.size());
    if (!im.warnings.isEmpty())
        status += QStringLiteral("; %1 warning(s), first: %2")
                      .arg(im.warnings.size())
                      .arg(im.warnings.first());
    Q_EMIT statusMessage(status);
    Q_EMIT captureOpened(path, std::move(result.timeline), im.capture.peerName);
}

bool CaptureController::startRecording(const QString &path) {
    stopRecording();
    auto recorder = std::make_unique<capture::Recorder>();
    QString error;
    if (!recorder->start(path, &error)) {
        Q_EMIT errorOccurred(QStringLiteral("Cannot record to %1: %2").arg(path, error));
        const QSignalBlocker block(m_recordAction);
        m_recordAction->setChecked(false);
        return false;
    }
    connect(recorder.get(), &capture::Recorder::errorOccurred, this,
            [this](const QString &message) {
                stopRecording();
                Q_EMIT errorOccurred(QStringLiteral("Recording stopped: %1").arg(message));
            });
    m_recorder = std::move(recorder);
    if (Transport *t = m_connections->transport())
        m_recorder->attach(t);
    {
        const QSignalBlocker block(m_recordAction);
        m_recordAction->setChecked(true);
    }
    Q_EMIT statusMessage(QStringLiteral("Recording to %1").arg(QDir::toNativeSeparators(path)));
    Q_EMIT recordingChanged(true);
    return true;
}

void CaptureController::stopRecording() {
    {
        const QSignalBlocker block(m_recordAction);
        m_recordAction->setChecked(false);
    }
    if (!m_recorder)
        return;
    const QString path = m_recorder->path();
    const qsizetype chunks = m_recorder->chunksRecorded();
    m_recorder->stop();
    // Deferred: this may run inside the recorder's own errorOccurred.
    m_recorder.release()->deleteLater();
    Q_EMIT statusMessage(
        QStringLiteral("Recorded %1 chunks to %2").arg(chunks).arg(QDir::toNativeSeparators(path)));
    Q_EMIT recordingChanged(false);
}

void CaptureController::chooseAndOpen() {
    const QString path =
        QFileDialog::getOpenFileName(m_dialogParent, QStringLiteral("Open capture"), m_lastDir,
                                     QString::fromLatin1(kCaptureFilter));
    if (path.isEmpty())
        return;
    openCapture(path);
}

void CaptureController::onRecordToggled(bool checked) {
    if (!checked) {
        stopRecording();
        return;
    }
    const QString path = QFileDialog::getSaveFileName(
        m_dialogParent, QStringLiteral("Record session"),
        m_lastDir.isEmpty() ? QStringLiteral("blupow.btsnoop")
                            : m_lastDir + QStringLiteral("/blupow.btsnoop"),
        QString::fromLatin1(kCaptureFilter));
    if (path.isEmpty()) {
        const QSignalBlocker block(m_recordAction);
        m_recordAction->setChecked(false);
        return;
    }
    m_lastDir = QFileInfo(path).absolutePath();
    startRecording(path);
}

void CaptureController::onTransportCreated(Transport *transport) {
    // A device chosen while recording goes on into the same file, as a later part of it.
    if (isRecording())
        m_recorder->attach(transport);
}

} // namespace blupow
