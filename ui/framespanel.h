#pragma once

#include "capture/framerecord.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QCheckBox;
class QLabel;
class QScrollArea;
class QSplitter;
class QTableView;
class QTableWidget;

namespace blupow {

class DeviceSession;
class EmptyHint;
class FrameLogFilterModel;
class FrameLogModel;
class HexView;

// The live TX/RX log. Selecting a frame shows its bytes and every labelled byte range (slave,
// function, byte count, each register with its field and value, CRC); hovering a range lights
// its bytes. Filters for TX, RX and errors; pause; export as text or CSV.
class FramesPanel : public QWidget {
    Q_OBJECT

public:
    enum class ExportFormat { Text, Csv };

    explicit FramesPanel(FrameLogModel *model, QWidget *parent = nullptr);

    [[nodiscard]] QTableView *view() const { return m_view; }
    [[nodiscard]] HexView *hexView() const { return m_hex; }
    [[nodiscard]] QTableWidget *annotationTable() const { return m_annotations; }
    [[nodiscard]] FrameLogFilterModel *filterModel() const { return m_filter; }
    [[nodiscard]] QAction *pauseAction() const { return m_pauseAction; }
    [[nodiscard]] QAction *exportTextAction() const { return m_exportTextAction; }
    [[nodiscard]] QAction *exportCsvAction() const { return m_exportCsvAction; }

    // Writes the frames the filter shows; returns false with a message on failure.
    bool exportTo(const QString &path, ExportFormat format, QString *error = nullptr) const;
    // The annotations of the selected frame (what the table below shows).
    [[nodiscard]] ByteAnnotations selectedAnnotations() const { return m_current; }
    // Lights the bytes of annotation `row` (as hovering it does).
    void highlightAnnotation(int row);
    // Selects the newest frame shown in `direction`; false when there is none.
    bool selectLatest(FrameRecord::Direction direction);

public Q_SLOTS:
    void setSession(blupow::DeviceSession *session);

protected:
    // A wide, short panel (the bottom dock) puts the detail beside the log, so the annotation
    // table gets the panel's height; a tall one puts it below.
    void resizeEvent(QResizeEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void showSelected();
    void exportWithDialog(ExportFormat format);
    void onByteHovered(int offset);
    void followTail();
    void fitHex();

    FrameLogModel *m_model;
    FrameLogFilterModel *m_filter;
    QTableView *m_view;
    HexView *m_hex;
    QScrollArea *m_hexScroll;
    QTableWidget *m_annotations;
    QSplitter *m_splitter;
    bool m_splitterPlaced = false; // sizes given once the panel has its own
    QLabel *m_summary;
    EmptyHint *m_hint;
    QCheckBox *m_tx;
    QCheckBox *m_rx;
    QCheckBox *m_errors;
    QAction *m_pauseAction;
    QAction *m_clearAction;
    QAction *m_exportTextAction;
    QAction *m_exportCsvAction;
    ByteAnnotations m_current;
    QPointer<DeviceSession> m_session;
};

} // namespace blupow
