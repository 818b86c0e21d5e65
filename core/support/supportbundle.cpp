#include "supportbundle.h"

#include "capture/recorder.h"
#include "support/zipwriter.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSysInfo>

#include <algorithm>

namespace blupow {

namespace {

QString normalAddress(const QString &a) {
    return a.toUpper().replace(QLatin1Char('-'), QLatin1Char(':'));
}

// "AA:BB:CC:DD:EE:FF" as the 6 bytes an HCI packet holds (least significant first).
QByteArray reversedBytes(const QString &address) {
    const QByteArray hex = normalAddress(address).remove(QLatin1Char(':')).toLatin1();
    const QByteArray bytes = QByteArray::fromHex(hex);
    if (bytes.size() != 6)
        return {};
    QByteArray out = bytes;
    std::reverse(out.begin(), out.end());
    return out;
}

QJsonObject alarmToJson(const Alarm &a) {
    QJsonObject o{{QStringLiteral("device"), a.deviceId},
                  {QStringLiteral("device_name"), a.deviceName},
                  {QStringLiteral("word"), a.field},
                  {QStringLiteral("register"), a.reg},
                  {QStringLiteral("condition"), a.condition.key},
                  {QStringLiteral("label"), a.condition.label},
                  {QStringLiteral("severity"), alarmSeverityName(a.condition.severity)},
                  {QStringLiteral("meaning"), a.condition.meaning},
                  {QStringLiteral("since"), a.since.toUTC().toString(Qt::ISODate)},
                  {QStringLiteral("active"), a.isActive()}};
    if (!a.condition.reading.isEmpty())
        o.insert(QStringLiteral("reading"), a.condition.reading);
    if (!a.isActive())
        o.insert(QStringLiteral("cleared"), a.cleared.toUTC().toString(Qt::ISODate));
    return o;
}

QString entryName(int index, const SupportBundle::Device &d) {
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9_.-]+"));
    QString base = d.name.isEmpty() ? d.address : d.name;
    base.replace(unsafe, QStringLiteral("_"));
    return QStringLiteral("devices/%1-%2").arg(index + 1).arg(base);
}

} // namespace

QByteArray SupportBundle::redact(QByteArray data, const QStringList &secrets,
                                 const QStringList &keep, const QStringList &known) {
    for (const QString &s : secrets) {
        if (s.isEmpty())
            continue;
        data.replace(s.toUtf8(), QByteArrayLiteral("[redacted]"));
    }
    QStringList kept;
    for (const QString &k : keep)
        kept.append(normalAddress(k));
    static const QRegularExpression mac(
        QStringLiteral("(?<![0-9A-Fa-f:-])[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\\1[0-9A-Fa-f]{2}){4}"
                       "(?![0-9A-Fa-f:-])"));
    // Latin-1 keeps one character per byte, so offsets map back onto `data` whatever it holds.
    const QString text = QString::fromLatin1(data);
    auto it = mac.globalMatch(text);
    QList<QPair<qsizetype, qsizetype>> hits;
    while (it.hasNext()) {
        const auto m = it.next();
        if (!kept.contains(normalAddress(m.captured(0))))
            hits.append({m.capturedStart(0), m.capturedLength(0)});
    }
    for (auto h = hits.crbegin(); h != hits.crend(); ++h)
        data.replace(h->first, h->second, QByteArrayLiteral("XX:XX:XX:XX:XX:XX"));
    for (const QString &a : known) {
        if (kept.contains(normalAddress(a)))
            continue;
        const QByteArray raw = reversedBytes(a);
        if (!raw.isEmpty())
            data.replace(raw, QByteArray(6, '\0'));
    }
    return data;
}

QJsonObject SupportBundle::versions() {
    QJsonObject o;
    o.insert(QStringLiteral("blupow"), QStringLiteral(BLUPOW_VERSION));
    o.insert(QStringLiteral("qt_runtime"), QString::fromLatin1(qVersion()));
    o.insert(QStringLiteral("qt_build"), QStringLiteral(QT_VERSION_STR));
    o.insert(QStringLiteral("os"), QSysInfo::prettyProductName());
    o.insert(QStringLiteral("kernel"),
             QString(QSysInfo::kernelType() + QLatin1Char(' ') + QSysInfo::kernelVersion()));
    o.insert(QStringLiteral("cpu"), QSysInfo::currentCpuArchitecture());
    return o;
}

QString SupportBundle::defaultFileName(const QDateTime &now) {
    return QStringLiteral("blupow-support-%1.zip")
        .arg(now.toLocalTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
}

QByteArray SupportBundle::build(const Contents &c, QStringList *entries) {
    const QDateTime now = c.now.isValid() ? c.now : QDateTime::currentDateTimeUtc();
    QStringList own;
    for (const Device &d : c.devices)
        own.append(d.address);
    ZipWriter zip;
    const auto add = [&](const QString &name, const QByteArray &data) {
        zip.add(name, redact(data, c.secrets, own, c.otherAddresses), now);
    };
    const auto json = [](const QJsonValue &v) {
        return v.isArray() ? QJsonDocument(v.toArray()).toJson()
                           : QJsonDocument(v.toObject()).toJson();
    };

    const qint64 recentFrom = now.toMSecsSinceEpoch() - qint64(c.recentMinutes) * 60 * 1000;
    QJsonArray deviceList;
    for (int i = 0; i < c.devices.size(); ++i) {
        const Device &d = c.devices.at(i);
        const QString dir = entryName(i, d);
        QList<FrameRecord> recent;
        for (const FrameRecord &f : d.frames) {
            if (f.timestampMs >= recentFrom)
                recent.append(f);
        }
        add(dir + QStringLiteral("/recent.btsnoop"), capture::Recorder::exportFrames(recent));
        add(dir + QStringLiteral("/link-statistics.json"),
            json(linkStatisticsToJson(d.statistics)));
        if (!d.settingsSnapshot.isEmpty())
            add(dir + QStringLiteral("/settings-snapshot.json"), d.settingsSnapshot);
        if (c.history) {
            QString why;
            const QByteArray csv = c.history(d.id.isEmpty() ? d.address : d.id,
                                             now.addSecs(-qint64(c.historyHours) * 3600), &why);
            if (csv.isEmpty())
                add(dir + QStringLiteral("/history.txt"), why.toUtf8() + '\n');
            else
                add(dir + QStringLiteral("/history.csv"), csv);
        }
        deviceList.append(QJsonObject{{QStringLiteral("name"), d.name},
                                      {QStringLiteral("address"), d.address},
                                      {QStringLiteral("folder"), dir},
                                      {QStringLiteral("frames"), recent.size()}});
    }
    if (!c.history) {
        add(QStringLiteral("history/README.txt"),
            QByteArrayLiteral("No history file was recorded (history off in the GUI's settings, "
                              "or no --history FILE given), so no history CSV is included.\n"));
    }
    QJsonArray alarms;
    for (const Alarm &a : c.alarms)
        alarms.append(alarmToJson(a));
    add(QStringLiteral("alarms.json"), json(alarms));
    QJsonObject versions = c.versions.isEmpty() ? SupportBundle::versions() : c.versions;
    versions.insert(QStringLiteral("created"), now.toUTC().toString(Qt::ISODate));
    versions.insert(QStringLiteral("devices"), deviceList);
    add(QStringLiteral("versions.json"), json(versions));
    if (!c.settings.isEmpty())
        add(QStringLiteral("settings.txt"), c.settings);
    add(QStringLiteral("log.txt"), c.log.join(QLatin1Char('\n')).toUtf8() + '\n');
    add(QStringLiteral("README.txt"),
        QByteArrayLiteral(
            "BluPow support bundle. devices/*/recent.btsnoop opens in Wireshark and in "
            "`blupow-cli import`; the MQTT password and Bluetooth addresses other than the "
            "devices' own were removed from every file.\n"));
    if (entries)
        *entries = zip.names();
    return zip.finish();
}

bool SupportBundle::write(const QString &path, const Contents &contents, QString *error,
                          QStringList *entries) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(build(contents, entries)) < 0 ||
        !file.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace blupow
