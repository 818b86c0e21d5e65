#include "captureviewer.h"

#include "chartpanel.h"
#include "device/connectionmanager.h"
#include "livevaluespanel.h"
#include "logging.h"
#include "models/devicelistmodel.h"
#include "models/framelogmodel.h"

#include <QDateTime>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QSlider>

#include <algorithm>
#include <limits>
#include <utility>

namespace blupow {

namespace {

constexpr qint64 kArrowStepMs = 1000;
constexpr int kPageStepsPerSpan = 10;

QString durationText(qint64 ms) {
    const qint64 s = ms / 1000;
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg(s / 60 % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

CaptureViewer::CaptureViewer(ConnectionManager *connections, const Targets &targets,
                             RegisterMaps maps, QWidget *parent)
    : QWidget(parent)
    , m_connections(connections)
    , m_targets(targets)
    , m_maps(std::move(maps))
    , m_title(new QLabel(this))
    , m_slider(new QSlider(Qt::Horizontal, this))
    , m_time(new QLabel(this)) {
    setObjectName(QStringLiteral("captureViewer"));
    // Two lines, so the slider gets the panel's whole width however long the file name is.
    auto *layout = new QGridLayout(this);
    const int margin = fontMetrics().height() / 4;
    layout->setContentsMargins(margin, margin, margin, margin);
    layout->setVerticalSpacing(0);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setObjectName(QStringLiteral("captureTitle"));
    // Elided (whole in the tooltip) rather than widening the window.
    m_title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto *buddy = new QLabel(QStringLiteral("Ti&me:"), this);
    buddy->setBuddy(m_slider);
    m_slider->setObjectName(QStringLiteral("captureTimeSlider"));
    m_slider->setFocusPolicy(Qt::StrongFocus);
    m_slider->setAccessibleName(QStringLiteral("Capture time"));
    m_slider->setToolTip(QStringLiteral(
        "The moment of the capture shown in Live values: arrow keys step one second, Page Up/Down "
        "a tenth of the capture, Home and End its start and end."));
    m_time->setObjectName(QStringLiteral("captureTime"));
    m_time->setTextFormat(Qt::PlainText);
    layout->addWidget(m_title, 0, 0, 1, 2);
    layout->addWidget(m_time, 0, 2, Qt::AlignRight);
    layout->addWidget(buddy, 1, 0);
    layout->addWidget(m_slider, 1, 1, 1, 2);
    layout->setColumnStretch(1, 1);
    connect(m_slider, &QSlider::valueChanged, this, &CaptureViewer::showPosition);
    connect(m_connections, &ConnectionManager::sessionChanged, this,
            &CaptureViewer::onSessionChanged);
    hide();
}

void CaptureViewer::open(const QString &path,
                         std::shared_ptr<const capture::CaptureTimeline> timeline,
                         const QString &source) {
    m_path = path;
    m_source = source.trimmed();
    m_timeline = std::move(timeline);
    m_shown.reset();
    m_framesShown = false;
    m_targets.devices->removeCaptured();
    // A slave that never answered was asked for, not found (the frames still show the asking).
    QList<quint8> found;
    for (const capture::CaptureTimeline::Device &d : m_timeline->devices()) {
        if (d.answered > 0)
            found.append(d.slave);
    }
    for (const quint8 slave : std::as_const(found))
        m_targets.devices->addOrUpdate(deviceEntry(slave));

    const qint64 span = m_timeline->endMs() - m_timeline->startMs();
    m_unitMs = std::max<qint64>(1, span / std::numeric_limits<int>::max() + 1);
    {
        const QSignalBlocker block(m_slider);
        m_slider->setRange(0, static_cast<int>(span / m_unitMs));
        m_slider->setSingleStep(static_cast<int>(std::max<qint64>(1, kArrowStepMs / m_unitMs)));
        m_slider->setPageStep(std::max(1, m_slider->maximum() / kPageStepsPerSpan));
    }
    m_slider->setEnabled(!found.isEmpty());
    // The first device with values, else the first that answered at all.
    const auto withValues = std::find_if(found.cbegin(), found.cend(), [this](quint8 slave) {
        return !m_timeline->readingsOf(slave).isEmpty();
    });
    if (withValues != found.cend()) {
        showSlave(*withValues);
    } else if (!found.isEmpty()) {
        showSlave(found.constFirst());
    } else {
        // Nothing answered: the frames show what was asked and the bar says why no values.
        m_connections->disconnectAll();
        fillFrames();
        setTitle(QStringLiteral("%1: %2 requests, none answered")
                     .arg(QFileInfo(m_path).fileName())
                     .arg(m_timeline->exchanges().size()));
        m_time->clear();
        show();
    }
}

DiscoveredDevice CaptureViewer::deviceEntry(quint8 slave) const {
    DiscoveredDevice entry;
    entry.address = capture::captureDeviceAddress(slave);
    const capture::CaptureTimeline::Device *d = m_timeline ? m_timeline->device(slave) : nullptr;
    if (d) {
        entry.familyGuess = d->family;
        entry.variant = d->variant;
    }
    const QString what = d && d->family ? familyTitle(*d->family) : QStringLiteral("Device");
    const QString via = m_source.isEmpty() ? QString() : QStringLiteral(" via %1").arg(m_source);
    entry.name = QStringLiteral("%1 0x%2%3 (from capture %4)")
                     .arg(what)
                     .arg(slave, 2, 16, QLatin1Char('0'))
                     .arg(via, QFileInfo(m_path).fileName());
    return entry;
}

bool CaptureViewer::showDevice(const DiscoveredDevice &device) {
    const std::optional<quint8> slave = capture::captureDeviceSlave(device.address);
    return slave && showSlave(*slave);
}

void CaptureViewer::connectOrShow(const DiscoveredDevice &device) {
    if (!showDevice(device))
        m_connections->connectTo(device);
}

bool CaptureViewer::showSlave(quint8 slave) {
    if (!m_timeline || !m_timeline->device(slave))
        return false;
    // The panels show one source at a time; the capture takes them from the live devices.
    m_connections->disconnectAll();
    const bool first = !m_shown;
    m_shown = slave;
    if (!m_framesShown)
        fillFrames();
    fillChart(slave);
    const capture::CaptureTimeline::Device *d = m_timeline->device(slave);
    const DiscoveredDevice entry = deviceEntry(slave);
    setTitle(QStringLiteral("%1: %2 exchanges, %3 device(s); showing 0x%4 (%5 of %6 answered)")
                 .arg(QFileInfo(m_path).fileName())
                 .arg(m_timeline->exchanges().size())
                 .arg(m_timeline->devices().size())
                 .arg(slave, 2, 16, QLatin1Char('0'))
                 .arg(d->answered)
                 .arg(d->requests));
    show();
    // A newly opened capture starts where the device's every field has been read once (its
    // first poll cycle, whole); switching devices keeps the moment, so two devices can be
    // compared at the same time.
    if (first)
        setPositionMs(d->completeMs);
    else
        showPosition();
    qCDebug(lcUi) << "capture" << m_path << "showing slave" << slave;
    Q_EMIT deviceShown(entry.name, entry.address);
    return true;
}

qint64 CaptureViewer::positionMs() const {
    return m_timeline ? m_timeline->startMs() + qint64(m_slider->value()) * m_unitMs : 0;
}

void CaptureViewer::setPositionMs(qint64 atMs) {
    if (!m_timeline)
        return;
    const qint64 offset = std::clamp(atMs - m_timeline->startMs(), qint64(0),
                                     m_timeline->endMs() - m_timeline->startMs());
    // Rounded up, so a position set to a reply's time includes that reply.
    const int value = static_cast<int>((offset + m_unitMs - 1) / m_unitMs);
    if (value == m_slider->value())
        showPosition();
    else
        m_slider->setValue(value); // valueChanged shows it
}

void CaptureViewer::showPosition() {
    if (!m_timeline || !m_shown)
        return;
    const qint64 at = positionMs();
    m_time->setText(timeText(at));
    m_targets.liveValues->showValuesAt(m_timeline->valuesAt(*m_shown, at), at);
}

QString CaptureViewer::timeText(qint64 atMs) const {
    return QStringLiteral("%1  (+%2)")
        .arg(QDateTime::fromMSecsSinceEpoch(atMs).toString(
                 QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")),
             durationText(atMs - m_timeline->startMs()));
}

void CaptureViewer::setTitle(const QString &title) {
    m_titleText = title;
    m_title->setToolTip(title);
    elideTitle();
}

void CaptureViewer::elideTitle() {
    m_title->setText(fontMetrics().elidedText(m_titleText, Qt::ElideMiddle, m_title->width()));
}

void CaptureViewer::resizeEvent(QResizeEvent *event) {
    QWidget::resizeEvent(event);
    elideTitle();
}

void CaptureViewer::stopShowing() {
    if (!m_shown)
        return;
    m_shown.reset();
    m_framesShown = false;
    hide();
    m_targets.liveValues->setSession(nullptr);
    m_targets.chart->setSession(nullptr);
    m_targets.frames->clear();
    Q_EMIT deviceShown({}, {});
}

void CaptureViewer::onSessionChanged(DeviceSession *session) {
    // A live device took the panels; the capture's devices stay listed to come back to.
    if (!session)
        return;
    m_shown.reset();
    m_framesShown = false;
    hide();
}

void CaptureViewer::fillFrames() {
    m_targets.frames->clear();
    std::shared_ptr<const RegisterMap> current;
    for (const capture::CapturedExchange &e : m_timeline->exchanges()) {
        // Each exchange annotated by its own device's map, as the live log does for one device.
        std::shared_ptr<const RegisterMap> map = mapFor(e);
        if (map != current) {
            m_targets.frames->setRegisterMap(map);
            current = std::move(map);
        }
        m_targets.frames->addExchange(e.exchange);
    }
    m_framesShown = true;
}

void CaptureViewer::fillChart(quint8 slave) {
    ChartPanel *chart = m_targets.chart;
    chart->setSession(nullptr); // forgets the last source's series
    QString fallback;
    bool chosenPresent = false;
    const QStringList chosen = chart->chosenFields();
    for (const capture::CapturedExchange *e : m_timeline->readingsOf(slave)) {
        chart->appendValues(e->values);
        for (const DecodedValue &v : e->values) {
            chosenPresent = chosenPresent || chosen.contains(v.key);
            if (v.key == QLatin1String("battery_voltage") ||
                (fallback.isEmpty() && v.isNumeric() && v.unit == QLatin1String("V")))
                fallback = v.key;
        }
    }
    // A chart with none of the chosen fields would look empty; the battery voltage (else any
    // voltage) says most about any Renogy device. Not saved as the user's choice (setChosenFields()
    // does not signal it).
    if (!chosenPresent && !fallback.isEmpty())
        chart->setChosenFields(chosen + QStringList{fallback});
    chart->refresh();
}

std::shared_ptr<const RegisterMap> CaptureViewer::mapFor(const capture::CapturedExchange &e) {
    if (!e.family)
        return nullptr;
    const QString key = familyName(*e.family) + u'/' + e.variant;
    auto it = m_mapCopies.find(key);
    if (it == m_mapCopies.end()) {
        const RegisterMap *map = m_maps.find(*e.family, e.variant);
        it = m_mapCopies.insert(key, map ? std::make_shared<const RegisterMap>(*map) : nullptr);
    }
    return *it;
}

} // namespace blupow
