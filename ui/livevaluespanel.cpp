#include "livevaluespanel.h"

#include "device/devicesession.h"
#include "emptyhint.h"
#include "livevaluedelegate.h"
#include "models/livevaluesfiltermodel.h"
#include "models/livevaluesmodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QEvent>
#include <QHeaderView>
#include <QLineEdit>
#include <QStyle>
#include <QTreeView>
#include <QVBoxLayout>

namespace blupow {

namespace {
constexpr int kAgeTickMs = 1000;
constexpr int kLabelChars = 30;
// Text values (states, model names) get this much before the label; numbers always whole.
constexpr int kValueTextChars = 18;
constexpr int kValueMinChars = 6;
} // namespace

LiveValuesPanel::LiveValuesPanel(LiveValuesModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_filter(new LiveValuesFilterModel(this))
    , m_search(new QLineEdit(this))
    , m_view(new QTreeView(this))
    , m_hint(new EmptyHint(m_view->viewport()))
    , m_findAction(new QAction(QStringLiteral("&Find Value…"), this))
    , m_copyAction(new QAction(QStringLiteral("&Copy Values"), this)) {
    m_filter->setSourceModel(m_model);
    m_search->setPlaceholderText(QStringLiteral("Search fields (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);

    m_view->setModel(m_filter);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setItemDelegate(new LiveValueDelegate(m_view));
    // Three dcc fields start "Auxiliary battery"; cut at the end they read alike.
    m_view->setTextElideMode(Qt::ElideMiddle);
    // fitColumns() sizes every column itself: Qt's ResizeToContents plus a stretched label column
    // pushed value, unit and quality out of a narrow panel rather than shrinking the label.
    m_view->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->header()->setStretchLastSection(false);
    m_view->viewport()->installEventFilter(this);
    m_view->setAccessibleName(QStringLiteral("Live values"));

    m_findAction->setShortcut(QKeySequence::Find);
    m_findAction->setShortcutContext(Qt::ApplicationShortcut);
    m_copyAction->setShortcut(QKeySequence::Copy);
    m_copyAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(m_copyAction);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_search);
    layout->addWidget(m_view, 1);

    connect(m_search, &QLineEdit::textChanged, this, &LiveValuesPanel::setSearchText);
    connect(m_findAction, &QAction::triggered, this, [this] {
        m_search->setFocus(Qt::ShortcutFocusReason);
        m_search->selectAll();
    });
    connect(m_copyAction, &QAction::triggered, this, &LiveValuesPanel::copySelection);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &LiveValuesPanel::spanGroupRows);
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &LiveValuesPanel::spanGroupRows);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &LiveValuesPanel::spanGroupRows);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &LiveValuesPanel::fitColumns);
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &LiveValuesPanel::fitColumns);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &LiveValuesPanel::fitColumns);
    connect(m_filter, &QAbstractItemModel::dataChanged, this, &LiveValuesPanel::fitColumns);

    m_ageTimer.setInterval(kAgeTickMs);
    connect(&m_ageTimer, &QTimer::timeout, this, &LiveValuesPanel::tickAges);
    m_ageTimer.start();
    m_hint->watch(m_filter);
    updateHint();
}

void LiveValuesPanel::updateHint() {
    if (m_recordedAtMs && m_model->rowCount() == 0)
        m_hint->setText(QStringLiteral(
            "The capture holds no values of this device up to this moment: move the time slider "
            "on."));
    else if (!m_session && !m_recordedAtMs)
        m_hint->setText(
            QStringLiteral("Not connected. Choose a device under Devices and press Connect "
                           "(Ctrl+Return), or open a capture (File > Open capture, Ctrl+O)."));
    else if (!m_search->text().isEmpty() && m_model->rowCount() > 0)
        m_hint->setText(QStringLiteral("No field matches “%1”.").arg(m_search->text()));
    else
        m_hint->setText(QStringLiteral("Connecting… the values appear after the first read."));
}

void LiveValuesPanel::setSession(DeviceSession *session) {
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    m_recordedAtMs.reset();
    m_model->clear();
    updateHint();
    if (!session)
        return;
    connect(session, &DeviceSession::valuesUpdated, this, [this](const DecodedValues &values) {
        m_model->update(values, QDateTime::currentMSecsSinceEpoch());
    });
    // Another device of the same link in focus (the device list's chooser) is a new device here.
    connect(session, &DeviceSession::focusChanged, this, [this, session] { setSession(session); });
}

void LiveValuesPanel::showValuesAt(const DecodedValues &values, qint64 atMs) {
    m_recordedAtMs = atMs;
    m_model->update(values, atMs);
    updateHint();
}

void LiveValuesPanel::setSearchText(const QString &text) {
    if (m_search->text() != text)
        m_search->setText(text);
    m_filter->setSearchText(text);
    spanGroupRows();
    updateHint();
}

bool LiveValuesPanel::eventFilter(QObject *watched, QEvent *event) {
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        fitColumns();
    return QWidget::eventFilter(watched, event);
}

void LiveValuesPanel::fitColumns() {
    QHeaderView *header = m_view->header();
    const int available = m_view->viewport()->width();
    const int padding =
        2 * m_view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_view) +
        m_view->fontMetrics().averageCharWidth();
    const auto contentWidth = [&](int column) {
        // QTreeView makes it protected; it is public (and virtual) in QAbstractItemView.
        const QAbstractItemView *view = m_view;
        return std::max(view->sizeHintForColumn(column), header->sectionSizeHint(column)) + padding;
    };
    // The label comes before the extra columns: up to kLabelChars, enough for most labels whole
    // and for the rest to read apart with the middle elided ("Cell 1…voltage").
    const int charWidth = m_view->fontMetrics().averageCharWidth();
    const int labelWant =
        std::min(contentWidth(LiveValuesModel::FieldColumn), charWidth * kLabelChars);
    const int unit = contentWidth(LiveValuesModel::UnitColumn);
    // Numbers are never cut; a long text value (a fault list) gives way to the label and the
    // extra columns (its tooltip has it whole).
    int numbers = 0;
    for (int row = 0; row < m_filter->rowCount(); ++row) {
        const QModelIndex index = m_filter->index(row, LiveValuesModel::ValueColumn);
        if (index.data(LiveValuesModel::NumericRole).isValid())
            numbers =
                std::max(numbers, m_view->fontMetrics().horizontalAdvance(index.data().toString()));
    }
    const int valueContent = contentWidth(LiveValuesModel::ValueColumn);
    int value = std::max(
        {std::min({valueContent, charWidth * kValueTextChars, available - unit - labelWant}),
         numbers + padding, charWidth * kValueMinChars});
    int used = value + unit;
    // Quality, then age, then the raw words: each shown only while the label keeps its room.
    const int rawWidth = std::min(
        contentWidth(LiveValuesModel::RawColumn),
        m_view->fontMetrics().horizontalAdvance(QStringLiteral("0x0000 0x0000")) + padding);
    const std::pair<int, int> optional[] = {
        {LiveValuesModel::QualityColumn, contentWidth(LiveValuesModel::QualityColumn)},
        {LiveValuesModel::AgeColumn, contentWidth(LiveValuesModel::AgeColumn)},
        {LiveValuesModel::RawColumn, rawWidth}};
    for (const auto &[column, width] : optional) {
        const bool fits = used + width + labelWant <= available;
        header->setSectionHidden(column, !fits);
        if (fits) {
            header->resizeSection(column, width);
            used += width;
        }
    }
    // What is left beyond the whole labels widens the value column for long texts.
    const int spare = available - used - contentWidth(LiveValuesModel::FieldColumn);
    if (spare > 0 && valueContent > value) {
        const int more = std::min(spare, valueContent - value);
        value += more;
        used += more;
    }
    header->resizeSection(LiveValuesModel::ValueColumn, value);
    header->resizeSection(LiveValuesModel::UnitColumn, unit);
    header->resizeSection(LiveValuesModel::FieldColumn, std::max(available - used, charWidth * 4));
}

void LiveValuesPanel::spanGroupRows() {
    for (int row = 0; row < m_filter->rowCount(); ++row) {
        const bool header = m_filter->index(row, 0).data(LiveValuesModel::IsGroupRole).toBool();
        m_view->setFirstColumnSpanned(row, {}, header);
    }
}

QString LiveValuesPanel::selectedText() const {
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QStringList lines;
    for (const QModelIndex &index : rows) {
        QStringList cells;
        for (int column = 0; column < m_filter->columnCount(); ++column)
            cells.append(m_filter->index(index.row(), column).data().toString());
        while (!cells.isEmpty() && cells.last().isEmpty())
            cells.removeLast();
        lines.append(cells.join(QLatin1Char('\t')));
    }
    return lines.join(QLatin1Char('\n'));
}

void LiveValuesPanel::copySelection() {
    const QString text = selectedText();
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text);
}

void LiveValuesPanel::tickAges() {
    if (m_recordedAtMs)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // A cycle refreshes ages itself; only a silent link needs the extra repaint.
    if (m_model->rowCount() > 0 && now - m_model->lastUpdateMs() > kAgeTickMs + kAgeTickMs / 2)
        m_model->refreshAges(now);
}

} // namespace blupow
