#pragma once

#include "alarms/alarm.h"
#include "capture/framerecord.h"
#include "modbus/linkstatisticsjson.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace blupow {

// One zip for a bug report (docs/support.md): a btsnoop recording of the last minutes' frames, a
// settings snapshot and the link statistics of each device, the history as CSV, the alarms, the
// versions and the log. Secrets never leave: the MQTT password (and every other secret given) and
// every Bluetooth address other than the devices' own are replaced in every entry, text or
// binary, before anything is written.
class SupportBundle {
public:
    struct Device {
        QString name;
        QString address; // its own address stays readable (it is what the report is about)
        QString id;      // DeviceIdentity::deviceId(): its series in the history file
        QByteArray settingsSnapshot; // Snapshot::toJsonBytes(), empty when none was read
        LinkStatistics statistics;
        QList<FrameRecord> frames; // the recent traffic (the frame log)
    };
    // The history store's hook: CSV of `deviceId`'s values since `since` (empty when it has
    // none, with the reason in `why`). Not set while no history file is recorded; the bundle then
    // says so in history/README.txt.
    using HistoryCsv =
        std::function<QByteArray(const QString &deviceId, const QDateTime &since, QString *why)>;

    struct Contents {
        QList<Device> devices;
        Alarms alarms; // active and recently cleared (AlarmTracker::recent())
        QStringList log;
        QJsonObject versions; // versions() plus what the program adds
        QByteArray settings;  // the program's own settings (INI or JSON text); secrets redacted
        HistoryCsv history;
        int recentMinutes = 10; // how far back the recording and the history go
        int historyHours = 6;
        QStringList secrets;        // the MQTT password, tokens: removed wherever they appear
        QStringList otherAddresses; // Bluetooth addresses known to be foreign (scan results)
        QDateTime now;              // when the bundle is made
    };

    // The zip's bytes; `entries` (if given) gets the names written.
    [[nodiscard]] static QByteArray build(const Contents &contents, QStringList *entries = nullptr);
    static bool write(const QString &path, const Contents &contents, QString *error,
                      QStringList *entries = nullptr);

    // Program, Qt and system versions.
    [[nodiscard]] static QJsonObject versions();
    // `data` with every secret replaced by "[redacted]" and every Bluetooth address not in `keep`
    // replaced by "XX:XX:XX:XX:XX:XX", as text (any case, ':' or '-') and, for the addresses in
    // `known`, as the 6 reversed bytes HCI packets carry.
    [[nodiscard]] static QByteArray redact(QByteArray data, const QStringList &secrets,
                                           const QStringList &keep, const QStringList &known);
    // A file name for now: blupow-support-20261205-081500.zip
    [[nodiscard]] static QString defaultFileName(const QDateTime &now);
};

} // namespace blupow
