// blupow-cli support-bundle: one zip for a bug report (docs/support.md), from a short session
// with one device: its recent traffic as btsnoop, settings snapshot, link statistics, alarms,
// versions and this run's log, with the MQTT password and foreign Bluetooth addresses removed.

#include "support/supportbundle.h"

#include "alarms/alarmtracker.h"
#include "capture/framelog.h"
#include "command.h"
#include "devicecommand.h"
#include "deviceoptions.h"
#include "history/historyexport.h"
#include "mqtt/bridgeconfig.h"
#include "support/logbuffer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTextStream>

namespace blupow::cli {

int runSupportBundle(const QStringList &arguments) {
    const QString command = QStringLiteral("support-bundle");
    // First, so that everything this run logs is in the bundle.
    LogBuffer log;
    log.install();
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Write one zip for a bug report: the device's recent traffic as a btsnoop recording,\n"
        "its settings snapshot and link statistics, its alarms, the versions and this run's\n"
        "log (and --config FILE, and the device's last hours from --history FILE). The MQTT\n"
        "password (BLUPOW_MQTT_PASSWORD, --password-file) and every Bluetooth address other\n"
        "than the device's own are removed from every file.\n\n"
        "Example: blupow-cli support-bundle --simulate=battery --out bundle.zip"));
    addDeviceOptions(parser, 60,
                     QStringLiteral("Give up when the device was not identified within S seconds"));
    parser.addOption({QStringLiteral("out"),
                      QStringLiteral("Zip file to write (default: blupow-support-DATE-TIME.zip "
                                     "in the current folder)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("cycles"),
                      QStringLiteral("Poll cycles to record after the settings (default 3)."),
                      QStringLiteral("N"), QStringLiteral("3")});
    parser.addOption({QStringLiteral("config"),
                      QStringLiteral("A bridge configuration file to include (redacted)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("history"),
                      QStringLiteral("A history file (monitor/bridge --history): the device's "
                                     "last 6 hours from it are included as CSV."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("password-file"),
                      QStringLiteral("The MQTT password's file: the password is removed from the "
                                     "bundle wherever it appears."),
                      QStringLiteral("FILE")});
    int parseExit = ExitOk;
    const auto options = parseDeviceCommand(parser, arguments, command, &parseExit);
    if (!options)
        return parseExit;
    bool ok = false;
    const int cycles = parser.value(QStringLiteral("cycles")).toInt(&ok);
    if (!ok || cycles < 1 || cycles > 1000)
        return printError(command, QStringLiteral("--cycles needs a number 1-1000"), ExitUsage);

    SupportBundle::Contents contents;
    contents.now = QDateTime::currentDateTimeUtc();
    const QString outPath = parser.isSet(QStringLiteral("out"))
                                ? parser.value(QStringLiteral("out"))
                                : SupportBundle::defaultFileName(contents.now);
    contents.secrets.append(qEnvironmentVariable("BLUPOW_MQTT_PASSWORD"));
    if (parser.isSet(QStringLiteral("password-file"))) {
        QString warning;
        QString error;
        const auto password = BridgeConfigBuilder::readPasswordFile(
            parser.value(QStringLiteral("password-file")), &warning, &error);
        if (!password)
            return printError(command, error, ExitBadInput);
        contents.secrets.append(*password);
    }
    if (parser.isSet(QStringLiteral("history"))) {
        const QString historyPath = parser.value(QStringLiteral("history"));
        if (!QFileInfo(historyPath).isFile())
            return printError(command, QStringLiteral("no history file at %1").arg(historyPath),
                              ExitUsage);
        contents.history = [historyPath, to = contents.now](const QString &device,
                                                            const QDateTime &since, QString *why) {
            return exportDeviceHistoryCsv(historyPath, device, since.toMSecsSinceEpoch(),
                                          to.toMSecsSinceEpoch(), why);
        };
    }
    if (parser.isSet(QStringLiteral("config"))) {
        QFile config(parser.value(QStringLiteral("config")));
        if (!config.open(QIODevice::ReadOnly))
            return printError(
                command,
                QStringLiteral("cannot read %1: %2").arg(config.fileName(), config.errorString()),
                ExitBadInput);
        contents.settings = config.read(1 << 20);
    }

    DeviceCommand run(command, *options);
    FrameLog frames;
    AlarmTracker alarms;
    return run.exec([&](DeviceSession *session) {
        const QString address = session->transport()->peerAddress();
        const QString name = session->transport()->peerName();
        alarms.watch(session);
        QObject::connect(session, &DeviceSession::exchangeFinished, &alarms,
                         [&frames](const Exchange &e) { frames.append(e); });
        run.readSnapshot(session, [&, session, address, name](const Snapshot &snapshot) {
            auto seen = std::make_shared<int>(0);
            QObject::connect(session, &DeviceSession::valuesUpdated, &alarms,
                             [&, seen, session, address, name, snapshot] {
                                 if (++*seen < cycles)
                                     return;
                                 SupportBundle::Device device;
                                 device.name = name;
                                 device.address = address;
                                 if (const auto identity = session->identity())
                                     device.id = identity->deviceId();
                                 device.settingsSnapshot = snapshot.toJsonBytes();
                                 device.statistics = session->statistics();
                                 for (int i = 0; i < frames.size(); ++i)
                                     device.frames.append(frames.at(i));
                                 contents.devices = {device};
                                 contents.alarms = alarms.recent();
                                 contents.log = log.lines();
                                 QStringList entries;
                                 QString error;
                                 if (!SupportBundle::write(outPath, contents, &error, &entries)) {
                                     run.fail(error, ExitFailure);
                                     return;
                                 }
                                 QTextStream out(stdout);
                                 const QString where = QDir::toNativeSeparators(
                                     QFileInfo(outPath).absoluteFilePath());
                                 if (options->json)
                                     out << QJsonDocument(QJsonObject{
                                                              {QStringLiteral("file"), where},
                                                              {QStringLiteral("entries"),
                                                               QJsonArray::fromStringList(entries)},
                                                          })
                                                .toJson(QJsonDocument::Compact)
                                         << '\n';
                                 else
                                     out << "wrote the support bundle to " << where << '\n';
                                 run.finish(ExitOk);
                             });
        });
    });
}

} // namespace blupow::cli
