#include "mqttdialog.h"

#include "passwordstore.h"
#include "settings/appsettings.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QSysInfo>
#include <QToolButton>
#include <QVBoxLayout>

namespace blupow {

namespace {

const QString kPasswordKey = QStringLiteral("mqtt-password");
constexpr int kTestTimeoutMs = 5000;

} // namespace

MqttDialog::MqttDialog(AppSettings &settings, SessionPublisher *publisher, PasswordStore *passwords,
                       int pollIntervalMs, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_publisher(publisher)
    , m_passwords(passwords)
    , m_pollIntervalMs(pollIntervalMs)
    , m_host(new QLineEdit(this))
    , m_port(new QSpinBox(this))
    , m_user(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_keychain(new QLabel(this))
    , m_tls(new QCheckBox(QStringLiteral("Use TLS"), this))
    , m_ca(nullptr)
    , m_cert(nullptr)
    , m_key(nullptr)
    , m_verify(new QCheckBox(QStringLiteral("Verify the broker's certificate and host name"), this))
    , m_baseTopic(new QLineEdit(this))
    , m_discoveryPrefix(new QLineEdit(this))
    , m_indicator(new QLabel(this))
    , m_status(new QLabel(this))
    , m_testButton(new QPushButton(QStringLiteral("&Test"), this))
    , m_publishButton(new QPushButton(this)) {
    setWindowTitle(QStringLiteral("Publish to Home Assistant"));
    m_port->setRange(1, 65535);
    m_password->setEchoMode(QLineEdit::Password);
    m_keychain->setWordWrap(true);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_host->setPlaceholderText(QStringLiteral("homeassistant.local"));

    auto *form = new QFormLayout;
    form->addRow(QStringLiteral("&Broker:"), m_host);
    form->addRow(QStringLiteral("&Port:"), m_port);
    form->addRow(QStringLiteral("&User:"), m_user);
    form->addRow(QStringLiteral("Pass&word:"), m_password);
    form->addRow(QString(), m_keychain);
    form->addRow(QString(), m_tls);
    m_ca = fileRow(QStringLiteral("CA file:"), this, form);
    m_cert = fileRow(QStringLiteral("Client certificate:"), this, form);
    m_key = fileRow(QStringLiteral("Client key:"), this, form);
    form->addRow(QString(), m_verify);
    form->addRow(QStringLiteral("Base topic:"), m_baseTopic);
    form->addRow(QStringLiteral("Discovery prefix:"), m_discoveryPrefix);
    m_ca->setPlaceholderText(QStringLiteral("empty = the system's trusted CAs"));

    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_indicator);
    statusRow->addWidget(m_status, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_testButton, QDialogButtonBox::ActionRole);
    buttons->addButton(m_publishButton, QDialogButtonBox::ActionRole);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(statusRow);
    layout->addWidget(buttons);

    setFormSettings(m_settings.mqtt());
    m_keychain->setText(QStringLiteral("Checking for a keychain…"));

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_testButton, &QPushButton::clicked, this, &MqttDialog::test);
    connect(m_publishButton, &QPushButton::clicked, this, &MqttDialog::togglePublishing);
    connect(m_tls, &QCheckBox::toggled, this, &MqttDialog::updateTlsEnabled);
    connect(m_publisher, &SessionPublisher::stateChanged, this, &MqttDialog::showPublisherState);
    connect(m_passwords, &PasswordStore::availabilityChanged, this,
            [this](PasswordStore::Availability a) {
                m_keychain->setText(
                    a == PasswordStore::Availability::Available
                        ? QStringLiteral("The password is kept in the system keychain.")
                        : QStringLiteral("No keychain service is available: the password is "
                                         "not saved and is needed again next time."));
            });
    connect(m_passwords, &PasswordStore::loaded, this,
            [this](const QString &key, const QString &password) {
                if (key == kPasswordKey && m_password->text().isEmpty())
                    m_password->setText(password);
            });
    m_passwords->load(kPasswordKey);
    showPublisherState(m_publisher->state(), m_publisher->lastError());
    const QFontMetrics fm(font());
    resize(fm.averageCharWidth() * 70, sizeHint().height());
}

MqttDialog::~MqttDialog() = default;

QLineEdit *MqttDialog::fileRow(const QString &title, QWidget *parentForm, QFormLayout *form) {
    auto *edit = new QLineEdit(parentForm);
    auto *browse = new QToolButton(parentForm);
    browse->setText(QStringLiteral("…"));
    browse->setToolTip(QStringLiteral("Choose a file"));
    auto *row = new QHBoxLayout;
    row->addWidget(edit, 1);
    row->addWidget(browse);
    form->addRow(title, row);
    connect(browse, &QToolButton::clicked, this, [this, edit, title] {
        const QString path = QFileDialog::getOpenFileName(this, title, edit->text());
        if (!path.isEmpty())
            edit->setText(path);
    });
    return edit;
}

MqttOptions MqttDialog::formSettings() const {
    MqttOptions s;
    s.host = m_host->text().trimmed();
    s.port = m_port->value();
    s.username = m_user->text();
    s.tls = m_tls->isChecked();
    s.caFile = m_ca->text().trimmed();
    s.certFile = m_cert->text().trimmed();
    s.keyFile = m_key->text().trimmed();
    s.insecure = !m_verify->isChecked();
    s.baseTopic = m_baseTopic->text().trimmed();
    s.discoveryPrefix = m_discoveryPrefix->text().trimmed();
    return s;
}

void MqttDialog::setFormSettings(const MqttOptions &s) {
    m_host->setText(s.host);
    m_port->setValue(s.effectivePort());
    m_user->setText(s.username);
    m_tls->setChecked(s.tls);
    m_ca->setText(s.caFile);
    m_cert->setText(s.certFile);
    m_key->setText(s.keyFile);
    m_verify->setChecked(!s.insecure);
    m_baseTopic->setText(s.baseTopic);
    m_discoveryPrefix->setText(s.discoveryPrefix);
    updateTlsEnabled();
}

QString MqttDialog::password() const {
    return m_password->text();
}

void MqttDialog::setPassword(const QString &password) {
    m_password->setText(password);
}

MqttClient::Options MqttDialog::clientOptions() const {
    return MqttOptionsMapping::toClientOptions(formSettings(), m_password->text());
}

QString MqttDialog::statusText() const {
    return m_status->text();
}

QString MqttDialog::keychainText() const {
    return m_keychain->text();
}

void MqttDialog::setStatus(const QString &text, const QColor &colour) {
    // A coloured dot plus words: the colour is never the only signal.
    m_indicator->setText(QStringLiteral("<span style=\"color:%1\">●</span>").arg(colour.name()));
    m_status->setText(text);
}

void MqttDialog::updateTlsEnabled() {
    const bool tls = m_tls->isChecked();
    for (QWidget *w : {static_cast<QWidget *>(m_ca), static_cast<QWidget *>(m_cert),
                       static_cast<QWidget *>(m_key), static_cast<QWidget *>(m_verify)})
        w->setEnabled(tls);
}

void MqttDialog::saveSettings() {
    m_settings.setMqtt(formSettings());
    m_settings.sync();
    if (m_passwords->availability() != PasswordStore::Availability::Unavailable)
        m_passwords->save(kPasswordKey, m_password->text());
}

void MqttDialog::test() {
    MqttClient::Options options = clientOptions();
    options.autoReconnect = false;
    options.connectTimeoutMs = kTestTimeoutMs;
    m_testClient = std::make_unique<MqttClient>(options);
    m_testButton->setEnabled(false);
    setStatus(QStringLiteral("Testing %1:%2…").arg(options.host).arg(options.port), Qt::darkYellow);
    MqttClient *client = m_testClient.get();
    connect(client, &MqttClient::connected, this, [this, client] {
        setStatus(QStringLiteral("Test OK: the broker accepted the connection."), Qt::darkGreen);
        m_testButton->setEnabled(true);
        client->disconnectFromBroker();
    });
    connect(client, &MqttClient::errorOccurred, this,
            [this](MqttClient::Error, const QString &message) {
                setStatus(QStringLiteral("Test failed: %1").arg(message), Qt::red);
                m_testButton->setEnabled(true);
            });
    client->connectToBroker();
}

void MqttDialog::togglePublishing() {
    if (m_publisher->state() != SessionPublisher::State::Stopped) {
        m_publisher->stop();
        return;
    }
    const MqttOptions s = formSettings();
    // The same checks as the bridge's: a wildcard in a topic would make every publish fail.
    if (const QString problem = MqttOptionsMapping::problem(s); !problem.isEmpty()) {
        setStatus(QStringLiteral("Not started: %1.").arg(problem), Qt::red);
        return;
    }
    saveSettings();
    MqttBridge::Options bridge;
    MqttOptionsMapping::applyTopics(s, &bridge.ha);
    bridge.ha.hostId = QSysInfo::machineHostName();
    bridge.ha.pollIntervalMs = m_pollIntervalMs;
    bridge.ha.swVersion = QStringLiteral(BLUPOW_VERSION);
    // The integrated battery energy counters continue across GUI restarts, as the bridge's do.
    if (const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        !dir.isEmpty() && QDir().mkpath(dir))
        bridge.energyFile = QDir(dir).filePath(QStringLiteral("energy.json"));
    m_publisher->start(clientOptions(), bridge);
}

void MqttDialog::showPublisherState(SessionPublisher::State state, const QString &message) {
    const bool stopped = state == SessionPublisher::State::Stopped;
    m_publishButton->setText(stopped ? QStringLiteral("&Start Publishing")
                                     : QStringLiteral("&Stop Publishing"));
    m_publishButton->setEnabled(state != SessionPublisher::State::Stopping);
    QString text = publisherStateName(state);
    text[0] = text[0].toUpper();
    if (!message.isEmpty())
        text += QStringLiteral(": ") + message;
    const QColor colour = state == SessionPublisher::State::Publishing ? QColor(Qt::darkGreen)
                          : stopped                                    ? QColor(Qt::gray)
                                                                       : QColor(Qt::darkYellow);
    setStatus(text, colour);
}

} // namespace blupow
