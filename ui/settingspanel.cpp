#include "settingspanel.h"

#include "config/snapshotreader.h"
#include "config/writepolicy.h"
#include "device/devicesession.h"
#include "numberfield.h"
#include "settingsbackup.h"
#include "writeflow.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QTableWidget>
#include <QTime>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace blupow {

namespace {

constexpr int kKeyRole = Qt::UserRole;

QList<const FieldDef *> settingFields(const RegisterMap &map) {
    QList<const FieldDef *> fields;
    for (const FieldDef &f : map.fields()) {
        if (f.writable && !WritePolicy::forbiddenReason(map.family(), f.reg))
            fields.append(&f);
    }
    return fields;
}

// An enum value as a person reads it: the map's plain label, else the value's name with a
// capital ("gel" -> "Gel").
QString choiceText(const FieldDef &f, int number) {
    if (const auto label = f.enumLabels.constFind(number); label != f.enumLabels.cend())
        return *label;
    const QString name = f.enumValues.value(number);
    return name.isEmpty() ? name : name.at(0).toUpper() + name.mid(1);
}

// The editor's resolution: the field's step, else one register count (the scale).
double stepOf(const FieldDef &f) {
    return f.step > 0 ? f.step : f.scale;
}

int decimalsFor(const FieldDef &f) {
    int decimals = 0;
    for (double s = stepOf(f); decimals < 4 && std::abs(s - std::round(s)) > 1e-9; s *= 10)
        ++decimals;
    return std::max(decimals, f.decimals);
}

QString numberText(const FieldDef &f, double x) {
    return QString::number(x, 'f', decimalsFor(f));
}

QString allowedText(const FieldDef &f) {
    if (!f.enumValues.isEmpty()) {
        QStringList choices;
        for (auto it = f.enumValues.cbegin(); it != f.enumValues.cend(); ++it)
            choices.append(choiceText(f, it.key()));
        return choices.join(QLatin1String(", "));
    }
    const QString unit = f.unit.isEmpty() ? QString() : QLatin1Char(' ') + f.unit;
    QString text = QStringLiteral("%1 to %2%3")
                       .arg(numberText(f, f.min.value_or(0)),
                            numberText(f, f.max.value_or(65535 * f.scale)), unit);
    if (const double step = stepOf(f); step > 0 && step != 1.0)
        text += QStringLiteral(", in steps of %1%2").arg(numberText(f, step), unit);
    return text;
}

// What a developer needs and an owner does not: the key the JSON output and MQTT use, the
// register, the map's note and its sources.
QString expertText(const FieldDef &f) {
    QString text = QStringLiteral("Key %1, register %2 (0x%3)")
                       .arg(f.key)
                       .arg(f.reg)
                       .arg(f.reg, 4, 16, QLatin1Char('0'));
    if (!f.note.isEmpty())
        text += QStringLiteral("\nNote: %1").arg(f.note);
    if (!f.source.isEmpty())
        text += QStringLiteral("\nSources: %1").arg(f.source);
    return text;
}

QWidget *makeEditor(const FieldDef &f, QWidget *parent) {
    if (!f.enumValues.isEmpty()) {
        auto *combo = new QComboBox(parent);
        for (auto it = f.enumValues.cbegin(); it != f.enumValues.cend(); ++it) {
            combo->addItem(choiceText(f, it.key()), it.value());
            combo->setItemData(combo->count() - 1,
                               QStringLiteral("%1 = %2").arg(it.value()).arg(it.key()),
                               Qt::ToolTipRole);
        }
        combo->setAccessibleName(f.label);
        return combo;
    }
    auto *field =
        new NumberField(f.label, NumberRange{f.min.value_or(0), f.max.value_or(65535 * f.scale)},
                        stepOf(f), decimalsFor(f), f.unit, parent);
    return field;
}

} // namespace

SettingsPanel::SettingsPanel(QWidget *parent)
    : QWidget(parent)
    , m_status(new QLabel(this))
    , m_refresh(new QPushButton(QStringLiteral("Re&fresh"), this))
    , m_unlock(new QCheckBox(QStringLiteral("&Unlock changes"), this))
    , m_revert(new QPushButton(QStringLiteral("Re&vert"), this))
    , m_backupMenu(new QToolButton(this))
    , m_backUp(new QAction(QStringLiteral("&Back up to a file…"), this))
    , m_restore(new QAction(QStringLiteral("Re&store from a file…"), this))
    , m_apply(new QPushButton(QStringLiteral("&Apply changes…"), this))
    , m_problems(new QLabel(this))
    , m_loadBox(new QGroupBox(QStringLiteral("Load output"), this))
    , m_loadState(new QLabel(m_loadBox))
    , m_loadOn(new QPushButton(QStringLiteral("Turn o&n…"), m_loadBox))
    , m_loadOff(new QPushButton(QStringLiteral("Turn o&ff…"), m_loadBox))
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_flow(new WriteFlow(this, this))
    , m_backup(new SettingsBackup(m_flow, this)) {
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problems->setWordWrap(true);
    m_problems->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problems->setStyleSheet(QStringLiteral("QLabel { color: #c62828; }"));
    m_problems->hide();
    m_unlock->setToolTip(QStringLiteral(
        "Settings are locked so that a stray click or key cannot change a charge setting. "
        "Every change is still previewed and confirmed before it is sent."));
    m_apply->setToolTip(
        QStringLiteral("Check the new values, show what changes, ask, write, read back"));
    m_revert->setToolTip(QStringLiteral("Put the device's values back into every editor"));
    m_backupMenu->setText(QStringLiteral("Bac&kup"));
    m_backupMenu->setPopupMode(QToolButton::InstantPopup);
    m_backupMenu->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *backupMenu = new QMenu(m_backupMenu);
    backupMenu->addAction(m_backUp);
    backupMenu->addAction(m_restore);
    m_backupMenu->setMenu(backupMenu);
    m_backUp->setToolTip(
        QStringLiteral("Save every setting and the device's identity to a file (the same file as "
                       "blupow-cli backup)"));
    m_restore->setToolTip(QStringLiteral(
        "Compare a backup with the device and write back the settings that differ, after a "
        "preview and your confirmation"));
    m_table->setHorizontalHeaderLabels({QStringLiteral("Setting"), QStringLiteral("Device"),
                                        QStringLiteral("New value"), QStringLiteral("Unit"),
                                        QStringLiteral("Allowed"), QStringLiteral("What it does")});
    m_table->verticalHeader()->hide();
    // Long plain-words text wraps in its row instead of widening the table past the window:
    // the description takes what is left, the list of choices at most a third of it.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setSectionResizeMode(AboutColumn, QHeaderView::Stretch);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setWordWrap(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAccessibleName(QStringLiteral("Device settings"));

    auto *load = new QHBoxLayout(m_loadBox);
    load->addWidget(m_loadState, 1);
    load->addWidget(m_loadOn);
    load->addWidget(m_loadOff);
    m_loadBox->hide();

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_refresh);
    bar->addWidget(m_unlock);
    bar->addWidget(m_backupMenu);
    bar->addStretch();
    bar->addWidget(m_revert);
    bar->addWidget(m_apply);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_status);
    layout->addWidget(m_problems);
    layout->addWidget(m_loadBox);
    layout->addWidget(m_table, 1);

    connect(m_refresh, &QPushButton::clicked, this, &SettingsPanel::refresh);
    connect(m_unlock, &QCheckBox::toggled, this, [this](bool on) { setLocked(!on); });
    connect(m_apply, &QPushButton::clicked, this, &SettingsPanel::apply);
    connect(m_revert, &QPushButton::clicked, this, &SettingsPanel::revert);
    connect(m_backUp, &QAction::triggered, this, &SettingsPanel::backUpToFile);
    connect(m_restore, &QAction::triggered, this, &SettingsPanel::restoreFromFile);
    connect(m_loadOn, &QPushButton::clicked, this, [this] { switchLoad(true); });
    connect(m_loadOff, &QPushButton::clicked, this, [this] { switchLoad(false); });
    connect(m_flow, &WriteFlow::busyChanged, this, &SettingsPanel::updateEnabled);
    connect(m_flow, &WriteFlow::finished, this, &SettingsPanel::onWriteFinished);
    connect(m_backup, &SettingsBackup::finished, this, &SettingsPanel::onBackupFinished);
    connect(m_backup, &SettingsBackup::restoreOffered, this,
            [this](int writable, const QStringList &readOnly) {
                setStatus(QStringLiteral("Restore: %1 setting(s) differ from the backup; "
                                         "waiting for your answer.%2")
                              .arg(writable)
                              .arg(readOnly.isEmpty()
                                       ? QString()
                                       : QStringLiteral(" Not written (read-only): %1.")
                                             .arg(readOnly.join(QLatin1String("; ")))));
            });
    setSession(nullptr);
}

SettingsPanel::~SettingsPanel() = default;

QString SettingsPanel::statusText() const {
    return m_status->text();
}

void SettingsPanel::setStatus(const QString &text) {
    m_status->setText(text);
}

bool SettingsPanel::isLocked() const {
    return !m_unlock->isChecked();
}

bool SettingsPanel::hasLoadSwitch() const {
    return !m_loadBox->isHidden();
}

void SettingsPanel::setSession(DeviceSession *session) {
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_reader.reset();
    m_session = session;
    m_flow->setSession(session);
    m_backup->setSession(session);
    m_haveSnapshot = false;
    m_snapshot = {};
    m_outcome.clear();
    m_verified.clear();
    m_unlock->setChecked(false);
    if (session) {
        connect(session, &DeviceSession::identified, this, [this] {
            rebuild();
            refresh();
        });
        // Another device of the same link in focus (the device list's chooser): its settings.
        connect(session, &DeviceSession::focusChanged, this,
                [this, session] { setSession(session); });
        connect(session, &DeviceSession::valuesUpdated, this, [this](const DecodedValues &values) {
            for (const DecodedValue &v : values) {
                if (v.key == QLatin1String("load_state"))
                    m_loadState->setText(v.quality == Quality::Good
                                             ? QStringLiteral("Now: %1").arg(v.displayText())
                                             : QStringLiteral("Now: unknown (not read)"));
            }
        });
    }
    rebuild();
    if (session && session->map())
        refresh();
}

const FieldDef *SettingsPanel::rowField(int row) const {
    const RegisterMap *map = m_session ? m_session->map() : nullptr;
    return map ? map->field(m_table->item(row, SettingColumn)->data(kKeyRole).toString()) : nullptr;
}

void SettingsPanel::rebuild() {
    m_table->setRowCount(0);
    const RegisterMap *map = m_session ? m_session->map() : nullptr;
    m_loadBox->setVisible(map && map->family() == Family::Controller &&
                          map->field(QStringLiteral("load_state")));
    m_loadState->setText(QStringLiteral("Now: unknown (not read)"));
    if (!map) {
        setStatus(m_session ? QStringLiteral("Identifying the device…")
                            : QStringLiteral("Connect to a device to see its settings."));
        updateEnabled();
        return;
    }
    const QList<const FieldDef *> fields = settingFields(*map);
    if (fields.isEmpty())
        setStatus(QStringLiteral("The %1 map has no settings BluPow can change.")
                      .arg(familyName(map->family())));
    for (const FieldDef *f : fields) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        auto *name = new QTableWidgetItem(f->label);
        name->setData(kKeyRole, f->key);
        name->setToolTip(expertText(*f));
        m_table->setItem(row, SettingColumn, name);
        m_table->setItem(row, CurrentColumn, new QTableWidgetItem(QStringLiteral("…")));
        m_table->setItem(row, UnitColumn, new QTableWidgetItem(f->unit));
        m_table->setItem(row, AllowedColumn, new QTableWidgetItem(allowedText(*f)));
        auto *about = new QTableWidgetItem(f->help);
        about->setToolTip(expertText(*f));
        m_table->setItem(row, AboutColumn, about);
        QWidget *editor = makeEditor(*f, m_table);
        if (auto *number = qobject_cast<NumberField *>(editor))
            connect(number, &NumberField::valueEdited, this, [this, row] { markChanged(row); });
        else if (auto *combo = qobject_cast<QComboBox *>(editor))
            connect(combo, &QComboBox::currentIndexChanged, this,
                    [this, row] { markChanged(row); });
        m_table->setCellWidget(row, NewColumn, editor);
    }
    fitColumns();
    updateEnabled();
}

void SettingsPanel::fitColumns() {
    for (int column = 0; column < AboutColumn; ++column)
        m_table->resizeColumnToContents(column);
    QHeaderView *header = m_table->horizontalHeader();
    const int allowedMax = std::max(160, m_table->viewport()->width() / 5);
    if (header->sectionSize(AllowedColumn) > allowedMax)
        header->resizeSection(AllowedColumn, allowedMax);
}

void SettingsPanel::refresh() {
    if (!m_session || !m_session->map() || m_flow->isBusy() || m_backup->isBusy())
        return;
    m_reader = std::make_unique<SnapshotReader>(m_session);
    connect(m_reader.get(), &SnapshotReader::finished, this, &SettingsPanel::onSnapshot);
    connect(m_reader.get(), &SnapshotReader::failed, this, [this](const QString &message) {
        setStatus(QStringLiteral("Reading the settings failed: %1. Values shown are from the "
                                 "last successful read, if any.")
                      .arg(message));
        updateEnabled();
    });
    QString error;
    if (!m_reader->start(&error)) {
        setStatus(error);
        m_reader.reset();
        return;
    }
    setStatus(m_outcome.isEmpty()
                  ? QStringLiteral("Reading the settings from the device…")
                  : m_outcome + QStringLiteral("\nReading the settings from the device…"));
    updateEnabled();
}

void SettingsPanel::showDeviceValue(int row, const Snapshot::Entry &e) {
    QWidget *editor = m_table->cellWidget(row, NewColumn);
    const QSignalBlocker block(editor);
    if (auto *number = qobject_cast<NumberField *>(editor))
        number->setValue(e.value.toDouble());
    else if (auto *combo = qobject_cast<QComboBox *>(editor))
        combo->setCurrentIndex(combo->findData(e.value.toString()));
}

void SettingsPanel::onSnapshot(const Snapshot &snapshot) {
    // What the person typed and has not been written stays: a cancelled preview, a refusal or a
    // re-read must not throw their edits away.
    QStringList keep = m_haveSnapshot ? changedKeys() : QStringList{};
    keep.removeIf([this](const QString &key) { return m_verified.contains(key); });
    m_verified.clear();
    m_snapshot = snapshot;
    m_haveSnapshot = true;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QString key = m_table->item(row, SettingColumn)->data(kKeyRole).toString();
        const Snapshot::Entry *e = snapshot.entry(key);
        QTableWidgetItem *current = m_table->item(row, CurrentColumn);
        const FieldDef *f = rowField(row);
        QString text = e ? e->text : QStringLiteral("not read");
        if (e && f && !f->enumValues.isEmpty())
            text = choiceText(*f, f->enumValues.key(e->value.toString(), -1));
        current->setText(text);
        DecodedValue raw;
        if (e)
            raw.raw = e->raw;
        current->setToolTip(e ? QStringLiteral("%1, raw %2").arg(e->text, raw.rawHex())
                              : QStringLiteral("The device did not answer for this register."));
        if (e && !keep.contains(key))
            showDeviceValue(row, *e);
        markChanged(row);
    }
    const QStringList skipped = m_reader ? m_reader->skippedBlocks() : QStringList{};
    const QString refused =
        skipped.isEmpty()
            ? QString()
            : QStringLiteral(" Refused by the device: %1.").arg(skipped.join(QLatin1String("; ")));
    const QString kept =
        keep.isEmpty() ? QString()
                       : QStringLiteral(" Your edits are kept (not written): %1.").arg(keep.size());
    setStatus(QStringLiteral("%1%2 settings of %3, read at %4.%5%6")
                  .arg(m_outcome.isEmpty() ? QString() : m_outcome + QLatin1Char('\n'),
                       QString::number(m_table->rowCount()),
                       snapshot.model.isEmpty() ? familyName(snapshot.family) : snapshot.model,
                       QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), refused, kept));
    fitColumns();
    updateEnabled();
}

QVariant SettingsPanel::editorValue(int row) const {
    QWidget *editor = m_table->cellWidget(row, NewColumn);
    if (auto *number = qobject_cast<NumberField *>(editor)) {
        const auto x = number->value();
        return x ? QVariant(*x) : QVariant();
    }
    if (auto *combo = qobject_cast<QComboBox *>(editor))
        return combo->currentData();
    return {};
}

bool SettingsPanel::rowChanged(int row) const {
    if (!m_haveSnapshot)
        return false;
    const Snapshot::Entry *e =
        m_snapshot.entry(m_table->item(row, SettingColumn)->data(kKeyRole).toString());
    if (!e)
        return false;
    QWidget *editor = m_table->cellWidget(row, NewColumn);
    if (const auto *number = qobject_cast<NumberField *>(editor)) {
        const auto x = number->value();
        const FieldDef *f = rowField(row);
        // Anything typed that is not the device's value is an edit, a wrong one included.
        return !x || !f || numberText(*f, *x) != numberText(*f, e->value.toDouble());
    }
    return editorValue(row).toString() != e->value.toString();
}

QString SettingsPanel::rowProblem(int row) const {
    if (!rowChanged(row))
        return {};
    if (const auto *number = qobject_cast<NumberField *>(m_table->cellWidget(row, NewColumn));
        number && !number->isValid())
        return number->error();
    // The writer's own check (step, register resolution), without sending anything.
    const FieldDef *f = rowField(row);
    if (!f || !m_session || !m_session->map())
        return {};
    QString error;
    if (SettingsWriter::plan(*m_session->map(), 0xFF,
                             SettingTarget{f->key, -1, editorValue(row), std::nullopt}, &error))
        return {};
    // The writer names the field by key and register; the panel by its label.
    const qsizetype colon = error.indexOf(QLatin1String(": "));
    return QStringLiteral("%1: %2").arg(f->label, colon < 0 ? error : error.mid(colon + 2));
}

QStringList SettingsPanel::problems() const {
    QStringList out;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (const QString problem = rowProblem(row); !problem.isEmpty())
            out.append(problem);
    }
    return out;
}

void SettingsPanel::markChanged(int row) {
    QFont font = m_table->item(row, SettingColumn)->font();
    font.setBold(rowChanged(row));
    m_table->item(row, SettingColumn)->setFont(font);
    const QStringList now = problems();
    m_problems->setText(
        now.isEmpty() ? QString()
                      : QStringLiteral("Cannot apply: %1").arg(now.join(QLatin1String("\n"))));
    m_problems->setVisible(!now.isEmpty());
    updateEnabled();
}

QStringList SettingsPanel::keys() const {
    QStringList out;
    for (int row = 0; row < m_table->rowCount(); ++row)
        out.append(m_table->item(row, SettingColumn)->data(kKeyRole).toString());
    return out;
}

int SettingsPanel::rowOf(const QString &key) const {
    return static_cast<int>(keys().indexOf(key));
}

QString SettingsPanel::currentText(const QString &key) const {
    const int row = rowOf(key);
    return row < 0 || !m_haveSnapshot ? QString() : m_table->item(row, CurrentColumn)->text();
}

QString SettingsPanel::editorText(const QString &key) const {
    const int row = rowOf(key);
    if (row < 0)
        return {};
    QWidget *editor = m_table->cellWidget(row, NewColumn);
    if (auto *number = qobject_cast<NumberField *>(editor))
        return number->text();
    if (auto *combo = qobject_cast<QComboBox *>(editor))
        return combo->currentText();
    return {};
}

QStringList SettingsPanel::changedKeys() const {
    QStringList out;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (rowChanged(row))
            out.append(m_table->item(row, SettingColumn)->data(kKeyRole).toString());
    }
    return out;
}

bool SettingsPanel::setNewValue(const QString &key, const QVariant &value) {
    const int row = rowOf(key);
    if (row < 0 || isLocked())
        return false;
    QWidget *editor = m_table->cellWidget(row, NewColumn);
    if (auto *number = qobject_cast<NumberField *>(editor)) {
        number->setText(value.toString());
        return number->isValid();
    }
    if (auto *combo = qobject_cast<QComboBox *>(editor)) {
        const int index = combo->findData(value.toString());
        if (index < 0)
            return false;
        combo->setCurrentIndex(index);
        return true;
    }
    return false;
}

void SettingsPanel::setLocked(bool locked) {
    if (m_unlock->isChecked() == locked) {
        const QSignalBlocker block(m_unlock);
        m_unlock->setChecked(!locked);
    }
    updateEnabled();
}

void SettingsPanel::revert() {
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (const Snapshot::Entry *e =
                m_snapshot.entry(m_table->item(row, SettingColumn)->data(kKeyRole).toString()))
            showDeviceValue(row, *e);
        markChanged(row);
    }
}

void SettingsPanel::apply() {
    if (isLocked() || !m_haveSnapshot)
        return;
    m_outcome.clear();
    if (const QStringList now = problems(); !now.isEmpty()) {
        setStatus(QStringLiteral("Not sent: %1").arg(now.join(QLatin1String("; "))));
        return;
    }
    QList<SettingTarget> targets;
    for (const QString &key : changedKeys())
        targets.append(SettingTarget{key, -1, editorValue(rowOf(key)), std::nullopt});
    if (targets.isEmpty()) {
        setStatus(QStringLiteral("Nothing changed: edit a value in the New value column first."));
        return;
    }
    QString error;
    SettingsWriter::Options options;
    options.skipUnchanged = true; // the device may have changed since the last read
    if (!m_flow->run(
            QStringLiteral("Change settings"),
            [&targets, &options](SettingsWriter &w, QString *why) {
                return w.prepare(targets, options, why);
            },
            &error)) {
        setStatus(QStringLiteral("Refused, nothing sent: %1").arg(error));
        return;
    }
    setStatus(QStringLiteral("Reading the current values before the preview…"));
}

void SettingsPanel::switchLoad(bool on) {
    if (isLocked() || !hasLoadSwitch())
        return;
    m_outcome.clear();
    QString error;
    if (!m_flow->run(
            on ? QStringLiteral("Turn the load output on")
               : QStringLiteral("Turn the load output off"),
            [on](SettingsWriter &w, QString *why) { return w.prepareLoadSwitch(on, why); }, &error))
        setStatus(QStringLiteral("Refused, nothing sent: %1").arg(error));
}

void SettingsPanel::onWriteFinished(bool ok, const QString &message) {
    QStringList lines{ok ? QStringLiteral("Done: %1.").arg(message)
                         : QStringLiteral("Not done: %1.").arg(message)};
    for (const SettingChange &c : m_flow->changes()) {
        if (c.status == SettingChange::Status::Verified && !c.isRaw())
            m_verified.append(c.field.key);
        if (c.status != SettingChange::Status::Planned)
            lines.append(QStringLiteral("%1: %2").arg(c.title.isEmpty() ? c.name : c.title,
                                                      settingStatusName(c.status)));
    }
    m_outcome = lines.join(QLatin1Char('\n'));
    setStatus(m_outcome);
    refresh(); // what the device holds now, whatever happened
}

bool SettingsPanel::backUpTo(const QString &path) {
    QString error;
    if (!m_backup->backUp(path, &error)) {
        setStatus(QStringLiteral("Backup not started: %1").arg(error));
        return false;
    }
    setStatus(QStringLiteral("Reading every setting for the backup…"));
    updateEnabled();
    return true;
}

bool SettingsPanel::restoreFrom(const QString &path) {
    if (isLocked()) {
        setStatus(QStringLiteral("Unlock changes first: a restore writes to the device."));
        return false;
    }
    m_outcome.clear();
    QString error;
    if (!m_backup->restore(path, &error)) {
        setStatus(QStringLiteral("Not restored, nothing sent: %1").arg(error));
        return false;
    }
    setStatus(QStringLiteral("Reading the device to compare it with the backup…"));
    updateEnabled();
    return true;
}

void SettingsPanel::onBackupFinished(bool ok, const QString &message) {
    m_outcome = ok ? QStringLiteral("Done: %1.").arg(message)
                   : QStringLiteral("Not done: %1.").arg(message);
    setStatus(m_outcome);
    updateEnabled();
}

// Non-modal dialogs: the link keeps being polled while the person picks a file.
void SettingsPanel::backUpToFile() {
    askForFile(QStringLiteral("Back up the device's settings"), QFileDialog::AcceptSave,
               [this](const QString &path) { backUpTo(path); });
}

void SettingsPanel::restoreFromFile() {
    askForFile(QStringLiteral("Restore settings from a backup"), QFileDialog::AcceptOpen,
               [this](const QString &path) { restoreFrom(path); });
}

void SettingsPanel::askForFile(const QString &title, int acceptMode,
                               const std::function<void(const QString &)> &chosen) {
    auto *dialog =
        new QFileDialog(this, title, QDir::homePath(), QStringLiteral("BluPow backups (*.json)"));
    dialog->setAcceptMode(static_cast<QFileDialog::AcceptMode>(acceptMode));
    if (acceptMode == QFileDialog::AcceptSave)
        dialog->setDefaultSuffix(QStringLiteral("json"));
    else
        dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, chosen);
    dialog->open();
}

void SettingsPanel::updateEnabled() {
    const bool identified = m_session && m_session->map();
    const bool reading =
        (m_reader && m_reader->state() == SnapshotReader::State::Reading) || m_backup->isBusy();
    const bool busy = m_flow->isBusy();
    const bool editable = identified && !isLocked() && !busy && m_haveSnapshot;
    m_refresh->setEnabled(identified && !busy && !reading);
    m_unlock->setEnabled(identified);
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (QWidget *editor = m_table->cellWidget(row, NewColumn))
            editor->setEnabled(editable);
    }
    const bool edited = !changedKeys().isEmpty();
    m_apply->setEnabled(editable && edited && problems().isEmpty());
    m_revert->setEnabled(editable && edited);
    m_backUp->setEnabled(identified && !busy && !reading);
    m_restore->setEnabled(identified && !isLocked() && !busy && !reading);
    m_backupMenu->setEnabled(identified && !busy && !reading);
    m_loadOn->setEnabled(identified && !isLocked() && !busy);
    m_loadOff->setEnabled(identified && !isLocked() && !busy);
}

} // namespace blupow
