#include "framespanel.h"

#include "capture/frameexport.h"
#include "device/devicesession.h"
#include "emptyhint.h"
#include "hexview.h"
#include "logging.h"
#include "models/framelogfiltermodel.h"
#include "models/framelogmodel.h"

#include <QAction>
#include <QCheckBox>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace blupow {

namespace {

enum AnnotationColumn { BytesColumn, WhatColumn, RawColumn, MeaningColumn, AnnotationColumns };

QToolButton *toolButton(QAction *action, QWidget *parent) {
    auto *button = new QToolButton(parent);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    return button;
}

} // namespace

FramesPanel::FramesPanel(FrameLogModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_filter(new FrameLogFilterModel(this))
    , m_view(new QTableView(this))
    , m_hex(new HexView(this))
    , m_hexScroll(new QScrollArea(this))
    , m_annotations(new QTableWidget(0, AnnotationColumns, this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
    , m_summary(new QLabel(this))
    , m_hint(new EmptyHint(m_view->viewport()))
    , m_tx(new QCheckBox(QStringLiteral("TX"), this))
    , m_rx(new QCheckBox(QStringLiteral("RX"), this))
    , m_errors(new QCheckBox(QStringLiteral("Errors only"), this))
    , m_pauseAction(new QAction(QStringLiteral("&Pause"), this))
    , m_clearAction(new QAction(QStringLiteral("C&lear"), this))
    , m_exportTextAction(new QAction(QStringLiteral("Export Frames as &Text…"), this))
    , m_exportCsvAction(new QAction(QStringLiteral("Export Frames as &CSV…"), this)) {
    m_filter->setSourceModel(m_model);
    m_tx->setChecked(true);
    m_rx->setChecked(true);
    m_pauseAction->setCheckable(true);
    m_pauseAction->setToolTip(
        QStringLiteral("Hold the log still; frames arriving meanwhile are kept"));

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_tx);
    bar->addWidget(m_rx);
    bar->addWidget(m_errors);
    bar->addStretch();
    for (QAction *a : {m_pauseAction, m_clearAction})
        bar->addWidget(toolButton(a, this));
    auto *exportText = toolButton(m_exportTextAction, this);
    exportText->setText(QStringLiteral("Text…"));
    auto *exportCsv = toolButton(m_exportCsvAction, this);
    exportCsv->setText(QStringLiteral("CSV…"));
    bar->addWidget(new QLabel(QStringLiteral("Export:"), this));
    bar->addWidget(exportText);
    bar->addWidget(exportCsv);

    m_view->setModel(m_filter);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 4);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setWordWrap(false);
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_view->setAccessibleName(QStringLiteral("Frame log"));
    const QFontMetrics fm(m_view->font());
    m_view->setColumnWidth(FrameLogModel::TimeColumn,
                           fm.horizontalAdvance(QStringLiteral("00:00:00.000  ")));
    m_view->setColumnWidth(FrameLogModel::DirectionColumn,
                           fm.horizontalAdvance(QStringLiteral("Dir  ")));
    m_view->setColumnWidth(FrameLogModel::BytesColumn,
                           fm.horizontalAdvance(QString(60, QLatin1Char('0'))));
    m_view->setColumnWidth(FrameLogModel::StatusColumn,
                           fm.horizontalAdvance(QStringLiteral("discarded  ")));

    m_annotations->setHorizontalHeaderLabels({QStringLiteral("Bytes"), QStringLiteral("What"),
                                              QStringLiteral("Raw"), QStringLiteral("Meaning")});
    m_annotations->verticalHeader()->hide();
    m_annotations->verticalHeader()->setDefaultSectionSize(m_annotations->fontMetrics().height() +
                                                           4);
    m_annotations->setWordWrap(false);
    m_annotations->horizontalHeader()->setStretchLastSection(true);
    m_annotations->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_annotations->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_annotations->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_annotations->setMouseTracking(true);
    m_annotations->setAccessibleName(QStringLiteral("Frame annotations"));

    // The hex lines scroll in what the annotation table leaves: the longest replies have five
    // lines and more, which in a short panel took the table's room (two rows left beside a
    // 1024 px window's log), and the table's rows name the same bytes.
    m_hexScroll->setWidget(m_hex);
    m_hexScroll->setWidgetResizable(true);
    m_hexScroll->setFrameShape(QFrame::NoFrame);
    m_hexScroll->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_hexScroll->setMinimumHeight(m_hex->minimumSizeHint().height()); // two lines, while empty
    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_summary);
    detailLayout->addWidget(m_hexScroll);
    detailLayout->addWidget(m_annotations, 1);
    detail->installEventFilter(this);

    auto *log = new QWidget(this);
    auto *logLayout = new QVBoxLayout(log);
    logLayout->setContentsMargins(0, 0, 0, 0);
    logLayout->addLayout(bar);
    logLayout->addWidget(m_view, 1);
    m_splitter->addWidget(log);
    m_splitter->addWidget(detail);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_splitter, 1);

    connect(m_tx, &QCheckBox::toggled, m_filter, &FrameLogFilterModel::setShowTx);
    connect(m_rx, &QCheckBox::toggled, m_filter, &FrameLogFilterModel::setShowRx);
    connect(m_errors, &QCheckBox::toggled, m_filter, &FrameLogFilterModel::setErrorsOnly);
    connect(m_pauseAction, &QAction::toggled, m_model, &FrameLogModel::setPaused);
    connect(m_clearAction, &QAction::triggered, m_model, &FrameLogModel::clear);
    connect(m_exportTextAction, &QAction::triggered, this,
            [this] { exportWithDialog(ExportFormat::Text); });
    connect(m_exportCsvAction, &QAction::triggered, this,
            [this] { exportWithDialog(ExportFormat::Csv); });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &FramesPanel::showSelected);
    connect(m_annotations, &QTableWidget::cellEntered, this,
            [this](int row, int) { highlightAnnotation(row); });
    connect(m_annotations, &QTableWidget::currentCellChanged, this,
            [this](int row, int, int, int) { highlightAnnotation(row); });
    connect(m_hex, &HexView::byteHovered, this, &FramesPanel::onByteHovered);
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &FramesPanel::followTail);
    m_hint->watch(m_filter);
    setSession(nullptr);
}

void FramesPanel::setSession(DeviceSession *session) {
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    // The frames of the last source would be read as this one's (and annotated by its map).
    m_model->clear();
    showSelected();
    m_hint->setText(
        session
            ? QStringLiteral("Waiting for the first frame…")
            : QStringLiteral("Not connected. Choose a device under Devices and press Connect "
                             "(Ctrl+Return), or open a capture (File > Open capture, Ctrl+O)."));
    if (!session)
        return;
    connect(session, &DeviceSession::exchangeFinished, m_model, &FrameLogModel::addExchange);
    // Frames are named by the identified device's map; before that they are labelled raw.
    connect(session, &DeviceSession::identified, this, [this] {
        if (m_session && m_session->map())
            m_model->setRegisterMap(std::make_shared<const RegisterMap>(*m_session->map()));
    });
    m_model->setRegisterMap(session->map() ? std::make_shared<const RegisterMap>(*session->map())
                                           : nullptr);
}

void FramesPanel::resizeEvent(QResizeEvent *event) {
    QWidget::resizeEvent(event);
    const Qt::Orientation wanted = width() >= 2 * height() ? Qt::Horizontal : Qt::Vertical;
    if (m_splitter->orientation() != wanted || !m_splitterPlaced) {
        m_splitter->setOrientation(wanted);
        // Below the log, the detail needs the hex rows and six annotation rows.
        const int length = wanted == Qt::Horizontal ? width() : height();
        const int logShare = wanted == Qt::Horizontal ? 45 : 40;
        m_splitter->setSizes({length * logShare / 100, length * (100 - logShare) / 100});
        m_splitterPlaced = true;
    }
}

bool FramesPanel::eventFilter(QObject *watched, QEvent *event) {
    if (event->type() == QEvent::Resize && watched == m_hexScroll->parentWidget())
        fitHex();
    return QWidget::eventFilter(watched, event);
}

void FramesPanel::fitHex() {
    // Six table rows (and a scroll bar under them) first; the hex view gets what is left, at
    // least two lines. Not a minimum of the table: that made the dock itself taller.
    const QWidget *detail = m_hexScroll->parentWidget();
    const int table = m_annotations->horizontalHeader()->sizeHint().height() +
                      6 * m_annotations->verticalHeader()->defaultSectionSize() +
                      2 * m_annotations->frameWidth() +
                      style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, m_annotations);
    const int spacing = 2 * std::max(0, detail->layout()->spacing());
    const int room = detail->height() - m_summary->sizeHint().height() - spacing - table;
    m_hexScroll->setMaximumHeight(std::max(m_hexScroll->minimumHeight(), room));
}

void FramesPanel::followTail() {
    // Follow new frames only while the user is at the bottom and nothing is selected to read.
    QScrollBar *bar = m_view->verticalScrollBar();
    if (!m_pauseAction->isChecked() && !m_view->selectionModel()->hasSelection() &&
        bar->value() >= bar->maximum() - 1)
        m_view->scrollToBottom();
}

void FramesPanel::showSelected() {
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    const FrameRecord *record =
        current.isValid() ? m_model->record(m_filter->mapToSource(current).row()) : nullptr;
    m_annotations->setRowCount(0);
    if (!record) {
        m_current.clear();
        m_hex->clear();
        m_summary->clear();
        return;
    }
    m_current = record->annotations();
    m_hex->setFrame(record->bytes, m_current);
    m_summary->setText(
        QStringLiteral("%1 %2, %3 bytes, %4%5")
            .arg(directionName(record->direction), FrameLogModel::timeText(record->timestampMs))
            .arg(record->bytes.size())
            .arg(frameStatusName(record->status),
                 record->note.isEmpty() ? QString() : QStringLiteral(": ") + record->note));
    m_annotations->setRowCount(static_cast<int>(m_current.size()));
    for (int row = 0; row < m_current.size(); ++row) {
        const ByteAnnotation &a = m_current.at(row);
        const QString range = a.length == 1
                                  ? QString::number(a.offset)
                                  : QStringLiteral("%1–%2").arg(a.offset).arg(a.end() - 1);
        const QString what =
            a.key.isEmpty() ? a.title : QStringLiteral("%1 (%2)").arg(a.label, a.title);
        const QString raw =
            a.raw.isEmpty() ? modbus::toHex(record->bytes.mid(a.offset, a.length)) : a.raw;
        const QString meaning = a.value.isEmpty() ? a.text : a.value;
        const QStringList cells{range, what, raw, meaning};
        for (int column = 0; column < AnnotationColumns; ++column) {
            auto *item = new QTableWidgetItem(cells.at(column));
            if (!a.ok)
                item->setForeground(QColor(Qt::red));
            if (!a.key.isEmpty())
                item->setToolTip(a.key);
            m_annotations->setItem(row, column, item);
        }
    }
}

void FramesPanel::highlightAnnotation(int row) {
    if (row < 0 || row >= m_current.size()) {
        m_hex->setHighlight(-1, 0);
        return;
    }
    m_hex->setHighlight(m_current.at(row).offset, m_current.at(row).length);
}

bool FramesPanel::selectLatest(FrameRecord::Direction direction) {
    for (int row = m_filter->rowCount() - 1; row >= 0; --row) {
        const QModelIndex index = m_filter->index(row, 0);
        if (index.data(FrameLogModel::DirectionRole).toInt() == static_cast<int>(direction)) {
            m_view->setCurrentIndex(index);
            m_view->scrollTo(index);
            return true;
        }
    }
    return false;
}

void FramesPanel::onByteHovered(int offset) {
    for (int row = 0; row < m_current.size(); ++row) {
        if (m_current.at(row).contains(offset)) {
            m_annotations->selectRow(row);
            highlightAnnotation(row);
            return;
        }
    }
    highlightAnnotation(m_annotations->currentRow());
}

bool FramesPanel::exportTo(const QString &path, ExportFormat format, QString *error) const {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        if (error)
            *error = QStringLiteral("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    QString out;
    if (format == ExportFormat::Csv)
        out += FrameExport::csvHeader();
    for (int row = 0; row < m_filter->rowCount(); ++row) {
        const FrameRecord *record =
            m_model->record(m_filter->mapToSource(m_filter->index(row, 0)).row());
        if (!record)
            continue;
        out += format == ExportFormat::Csv ? FrameExport::toCsvRow(*record)
                                           : FrameExport::toText(*record, true);
    }
    if (file.write(out.toUtf8()) < 0 || !file.flush()) {
        if (error)
            *error = QStringLiteral("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    qCInfo(lcUi) << "exported" << m_filter->rowCount() << "frames to" << path;
    return true;
}

void FramesPanel::exportWithDialog(ExportFormat format) {
    const bool csv = format == ExportFormat::Csv;
    const QString path = QFileDialog::getSaveFileName(
        this,
        csv ? QStringLiteral("Export frames as CSV") : QStringLiteral("Export frames as text"),
        csv ? QStringLiteral("blupow-frames.csv") : QStringLiteral("blupow-frames.txt"),
        csv ? QStringLiteral("CSV (*.csv)") : QStringLiteral("Text (*.txt)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportTo(path, format, &error))
        QMessageBox::warning(this, QStringLiteral("Export failed"), error);
}

} // namespace blupow
