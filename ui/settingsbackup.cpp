#include "settingsbackup.h"

#include "config/snapshotreader.h"
#include "device/devicesession.h"
#include "writeflow.h"

namespace blupow {

SettingsBackup::SettingsBackup(WriteFlow *flow, QObject *parent)
    : QObject(parent)
    , m_flow(flow) {}

SettingsBackup::~SettingsBackup() = default;

void SettingsBackup::setSession(DeviceSession *session) {
    m_reader.reset(); // a read of the old device ends with it
    m_session = session;
    m_saved.reset();
}

bool SettingsBackup::isBusy() const {
    return m_reader && m_reader->state() == SnapshotReader::State::Reading;
}

bool SettingsBackup::startRead(QString *error) {
    if (isBusy() || m_flow->isBusy()) {
        *error = QStringLiteral("the device is busy with another read or write");
        return false;
    }
    if (!m_session || !m_session->map()) {
        *error = QStringLiteral("connect to a device first");
        return false;
    }
    m_reader = std::make_unique<SnapshotReader>(m_session);
    connect(m_reader.get(), &SnapshotReader::failed, this, [this](const QString &message) {
        Q_EMIT finished(false, QStringLiteral("reading the device failed: %1").arg(message));
    });
    connect(m_reader.get(), &SnapshotReader::finished, this, [this](const Snapshot &live) {
        if (m_saved)
            onRestoreRead(live);
        else
            onBackupRead(live);
    });
    if (!m_reader->start(error)) {
        m_reader.reset();
        return false;
    }
    return true;
}

bool SettingsBackup::backUp(const QString &path, QString *error) {
    m_path = path;
    m_saved.reset();
    return startRead(error);
}

void SettingsBackup::onBackupRead(const Snapshot &live) {
    QString error;
    if (!live.save(m_path, &error)) {
        Q_EMIT finished(false, error);
        return;
    }
    Q_EMIT finished(true, QStringLiteral("%1 settings and identity values saved to %2")
                              .arg(live.entries.size())
                              .arg(m_path));
}

bool SettingsBackup::restore(const QString &path, QString *error) {
    if (!m_session || !m_session->map()) {
        *error = QStringLiteral("connect to a device first");
        return false;
    }
    auto saved = Snapshot::load(path, RegisterMaps::builtIn(), error);
    if (!saved)
        return false;
    m_path = path;
    m_saved = std::move(saved);
    m_rows.clear();
    if (!startRead(error)) {
        m_saved.reset();
        return false;
    }
    return true;
}

void SettingsBackup::onRestoreRead(const Snapshot &live) {
    const Snapshot saved = *m_saved;
    m_saved.reset();
    if (const auto why = SnapshotDiff::incompatibility(live, saved)) {
        Q_EMIT finished(false, QStringLiteral("%1 does not fit this device: %2").arg(m_path, *why));
        return;
    }
    if (!m_session || !m_session->map()) {
        Q_EMIT finished(false, QStringLiteral("the device went away"));
        return;
    }
    m_rows = SnapshotDiff::compare(live, saved);
    const QList<SettingTarget> targets = SnapshotDiff::restoreTargets(m_rows, *m_session->map());
    QStringList readOnly;
    for (const SnapshotDiffRow &r : std::as_const(m_rows)) {
        if (std::none_of(targets.cbegin(), targets.cend(),
                         [&r](const SettingTarget &t) { return t.key == r.key; }))
            readOnly.append(QStringLiteral("%1 (%2 here, %3 in the backup)")
                                .arg(r.label, r.textA.isEmpty() ? QStringLiteral("none") : r.textA,
                                     r.textB.isEmpty() ? QStringLiteral("none") : r.textB));
    }
    if (targets.isEmpty()) {
        Q_EMIT finished(true, readOnly.isEmpty()
                                  ? QStringLiteral("nothing to restore: every setting already "
                                                   "matches the backup")
                                  : QStringLiteral("nothing to restore: every setting already "
                                                   "matches; differences that cannot be written: "
                                                   "%1")
                                        .arg(readOnly.join(QLatin1String("; "))));
        return;
    }
    SettingsWriter::Options options;
    options.skipUnchanged = true; // the device may have changed since it was read
    QString error;
    if (!m_flow->run(
            QStringLiteral("Restore settings"),
            [&targets, &options](SettingsWriter &w, QString *why) {
                return w.prepare(targets, options, why);
            },
            &error)) {
        Q_EMIT finished(false, QStringLiteral("refused, nothing sent: %1").arg(error));
        return;
    }
    Q_EMIT restoreOffered(static_cast<int>(targets.size()), readOnly);
}

} // namespace blupow
