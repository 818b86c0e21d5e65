#pragma once

#include "mqtt/mqttbridge.h"
#include "mqtt/mqttoptions.h"
#include "registers/family.h"

#include <QCommandLineParser>
#include <QHash>
#include <QList>
#include <QString>

#include <optional>

namespace blupow {

// One device the bridge publishes: a [device...] section of the config file or the device given
// on the command line. Only what identifies and configures it; the CLI adds its own options.
struct BridgeDeviceConfig {
    QString label; // "[device-shed] (line 12)" or "command line"
    QString address;
    QString name;
    QString simulate; // a simulator model, or empty
    QString replay;   // a recording, or empty (command line only)
    std::optional<Family> family;
    std::optional<quint8> deviceId;
    // Probe every slave id behind the dongle (a battery bank daisy-chained behind one BT-2), as
    // `--all-slaves` does; not with deviceId.
    bool allSlaves = false;
    int requestTimeoutMs = 2000;
};

// Everything `blupow-cli bridge` runs with, from its options and its config file.
struct BridgeConfig {
    MqttOptions mqtt;
    QString passwordFile; // empty = BLUPOW_MQTT_PASSWORD
    double intervalS = 5;
    QString hostId; // sanitised
    QString energyFile;
    QString historyFile;               // empty: no history recorded
    QList<BridgeDeviceConfig> devices; // the config file's, then the command line's

    [[nodiscard]] MqttClient::Options clientOptions(const QString &password) const;
    [[nodiscard]] MqttBridge::Options bridgeOptions(const QString &swVersion) const;
};

// What buildBridgeConfig() reads: no file system, no environment, no clock, so a test can give
// any combination.
struct BridgeConfigInput {
    // The bridge's own options that were given (long name -> value; "" for a flag), as
    // bridgeArguments() collects them.
    QHash<QString, QString> arguments;
    std::optional<QByteArray> configText; // the --config file's contents, when there is one
    std::optional<BridgeDeviceConfig> commandLineDevice;
    QString defaultHostId;
    QString defaultEnergyFile;
    qint64 processId = 0;
};

namespace BridgeConfigBuilder {

// The bridge's options (MQTT, topics, interval, host id, energy file, config), with help.
void addOptions(QCommandLineParser &parser);
[[nodiscard]] QHash<QString, QString> arguments(const QCommandLineParser &parser);

// The command line over the config file over the defaults. Every number is parsed by
// parseNumber (NaN and infinities refused), every topic prefix checked, every key of the file
// known (a password= or a misspelt key is refused with its line), every simulator model known,
// and no two devices the same (they would publish to the same topics). Nothing, with a one-line
// error, otherwise.
[[nodiscard]] std::optional<BridgeConfig> build(const BridgeConfigInput &input, QString *error);

// The first line of a password file, at most 4 KiB read (a device such as /dev/zero is refused,
// not read for ever). `warning` is set when other users may read the file.
[[nodiscard]] std::optional<QString> readPasswordFile(const QString &path, QString *warning,
                                                      QString *error);

} // namespace BridgeConfigBuilder

} // namespace blupow
