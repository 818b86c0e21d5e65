#include "mqttdialog.h"

#include "parse/numberparse.h"
#include "passwordstore.h"
#include "preferences/appsettings.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStandardPaths>
#include <QSysInfo>
#include <QToolButton>
#include <QVBoxLayout>

#include <functional>

namespace blupow {

namespace {

const QString kPasswordKey = QStringLiteral("mqtt-password");
constexpr int kTestTimeoutMs = 5000;
constexpr int kMinPort = 1;
constexpr int kMaxPort = 65535;

// QSpinBox refuses the keystroke that takes a number out of range, so typing 70000 left 7000,
// a port nobody asked for. Digits stay as typed (the dialog refuses them in words); when the
// spin box puts the last good port back on leaving the field, `refused` hears what was typed.
class PortSpinBox : public QSpinBox {
public:
    using QSpinBox::QSpinBox;
    std::function<void(const QString &typed)> refused;
    // Typing an out-of-range number changes no value, so only the editor says it happened.
    [[nodiscard]] QLineEdit *editor() const { return lineEdit(); }

protected:
    QValidator::State validate(QString &input, int &pos) const override {
        const QValidator::State state = QSpinBox::validate(input, pos);
        static const QRegularExpression digits(QStringLiteral("^\\s*\\d+\\s*$"));
        if (state == QValidator::Invalid && digits.match(input).hasMatch())
            return QValidator::Intermediate;
        return state;
    }
    void focusOutEvent(QFocusEvent *event) override {
        const QString typed = cleanText();
        QSpinBox::focusOutEvent(event);
        reportCorrection(typed);
    }
    void keyPressEvent(QKeyEvent *event) override {
        const QString typed = cleanText();
        QSpinBox::keyPressEvent(event);
        if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter)
            reportCorrection(typed);
    }

private:
    void reportCorrection(const QString &typed) {
        if (typed != cleanText() && refused)
            refused(typed);
    }
};

} // namespace

MqttDialog::MqttDialog(AppSettings &settings, SessionPublisher *publisher, PasswordStore *passwords,
                       int pollIntervalMs, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_publisher(publisher)
    , m_passwords(passwords)
    , m_pollIntervalMs(pollIntervalMs)
    , m_host(new QLineEdit(this))
    , m_port(new PortSpinBox(this))
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
    , m_publishSimulated(new QCheckBox(
          QStringLiteral("Also publish simulated devices (named SIMULATED in Home Assistant)"),
          this))
    , m_indicator(new QLabel(this))
    , m_status(new QLabel(this))
    , m_testButton(new QPushButton(QStringLiteral("&Test"), this))
    , m_publishButton(new QPushButton(this)) {
    setWindowTitle(QStringLiteral("Publish to Home Assistant"));
    m_port->setRange(kMinPort, kMaxPort);
    m_port->setCorrectionMode(QAbstractSpinBox::CorrectToPreviousValue);
    // The port in use changes when the field is left, not at each digit (7000 on the way to
    // 70000), so a refused port falls back to the one the dialog had before.
    m_port->setKeyboardTracking(false);
    m_password->setEchoMode(QLineEdit::Password);
    m_keychain->setWordWrap(true);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_host->setPlaceholderText(QStringLiteral("homeassistant.local"));
    m_host->setObjectName(QStringLiteral("mqttHost"));

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
    form->addRow(QString(), m_publishSimulated);
    // Wrapped rather than cut when the dialog is narrower than its labels.
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    m_publishSimulated->setToolTip(QStringLiteral(
        "Off: a simulated device is never sent to the broker, so it cannot appear in Home "
        "Assistant as real equipment."));
    m_publishSimulated->setChecked(m_publisher->publishesSimulated());
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
    connect(m_publishSimulated, &QCheckBox::toggled, m_publisher,
            &SessionPublisher::setPublishSimulated);
    for (QLineEdit *edit :
         {m_host, m_user, m_password, m_ca, m_cert, m_key, m_baseTopic, m_discoveryPrefix})
        connect(edit, &QLineEdit::textEdited, this, &MqttDialog::formEdited);
    for (QCheckBox *box : {m_tls, m_verify})
        connect(box, &QCheckBox::clicked, this, &MqttDialog::formEdited);
    auto *port = static_cast<PortSpinBox *>(m_port);
    connect(port->editor(), &QLineEdit::textEdited, this, &MqttDialog::formEdited);
    port->refused = [this](const QString &typed) {
        setStatus(QStringLiteral("Port %1 refused (a port is %2 to %3); the port stays %4.")
                      .arg(typed.isEmpty() ? QStringLiteral("(empty)") : typed)
                      .arg(kMinPort)
                      .arg(kMaxPort)
                      .arg(m_port->value()),
                  Qt::red);
    };
    connect(m_passwords, &PasswordStore::availabilityChanged, this,
            [this](PasswordStore::Availability a) {
                m_keychain->setText(
                    a == PasswordStore::Availability::Available
                        ? QStringLiteral("The password is kept in the system keychain.")
                        : QStringLiteral("No keychain service is available: the password is "
                                         "not saved and is needed again next time."));
                fitHeight();
            });
    connect(m_passwords, &PasswordStore::loaded, this,
            [this](const QString &key, const QString &password) {
                if (key == kPasswordKey && m_password->text().isEmpty())
                    m_password->setText(password);
            });
    m_passwords->load(kPasswordKey);
    showPublisherState(m_publisher->state(), m_publisher->message());
    const QFontMetrics fm(font());
    resize(fm.averageCharWidth() * 70, sizeHint().height());
    fitHeight();
}

void MqttDialog::resizeEvent(QResizeEvent *event) {
    QDialog::resizeEvent(event);
    fitHeight();
}

void MqttDialog::fitHeight() {
    if (!layout() || !layout()->hasHeightForWidth())
        return;
    // Nested layouts keep their height-for-width until activated; a new text has not been.
    layout()->activate();
    const int needed = layout()->totalHeightForWidth(width());
    setMinimumHeight(needed);
    if (height() < needed)
        resize(width(), needed);
}

std::optional<int> MqttDialog::typedPort() const {
    const auto port = parseInteger(m_port->cleanText().trimmed(), kMinPort, kMaxPort);
    if (!port)
        return std::nullopt;
    return static_cast<int>(*port);
}

bool MqttDialog::checkPort() {
    if (typedPort())
        return true;
    const QString typed = m_port->cleanText().trimmed();
    setStatus(QStringLiteral("Port %1 is not a port: enter a number from %2 to %3 (1883, or 8883 "
                             "with TLS).")
                  .arg(typed.isEmpty() ? QStringLiteral("(empty)") : typed)
                  .arg(kMinPort)
                  .arg(kMaxPort),
              Qt::red);
    m_testButton->setEnabled(false);
    m_publishButton->setEnabled(m_publisher->state() != SessionPublisher::State::Stopped);
    return false;
}

void MqttDialog::formEdited() {
    // A Test still running was for the old values; its answer would say nothing about these.
    m_testClient.reset();
    m_testButton->setEnabled(true);
    showPublisherState(m_publisher->state(), m_publisher->message());
    checkPort();
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
    fitHeight();
}

void MqttDialog::updateTlsEnabled() {
    const bool tls = m_tls->isChecked();
    for (QWidget *w : std::initializer_list<QWidget *>{m_ca, m_cert, m_key, m_verify})
        w->setEnabled(tls);
}

void MqttDialog::saveSettings() {
    m_settings.setMqtt(formSettings());
    m_settings.sync();
    if (m_passwords->availability() != PasswordStore::Availability::Unavailable)
        m_passwords->save(kPasswordKey, m_password->text());
}

void MqttDialog::test() {
    if (!checkPort())
        return;
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
    if (!checkPort())
        return;
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
