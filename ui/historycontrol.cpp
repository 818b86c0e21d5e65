#include "historycontrol.h"

#include "history/historyrecorder.h"
#include "preferences/appsettings.h"

#include <QAction>
#include <QDir>
#include <QSignalBlocker>

namespace blupow {

HistoryControl::HistoryControl(HistoryRecorder *recorder, AppSettings &settings, QString path,
                               QObject *parent)
    : QObject(parent)
    , m_recorder(recorder)
    , m_settings(settings)
    , m_path(std::move(path))
    , m_action(new QAction(QStringLiteral("Record &history"), this)) {
    m_action->setCheckable(true);
    m_action->setToolTip(QStringLiteral("Keep every value of every linked device in %1, for the "
                                        "chart's longer ranges and the support bundle")
                             .arg(QDir::toNativeSeparators(m_path)));
    m_action->setStatusTip(m_action->toolTip());
    connect(m_action, &QAction::toggled, this, &HistoryControl::setRecording);
    connect(m_recorder, &HistoryRecorder::failed, this, [this](const QString &why) {
        Q_EMIT statusMessage(QStringLiteral("History not recorded: %1").arg(why));
    });
    connect(m_recorder, &HistoryRecorder::opened, this, [this](const QString &file) {
        Q_EMIT statusMessage(
            QStringLiteral("Recording history to %1").arg(QDir::toNativeSeparators(file)));
    });
    setRecording(m_settings.historyEnabled());
}

bool HistoryControl::isRecording() const {
    return m_recorder->isRunning();
}

void HistoryControl::setRecording(bool on) {
    {
        const QSignalBlocker quiet(m_action);
        m_action->setChecked(on);
    }
    m_settings.setHistoryEnabled(on);
    if (on == isRecording())
        return;
    if (on) {
        m_recorder->start(m_path);
        return;
    }
    // The last batch is committed before the file is closed; what was recorded stays.
    m_recorder->stop();
    Q_EMIT statusMessage(QStringLiteral("History no longer recorded; what is in %1 stays")
                             .arg(QDir::toNativeSeparators(m_path)));
}

} // namespace blupow
