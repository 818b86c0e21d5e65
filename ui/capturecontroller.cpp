#include "capturecontroller.h"

#include "capture/captureimporter.h"
#include "capture/recorder.h"
#include "capture/replaytransport.h"
#include "device/connectionmanager.h"

#include <QAction>
#include <QActionGroup>
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
    , m_recordAction(new QAction(QStringLiteral("&Record session…"), this))
    , m_speedGroup(new QActionGroup(this)) {
    m_openAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_O));
    m_openAction->setToolTip(
        QStringLiteral("Play a btsnoop capture back as if the device were connected"));
    m_recordAction->setCheckable(true);
    m_recordAction->setToolTip(
        QStringLiteral("Write what the active connection sends and receives to a btsnoop file"));
    connect(m_openAction, &QAction::triggered, this, &CaptureController::chooseAndOpen);
    connect(m_recordAction, &QAction::toggled, this, &CaptureController::onRecordToggled);

    const std::pair<const char *, double> speeds[] = {
        {"&1x (as recorded)", 1.0}, {"&2x", 2.0}, {"1&0x", 10.0}, {"&As fast as possible", 0.0}};
    for (const auto &[label, factor] : speeds) {
        QAction *a = m_speedGroup->addAction(QString::fromLatin1(label));
        a->setCheckable(true);
        a->setData(factor);
        a->setChecked(qFuzzyCompare(factor + 1.0, m_speed + 1.0));
        connect(a, &QAction::triggered, this, [this, factor] { setSpeed(factor); });
    }

    connect(m_connections, &ConnectionManager::transportCreated, this,
            &CaptureController::onTransportCreated);
    connect(&m_import, &QFutureWatcher<capture::CaptureImport>::finished, this,
            &CaptureController::onImported);
}

// A running import needs nothing of this object (it holds copies), so it is left to finish on
// its own; its watcher goes with this object and the result with it.
CaptureController::~CaptureController() = default;

QList<QAction *> CaptureController::speedActions() const {
    return m_speedGroup->actions();
}

ReplayTransport *CaptureController::replay() const {
    return m_replay;
}

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
    m_import.setFuture(QtConcurrent::run(
        [maps = m_maps, path] { return capture::CaptureImporter(maps).importFile(path); }));
    return true;
}

void CaptureController::onImported() {
    m_openAction->setEnabled(true);
    const QString path = std::exchange(m_importPath, {});
    capture::CaptureImport im = m_import.result();
    const QString file = QFileInfo(path).fileName();
    if (im.ok &&
        std::none_of(im.exchanges.cbegin(), im.exchanges.cend(),
                     [](const capture::CapturedExchange &e) { return !e.replyChunks.isEmpty(); })) {
        im.ok = false;
        im.error = QStringLiteral("no answered Modbus request in the recording");
    }
    if (!im.ok) {
        Q_EMIT errorOccurred(QStringLiteral("Cannot open %1: %2").arg(file, im.error));
        return;
    }
    m_lastDir = QFileInfo(path).absolutePath();

    // The recorded device's name, so the session and the window title name it as they did live;
    // no address, so it is not remembered as the device to reconnect to at the next start.
    const QString label = QStringLiteral("replay:%1").arg(file);
    const QString peer = im.capture.peerName.isEmpty() ? label : im.capture.peerName;
    const qsizetype count = im.exchanges.size();
    auto replay = std::make_unique<ReplayTransport>(
        std::move(im.exchanges), peer,
        im.capture.peerAddress.isEmpty()
            ? label
            : QStringLiteral("%1 (%2)").arg(im.capture.peerAddress, label));
    replay->setSpeed(m_speed);
    ReplayTransport *playing = replay.get();
    DiscoveredDevice device;
    device.name = QStringLiteral("%1 (capture %2)").arg(peer, file);
    m_connections->connectTransport(std::move(replay), device);
    m_replay = playing;

    QString status = QStringLiteral("Replaying %1: %2 exchanges").arg(file).arg(count);
    if (!im.warnings.isEmpty())
        status += QStringLiteral("; %1 warning(s), first: %2")
                      .arg(im.warnings.size())
                      .arg(im.warnings.first());
    Q_EMIT statusMessage(status);
    Q_EMIT captureOpened(path);
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

void CaptureController::setSpeed(double speed) {
    m_speed = speed > 0 ? speed : 0.0;
    for (QAction *a : m_speedGroup->actions()) {
        if (qFuzzyCompare(a->data().toDouble() + 1.0, m_speed + 1.0))
            a->setChecked(true);
    }
    if (m_replay)
        m_replay->setSpeed(m_speed);
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
