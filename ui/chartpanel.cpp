#include "chartpanel.h"

#include "device/devicesession.h"
#include "emptyhint.h"
#include "history/historyreader.h"
#include "logging.h"
#include "models/chartscale.h"

#include <QAction>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QFileDialog>
#include <QFont>
#include <QFontMetrics>
#include <QGraphicsLineItem>
#include <QHBoxLayout>
#include <QIcon>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QListWidget>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPixmap>
#include <QSaveFile>
#include <QScrollBar>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace blupow {

namespace {

// Separates a device from a key in a field's id; no device name or key holds it.
constexpr QChar kIdSeparator(0x1f);

QString windowName(int seconds) {
    if (seconds < 3600)
        return QStringLiteral("%1 min").arg(seconds / 60);
    return QStringLiteral("%1 h").arg(seconds / 3600);
}

QToolButton *toolButton(QAction *action, QWidget *parent) {
    auto *button = new QToolButton(parent);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    return button;
}

// A tool button follows its action's text and enabled state, not its visibility.
void showButtonsOf(const QWidget *parent, QAction *action, bool on) {
    for (QToolButton *button : parent->findChildren<QToolButton *>()) {
        if (button->defaultAction() == action)
            button->setVisible(on);
    }
}

QString idFor(const QString &device, const QString &key) {
    return device.isEmpty() ? key : device + kIdSeparator + key;
}

// The id of a field's item; empty for a section's heading.
QString itemId(const QListWidgetItem *item) {
    const QString key = item->data(Qt::UserRole).toString();
    return key.isEmpty() ? QString() : idFor(item->data(ChartPanel::kDeviceRole).toString(), key);
}

// Short: the chooser sits in the chart's tool bar, whose width is the chart dock's minimum.
QString rangeName(qint64 ms) {
    constexpr qint64 kHourMs = 3600LL * 1000;
    constexpr qint64 kDayMs = 24 * kHourMs;
    if (ms == 0)
        return QStringLiteral("Live");
    if (ms <= kDayMs)
        return QStringLiteral("%1 h").arg(ms / kHourMs);
    if (ms >= 365 * kDayMs)
        return QStringLiteral("1 year");
    return QStringLiteral("%1 days").arg(ms / kDayMs);
}

} // namespace

QList<qint64> ChartPanel::rangePresets() {
    constexpr qint64 kHourMs = 3600LL * 1000;
    constexpr qint64 kDayMs = 24 * kHourMs;
    return {0, kHourMs, 6 * kHourMs, kDayMs, 7 * kDayMs, 30 * kDayMs, 365 * kDayMs};
}

QList<int> ChartPanel::windowPresets() {
    return {60, 5 * 60, 10 * 60, 30 * 60, 3600, 6 * 3600, 24 * 3600};
}

ChartPanel::ChartPanel(QWidget *parent)
    : QWidget(parent)
    , m_fields(new QListWidget(this))
    , m_filter(new QLineEdit(this))
    , m_window(new QComboBox(this))
    , m_range(new QComboBox(this))
    , m_earlierAction(new QAction(QStringLiteral("◀"), this))
    , m_laterAction(new QAction(QStringLiteral("▶"), this))
    , m_scroll(new QScrollBar(Qt::Horizontal, this))
    , m_pauseAction(new QAction(QStringLiteral("Pause"), this))
    , m_liveAction(new QAction(QStringLiteral("Live"), this))
    , m_exportCsvAction(new QAction(QStringLiteral("Export CSV…"), this))
    , m_exportPngAction(new QAction(QStringLiteral("Export PNG…"), this))
    , m_chart(new QChart)
    , m_view(new QChartView(m_chart, this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_hint(new EmptyHint(m_view))
    , m_readout(new QLabel(m_view))
    , m_cursor(new QGraphicsLineItem(m_chart))
    , m_axisX(new QDateTimeAxis(m_chart)) {
    for (const int seconds : windowPresets())
        m_window->addItem(windowName(seconds), seconds);
    m_window->setCurrentIndex(static_cast<int>(windowPresets().indexOf(m_windowSeconds)));
    for (const qint64 ms : rangePresets())
        m_range->addItem(rangeName(ms), ms);
    m_range->setAccessibleName(QStringLiteral("Chart range"));
    m_window->setAccessibleName(QStringLiteral("Live window"));
    m_window->setToolTip(QStringLiteral("How much of the live recording the plot shows"));
    m_range->setToolTip(QStringLiteral(
        "Live values, or the last hours, days or year read back from the history file"));
    m_range->setEnabled(false); // until there is a history file
    m_earlierAction->setToolTip(
        QStringLiteral("Half a range back in time (Ctrl+Left on the plot)"));
    m_laterAction->setToolTip(QStringLiteral("Half a range forward (Ctrl+Right on the plot)"));
    m_earlierAction->setEnabled(false);
    m_laterAction->setEnabled(false);
    m_pauseAction->setCheckable(true);
    m_pauseAction->setToolTip(QStringLiteral("Freeze the view; recording continues"));
    m_liveAction->setToolTip(QStringLiteral("Back to the newest data"));
    m_exportCsvAction->setToolTip(
        QStringLiteral("Save the plotted range of the ticked fields as CSV (time, one column "
                       "per field)"));
    m_exportPngAction->setToolTip(QStringLiteral("Save the chart as shown as a PNG image"));
    m_scroll->setToolTip(QStringLiteral("Scroll back through the recorded history"));
    m_fields->setAccessibleName(QStringLiteral("Chart fields"));
    m_fields->setToolTip(QStringLiteral("Tick the fields to plot"));
    // Whole names: "Battery charging current limit (A)" wraps rather than becoming "Battery c…".
    m_fields->setWordWrap(true);
    m_fields->setTextElideMode(Qt::ElideNone);
    m_fields->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_fields->setResizeMode(QListView::Adjust);
    m_filter->setPlaceholderText(QStringLiteral("Filter fields"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(QStringLiteral("Filter chart fields"));

    // No animation: every repaint would otherwise start a tween and the chart would lag behind.
    m_chart->setAnimationOptions(QChart::NoAnimation);
    // Qt Charts prints a value label with printf over the format's Latin-1 bytes, read back as
    // UTF-8: the "°C" after the number came out garbled. Localized formatting keeps the text around
    // the number as written; the C locale keeps the number as the rest of the program writes it.
    m_chart->setLocalizeNumbers(true);
    m_chart->setLocale(QLocale::c());
    // The field list is the legend (a colour swatch beside each plotted field): Qt's own legend
    // took a row under the plot and, in a dock-sized chart with a handful of series, elided every
    // name to "PV char..." anyway.
    m_chart->legend()->hide();
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_axisX->setFormat(QStringLiteral("HH:mm:ss"));
    m_axisX->setTickCount(6);
    m_view->setRenderHint(QPainter::Antialiasing, false);
    m_view->setAccessibleName(QStringLiteral("Chart"));
    m_view->setFocusPolicy(Qt::StrongFocus);
    m_view->setMouseTracking(true);
    m_view->setToolTip(
        QStringLiteral("Point at the plot (or focus it and use the arrow keys) to read the "
                       "values at that time"));
    m_view->viewport()->installEventFilter(this);
    m_view->installEventFilter(this);
    m_cursor->setZValue(100);
    m_cursor->setPen(QPen(palette().color(QPalette::WindowText), 0, Qt::DashLine));
    m_cursor->hide();
    m_readout->setObjectName(QStringLiteral("chartReadout"));
    m_readout->setTextFormat(Qt::RichText);
    m_readout->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_readout->setAutoFillBackground(true);
    m_readout->setMargin(fontMetrics().height() / 4);
    m_readout->setFrameShape(QFrame::Box);
    m_readout->hide();

    // The controls span the panel: beside the plot alone they set its minimum width, and in a
    // dock-sized panel the field list was squeezed to a few letters.
    auto *exportButton = new QToolButton(this);
    exportButton->setText(QStringLiteral("Export"));
    exportButton->setToolTip(QStringLiteral("Save the plotted range as CSV or PNG"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto *exportMenu = new QMenu(exportButton);
    exportMenu->addAction(m_exportCsvAction);
    exportMenu->addAction(m_exportPngAction);
    exportButton->setMenu(exportMenu);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_range);
    bar->addWidget(toolButton(m_earlierAction, this));
    bar->addWidget(toolButton(m_laterAction, this));
    showButtonsOf(this, m_earlierAction, false);
    showButtonsOf(this, m_laterAction, false);
    bar->addWidget(m_window);
    bar->addWidget(toolButton(m_pauseAction, this));
    bar->addWidget(toolButton(m_liveAction, this));
    bar->addWidget(m_scroll, 1);
    bar->addWidget(exportButton);

    QSplitter *splitter = m_splitter;
    auto *picker = new QWidget(this);
    auto *pickerLayout = new QVBoxLayout(picker);
    pickerLayout->setContentsMargins(0, 0, 0, 0);
    pickerLayout->addWidget(m_filter);
    pickerLayout->addWidget(m_fields, 1);
    splitter->addWidget(picker);
    splitter->addWidget(m_view);
    splitter->setStretchFactor(1, 3);
    // Once the user moves the divider, the split is theirs.
    connect(splitter, &QSplitter::splitterMoved, this, [this] { m_userSplit = true; });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);

    connect(m_window, &QComboBox::currentIndexChanged, this,
            [this](int index) { setWindowSeconds(m_window->itemData(index).toInt()); });
    connect(m_range, &QComboBox::currentIndexChanged, this,
            [this](int index) { setRange(m_range->itemData(index).toLongLong()); });
    connect(m_earlierAction, &QAction::triggered, this, &ChartPanel::earlier);
    connect(m_laterAction, &QAction::triggered, this, &ChartPanel::later);
    connect(m_pauseAction, &QAction::toggled, this, &ChartPanel::setPaused);
    connect(m_liveAction, &QAction::triggered, this, [this] {
        setRange(0);
        m_pauseAction->setChecked(false);
        m_followLive = true;
        m_scroll->setValue(m_scroll->maximum());
        markDirty();
    });
    connect(m_exportCsvAction, &QAction::triggered, this, [this] { chooseExportFile(true); });
    connect(m_exportPngAction, &QAction::triggered, this, [this] { chooseExportFile(false); });
    connect(m_scroll, &QScrollBar::sliderMoved, this, [this](int value) {
        m_followLive = value >= m_scroll->maximum();
        markDirty();
    });
    connect(m_scroll, &QScrollBar::actionTriggered, this, [this] {
        m_followLive = m_scroll->sliderPosition() >= m_scroll->maximum();
        markDirty();
    });
    connect(m_fields, &QListWidget::itemChanged, this, &ChartPanel::onItemChanged);
    connect(m_filter, &QLineEdit::textChanged, this, [this] {
        for (int i = 0; i < m_fields->count(); ++i)
            applyFilter(m_fields->item(i));
    });

    m_repaintTimer.setInterval(kRepaintMs);
    connect(&m_repaintTimer, &QTimer::timeout, this, [this] {
        if (m_dirty && isVisible())
            refresh();
    });
    m_repaintTimer.start();
    updateHint();
}

void ChartPanel::updateHint() {
    m_links.removeAll(nullptr);
    if (!m_session && m_links.isEmpty() && m_buffers.empty())
        m_hint->setText(
            QStringLiteral("Not connected. Choose a device under Devices and press Connect "
                           "(Ctrl+Return), or open a capture (File > Open capture, Ctrl+O)."));
    else if (m_buffers.empty())
        m_hint->setText(QStringLiteral("Waiting for the first values…"));
    else
        m_hint->setText(QStringLiteral("Tick fields in the list to plot them."));
    m_hint->setEmpty(m_series.isEmpty());
}

void ChartPanel::clearFields() {
    const QStringList plotted = m_series.keys();
    for (const QString &id : plotted)
        removeSeries(id);
    const QSignalBlocker block(m_fields);
    m_fields->clear();
    m_buffers.clear();
    m_keys.clear();
    m_devices.clear();
    m_labels.clear();
    m_units.clear();
    m_decimals.clear();
    m_points.clear();
    m_sectionOrder.clear();
    m_disconnected.clear();
    m_oldestMs = 0;
    m_followLive = true;
    clearCursor();
    markDirty();
}

ChartPanel::~ChartPanel() = default;

void ChartPanel::setSession(DeviceSession *session) {
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    // The last source's history is not this one's: its fields would be plotted as if current.
    clearFields();
    m_sessionDevice.clear();
    if (session) {
        if (const auto identity = session->identity())
            m_sessionDevice = identity->title();
        connect(session, &DeviceSession::identified, this, [this](const DeviceIdentity &identity) {
            // A name learnt late still heads the fields already listed.
            const QString title = identity.title();
            if (m_buffers.empty())
                m_sessionDevice = title;
        });
        connect(session, &DeviceSession::valuesUpdated, this, &ChartPanel::appendValues);
        connect(session, &DeviceSession::availabilityChanged, this, [this](bool online) {
            if (!m_buffers.empty())
                setDeviceConnected(m_sessionDevice, online);
        });
    }
    updateHint();
}

void ChartPanel::addSession(DeviceSession *session) {
    m_links.removeAll(nullptr);
    if (!session || m_links.contains(session))
        return;
    m_links.append(session);
    connect(session, &DeviceSession::slaveValuesUpdated, this,
            [this](const DeviceIdentity &slave, const DecodedValues &values) {
                appendDeviceValues(slave.title(), values);
            });
    connect(session, &DeviceSession::slaveAvailabilityChanged, this,
            [this](const DeviceIdentity &slave, bool online) {
                setDeviceConnected(slave.title(), online);
            });
    updateHint();
}

void ChartPanel::removeSession(DeviceSession *session) {
    if (!session || !m_links.contains(session))
        return;
    m_links.removeAll(session);
    disconnect(session, nullptr, this, nullptr);
    for (const DeviceIdentity &slave : session->slaves())
        setDeviceConnected(slave.title(), false);
    updateHint();
}

QListWidgetItem *ChartPanel::itemOf(const QString &id) const {
    for (int i = 0; i < m_fields->count(); ++i) {
        if (itemId(m_fields->item(i)) == id)
            return m_fields->item(i);
    }
    return nullptr;
}

void ChartPanel::ensureField(const QString &device, const DecodedValue &value) {
    const QString id = idFor(device, value.key);
    if (m_buffers.find(id) != m_buffers.end())
        return;
    m_buffers.try_emplace(id);
    const QString label = value.label.isEmpty() ? value.key : value.label;
    const QString title =
        value.unit.isEmpty() ? label : QStringLiteral("%1 (%2)").arg(label, value.unit);
    m_keys.insert(id, value.key);
    m_devices.insert(id, device);
    m_labels.insert(id, label);
    m_units.insert(id, value.unit);
    m_decimals.insert(id, value.decimals);

    const QSignalBlocker block(m_fields);
    // A device's fields follow its section's heading, in the order they first arrived.
    int row = m_fields->count();
    if (!m_sectionOrder.contains(device)) {
        m_sectionOrder.append(device);
        if (!device.isEmpty()) {
            auto *heading = new QListWidgetItem(device);
            QFont bold = m_fields->font();
            bold.setBold(true);
            heading->setFont(bold);
            heading->setData(kDeviceRole, device);
            heading->setFlags(Qt::ItemIsEnabled);
            heading->setToolTip(device);
            m_fields->addItem(heading);
        }
        row = m_fields->count();
    } else {
        for (int i = 0; i < m_fields->count(); ++i) {
            if (m_fields->item(i)->data(kDeviceRole).toString() == device)
                row = i + 1;
        }
    }
    auto *item = new QListWidgetItem(title);
    item->setData(Qt::UserRole, value.key);
    item->setData(kDeviceRole, device);
    item->setToolTip(device.isEmpty() ? value.key
                                      : QStringLiteral("%1 — %2").arg(value.key, device));
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
    item->setCheckState(m_wanted.contains(value.key) ? Qt::Checked : Qt::Unchecked);
    m_fields->insertItem(row, item);
    applyFilter(item);
    if (m_wanted.contains(value.key))
        addSeries(id);
    updateHint();
}

void ChartPanel::appendValues(const DecodedValues &values) {
    appendDeviceValues(m_session ? m_sessionDevice : QString(), values);
}

void ChartPanel::appendDeviceValues(const QString &device, const DecodedValues &values) {
    for (const DecodedValue &v : values) {
        // Only fresh readings become points: a stale value repeated would draw a flat lie.
        if (!v.isNumeric() || v.quality != Quality::Good)
            continue;
        ensureField(device, v);
        m_buffers.find(idFor(device, v.key))->second.append(v.timestampMs, v.value.toDouble());
    }
    if (m_disconnected.contains(device))
        setDeviceConnected(device, true);
    updateScrollRange();
    if (m_followLive && !isPaused())
        markDirty();
}

void ChartPanel::setDeviceConnected(const QString &device, bool connected) {
    if (!m_sectionOrder.contains(device) || m_disconnected.contains(device) != connected)
        return;
    if (connected)
        m_disconnected.removeAll(device);
    else
        m_disconnected.append(device);
    const QSignalBlocker block(m_fields); // a mark is not a change of the chosen fields
    const QColor grey = palette().color(QPalette::Disabled, QPalette::Text);
    for (int i = 0; i < m_fields->count(); ++i) {
        QListWidgetItem *item = m_fields->item(i);
        if (item->data(kDeviceRole).toString() != device)
            continue;
        item->setData(Qt::ForegroundRole, connected ? QVariant() : QVariant(grey));
        if (item->data(Qt::UserRole).toString().isEmpty()) {
            item->setText(connected ? device : QStringLiteral("%1 — disconnected").arg(device));
            item->setToolTip(connected ? device
                                       : QStringLiteral("%1: no longer connected; its recorded "
                                                        "history stays until the next source")
                                             .arg(device));
        }
    }
}

bool ChartPanel::isDeviceConnected(const QString &device) const {
    return m_sectionOrder.contains(device) && !m_disconnected.contains(device);
}

QStringList ChartPanel::devices() const {
    return m_sectionOrder;
}

void ChartPanel::setChosenFields(const QStringList &keys) {
    m_wanted = keys;
    for (int i = 0; i < m_fields->count(); ++i) {
        QListWidgetItem *item = m_fields->item(i);
        if (!itemId(item).isEmpty())
            setPlotted(item, keys.contains(item->data(Qt::UserRole).toString()));
    }
    markDirty();
}

QStringList ChartPanel::chosenFields() const {
    return m_wanted;
}

void ChartPanel::setPlotted(QListWidgetItem *item, bool on) {
    {
        const QSignalBlocker block(m_fields); // the code's tick is not the user's
        item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    }
    if (on)
        addSeries(itemId(item));
    else
        removeSeries(itemId(item));
}

void ChartPanel::plotKey(const QString &key, bool on) {
    for (int i = 0; i < m_fields->count(); ++i) {
        if (m_fields->item(i)->data(Qt::UserRole).toString() == key)
            setPlotted(m_fields->item(i), on);
    }
}

void ChartPanel::onItemChanged(QListWidgetItem *item) {
    const QString key = item->data(Qt::UserRole).toString();
    if (key.isEmpty())
        return;
    const bool on = item->checkState() == Qt::Checked;
    if (on == m_wanted.contains(key))
        return;
    if (on)
        m_wanted.append(key);
    else
        m_wanted.removeAll(key);
    plotKey(key, on);
    markDirty();
    Q_EMIT chosenFieldsChanged(m_wanted);
}

QString ChartPanel::seriesTitle(const QString &id) const {
    const QString unit = m_units.value(id);
    QString title = m_labels.value(id, id);
    if (!unit.isEmpty())
        title += QStringLiteral(" (%1)").arg(unit);
    const QString device = m_devices.value(id);
    return m_sectionOrder.size() > 1 && !device.isEmpty()
               ? QStringLiteral("%1: %2").arg(device, title)
               : title;
}

void ChartPanel::addSeries(const QString &id) {
    if (m_series.contains(id) || m_buffers.find(id) == m_buffers.end())
        return;
    m_historyStale = true;
    auto *series = new QLineSeries(m_chart);
    series->setName(seriesTitle(id));
    m_chart->addSeries(series); // the theme gives it its colour here
    // A 1 px cosmetic pen: the raster engine draws thin lines several times faster than the
    // theme's 2 px pen, and with two points per pixel column a wider line only smears.
    QPen pen = series->pen();
    pen.setWidth(1);
    pen.setCosmetic(true);
    series->setPen(pen);
    series->attachAxis(m_axisX);
    series->attachAxis(axisForUnit(m_units.value(id)));
    m_series.insert(id, series);
    showSwatch(id, series->color());
    updateHint();
}

void ChartPanel::applyFilter(QListWidgetItem *item) const {
    const QString text = m_filter->text().trimmed();
    const QString key = item->data(Qt::UserRole).toString();
    // A plotted field stays in sight: unticking it must not need the filter cleared first.
    // Section headings stay, so every field shown is under its device.
    item->setHidden(!text.isEmpty() && !key.isEmpty() && item->checkState() != Qt::Checked &&
                    !item->text().contains(text, Qt::CaseInsensitive) &&
                    !key.contains(text, Qt::CaseInsensitive));
}

void ChartPanel::showSwatch(const QString &id, const QColor &color) {
    QIcon swatch;
    if (color.isValid()) {
        const int side = m_fields->fontMetrics().height() * 2 / 3;
        QPixmap pixmap(side, side);
        pixmap.fill(color);
        swatch = QIcon(pixmap);
    }
    const QSignalBlocker block(m_fields); // an icon is not a change of the chosen fields
    if (QListWidgetItem *item = itemOf(id)) {
        item->setIcon(swatch);
        item->setData(kSwatchRole, color);
    }
}

QValueAxis *ChartPanel::axisForUnit(const QString &unit) {
    if (const auto it = m_axesY.find(unit); it != m_axesY.end())
        return it->second;
    auto *axis = new QValueAxis(m_chart);
    axis->setLabelFormat(QStringLiteral("%.1f"));
    // Round labels are short, and an elided one ("1…") reads as no value at all: in a dock-sized
    // chart Qt Charts elided every one of them.
    axis->setTruncateLabels(false);
    axis->setTitleText(unit);
    // The unit is on every label ("14.50 V"), where a title took a column of its own and, in a
    // dock-sized chart, was elided to "…".
    axis->setTitleVisible(false);
    // Alternate sides so that two units, the common case (V and W), sit on either side.
    m_chart->addAxis(axis, m_axesY.size() % 2 == 0 ? Qt::AlignLeft : Qt::AlignRight);
    m_axesY.emplace(unit, axis);
    return axis;
}

void ChartPanel::removeSeries(const QString &id) {
    QLineSeries *series = m_series.take(id);
    m_points.remove(id);
    for (QLineSeries *run : m_runs.take(id)) {
        m_chart->removeSeries(run);
        delete run;
    }
    if (!series)
        return;
    m_chart->removeSeries(series);
    delete series;
    showSwatch(id, {});
    updateHint();
    const QString unit = m_units.value(id);
    const bool used = std::any_of(m_series.keyBegin(), m_series.keyEnd(),
                                  [&](const QString &k) { return m_units.value(k) == unit; });
    if (const auto it = m_axesY.find(unit); !used && it != m_axesY.end()) {
        m_chart->removeAxis(it->second);
        delete it->second;
        m_axesY.erase(it);
    }
}

QString ChartPanel::idOf(const QString &key) const {
    if (m_buffers.find(key) != m_buffers.end())
        return key;
    for (const QString &device : m_sectionOrder) {
        if (QString id = idFor(device, key); m_buffers.find(id) != m_buffers.end())
            return id;
    }
    return key;
}

QValueAxis *ChartPanel::valueAxis(const QString &key) const {
    const QString id = idOf(key);
    if (!m_series.contains(id))
        return nullptr;
    const auto it = m_axesY.find(m_units.value(id));
    return it == m_axesY.end() ? nullptr : it->second;
}

QList<QValueAxis *> ChartPanel::valueAxes() const {
    QList<QValueAxis *> out;
    for (const auto &[unit, axis] : m_axesY)
        out.append(axis);
    return out;
}

void ChartPanel::setWindowSeconds(int seconds) {
    if (seconds == m_windowSeconds)
        return;
    m_windowSeconds = seconds;
    const auto index = m_window->findData(seconds);
    if (index >= 0 && index != m_window->currentIndex())
        m_window->setCurrentIndex(index);
    updateScrollRange();
    markDirty();
    Q_EMIT windowSecondsChanged(seconds);
}

void ChartPanel::setPaused(bool paused) {
    if (m_pauseAction->isChecked() != paused)
        m_pauseAction->setChecked(paused);
    if (!paused && m_followLive)
        markDirty();
}

bool ChartPanel::isPaused() const {
    return m_pauseAction->isChecked();
}

qint64 ChartPanel::newestTime() const {
    qint64 newest = 0;
    for (const auto &[id, buffer] : m_buffers)
        newest = std::max(newest, buffer.lastTime());
    return newest;
}

void ChartPanel::updateScrollRange() {
    qint64 oldest = std::numeric_limits<qint64>::max();
    for (const auto &[id, buffer] : m_buffers) {
        if (!buffer.isEmpty())
            oldest = std::min(oldest, buffer.firstTime());
    }
    const qint64 newest = newestTime();
    if (newest == 0)
        return;
    // The bar counts seconds since the oldest sample; its value is the window's right edge.
    const auto span = static_cast<int>((newest - oldest) / 1000);
    const QSignalBlocker block(m_scroll);
    const bool atEnd = m_followLive && !isPaused();
    m_scroll->setRange(std::min(span, m_windowSeconds), std::max(span, m_windowSeconds));
    m_scroll->setPageStep(m_windowSeconds);
    m_scroll->setSingleStep(std::max(1, m_windowSeconds / 10));
    m_oldestMs = oldest;
    if (atEnd)
        m_scroll->setValue(m_scroll->maximum());
}

std::pair<qint64, qint64> ChartPanel::rangeToPlot() const {
    if (m_rangeMs > 0)
        return {m_historyEndMs - m_rangeMs, m_historyEndMs};
    qint64 end = newestTime();
    if (end == 0)
        end = QDateTime::currentMSecsSinceEpoch();
    if (!m_followLive || isPaused()) {
        if (m_oldestMs > 0)
            end = std::min(end, m_oldestMs + qint64(m_scroll->value()) * 1000);
    }
    qint64 from = end - qint64(m_windowSeconds) * 1000;
    // Until a window's worth is recorded the plot starts at the first sample: a fresh 10 min
    // window would otherwise show the first minute as a blip at its right edge.
    if (m_oldestMs > from)
        from = std::min(m_oldestMs, end - kMinSpanMs);
    return {from, end};
}

void ChartPanel::refresh() {
    m_dirty = false;
    if (m_rangeMs > 0 && m_historyStale)
        requestHistory();
    const auto [from, end] = rangeToPlot();
    m_plotFrom = from;
    m_plotTo = end;
    const int buckets =
        std::max(50, static_cast<int>(m_chart->plotArea().width()) / kPixelsPerBucket);

    // The range of every unit's axis: lowest and highest point of its series in the window.
    std::map<QString, std::pair<double, double>> ranges;
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it) {
        QList<QPointF> &points = m_points[it.key()];
        auto &[lo, hi] =
            ranges
                .try_emplace(m_units.value(it.key()), std::numeric_limits<double>::max(),
                             std::numeric_limits<double>::lowest())
                .first->second;
        const auto buffer = shown().find(it.key());
        if (buffer == shown().end()) {
            points.clear();
            continue;
        }
        buffer->second.window(from, end, buckets, points);
        for (const QPointF &p : std::as_const(points)) {
            lo = std::min(lo, p.y());
            hi = std::max(hi, p.y());
        }
    }
    // Every axis change makes each series recompute its geometry; emptied first, that costs
    // nothing, and each series then lays out its new points exactly once (in replace()).
    for (QLineSeries *series : std::as_const(m_series))
        series->clear();
    for (const QList<QLineSeries *> &runs : std::as_const(m_runs)) {
        for (QLineSeries *run : runs)
            run->clear();
    }
    m_axisX->setRange(QDateTime::fromMSecsSinceEpoch(from), QDateTime::fromMSecsSinceEpoch(end));
    const QString format = ChartScale::timeFormat(from, end);
    if (m_axisX->format() != format)
        m_axisX->setFormat(format);
    // As many time labels as fit side by side: where six overlap, Qt Charts hides them, and a
    // dock-sized chart had no time labels at all.
    const QFontMetrics timeMetrics(m_axisX->labelsFont());
    const int labelWidth = timeMetrics.horizontalAdvance(
        QDateTime::fromMSecsSinceEpoch(end).toString(format) + QLatin1Char(' '));
    const int ticks = std::clamp(
        static_cast<int>(m_chart->plotArea().width()) / std::max(1, 2 * labelWidth) + 1, 2, 6);
    if (m_axisX->tickCount() != ticks)
        m_axisX->setTickCount(ticks);
    for (auto &[unit, range] : ranges) {
        auto [lo, hi] = range;
        if (lo > hi) {
            lo = 0;
            hi = 1;
        }
        const auto axis = m_axesY.find(unit);
        if (axis == m_axesY.end())
            continue;
        // Round ticks, as many as fit with a line of room between neighbouring labels.
        const int labelHeight = QFontMetrics(axis->second->labelsFont()).height();
        const int maxTicks = std::clamp(
            static_cast<int>(m_chart->plotArea().height()) / std::max(1, 2 * labelHeight) + 1, 3,
            11);
        const ChartScale::NiceAxis nice = ChartScale::niceAxis(lo, hi, maxTicks);
        axis->second->setRange(nice.min, nice.max);
        axis->second->setTickCount(nice.ticks);
        QString labels = QStringLiteral("%.%1f").arg(nice.decimals);
        if (!unit.isEmpty())
            labels += QLatin1Char(' ') + unit; // taken as is (localized formatting), '%' too
        axis->second->setLabelFormat(labels);
    }
    const double bucketMs = static_cast<double>(end - from + 1) / buckets;
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it)
        drawRuns(it.key(), it.value(), m_points.value(it.key()), bucketMs);
    updateCursor();
}

void ChartPanel::drawRuns(const QString &id, QLineSeries *first, const QList<QPointF> &points,
                          double bucketMs) {
    const QList<qsizetype> starts = ChartScale::segmentStarts(points, bucketMs);
    const qsizetype runs = std::max<qsizetype>(1, starts.size());
    QList<QLineSeries *> &more = m_runs[id];
    while (more.size() < runs - 1) {
        auto *run = new QLineSeries(m_chart);
        m_chart->addSeries(run);
        run->setPen(first->pen()); // the field's colour, not the theme's next one
        for (QAbstractAxis *axis : first->attachedAxes())
            run->attachAxis(axis);
        more.append(run);
    }
    for (qsizetype r = 0; r < runs; ++r) {
        const qsizetype a = starts.isEmpty() ? 0 : starts.at(r);
        const qsizetype b = r + 1 < starts.size() ? starts.at(r + 1) : points.size();
        (r == 0 ? first : more.at(r - 1))->replace(points.mid(a, b - a));
    }
}

int ChartPanel::seriesPointCount(const QString &key) const {
    const QString id = idOf(key);
    const QLineSeries *series = m_series.value(id);
    if (!series)
        return -1;
    qsizetype count = series->count();
    for (const QLineSeries *run : m_runs.value(id))
        count += run->count();
    return static_cast<int>(count);
}

int ChartPanel::seriesRuns(const QString &key) const {
    const QString id = idOf(key);
    const QLineSeries *series = m_series.value(id);
    if (!series || series->count() == 0)
        return 0;
    const QList<QLineSeries *> runs = m_runs.value(id);
    return 1 + static_cast<int>(std::count_if(runs.cbegin(), runs.cend(),
                                              [](const QLineSeries *r) { return r->count() > 0; }));
}

int ChartPanel::recordedSamples(const QString &key) const {
    const auto it = m_buffers.find(idOf(key));
    return it == m_buffers.end() ? 0 : it->second.size();
}

void ChartPanel::setCursorTime(qint64 ms) {
    m_cursorMs = std::max<qint64>(0, ms);
    updateCursor();
}

void ChartPanel::clearCursor() {
    m_cursorMs = -1;
    updateCursor();
}

QString ChartPanel::readout() const {
    if (m_cursorMs < 0)
        return {};
    QStringList lines{
        QDateTime::fromMSecsSinceEpoch(m_cursorMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))};
    // In the field list's order, which is the legend's.
    for (int i = 0; i < m_fields->count(); ++i) {
        const QString id = itemId(m_fields->item(i));
        if (!m_series.contains(id))
            continue;
        const TimeSeriesBuffer *buffer = shownBuffer(id);
        const int at = buffer ? buffer->nearest(m_cursorMs) : -1;
        const QPointF p = at >= 0 ? buffer->at(at) : QPointF();
        // Only what the plot shows: a sample outside the plotted range is not at the cursor.
        QString value = QStringLiteral("—");
        if (at >= 0 && p.x() >= double(m_plotFrom) && p.x() <= double(m_plotTo)) {
            value = QString::number(p.y(), 'f', m_decimals.value(id));
            if (!m_units.value(id).isEmpty())
                value += QLatin1Char(' ') + m_units.value(id);
        }
        QString name = m_labels.value(id);
        if (m_sectionOrder.size() > 1 && !m_devices.value(id).isEmpty())
            name = QStringLiteral("%1: %2").arg(m_devices.value(id), name);
        lines.append(QStringLiteral("%1 %2").arg(name, value));
    }
    return lines.join(QLatin1Char('\n'));
}

void ChartPanel::updateCursor() {
    const QRectF area = m_chart->plotArea();
    const bool shown = m_cursorMs >= 0 && !m_series.isEmpty() && m_plotTo > m_plotFrom &&
                       m_cursorMs >= m_plotFrom && m_cursorMs <= m_plotTo;
    m_cursor->setVisible(shown);
    m_readout->setVisible(shown);
    m_view->setAccessibleDescription(shown ? readout() : QString());
    if (!shown)
        return;
    const double x = area.left() +
                     area.width() * double(m_cursorMs - m_plotFrom) / double(m_plotTo - m_plotFrom);
    m_cursor->setLine(x, area.top(), x, area.bottom());
    // The colour of each line beside its value, as in the field list.
    QStringList rows = readout().toHtmlEscaped().split(QLatin1Char('\n'));
    int row = 1;
    for (int i = 0; i < m_fields->count() && row < rows.size(); ++i) {
        if (const QLineSeries *series = m_series.value(itemId(m_fields->item(i)))) {
            rows[row] = QStringLiteral("<span style=\"color:%1\">■</span> %2")
                            .arg(series->color().name(), rows[row]);
            ++row;
        }
    }
    rows[0] = QStringLiteral("<b>%1</b>").arg(rows[0]);
    m_readout->setText(rows.join(QStringLiteral("<br>")));
    m_readout->adjustSize();
    // In the plot's top corner away from the cursor, so it never hides the values it reads.
    const QPoint topLeft = m_view->mapFromScene(m_chart->mapToScene(area.topLeft()));
    const QPoint topRight = m_view->mapFromScene(m_chart->mapToScene(area.topRight()));
    const int margin = fontMetrics().height() / 3;
    const bool right = x < area.center().x();
    m_readout->move(right ? topRight.x() - m_readout->width() - margin : topLeft.x() + margin,
                    topLeft.y() + margin);
}

void ChartPanel::resizeEvent(QResizeEvent *event) {
    QWidget::resizeEvent(event);
    if (m_userSplit)
        return;
    // Room for "Battery charging current limit (A)" on one line, but never more than 40 % of
    // the panel: in a dock-sized chart the plot needs the rest, and longer names wrap, whole.
    const int list = std::min(fontMetrics().averageCharWidth() * 36, width() * 40 / 100);
    m_splitter->setSizes({list, std::max(1, m_splitter->width() - list)});
}

bool ChartPanel::eventFilter(QObject *watched, QEvent *event) {
    if (watched == m_view->viewport()) {
        if (event->type() == QEvent::MouseMove) {
            const QPointF scene = m_view->mapToScene(static_cast<QMouseEvent *>(event)->pos());
            const QRectF area = m_chart->plotArea();
            const QPointF at = m_chart->mapFromScene(scene);
            if (area.contains(at) && m_plotTo > m_plotFrom)
                setCursorTime(m_plotFrom +
                              static_cast<qint64>((at.x() - area.left()) / area.width() *
                                                  double(m_plotTo - m_plotFrom)));
            else if (!m_view->hasFocus())
                clearCursor();
        } else if (event->type() == QEvent::Leave && !m_view->hasFocus()) {
            clearCursor();
        }
    } else if (watched == m_view && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (m_rangeMs > 0 && key->modifiers().testFlag(Qt::ControlModifier) &&
            (key->key() == Qt::Key_Left || key->key() == Qt::Key_Right)) {
            pan(key->key() == Qt::Key_Left ? -1 : 1);
            return true;
        }
        // A hundredth of the plotted range per press, a tenth with Page Up/Down.
        const qint64 step = std::max<qint64>(1000, (m_plotTo - m_plotFrom) / 100);
        const qint64 at = hasCursor() ? m_cursorMs : m_plotTo;
        qint64 next = -1;
        switch (key->key()) {
        case Qt::Key_Left:
            next = at - step;
            break;
        case Qt::Key_Right:
            next = at + step;
            break;
        case Qt::Key_PageUp:
            next = at - 10 * step;
            break;
        case Qt::Key_PageDown:
            next = at + 10 * step;
            break;
        case Qt::Key_Home:
            next = m_plotFrom;
            break;
        case Qt::Key_End:
            next = m_plotTo;
            break;
        case Qt::Key_Escape:
            if (!hasCursor())
                return false;
            clearCursor();
            return true;
        default:
            return false;
        }
        setCursorTime(std::clamp(next, m_plotFrom, m_plotTo));
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

bool ChartPanel::exportCsv(const QString &path, QString *error) const {
    QList<ChartScale::Column> columns;
    for (int i = 0; i < m_fields->count(); ++i) {
        const QString id = itemId(m_fields->item(i));
        if (const TimeSeriesBuffer *buffer = shownBuffer(id); buffer && m_series.contains(id))
            columns.append({seriesTitle(id), buffer});
    }
    if (columns.isEmpty()) {
        if (error)
            *error = QStringLiteral("Nothing is plotted: tick the fields to export first.");
        return false;
    }
    // The range as it would be drawn now, so a paused view exports what it shows.
    const auto [from, to] = rangeToPlot();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text) ||
        file.write(ChartScale::toCsv(columns, from, to).toUtf8()) < 0 || !file.commit()) {
        if (error)
            *error = QStringLiteral("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    qCInfo(lcUi) << "exported" << columns.size() << "chart series to" << path;
    return true;
}

bool ChartPanel::exportPng(const QString &path, QString *error) const {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !m_view->grab().save(&file, "PNG") || !file.commit()) {
        if (error)
            *error = QStringLiteral("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    qCInfo(lcUi) << "exported the chart to" << path;
    return true;
}

void ChartPanel::chooseExportFile(bool csv) {
    // Not a nested event loop: the chart keeps recording while the dialog is open.
    auto *dialog = new QFileDialog(
        this, csv ? QStringLiteral("Export chart as CSV") : QStringLiteral("Export chart as PNG"),
        QString(), csv ? QStringLiteral("CSV (*.csv)") : QStringLiteral("PNG image (*.png)"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(csv ? QStringLiteral("csv") : QStringLiteral("png"));
    dialog->selectFile(csv ? QStringLiteral("blupow-chart.csv")
                           : QStringLiteral("blupow-chart.png"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [this, csv](const QString &path) {
        QString error;
        if (csv ? exportCsv(path, &error) : exportPng(path, &error))
            return;
        auto *box = new QMessageBox(QMessageBox::Warning, QStringLiteral("Export failed"), error,
                                    QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });
    dialog->open();
}

const TimeSeriesBuffer *ChartPanel::shownBuffer(const QString &id) const {
    const auto it = shown().find(id);
    return it == shown().end() ? nullptr : &it->second;
}

void ChartPanel::setHistoryReader(HistoryReader *reader) {
    if (m_reader)
        disconnect(m_reader, nullptr, this, nullptr);
    m_reader = reader;
    m_range->setEnabled(reader != nullptr);
    if (!reader) {
        setRange(0);
        return;
    }
    connect(reader, &HistoryReader::seriesListed, this, &ChartPanel::onSeriesListed);
    connect(reader, &HistoryReader::loaded, this, &ChartPanel::onHistoryLoaded);
}

void ChartPanel::setRange(qint64 ms) {
    if (!m_reader)
        ms = 0;
    const auto index = m_range->findData(ms);
    if (index >= 0 && index != m_range->currentIndex()) {
        const QSignalBlocker block(m_range);
        m_range->setCurrentIndex(index);
    }
    const bool live = ms == 0;
    m_window->setEnabled(live);
    m_scroll->setEnabled(live);
    m_pauseAction->setEnabled(live);
    m_earlierAction->setEnabled(!live);
    m_laterAction->setEnabled(!live);
    // One set of controls at a time keeps the bar (the dock's minimum width) as narrow as before.
    showButtonsOf(this, m_earlierAction, !live);
    showButtonsOf(this, m_laterAction, !live);
    showButtonsOf(this, m_pauseAction, live);
    m_window->setVisible(live);
    if (ms == m_rangeMs)
        return;
    m_rangeMs = ms;
    m_history.clear();
    if (!live) {
        m_historyEndMs = QDateTime::currentMSecsSinceEpoch();
        // The file's devices and fields join the list, so a range can be drawn without a device.
        m_reader->listSeries();
    } else {
        m_followLive = true;
        updateScrollRange();
    }
    clearCursor();
    markDirty();
    Q_EMIT rangeChanged(ms);
}

void ChartPanel::earlier() {
    pan(-1);
}

void ChartPanel::later() {
    pan(1);
}

void ChartPanel::pan(int direction) {
    if (m_rangeMs == 0)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    qint64 oldest = now;
    for (const HistorySeriesInfo &s : std::as_const(m_stored)) {
        if (s.firstMs > 0)
            oldest = std::min(oldest, s.firstMs);
    }
    // Half a range per step, never past now, nor further back than a range before the oldest.
    m_historyEndMs = std::clamp(m_historyEndMs + direction * m_rangeMs / 2,
                                std::min(now, oldest + m_rangeMs / 2), now);
    requestHistory();
    markDirty();
}

void ChartPanel::onSeriesListed(const QList<HistorySeriesInfo> &series) {
    m_stored = series;
    for (const HistorySeriesInfo &s : series) {
        DecodedValue v;
        v.key = s.field;
        v.label = s.label.isEmpty() ? s.field : s.label;
        v.unit = s.unit;
        v.decimals = s.decimals;
        ensureField(s.title, v);
    }
    requestHistory();
}

void ChartPanel::requestHistory() {
    m_historyStale = false;
    if (!m_reader || m_rangeMs == 0)
        return;
    QList<HistoryReader::SeriesKey> keys;
    m_loadIds.clear();
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it) {
        const QString key = m_keys.value(it.key());
        const QString device = m_devices.value(it.key());
        for (const HistorySeriesInfo &s : std::as_const(m_stored)) {
            // A field of no named device (a bare session) is drawn from any device's history.
            if (s.field != key || (!device.isEmpty() && s.title != device))
                continue;
            keys.append({s.device, s.field});
            m_loadIds.insert(s.device + kIdSeparator + s.field, it.key());
        }
    }
    const auto [from, to] = rangeToPlot();
    const int buckets =
        std::max(50, static_cast<int>(m_chart->plotArea().width()) / kPixelsPerBucket);
    m_pendingLoad = m_reader->load(keys, from, to, buckets);
}

void ChartPanel::onHistoryLoaded(quint64 request, const QList<HistorySeriesData> &loaded,
                                 const QString &error) {
    if (request != m_pendingLoad || m_rangeMs == 0)
        return; // a newer range is on its way
    m_loadsDone = request;
    m_history.clear();
    for (const HistorySeriesData &d : loaded) {
        const QString id = m_loadIds.value(d.info.device + kIdSeparator + d.info.field);
        if (id.isEmpty())
            continue;
        // Each aggregate as its minimum then its maximum: the envelope a live window draws.
        auto &buffer =
            m_history.try_emplace(id, static_cast<int>(2 * d.points.size() + 2)).first->second;
        for (const HistoryPoint &p : d.points) {
            buffer.append(p.timeMs, p.min);
            if (p.max != p.min)
                buffer.append(p.timeMs + 1, p.max);
        }
    }
    if (!error.isEmpty())
        m_hint->setText(QStringLiteral("History: %1").arg(error));
    Q_EMIT historyLoaded(error);
    markDirty();
}

} // namespace blupow
