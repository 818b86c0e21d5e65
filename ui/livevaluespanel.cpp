#include "livevaluespanel.h"

#include "device/devicesession.h"
#include "livevaluedelegate.h"
#include "models/livevaluesfiltermodel.h"
#include "models/livevaluesmodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QHeaderView>
#include <QLineEdit>
#include <QStyle>
#include <QTreeView>
#include <QVBoxLayout>

namespace blupow {

namespace {
constexpr int kAgeTickMs = 1000;
} // namespace

LiveValuesPanel::LiveValuesPanel(LiveValuesModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_filter(new LiveValuesFilterModel(this))
    , m_search(new QLineEdit(this))
    , m_view(new QTreeView(this))
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
    // Values, units and quality always fit; a narrow panel elides the labels instead.
    m_view->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->header()->setSectionResizeMode(LiveValuesModel::FieldColumn, QHeaderView::Stretch);
    m_view->header()->setStretchLastSection(false);
    // Raw words fit for one or two registers; the eight of a model name would push age and
    // quality out of sight, so longer ones are elided (the tooltip has them whole).
    m_view->header()->setSectionResizeMode(LiveValuesModel::RawColumn, QHeaderView::Interactive);
    m_view->header()->resizeSection(
        LiveValuesModel::RawColumn,
        m_view->fontMetrics().horizontalAdvance(QStringLiteral("0x0000 0x0000")) +
            2 * m_view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_view) + 8);
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

    m_ageTimer.setInterval(kAgeTickMs);
    connect(&m_ageTimer, &QTimer::timeout, this, &LiveValuesPanel::tickAges);
    m_ageTimer.start();
}

void LiveValuesPanel::setSession(DeviceSession *session) {
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    m_model->clear();
    if (!session)
        return;
    connect(session, &DeviceSession::valuesUpdated, this, [this](const DecodedValues &values) {
        m_model->update(values, QDateTime::currentMSecsSinceEpoch());
    });
}

void LiveValuesPanel::setSearchText(const QString &text) {
    if (m_search->text() != text)
        m_search->setText(text);
    m_filter->setSearchText(text);
    spanGroupRows();
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
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // A cycle refreshes ages itself; only a silent link needs the extra repaint.
    if (m_model->rowCount() > 0 && now - m_model->lastUpdateMs() > kAgeTickMs + kAgeTickMs / 2)
        m_model->refreshAges(now);
}

} // namespace blupow
