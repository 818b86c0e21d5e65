#pragma once

#include "capture/byteannotation.h"

#include <QByteArray>
#include <QWidget>

namespace blupow {

// One frame's bytes, 16 per line, each annotated range tinted (bad ones in the error colour) and
// the hovered range highlighted. Sizes come from the fixed font's metrics, so it reads the same
// at 100 % and 200 % scaling.
class HexView : public QWidget {
    Q_OBJECT

public:
    static constexpr int kBytesPerLine = 16;

    explicit HexView(QWidget *parent = nullptr);

    void setFrame(const QByteArray &bytes, const ByteAnnotations &annotations);
    void clear();
    // -1 = nothing highlighted.
    void setHighlight(int offset, int length);
    [[nodiscard]] int highlightOffset() const { return m_highlightOffset; }
    [[nodiscard]] int highlightLength() const { return m_highlightLength; }
    [[nodiscard]] int byteAt(const QPoint &pos) const;

    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;

Q_SIGNALS:
    void byteHovered(int offset); // -1 when the pointer leaves the bytes

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    [[nodiscard]] QRect cellRect(int byte) const;
    [[nodiscard]] int offsetColumnWidth() const;
    [[nodiscard]] int cellWidth() const;
    [[nodiscard]] int lineHeight() const;

    QByteArray m_bytes;
    ByteAnnotations m_annotations;
    int m_highlightOffset = -1;
    int m_highlightLength = 0;
};

} // namespace blupow
