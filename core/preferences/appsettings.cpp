#include "appsettings.h"

#include "device/connectionmanager.h"

#include <QSettings>

#include <algorithm>

namespace blupow {

namespace {

constexpr int kDefaultPollMs = 1000;
constexpr int kMinPollMs = 200;
constexpr int kMaxPollMs = 3600 * 1000;
constexpr int kDefaultChartWindowS = 600;
constexpr int kDefaultMaxLinks = ConnectionManager::kDefaultMaxLinks;
constexpr int kMaxLinks = 8;

} // namespace

AppSettings::AppSettings(QSettings &settings)
    : m_settings(settings) {}

QString AppSettings::lastDeviceAddress() const {
    return m_settings.value(QStringLiteral("device/lastAddress")).toString();
}

void AppSettings::setLastDeviceAddress(const QString &address) {
    m_settings.setValue(QStringLiteral("device/lastAddress"), address);
}

QString AppSettings::lastDeviceName() const {
    return m_settings.value(QStringLiteral("device/lastName")).toString();
}

void AppSettings::setLastDeviceName(const QString &name) {
    m_settings.setValue(QStringLiteral("device/lastName"), name);
}

QStringList AppSettings::linkedAddresses() const {
    return m_settings.value(QStringLiteral("device/linked")).toStringList();
}

void AppSettings::setLinkedAddresses(const QStringList &addresses) {
    m_settings.setValue(QStringLiteral("device/linked"), addresses);
}

int AppSettings::maxLinks() const {
    const int links = m_settings.value(QStringLiteral("device/maxLinks"), kDefaultMaxLinks).toInt();
    return std::clamp(links, 1, kMaxLinks);
}

void AppSettings::setMaxLinks(int links) {
    m_settings.setValue(QStringLiteral("device/maxLinks"), std::clamp(links, 1, kMaxLinks));
}

int AppSettings::pollIntervalMs() const {
    const int ms =
        m_settings.value(QStringLiteral("device/pollIntervalMs"), kDefaultPollMs).toInt();
    return std::clamp(ms, kMinPollMs, kMaxPollMs);
}

void AppSettings::setPollIntervalMs(int ms) {
    m_settings.setValue(QStringLiteral("device/pollIntervalMs"),
                        std::clamp(ms, kMinPollMs, kMaxPollMs));
}

QStringList AppSettings::chartFields() const {
    return m_settings.value(QStringLiteral("chart/fields")).toStringList();
}

void AppSettings::setChartFields(const QStringList &keys) {
    m_settings.setValue(QStringLiteral("chart/fields"), keys);
}

int AppSettings::chartWindowSeconds() const {
    return std::clamp(
        m_settings.value(QStringLiteral("chart/windowSeconds"), kDefaultChartWindowS).toInt(), 60,
        24 * 3600);
}

void AppSettings::setChartWindowSeconds(int seconds) {
    m_settings.setValue(QStringLiteral("chart/windowSeconds"), seconds);
}

bool AppSettings::historyEnabled() const {
    return m_settings.value(QStringLiteral("history/enabled"), true).toBool();
}

void AppSettings::setHistoryEnabled(bool on) {
    m_settings.setValue(QStringLiteral("history/enabled"), on);
}

QString AppSettings::historyFile() const {
    return m_settings.value(QStringLiteral("history/file")).toString();
}

void AppSettings::setHistoryFile(const QString &path) {
    m_settings.setValue(QStringLiteral("history/file"), path);
}

qint64 AppSettings::chartRangeMs() const {
    // At most a year back: the history keeps no more.
    return std::clamp(m_settings.value(QStringLiteral("chart/rangeMs"), 0).toLongLong(), qint64(0),
                      qint64(366) * 24 * 3600 * 1000);
}

void AppSettings::setChartRangeMs(qint64 ms) {
    m_settings.setValue(QStringLiteral("chart/rangeMs"), ms);
}

QByteArray AppSettings::windowGeometry() const {
    return m_settings.value(QStringLiteral("window/geometry")).toByteArray();
}

void AppSettings::setWindowGeometry(const QByteArray &geometry) {
    m_settings.setValue(QStringLiteral("window/geometry"), geometry);
}

QByteArray AppSettings::windowState() const {
    return m_settings.value(QStringLiteral("window/state")).toByteArray();
}

void AppSettings::setWindowState(const QByteArray &state) {
    m_settings.setValue(QStringLiteral("window/state"), state);
}

MqttOptions AppSettings::mqtt() const {
    const MqttOptions defaults;
    MqttOptions m;
    m_settings.beginGroup(QStringLiteral("mqtt"));
    m.host = m_settings.value(QStringLiteral("host"), defaults.host).toString();
    m.tls = m_settings.value(QStringLiteral("tls"), defaults.tls).toBool();
    m.port =
        std::clamp(m_settings.value(QStringLiteral("port"), m.effectivePort()).toInt(), 1, 65535);
    m.username = m_settings.value(QStringLiteral("username")).toString();
    m.caFile = m_settings.value(QStringLiteral("caFile")).toString();
    m.caPath = m_settings.value(QStringLiteral("caPath")).toString();
    m.certFile = m_settings.value(QStringLiteral("certFile")).toString();
    m.keyFile = m_settings.value(QStringLiteral("keyFile")).toString();
    // Files written before "insecure" kept the opposite, verifyPeer.
    m.insecure = m_settings.contains(QStringLiteral("insecure"))
                     ? m_settings.value(QStringLiteral("insecure")).toBool()
                     : !m_settings.value(QStringLiteral("verifyPeer"), true).toBool();
    m.baseTopic = m_settings.value(QStringLiteral("baseTopic"), defaults.baseTopic).toString();
    m.discoveryPrefix =
        m_settings.value(QStringLiteral("discoveryPrefix"), defaults.discoveryPrefix).toString();
    m.legacyDiscovery =
        m_settings.value(QStringLiteral("legacyDiscovery"), defaults.legacyDiscovery).toBool();
    m_settings.endGroup();
    return m;
}

void AppSettings::setMqtt(const MqttOptions &m) {
    m_settings.beginGroup(QStringLiteral("mqtt"));
    m_settings.setValue(QStringLiteral("host"), m.host);
    m_settings.setValue(QStringLiteral("port"), m.effectivePort());
    m_settings.setValue(QStringLiteral("username"), m.username);
    m_settings.setValue(QStringLiteral("tls"), m.tls);
    m_settings.setValue(QStringLiteral("caFile"), m.caFile);
    m_settings.setValue(QStringLiteral("caPath"), m.caPath);
    m_settings.setValue(QStringLiteral("certFile"), m.certFile);
    m_settings.setValue(QStringLiteral("keyFile"), m.keyFile);
    m_settings.setValue(QStringLiteral("insecure"), m.insecure);
    m_settings.remove(QStringLiteral("verifyPeer"));
    m_settings.setValue(QStringLiteral("baseTopic"), m.baseTopic);
    m_settings.setValue(QStringLiteral("discoveryPrefix"), m.discoveryPrefix);
    m_settings.setValue(QStringLiteral("legacyDiscovery"), m.legacyDiscovery);
    m_settings.endGroup();
}

void AppSettings::sync() {
    m_settings.sync();
}

} // namespace blupow
