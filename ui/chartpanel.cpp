#include "chartpanel.h"

#include "device/devicesession.h"
#include "emptyhint.h"

#include <QAction>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QListWidget>
#include <QPixmap>
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

} // namespace

QList<int> ChartPanel::windowPresets() {
    return {60, 5 * 60, 10 * 60, 30 * 60, 3600, 6 * 3600, 24 * 3600};
}

ChartPanel::ChartPanel(QWidget *parent)
    : QWidget(parent)
    , m_fields(new QListWidget(this))
    , m_filter(new QLineEdit(this))
    , m_window(new QComboBox(this))
    , m_scroll(new QScrollBar(Qt::Horizontal, this))
    , m_pauseAction(new QAction(QStringLiteral("Pause"), this))
    , m_liveAction(new QAction(QStringLiteral("Live"), this))
    , m_chart(new QChart)
    , m_view(new QChartView(m_chart, this))
    , m_hint(new EmptyHint(m_view))
    , m_axisX(new QDateTimeAxis(m_chart)) {
    for (const int seconds : windowPresets())
        m_window->addItem(windowName(seconds), seconds);
    m_window->setCurrentIndex(static_cast<int>(windowPresets().indexOf(m_windowSeconds)));
    m_pauseAction->setCheckable(true);
    m_pauseAction->setToolTip(QStringLiteral("Freeze the view; recording continues"));
    m_liveAction->setToolTip(QStringLiteral("Back to the newest data"));
    m_scroll->setToolTip(QStringLiteral("Scroll back through the recorded history"));
    m_fields->setAccessibleName(QStringLiteral("Chart fields"));
    m_fields->setToolTip(QStringLiteral("Tick the fields to plot"));
    m_filter->setPlaceholderText(QStringLiteral("Filter fields"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(QStringLiteral("Filter chart fields"));

    // No animation: every repaint would otherwise start a tween and the chart would lag behind.
    m_chart->setAnimationOptions(QChart::NoAnimation);
    // The field list is the legend (a colour swatch beside each plotted field): Qt's own legend
    // took a row under the plot and, in a dock-sized chart with a handful of series, elided every
    // name to "PV char..." anyway.
    m_chart->legend()->hide();
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_axisX->setFormat(QStringLiteral("HH:mm:ss"));
    m_axisX->setTickCount(6);
    m_view->setRenderHint(QPainter::Antialiasing, false);
    m_view->setAccessibleName(QStringLiteral("Chart"));

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(QStringLiteral("Window:"), this));
    bar->addWidget(m_window);
    bar->addWidget(toolButton(m_pauseAction, this));
    bar->addWidget(toolButton(m_liveAction, this));
    bar->addWidget(m_scroll, 1);

    auto *plot = new QWidget(this);
    auto *plotLayout = new QVBoxLayout(plot);
    plotLayout->setContentsMargins(0, 0, 0, 0);
    plotLayout->addLayout(bar);
    plotLayout->addWidget(m_view, 1);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    auto *picker = new QWidget(this);
    auto *pickerLayout = new QVBoxLayout(picker);
    pickerLayout->setContentsMargins(0, 0, 0, 0);
    pickerLayout->addWidget(m_filter);
    pickerLayout->addWidget(m_fields, 1);
    splitter->addWidget(picker);
    splitter->addWidget(plot);
    splitter->setStretchFactor(1, 4);
    splitter->setSizes(
        {fontMetrics().averageCharWidth() * 24, fontMetrics().averageCharWidth() * 80});

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(m_window, &QComboBox::currentIndexChanged, this,
            [this](int index) { setWindowSeconds(m_window->itemData(index).toInt()); });
    connect(m_pauseAction, &QAction::toggled, this, &ChartPanel::setPaused);
    connect(m_liveAction, &QAction::triggered, this, [this] {
        m_pauseAction->setChecked(false);
        m_followLive = true;
        m_scroll->setValue(m_scroll->maximum());
        markDirty();
    });
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
    if (!m_session && m_buffers.empty())
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
    for (const QString &key : plotted)
        removeSeries(key);
    const QSignalBlocker block(m_fields);
    m_fields->clear();
    m_buffers.clear();
    m_titles.clear();
    m_units.clear();
    m_points.clear();
    m_oldestMs = 0;
    m_followLive = true;
    markDirty();
}

ChartPanel::~ChartPanel() = default;

void ChartPanel::setSession(DeviceSession *session) {
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    // The last source's history is not this one's: its fields would be plotted as if current.
    clearFields();
    if (session)
        connect(session, &DeviceSession::valuesUpdated, this, &ChartPanel::appendValues);
    updateHint();
}

void ChartPanel::ensureField(const DecodedValue &value) {
    if (m_buffers.find(value.key) != m_buffers.end())
        return;
    m_buffers.try_emplace(value.key);
    const QString label = value.label.isEmpty() ? value.key : value.label;
    const QString title =
        value.unit.isEmpty() ? label : QStringLiteral("%1 (%2)").arg(label, value.unit);
    m_titles.insert(value.key, title);
    m_units.insert(value.key, value.unit);
    auto *item = new QListWidgetItem(title);
    item->setData(Qt::UserRole, value.key);
    item->setToolTip(value.key);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
    const QSignalBlocker block(m_fields);
    item->setCheckState(m_wanted.contains(value.key) ? Qt::Checked : Qt::Unchecked);
    m_fields->addItem(item);
    applyFilter(item);
    if (m_wanted.contains(value.key))
        addSeries(value.key);
    updateHint();
}

void ChartPanel::appendValues(const DecodedValues &values) {
    for (const DecodedValue &v : values) {
        // Only fresh readings become points: a stale value repeated would draw a flat lie.
        if (!v.isNumeric() || v.quality != Quality::Good)
            continue;
        ensureField(v);
        m_buffers.find(v.key)->second.append(v.timestampMs, v.value.toDouble());
    }
    updateScrollRange();
    if (m_followLive && !isPaused())
        markDirty();
}

void ChartPanel::setChosenFields(const QStringList &keys) {
    m_wanted = keys;
    const QSignalBlocker block(m_fields);
    for (int i = 0; i < m_fields->count(); ++i) {
        QListWidgetItem *item = m_fields->item(i);
        const QString key = item->data(Qt::UserRole).toString();
        const bool on = keys.contains(key);
        item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
        if (on)
            addSeries(key);
        else
            removeSeries(key);
    }
    markDirty();
}

QStringList ChartPanel::chosenFields() const {
    return m_wanted;
}

void ChartPanel::onItemChanged(QListWidgetItem *item) {
    const QString key = item->data(Qt::UserRole).toString();
    if (item->checkState() == Qt::Checked) {
        if (!m_wanted.contains(key))
            m_wanted.append(key);
        addSeries(key);
    } else {
        m_wanted.removeAll(key);
        removeSeries(key);
    }
    markDirty();
    Q_EMIT chosenFieldsChanged(m_wanted);
}

void ChartPanel::addSeries(const QString &key) {
    if (m_series.contains(key))
        return;
    auto *series = new QLineSeries(m_chart);
    series->setName(m_titles.value(key, key));
    m_chart->addSeries(series); // the theme gives it its colour here
    // A 1 px cosmetic pen: the raster engine draws thin lines several times faster than the
    // theme's 2 px pen, and with two points per pixel column a wider line only smears.
    QPen pen = series->pen();
    pen.setWidth(1);
    pen.setCosmetic(true);
    series->setPen(pen);
    series->attachAxis(m_axisX);
    series->attachAxis(axisForUnit(m_units.value(key)));
    m_series.insert(key, series);
    showSwatch(key, series->color());
    updateHint();
}

void ChartPanel::applyFilter(QListWidgetItem *item) const {
    const QString text = m_filter->text().trimmed();
    // A plotted field stays in sight: unticking it must not need the filter cleared first.
    item->setHidden(!text.isEmpty() && item->checkState() != Qt::Checked &&
                    !item->text().contains(text, Qt::CaseInsensitive) &&
                    !item->data(Qt::UserRole).toString().contains(text, Qt::CaseInsensitive));
}

void ChartPanel::showSwatch(const QString &key, const QColor &color) {
    QIcon swatch;
    if (color.isValid()) {
        const int side = m_fields->fontMetrics().height() * 2 / 3;
        QPixmap pixmap(side, side);
        pixmap.fill(color);
        swatch = QIcon(pixmap);
    }
    const QSignalBlocker block(m_fields); // an icon is not a change of the chosen fields
    for (int i = 0; i < m_fields->count(); ++i) {
        QListWidgetItem *item = m_fields->item(i);
        if (item->data(Qt::UserRole).toString() == key) {
            item->setIcon(swatch);
            item->setData(kSwatchRole, color);
            return;
        }
    }
}

QValueAxis *ChartPanel::axisForUnit(const QString &unit) {
    if (const auto it = m_axesY.find(unit); it != m_axesY.end())
        return it->second;
    auto *axis = new QValueAxis(m_chart);
    axis->setLabelFormat(QStringLiteral("%.1f"));
    axis->setTitleText(unit);
    // Alternate sides so that two units, the common case (V and W), sit on either side.
    m_chart->addAxis(axis, m_axesY.size() % 2 == 0 ? Qt::AlignLeft : Qt::AlignRight);
    m_axesY.emplace(unit, axis);
    return axis;
}

void ChartPanel::removeSeries(const QString &key) {
    QLineSeries *series = m_series.take(key);
    m_points.remove(key);
    if (!series)
        return;
    m_chart->removeSeries(series);
    delete series;
    showSwatch(key, {});
    updateHint();
    const QString unit = m_units.value(key);
    const bool used = std::any_of(m_series.keyBegin(), m_series.keyEnd(),
                                  [&](const QString &k) { return m_units.value(k) == unit; });
    if (const auto it = m_axesY.find(unit); !used && it != m_axesY.end()) {
        m_chart->removeAxis(it->second);
        delete it->second;
        m_axesY.erase(it);
    }
}

QValueAxis *ChartPanel::valueAxis(const QString &key) const {
    if (!m_series.contains(key))
        return nullptr;
    const auto it = m_axesY.find(m_units.value(key));
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
    m_axisX->setFormat(seconds <= 3600 ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm"));
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
    for (const auto &[key, buffer] : m_buffers)
        newest = std::max(newest, buffer.lastTime());
    return newest;
}

void ChartPanel::updateScrollRange() {
    qint64 oldest = std::numeric_limits<qint64>::max();
    for (const auto &[key, buffer] : m_buffers) {
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

void ChartPanel::refresh() {
    m_dirty = false;
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
        const auto buffer = m_buffers.find(it.key());
        if (buffer == m_buffers.end()) {
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
    m_axisX->setRange(QDateTime::fromMSecsSinceEpoch(from), QDateTime::fromMSecsSinceEpoch(end));
    // As many time labels as fit side by side: where six "HH:mm:ss" overlap, Qt Charts hides
    // them, and a dock-sized chart had no time labels at all.
    const int labelWidth =
        QFontMetrics(m_axisX->labelsFont()).horizontalAdvance(QStringLiteral("00:00:00 "));
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
        const double pad = std::max((hi - lo) * 0.05, std::abs(hi) * 0.01 + 0.1);
        if (const auto axis = m_axesY.find(unit); axis != m_axesY.end()) {
            axis->second->setRange(lo - pad, hi + pad);
            // "432.5" crowds a narrow panel (Qt Charts then elides it to "43...") where "433"
            // says the same; small spans keep their tenth.
            axis->second->setLabelFormat(hi - lo + 2 * pad >= 50 ? QStringLiteral("%.0f")
                                                                 : QStringLiteral("%.1f"));
        }
    }
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it)
        it.value()->replace(m_points.value(it.key()));
}

int ChartPanel::seriesPointCount(const QString &key) const {
    const QLineSeries *series = m_series.value(key);
    return series ? static_cast<int>(series->count()) : -1;
}

int ChartPanel::recordedSamples(const QString &key) const {
    const auto it = m_buffers.find(key);
    return it == m_buffers.end() ? 0 : it->second.size();
}

} // namespace blupow
