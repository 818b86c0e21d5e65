#pragma once

#include <QString>

namespace blupow {

// Broker connection for "Publish to Home Assistant". The password is deliberately not here: it
// lives in the system keychain or nowhere (never in the settings file, never in a log).
struct MqttSettings {
    QString host = QStringLiteral("localhost");
    int port = 1883;
    QString username;
    bool tls = false;
    QString caFile;
    QString certFile;
    QString keyFile;
    bool verifyPeer = true;
    QString baseTopic = QStringLiteral("renogy"); // HaDiscoveryOptions default (ha-mqtt.md 1)
    QString discoveryPrefix = QStringLiteral("homeassistant");

    friend bool operator==(const MqttSettings &, const MqttSettings &) = default;
};

} // namespace blupow
