#pragma once

#include "mqtt/mqttclient.h"
#include "mqtt/mqttoptions.h"
#include "mqtt/sessionpublisher.h"

#include <QDialog>

#include <memory>
#include <optional>

class QCheckBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace blupow {

class AppSettings;
class PasswordStore;

// "Publish to Home Assistant": broker, port, user, password, TLS (CA, certificate, key, verify),
// a Test button, a status indicator, and one button that starts or stops publishing. Settings
// persist except the password, which goes to the system keychain when there is one and is
// otherwise kept for this run only (the dialog says which).
class MqttDialog : public QDialog {
    Q_OBJECT

public:
    MqttDialog(AppSettings &settings, SessionPublisher *publisher, PasswordStore *passwords,
               int pollIntervalMs, QWidget *parent = nullptr);
    ~MqttDialog() override;

    [[nodiscard]] MqttOptions formSettings() const;
    void setFormSettings(const MqttOptions &settings);
    [[nodiscard]] QString password() const;
    void setPassword(const QString &password);
    // For the next start (expire_after); a running publisher is told by the composition root.
    void setPollIntervalMs(int ms) { m_pollIntervalMs = ms; }
    [[nodiscard]] MqttClient::Options clientOptions() const;
    [[nodiscard]] QString statusText() const;
    [[nodiscard]] QString keychainText() const;
    // The typed port when it is a port (1-65535), else nullopt and the status says why.
    [[nodiscard]] std::optional<int> typedPort() const;
    [[nodiscard]] QSpinBox *portBox() const { return m_port; }
    [[nodiscard]] QCheckBox *publishSimulatedBox() const { return m_publishSimulated; }
    [[nodiscard]] QPushButton *testButton() const { return m_testButton; }
    [[nodiscard]] QPushButton *publishButton() const { return m_publishButton; }

protected:
    void resizeEvent(QResizeEvent *event) override;

public Q_SLOTS:
    void test();
    void togglePublishing();

private:
    void showPublisherState(SessionPublisher::State state, const QString &message);
    void setStatus(const QString &text, const QColor &colour);
    void saveSettings();
    void updateTlsEnabled();
    // A field changed: a Test result or port error about the old values no longer applies.
    void formEdited();
    // Refuses a port outside 1-65535 in words and keeps Test and Start from using it.
    bool checkPort();
    // Word-wrapped text (status, keychain note) needs more height at a narrower width.
    void fitHeight();
    QLineEdit *fileRow(const QString &title, QWidget *parentForm, QFormLayout *form);

    AppSettings &m_settings;
    SessionPublisher *m_publisher;
    PasswordStore *m_passwords;
    int m_pollIntervalMs;

    QLineEdit *m_host;
    QSpinBox *m_port;
    QLineEdit *m_user;
    QLineEdit *m_password;
    QLabel *m_keychain;
    QCheckBox *m_tls;
    QLineEdit *m_ca;
    QLineEdit *m_cert;
    QLineEdit *m_key;
    QCheckBox *m_verify; // checked = MqttOptions::insecure off
    QLineEdit *m_baseTopic;
    QLineEdit *m_discoveryPrefix;
    QCheckBox *m_publishSimulated;
    QLabel *m_indicator;
    QLabel *m_status;
    QPushButton *m_testButton;
    QPushButton *m_publishButton;
    std::unique_ptr<MqttClient> m_testClient; // one Test at a time, no reconnects
};

} // namespace blupow
