#include "registerconsole.h"

#include "capture/frameannotator.h"
#include "device/devicesession.h"
#include "emptyhint.h"
#include "writeflow.h"

#include <QCheckBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <utility>

namespace blupow {

namespace {
enum Column { RegisterColumn, DecimalColumn, HexColumn, FieldColumn, ValueColumn, ColumnCount };
} // namespace

RegisterConsole::RegisterConsole(QWidget *parent)
    : QWidget(parent)
    , m_start(new QLineEdit(QStringLiteral("0x0100"), this))
    , m_count(new QSpinBox(this))
    , m_read(new QPushButton(QStringLiteral("&Read"), this))
    , m_status(new QLabel(this))
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_hint(new EmptyHint(m_table->viewport()))
    , m_expert(new QCheckBox(QStringLiteral("E&xpert mode"), this))
    , m_writeRow(new QWidget(this))
    , m_words(new QLineEdit(m_writeRow))
    , m_write(new QPushButton(QStringLiteral("&Write…"), m_writeRow))
    , m_flow(new WriteFlow(this, this)) {
    m_start->setToolTip(QStringLiteral("First register: 0x0100 (hex) or 256 (decimal)"));
    m_start->setMaxLength(6);
    m_count->setRange(1, modbus::kMaxReadCount);
    m_count->setValue(8);
    m_status->setWordWrap(true);
    m_table->setHorizontalHeaderLabels({QStringLiteral("Register"), QStringLiteral("Word"),
                                        QStringLiteral("Hex"), QStringLiteral("Field"),
                                        QStringLiteral("Map's reading")});
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_table->setAccessibleName(QStringLiteral("Registers read"));

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(QStringLiteral("Start:"), this));
    bar->addWidget(m_start);
    bar->addWidget(new QLabel(QStringLiteral("Count:"), this));
    bar->addWidget(m_count);
    bar->addWidget(m_read);
    bar->addStretch();
    bar->addWidget(m_expert);

    m_expert->setToolTip(QStringLiteral("Write raw registers outside the register map's ranges"));
    m_words->setPlaceholderText(QStringLiteral("0x008D or 141; several: 141 138"));
    m_words->setToolTip(QStringLiteral("Words to write from the start register on"));
    auto *writeBar = new QHBoxLayout(m_writeRow);
    writeBar->setContentsMargins(0, 0, 0, 0);
    auto *wordsLabel = new QLabel(QStringLiteral("W&ords:"), m_writeRow);
    wordsLabel->setBuddy(m_words);
    writeBar->addWidget(wordsLabel);
    writeBar->addWidget(m_words, 1);
    writeBar->addWidget(m_write);
    m_writeRow->hide();

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_writeRow);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);

    connect(m_read, &QPushButton::clicked, this, &RegisterConsole::read);
    connect(m_start, &QLineEdit::returnPressed, this, &RegisterConsole::read);
    connect(m_start, &QLineEdit::textEdited, this, [this] { m_startChosen = true; });
    connect(m_expert, &QCheckBox::toggled, this, &RegisterConsole::setExpertMode);
    connect(m_write, &QPushButton::clicked, this, &RegisterConsole::writeRaw);
    connect(m_words, &QLineEdit::returnPressed, this, &RegisterConsole::writeRaw);
    connect(m_flow, &WriteFlow::busyChanged, this, &RegisterConsole::updateEnabled);
    connect(m_flow, &WriteFlow::finished, this, &RegisterConsole::onWriteFinished);
    m_hint->watch(m_table->model());
    updateEnabled();
}

std::optional<QList<quint16>> RegisterConsole::parseWords(const QString &text) {
    static const QRegularExpression separators(QStringLiteral("[\\s,;]+"));
    QList<quint16> words;
    for (const QString &part : text.split(separators, Qt::SkipEmptyParts)) {
        const auto word = modbus::parseAddress(part);
        if (!word)
            return std::nullopt;
        words.append(*word);
    }
    if (words.isEmpty())
        return std::nullopt;
    return words;
}

bool RegisterConsole::isExpertMode() const {
    return m_expert->isChecked();
}

void RegisterConsole::setExpertMode(bool on) {
    const auto show = [this](bool shown) {
        const QSignalBlocker block(m_expert);
        m_expert->setChecked(shown);
        m_writeRow->setVisible(shown);
        updateEnabled();
    };
    if (!on) {
        show(false);
        return;
    }
    show(false); // until the person has read the warning and said yes
    m_flow->ask(
        QStringLiteral("Expert mode"),
        QStringLiteral("Expert mode writes raw registers. It ignores the register map's ranges "
                       "and read-only marks, so a wrong value can stop charging, damage a "
                       "battery or make the device unreachable until it is reset.\n\nStill "
                       "refused: the registers BluPow never writes (factory reset, shutdown, "
                       "address, lock). Every write is previewed, confirmed and read back.\n\n"
                       "Turn expert mode on?"),
        [show](bool yes) { show(yes); });
}

void RegisterConsole::writeRaw() {
    if (!m_session || !isExpertMode() || m_flow->isBusy())
        return;
    const auto start = modbus::parseAddress(m_start->text());
    const auto words = parseWords(m_words->text());
    if (!start || !words) {
        m_status->setText(QStringLiteral("Give a start register and one or more words, each "
                                         "0..65535 (decimal or 0x hex)."));
        return;
    }
    QString error;
    const QList<quint16> &values = *words;
    if (!m_flow->run(
            QStringLiteral("Write raw registers (expert mode)"),
            [start = *start, values](SettingsWriter &w, QString *why) {
                return w.prepareRaw(start, values, why);
            },
            &error)) {
        m_status->setText(QStringLiteral("Refused, nothing sent: %1").arg(error));
        return;
    }
    m_status->setText(QStringLiteral("Reading the current values before the preview…"));
}

void RegisterConsole::onWriteFinished(bool ok, const QString &message) {
    m_status->setText(ok ? QStringLiteral("Written and read back: %1.").arg(message)
                         : QStringLiteral("Not written: %1.").arg(message));
    const QList<SettingChange> changes = m_flow->changes();
    if (ok && !changes.isEmpty()) {
        // Show the registers as the device now holds them, under the outcome.
        m_writeOutcome = m_status->text();
        setRange(changes.first().request.start,
                 static_cast<quint16>(changes.first().newRaw.size()));
        read();
    }
}

QString RegisterConsole::statusText() const {
    return m_status->text();
}

void RegisterConsole::setSession(DeviceSession *session) {
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    m_pendingId = 0;
    // Words read from the last device are not this one's.
    m_table->setRowCount(0);
    m_hint->setText(
        session
            ? QStringLiteral("Press Read to see the registers from the start "
                             "register on, next to what the map makes of them.")
            : QStringLiteral("Not connected. Choose a device under Devices and press Connect "
                             "(Ctrl+Return), or open a capture (File > Open capture, Ctrl+O)."));
    m_flow->setSession(session);
    setExpertMode(false); // never carried over to another device
    if (session) {
        connect(session, &DeviceSession::exchangeFinished, this, &RegisterConsole::onExchange);
        connect(session, &DeviceSession::identified, this, &RegisterConsole::followFirstBlock);
        // Another device of the same link in focus (the device list's chooser): its registers.
        connect(session, &DeviceSession::focusChanged, this,
                [this, session] { setSession(session); });
        followFirstBlock();
    }
    m_status->setText(session ? QString()
                              : QStringLiteral("Connect to a device to read registers."));
    updateEnabled();
}

void RegisterConsole::followFirstBlock() {
    const RegisterMap *map = m_session ? m_session->map() : nullptr;
    if (m_startChosen || !map || !map->isModbus())
        return;
    const QList<ReadBlock> plan = map->readPlan(PollClass::Cycle);
    if (!plan.isEmpty())
        m_start->setText(QStringLiteral("0x%1").arg(plan.first().start, 4, 16, QLatin1Char('0')));
}

void RegisterConsole::setRange(quint16 start, quint16 count) {
    m_start->setText(QStringLiteral("0x%1").arg(start, 4, 16, QLatin1Char('0')));
    m_count->setValue(count);
}

void RegisterConsole::read() {
    if (!m_session)
        return;
    const auto start = modbus::parseAddress(m_start->text());
    if (!start) {
        m_status->setText(QStringLiteral("Start register must be 0..65535 (0x0000..0xffff)."));
        return;
    }
    const auto count = static_cast<quint16>(m_count->value());
    if (int(*start) + count > 0x10000) {
        m_status->setText(QStringLiteral("The range runs past register 0xffff."));
        return;
    }
    m_pendingId = m_session->readRegisters(*start, count);
    m_status->setText(QStringLiteral("Reading %1 registers from 0x%2…")
                          .arg(count)
                          .arg(*start, 4, 16, QLatin1Char('0')));
    updateEnabled();
}

void RegisterConsole::onExchange(const Exchange &exchange) {
    if (exchange.id != m_pendingId || m_pendingId == 0)
        return;
    m_pendingId = 0;
    updateEnabled();
    const QString outcome = std::exchange(m_writeOutcome, {});
    const QString prefix = outcome.isEmpty() ? QString() : outcome + QLatin1Char('\n');
    if (exchange.outcome != Exchange::Outcome::Ok) {
        m_status->setText(prefix + QStringLiteral("Read failed: %1")
                                       .arg(exchange.error.isEmpty()
                                                ? modbus::describe(exchange.response)
                                                : exchange.error));
        return;
    }
    // The annotator already pairs words with the map's fields (multi-word values decoded whole,
    // fields cut by the range edge left raw), so the console and the frames panel agree.
    const RegisterMap *map = m_session ? m_session->map() : nullptr;
    const ByteAnnotations annotations =
        FrameAnnotator::annotateResponse(exchange.responseFrame, exchange.request, map);
    m_table->setRowCount(0);
    const QList<quint16> &words = exchange.response.words;
    for (const ByteAnnotation &a : annotations) {
        if (a.kind != ByteAnnotation::Kind::Value || a.reg < 0)
            continue;
        const int first = a.reg - exchange.request.start;
        const int wordCount = std::max(1, a.length / 2);
        for (int w = 0; w < wordCount && first + w < words.size(); ++w) {
            const int reg = a.reg + w;
            const quint16 word = words.at(first + w);
            const int row = m_table->rowCount();
            m_table->insertRow(row);
            const QStringList cells{
                QStringLiteral("%1 (0x%2)").arg(reg).arg(reg, 4, 16, QLatin1Char('0')),
                QString::number(word),
                QStringLiteral("0x%1").arg(word, 4, 16, QLatin1Char('0')),
                w == 0
                    ? (a.key.isEmpty() ? QString() : QStringLiteral("%1 (%2)").arg(a.label, a.key))
                    : QStringLiteral("  ″"),
                w == 0 ? (a.value.isEmpty() ? a.text : a.value) : QString(),
            };
            for (int c = 0; c < ColumnCount; ++c)
                m_table->setItem(row, c, new QTableWidgetItem(cells.at(c)));
        }
    }
    m_status->setText(QStringLiteral("%1Read %2 registers from 0x%3 in %4 ms.")
                          .arg(prefix)
                          .arg(words.size())
                          .arg(exchange.request.start, 4, 16, QLatin1Char('0'))
                          .arg(exchange.roundTripMs, 0, 'f', 0));
}

void RegisterConsole::updateEnabled() {
    m_read->setEnabled(m_session && m_pendingId == 0);
    m_expert->setEnabled(m_session != nullptr);
    m_write->setEnabled(m_session && isExpertMode() && !m_flow->isBusy());
}

} // namespace blupow
