#include "settingspanel.h"

#include "config/snapshotreader.h"
#include "config/writepolicy.h"
#include "device/devicesession.h"
#include "writeflow.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QTime>
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

QString allowedText(const FieldDef &f) {
    if (!f.enumValues.isEmpty())
        return QStringList(f.enumValues.values()).join(QLatin1String(", "));
    QString text = QStringLiteral("%1 to %2").arg(f.min.value_or(0)).arg(f.max.value_or(0));
    const double step = f.step > 0 ? f.step : f.scale;
    if (step > 0 && step != 1.0)
        text += QStringLiteral(", step %1").arg(step);
    return text;
}

// The editor's resolution: the field's step, else one register count (the scale).
int decimalsFor(const FieldDef &f) {
    const double step = f.step > 0 ? f.step : f.scale;
    int decimals = 0;
    for (double s = step; decimals < 4 && std::abs(s - std::round(s)) > 1e-9; s *= 10)
        ++decimals;
    return std::max(decimals, f.decimals);
}

QWidget *makeEditor(const FieldDef &f, QWidget *parent) {
    if (!f.enumValues.isEmpty()) {
        auto *combo = new QComboBox(parent);
        for (auto it = f.enumValues.cbegin(); it != f.enumValues.cend(); ++it)
            combo->addItem(it.value(), it.value());
        combo->setAccessibleName(f.label);
        return combo;
    }
    auto *spin = new QDoubleSpinBox(parent);
    spin->setDecimals(decimalsFor(f));
    spin->setRange(f.min.value_or(0), f.max.value_or(65535 * f.scale));
    spin->setSingleStep(f.step > 0 ? f.step : f.scale);
    spin->setAccessibleName(f.label);
    spin->setKeyboardTracking(false);
    return spin;
}

} // namespace

SettingsPanel::SettingsPanel(QWidget *parent)
    : QWidget(parent)
    , m_status(new QLabel(this))
    , m_refresh(new QPushButton(QStringLiteral("Re&fresh"), this))
    , m_unlock(new QCheckBox(QStringLiteral("&Unlock changes"), this))
    , m_apply(new QPushButton(QStringLiteral("&Apply changes…"), this))
    , m_loadBox(new QGroupBox(QStringLiteral("Load output"), this))
    , m_loadState(new QLabel(m_loadBox))
    , m_loadOn(new QPushButton(QStringLiteral("Turn o&n…"), m_loadBox))
    , m_loadOff(new QPushButton(QStringLiteral("Turn o&ff…"), m_loadBox))
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_flow(new WriteFlow(this, this)) {
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_unlock->setToolTip(QStringLiteral(
        "Settings are locked so that a stray click or key cannot change a charge setting. "
        "Every change is still previewed and confirmed before it is sent."));
    m_apply->setToolTip(QStringLiteral("Preview the exact frames, confirm, write, read back"));
    m_table->setHorizontalHeaderLabels({QStringLiteral("Setting"), QStringLiteral("Device"),
                                        QStringLiteral("New value"), QStringLiteral("Unit"),
                                        QStringLiteral("Allowed"), QStringLiteral("Note")});
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
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
    bar->addStretch();
    bar->addWidget(m_apply);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_status);
    layout->addWidget(m_loadBox);
    layout->addWidget(m_table, 1);

    connect(m_refresh, &QPushButton::clicked, this, &SettingsPanel::refresh);
    connect(m_unlock, &QCheckBox::toggled, this, [this](bool on) { setLocked(!on); });
    connect(m_apply, &QPushButton::clicked, this, &SettingsPanel::apply);
    connect(m_loadOn, &QPushButton::clicked, this, [this] { switchLoad(true); });
    connect(m_loadOff, &QPushButton::clicked, this, [this] { switchLoad(false); });
    connect(m_flow, &WriteFlow::busyChanged, this, &SettingsPanel::updateEnabled);
    connect(m_flow, &WriteFlow::finished, this, &SettingsPanel::onWriteFinished);
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
    m_haveSnapshot = false;
    m_snapshot = {};
    m_outcome.clear();
    m_unlock->setChecked(false);
    if (session) {
        connect(session, &DeviceSession::identified, this, [this] {
            rebuild();
            refresh();
        });
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
        name->setToolTip(QStringLiteral("%1, register %2 (0x%3)")
                             .arg(f->key)
                             .arg(f->reg)
                             .arg(f->reg, 4, 16, QLatin1Char('0')));
        m_table->setItem(row, SettingColumn, name);
        m_table->setItem(row, CurrentColumn, new QTableWidgetItem(QStringLiteral("…")));
        m_table->setItem(row, UnitColumn, new QTableWidgetItem(f->unit));
        m_table->setItem(row, AllowedColumn, new QTableWidgetItem(allowedText(*f)));
        auto *note = new QTableWidgetItem(f->note);
        note->setToolTip(f->note + (f->source.isEmpty()
                                        ? QString()
                                        : QStringLiteral("\nSource: %1").arg(f->source)));
        m_table->setItem(row, NoteColumn, note);
        QWidget *editor = makeEditor(*f, m_table);
        if (auto *spin = qobject_cast<QDoubleSpinBox *>(editor))
            connect(spin, &QDoubleSpinBox::valueChanged, this, [this, row] { markChanged(row); });
        else if (auto *combo = qobject_cast<QComboBox *>(editor))
            connect(combo, &QComboBox::currentIndexChanged, this,
                    [this, row] { markChanged(row); });
        m_table->setCellWidget(row, NewColumn, editor);
    }
    updateEnabled();
}

void SettingsPanel::refresh() {
    if (!m_session || !m_session->map() || m_flow->isBusy())
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

void SettingsPanel::onSnapshot(const Snapshot &snapshot) {
    m_snapshot = snapshot;
    m_haveSnapshot = true;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QString key = m_table->item(row, SettingColumn)->data(kKeyRole).toString();
        const Snapshot::Entry *e = snapshot.entry(key);
        QTableWidgetItem *current = m_table->item(row, CurrentColumn);
        current->setText(e ? e->text : QStringLiteral("not read"));
        DecodedValue raw;
        if (e)
            raw.raw = e->raw;
        current->setToolTip(e ? QStringLiteral("raw %1").arg(raw.rawHex())
                              : QStringLiteral("The device did not answer for this register."));
        // The editor starts at the device's value, so only what the person changes differs.
        QWidget *editor = m_table->cellWidget(row, NewColumn);
        const QSignalBlocker block(editor);
        if (auto *spin = qobject_cast<QDoubleSpinBox *>(editor); spin && e)
            spin->setValue(e->value.toDouble());
        else if (auto *combo = qobject_cast<QComboBox *>(editor); combo && e)
            combo->setCurrentIndex(combo->findData(e->value.toString()));
        markChanged(row);
    }
    const QStringList skipped = m_reader ? m_reader->skippedBlocks() : QStringList{};
    setStatus(QStringLiteral("%1%2 settings of %3, read at %4.%5")
                  .arg(m_outcome.isEmpty() ? QString() : m_outcome + QLatin1Char('\n'))
                  .arg(m_table->rowCount())
                  .arg(snapshot.model.isEmpty() ? familyName(snapshot.family) : snapshot.model)
                  .arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")))
                  .arg(skipped.isEmpty() ? QString()
                                         : QStringLiteral(" Refused by the device: %1.")
                                               .arg(skipped.join(QLatin1String("; ")))));
    updateEnabled();
}

QVariant SettingsPanel::editorValue(int row) const {
    QWidget *editor = m_table->cellWidget(row, NewColumn);
    if (auto *spin = qobject_cast<QDoubleSpinBox *>(editor))
        return spin->value();
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
    const QVariant now = editorValue(row);
    if (now.typeId() == QMetaType::Double) {
        const auto *spin = qobject_cast<QDoubleSpinBox *>(m_table->cellWidget(row, NewColumn));
        return std::abs(now.toDouble() - e->value.toDouble()) >
               0.5 * std::pow(10.0, -spin->decimals());
    }
    return now.toString() != e->value.toString();
}

void SettingsPanel::markChanged(int row) {
    QFont font = m_table->item(row, SettingColumn)->font();
    font.setBold(rowChanged(row));
    m_table->item(row, SettingColumn)->setFont(font);
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
    if (auto *spin = qobject_cast<QDoubleSpinBox *>(editor)) {
        bool ok = false;
        const double x = value.toDouble(&ok);
        if (!ok || x < spin->minimum() || x > spin->maximum())
            return false;
        spin->setValue(x);
        return true;
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

void SettingsPanel::apply() {
    if (isLocked() || !m_haveSnapshot)
        return;
    QList<SettingTarget> targets;
    for (const QString &key : changedKeys())
        targets.append(SettingTarget{key, -1, editorValue(rowOf(key)), std::nullopt});
    m_outcome.clear();
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
        if (c.status != SettingChange::Status::Planned)
            lines.append(QStringLiteral("%1: %2").arg(c.name, settingStatusName(c.status)));
    }
    m_outcome = lines.join(QLatin1Char('\n'));
    setStatus(m_outcome);
    refresh(); // what the device holds now, whatever happened
}

void SettingsPanel::updateEnabled() {
    const bool identified = m_session && m_session->map();
    const bool reading = m_reader && m_reader->state() == SnapshotReader::State::Reading;
    const bool busy = m_flow->isBusy();
    const bool editable = identified && !isLocked() && !busy && m_haveSnapshot;
    m_refresh->setEnabled(identified && !busy && !reading);
    m_unlock->setEnabled(identified);
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (QWidget *editor = m_table->cellWidget(row, NewColumn))
            editor->setEnabled(editable);
    }
    m_apply->setEnabled(editable && !changedKeys().isEmpty());
    m_loadOn->setEnabled(identified && !isLocked() && !busy);
    m_loadOff->setEnabled(identified && !isLocked() && !busy);
}

} // namespace blupow
