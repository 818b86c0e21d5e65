#include "devicelogspanel.h"

#include "device/devicelogreader.h"
#include "device/devicesession.h"
#include "emptyhint.h"
#include "livevaluedelegate.h"
#include "models/devicelogmodel.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>

namespace blupow {

DeviceLogsPanel::DeviceLogsPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new DeviceLogModel(this))
    , m_logs(new QComboBox(this))
    , m_read(new QPushButton(QStringLiteral("&Read from device"), this))
    , m_hideEmpty(new QCheckBox(QStringLiteral("Hide &empty records"), this))
    , m_status(new QLabel(this))
    , m_table(new QTableView(this))
    , m_hint(new EmptyHint(m_table->viewport()))
    , m_chart(new QChart)
    , m_chartView(new QChartView(m_chart, this)) {
    setObjectName(QStringLiteral("deviceLogsPanel"));
    m_logs->setObjectName(QStringLiteral("deviceLogChoice"));
    m_logs->setAccessibleName(QStringLiteral("Log"));
    m_read->setObjectName(QStringLiteral("deviceLogRead"));
    m_read->setToolTip(QStringLiteral(
        "Ask the device for this log now: one request per row or block, between the polls."));
    m_hideEmpty->setObjectName(QStringLiteral("deviceLogHideEmpty"));
    m_hideEmpty->setChecked(true);
    m_hideEmpty->setToolTip(
        QStringLiteral("Leave out records whose every word is zero (unused fault slots)."));
    m_status->setObjectName(QStringLiteral("deviceLogStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *top = new QHBoxLayout;
    auto *label = new QLabel(QStringLiteral("&Log:"), this);
    label->setBuddy(m_logs);
    top->addWidget(label);
    top->addWidget(m_logs, 1);
    top->addWidget(m_read);
    top->addWidget(m_hideEmpty);

    m_table->setObjectName(QStringLiteral("deviceLogTable"));
    m_table->setModel(m_model);
    m_table->setItemDelegate(new LiveValueDelegate(m_table));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionsClickable(true);
    m_table->setAccessibleName(QStringLiteral("Device log"));
    m_hint->setText(QStringLiteral("Connect to a device to read the logs it keeps."));
    m_hint->watch(m_model);

    m_chart->legend()->hide();
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chartView->setObjectName(QStringLiteral("deviceLogChart"));
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(fontMetrics().height() * 16);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(m_chartView);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);

    connect(m_read, &QPushButton::clicked, this, &DeviceLogsPanel::read);
    connect(m_hideEmpty, &QCheckBox::toggled, this, [this](bool hide) {
        m_model->setHideEmpty(hide);
        redrawChart();
    });
    connect(m_logs, &QComboBox::currentIndexChanged, this, [this] {
        // Another log: the table showed the one read before.
        m_model->clear();
        m_chartColumn = -1;
        redrawChart();
        updateState();
    });
    connect(m_table->horizontalHeader(), &QHeaderView::sectionClicked, this,
            &DeviceLogsPanel::chartColumn);
    rebuildChoices();
}

DeviceLogsPanel::~DeviceLogsPanel() = default;

void DeviceLogsPanel::setSession(DeviceSession *session) {
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_reader.reset();
    m_session = session;
    if (session) {
        connect(session, &DeviceSession::identified, this, &DeviceLogsPanel::rebuildChoices);
        // Another device of the same link in focus (the device list's chooser): its own logs.
        connect(session, &DeviceSession::focusChanged, this,
                [this, session] { setSession(session); });
    }
    rebuildChoices();
}

void DeviceLogsPanel::rebuildChoices() {
    const QString current = m_logs->currentData().toString();
    const QSignalBlocker block(m_logs);
    m_logs->clear();
    if (const RegisterMap *map = m_session ? m_session->map() : nullptr) {
        for (const LogDef &l : map->logs())
            m_logs->addItem(l.title, l.key);
    }
    if (const int i = m_logs->findData(current); i >= 0)
        m_logs->setCurrentIndex(i);
    m_model->clear();
    m_chartColumn = -1;
    redrawChart();
    updateState();
}

void DeviceLogsPanel::updateState() {
    const bool identified = m_session && m_session->map();
    const bool reading = m_reader && m_reader->state() == DeviceLogReader::State::Reading;
    m_logs->setEnabled(m_logs->count() > 0 && !reading);
    m_read->setEnabled(m_logs->count() > 0 && !reading);
    if (!m_session)
        m_hint->setText(QStringLiteral("Connect to a device to read the logs it keeps."));
    else if (!identified)
        m_hint->setText(QStringLiteral("Waiting for the device to be identified…"));
    else if (m_logs->count() == 0)
        m_hint->setText(
            QStringLiteral("%1 keeps no log that BluPow can read.").arg(m_session->map()->title()));
    else if (!m_model->hasLog())
        m_hint->setText(QStringLiteral("Press Read from device to ask for the %1.")
                            .arg(m_logs->currentText().toLower()));
    if (!reading && !m_model->hasLog()) {
        const LogDef *def =
            identified ? m_session->map()->log(m_logs->currentData().toString()) : nullptr;
        m_status->setText(def ? def->note : QString());
    }
}

void DeviceLogsPanel::read() {
    if (!m_session)
        return;
    m_reader = std::make_unique<DeviceLogReader>(m_session);
    connect(m_reader.get(), &DeviceLogReader::progress, this, [this](int done, int total) {
        m_status->setText(QStringLiteral("Reading… %1 of %2 requests").arg(done).arg(total));
    });
    connect(m_reader.get(), &DeviceLogReader::finished, this, &DeviceLogsPanel::showLog);
    connect(m_reader.get(), &DeviceLogReader::failed, this, [this](const QString &message) {
        m_status->setText(QStringLiteral("<b>Could not read the log:</b> %1").arg(message));
        updateState();
    });
    QString why;
    if (!m_reader->start(m_logs->currentData().toString(), &why)) {
        m_status->setText(QStringLiteral("<b>Could not read the log:</b> %1").arg(why));
        m_reader.reset();
    }
    updateState();
}

void DeviceLogsPanel::showLog(const DeviceLog &log) {
    m_model->setLog(log);
    QString text = QStringLiteral("Read %1 rows at %2.")
                       .arg(log.rows.size())
                       .arg(log.readAt.toString(QStringLiteral("HH:mm:ss")));
    if (!log.skipped.isEmpty())
        text += QStringLiteral(" The device did not answer %1 request(s); their rows show ?.")
                    .arg(log.skipped.size());
    if (log.def.daysAgo)
        text += QStringLiteral(" Dates are counted back from this computer's today; the "
                               "device's day ends at midnight by its own clock.");
    m_status->setText(text);
    if (m_chartColumn < 0) {
        for (int c = m_model->firstFieldColumn(); c < m_model->columnCount(); ++c) {
            const FieldDef *f = m_model->fieldAt(c);
            if (f && !f->isText() && f->type != FieldType::Enum && f->type != FieldType::Bits) {
                m_chartColumn = c;
                break;
            }
        }
    }
    redrawChart();
    updateState();
}

void DeviceLogsPanel::chartColumn(int column) {
    const FieldDef *f = m_model->fieldAt(column);
    if (!f || f->isText() || f->type == FieldType::Enum || f->type == FieldType::Bits)
        return; // only numbers make bars
    m_chartColumn = column;
    redrawChart();
}

void DeviceLogsPanel::redrawChart() {
    m_chart->removeAllSeries();
    // removeAxis() hands the axis back to us rather than deleting it.
    for (QAbstractAxis *axis : m_chart->axes()) {
        m_chart->removeAxis(axis);
        delete axis;
    }
    const FieldDef *f = m_model->fieldAt(m_chartColumn);
    if (!f || m_model->rowCount() == 0) {
        m_chart->setTitle({});
        return;
    }
    m_chart->setTitle(f->unit.isEmpty() ? f->label
                                        : QStringLiteral("%1 (%2)").arg(f->label, f->unit));
    auto *set = new QBarSet(f->label);
    QStringList categories;
    // Oldest left: the device numbers its rows back from today.
    const bool backwards = m_model->log().def.daysAgo;
    double top = 0;
    for (int i = 0; i < m_model->rowCount(); ++i) {
        const int r = backwards ? m_model->rowCount() - 1 - i : i;
        const QVariant v = m_model->index(r, m_chartColumn).data(DeviceLogModel::NumericRole);
        set->append(v.isValid() ? v.toDouble() : 0.0);
        top = std::max(top, v.toDouble());
        // A bar set has no gaps: a row not read draws as nothing and its label says why.
        const QString label = m_model->logRow(r).label;
        categories.append(v.isValid() ? label : QStringLiteral("%1 (no value)").arg(label));
    }
    auto *series = new QBarSeries;
    series->append(set);
    m_chart->addSeries(series);
    auto *x = new QBarCategoryAxis;
    x->append(categories);
    auto *y = new QValueAxis;
    y->setRange(0, top > 0 ? top * 1.1 : 1);
    y->applyNiceNumbers();
    m_chart->addAxis(x, Qt::AlignBottom);
    m_chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
}

} // namespace blupow
