#pragma once

#include "mqtt/hadiscovery.h"
#include "mqtt/mqttclient.h"

#include <QString>

namespace blupow {

// What a person chooses about the broker and the topics, the same for the GUI's "Publish to Home
// Assistant" dialog (kept in its settings file), the CLI's options and the bridge config file.
// The password is deliberately not here: it comes from the keychain, a file or the environment,
// never from a settings file or a log. toClientOptions() and applyTopics() are the only mapping
// to what the client and the bridge take.
struct MqttOptions {
    QString host = QStringLiteral("127.0.0.1");
    int port = 0; // 0 = the default: 1883, or 8883 with TLS
    QString username;
    bool tls = false;
    QString caFile; // empty with caPath empty = the system's CAs
    QString caPath;
    QString certFile; // client certificate (with keyFile)
    QString keyFile;
    // Skips certificate AND host-name verification (a test broker with a self-signed
    // certificate): anyone on the path can then read the password.
    bool insecure = false;
    MqttClient::ProtocolVersion protocol = MqttClient::ProtocolVersion::V311;
    QString clientId; // empty = derived from the host id and the process (defaultClientId)
    QString discoveryPrefix = QStringLiteral("homeassistant");
    QString baseTopic = QStringLiteral("renogy");
    bool legacyDiscovery = false;

    [[nodiscard]] int effectivePort() const { return port != 0 ? port : tls ? 8883 : 1883; }

    friend bool operator==(const MqttOptions &, const MqttOptions &) = default;
};

namespace MqttOptionsMapping {

// Two bridges (or a bridge and the GUI) on one machine share a host id; a broker drops the older
// of two connections with the same client id, so they would knock each other off for ever. The
// process id keeps the id unique per running process; the host id keeps it readable in the
// broker's log.
[[nodiscard]] QString defaultClientId(const QString &hostId, qint64 processId);

[[nodiscard]] MqttClient::Options toClientOptions(const MqttOptions &options,
                                                  const QString &password);
void applyTopics(const MqttOptions &options, HaDiscoveryOptions *ha);

// A topic prefix we publish under: not empty, no wildcard (`+`, `#`), no NUL, no empty level
// (`a//b`, a leading or trailing `/`), not starting with `$` (broker topics). Empty when fine,
// else why, naming `what`.
[[nodiscard]] QString topicPrefixProblem(const QString &what, const QString &topic);
// The first problem with the options as a whole (no host, a port out of range, a topic prefix,
// a client certificate without its key), or empty. TLS files are ignored without TLS.
[[nodiscard]] QString problem(const MqttOptions &options);

} // namespace MqttOptionsMapping

} // namespace blupow
