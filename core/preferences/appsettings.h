#pragma once

#include "mqtt/mqttoptions.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

class QSettings;

namespace blupow {

// Typed accessors over QSettings: every key, its type and its default in one place. Not owning:
// the composition root creates the QSettings (the user's config file, or a temporary file in
// tests) and passes it in.
class AppSettings {
public:
    explicit AppSettings(QSettings &settings);

    [[nodiscard]] QString lastDeviceAddress() const;
    void setLastDeviceAddress(const QString &address);
    [[nodiscard]] QString lastDeviceName() const;
    void setLastDeviceName(const QString &name);

    // The devices linked when the program last ran, to link again at start (the current one
    // is lastDeviceAddress()).
    [[nodiscard]] QStringList linkedAddresses() const;
    void setLinkedAddresses(const QStringList &addresses);
    // How many devices the GUI keeps linked at once (ConnectionManager::setMaxLinks), 1 .. 8.
    [[nodiscard]] int maxLinks() const;
    void setMaxLinks(int links);

    [[nodiscard]] int pollIntervalMs() const; // clamped to 200 ms .. 1 h
    void setPollIntervalMs(int ms);

    [[nodiscard]] QStringList chartFields() const;
    void setChartFields(const QStringList &keys);
    [[nodiscard]] int chartWindowSeconds() const;
    void setChartWindowSeconds(int seconds);

    // The history file (docs/history.md): on by default; an empty file means the default place
    // (the caller's QStandardPaths::AppLocalDataLocation/history.sqlite).
    [[nodiscard]] bool historyEnabled() const;
    void setHistoryEnabled(bool on);
    [[nodiscard]] QString historyFile() const;
    void setHistoryFile(const QString &path);
    [[nodiscard]] qint64 chartRangeMs() const; // 0: live
    void setChartRangeMs(qint64 ms);

    [[nodiscard]] QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray &geometry);
    [[nodiscard]] QByteArray windowState() const;
    void setWindowState(const QByteArray &state);

    [[nodiscard]] MqttOptions mqtt() const;
    void setMqtt(const MqttOptions &mqtt);

    void sync();

private:
    QSettings &m_settings;
};

} // namespace blupow
