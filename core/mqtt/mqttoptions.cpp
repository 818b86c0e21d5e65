#include "mqttoptions.h"

namespace blupow::MqttOptionsMapping {

QString defaultClientId(const QString &hostId, qint64 processId) {
    return QStringLiteral("blupow-%1-%2").arg(hostId).arg(processId);
}

MqttClient::Options toClientOptions(const MqttOptions &options, const QString &password) {
    MqttClient::Options o;
    o.host = options.host;
    o.port = static_cast<quint16>(options.effectivePort());
    o.username = options.username;
    o.password = password;
    o.tls = options.tls;
    if (options.tls) {
        o.caFile = options.caFile;
        o.caPath = options.caPath;
        o.certFile = options.certFile;
        o.keyFile = options.keyFile;
        o.tlsInsecureSkipVerify = options.insecure;
    }
    o.protocol = options.protocol;
    o.clientId = options.clientId;
    return o;
}

void applyTopics(const MqttOptions &options, HaDiscoveryOptions *ha) {
    ha->discoveryPrefix = options.discoveryPrefix;
    ha->baseTopic = options.baseTopic;
    ha->legacy = options.legacyDiscovery;
}

QString topicPrefixProblem(const QString &what, const QString &topic) {
    if (topic.isEmpty())
        return QStringLiteral("%1 may not be empty").arg(what);
    if (topic.contains(u'+') || topic.contains(u'#'))
        return QStringLiteral("%1 '%2' contains an MQTT wildcard (+ or #), which no published "
                              "topic may")
            .arg(what, topic);
    if (topic.contains(QChar(0)))
        return QStringLiteral("%1 contains a NUL character").arg(what);
    if (topic.startsWith(u'$'))
        return QStringLiteral("%1 '%2' starts with $ (reserved for the broker's own topics)")
            .arg(what, topic);
    if (topic.startsWith(u'/') || topic.endsWith(u'/') || topic.contains(QStringLiteral("//")))
        return QStringLiteral("%1 '%2' has an empty topic level (a leading, trailing or double /)")
            .arg(what, topic);
    // A topic is at most 65535 bytes of UTF-8; leave room for what we append.
    if (topic.toUtf8().size() > 1024)
        return QStringLiteral("%1 is longer than 1024 bytes").arg(what);
    return {};
}

QString problem(const MqttOptions &options) {
    if (options.host.trimmed().isEmpty())
        return QStringLiteral("no MQTT broker host given");
    if (options.port < 0 || options.port > 65535)
        return QStringLiteral("the MQTT port wants 1-65535");
    if (QString p =
            topicPrefixProblem(QStringLiteral("the discovery prefix"), options.discoveryPrefix);
        !p.isEmpty())
        return p;
    if (QString p = topicPrefixProblem(QStringLiteral("the base topic"), options.baseTopic);
        !p.isEmpty())
        return p;
    if (options.tls && options.certFile.isEmpty() != options.keyFile.isEmpty())
        return QStringLiteral("a TLS client certificate needs both a certificate and a key file");
    return {};
}

} // namespace blupow::MqttOptionsMapping
