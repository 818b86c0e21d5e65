#include "hexview.h"

#include <QFontDatabase>
#include <QMouseEvent>
#include <QPainter>

namespace blupow {

HexView::HexView(QWidget *parent)
    : QWidget(parent) {
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setMouseTracking(true);
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
    setAccessibleName(QStringLiteral("Frame bytes"));
}

void HexView::setFrame(const QByteArray &bytes, const ByteAnnotations &annotations) {
    m_bytes = bytes;
    m_annotations = annotations;
    m_highlightOffset = -1;
    m_highlightLength = 0;
    updateGeometry();
    update();
}

void HexView::clear() {
    setFrame({}, {});
}

void HexView::setHighlight(int offset, int length) {
    if (offset == m_highlightOffset && length == m_highlightLength)
        return;
    m_highlightOffset = offset;
    m_highlightLength = offset < 0 ? 0 : length;
    update();
}

int HexView::offsetColumnWidth() const {
    return fontMetrics().horizontalAdvance(QStringLiteral("0000  "));
}

int HexView::cellWidth() const {
    return fontMetrics().horizontalAdvance(QStringLiteral("00 "));
}

int HexView::lineHeight() const {
    return fontMetrics().height() + fontMetrics().leading() + 2;
}

QRect HexView::cellRect(int byte) const {
    const int margin = fontMetrics().averageCharWidth() / 2;
    const int line = byte / kBytesPerLine;
    const int column = byte % kBytesPerLine;
    return {margin + offsetColumnWidth() + column * cellWidth(), margin + line * lineHeight(),
            cellWidth(), lineHeight()};
}

int HexView::byteAt(const QPoint &pos) const {
    for (int i = 0; i < m_bytes.size(); ++i) {
        if (cellRect(i).contains(pos))
            return i;
    }
    return -1;
}

QSize HexView::sizeHint() const {
    const int margin = fontMetrics().averageCharWidth();
    const auto lines = std::max<qsizetype>(2, (m_bytes.size() + kBytesPerLine - 1) / kBytesPerLine);
    return {margin + offsetColumnWidth() + kBytesPerLine * cellWidth(),
            margin + static_cast<int>(lines) * lineHeight()};
}

QSize HexView::minimumSizeHint() const {
    // Every line: in a short panel the frames panel scrolls the view rather than cut lines off.
    return {offsetColumnWidth() + kBytesPerLine * cellWidth() / 2, sizeHint().height()};
}

void HexView::paintEvent(QPaintEvent *) {
    QPainter p(this);
    const QPalette &pal = palette();
    const QColor tintA = pal.color(QPalette::AlternateBase);
    QColor tintB = pal.color(QPalette::Highlight);
    tintB.setAlpha(40);
    QColor bad(Qt::red);
    bad.setAlpha(70);
    const QColor highlight = pal.color(QPalette::Highlight);

    // Alternate tints so adjacent ranges stay distinguishable without a legend.
    for (int i = 0; i < m_annotations.size(); ++i) {
        const ByteAnnotation &a = m_annotations.at(i);
        const QColor fill = !a.ok ? bad : (i % 2 ? tintA : tintB);
        for (int b = a.offset; b < a.end() && b < m_bytes.size(); ++b)
            p.fillRect(cellRect(b).adjusted(0, 1, -1, -1), fill);
    }
    for (int b = m_highlightOffset;
         b >= 0 && b < m_highlightOffset + m_highlightLength && b < m_bytes.size(); ++b)
        p.fillRect(cellRect(b).adjusted(0, 1, -1, -1), highlight);

    const int ascent = fontMetrics().ascent();
    for (int line = 0; line * kBytesPerLine < m_bytes.size(); ++line) {
        const QRect first = cellRect(line * kBytesPerLine);
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(first.left() - offsetColumnWidth(), first.top() + 1 + ascent,
                   QStringLiteral("%1").arg(line * kBytesPerLine, 4, 16, QLatin1Char('0')));
    }
    for (int b = 0; b < m_bytes.size(); ++b) {
        const QRect r = cellRect(b);
        const bool lit = b >= m_highlightOffset && b < m_highlightOffset + m_highlightLength;
        p.setPen(pal.color(lit ? QPalette::HighlightedText : QPalette::Text));
        p.drawText(
            r.left(), r.top() + 1 + ascent,
            QStringLiteral("%1").arg(static_cast<quint8>(m_bytes.at(b)), 2, 16, QLatin1Char('0')));
    }
}

void HexView::mouseMoveEvent(QMouseEvent *event) {
    Q_EMIT byteHovered(byteAt(event->position().toPoint()));
}

void HexView::leaveEvent(QEvent *) {
    Q_EMIT byteHovered(-1);
}

} // namespace blupow
