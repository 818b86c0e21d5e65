#pragma once

#include "history/historytypes.h"
#include "models/timeseriesbuffer.h"
#include "registers/decodedvalue.h"

#include <QHash>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <map>
#include <utility>

class QAction;
class QChart;
class QGraphicsLineItem;
class QLabel;
class QChartView;
class QComboBox;
class QDateTimeAxis;
class QLineSeries;
class QListWidget;
class QColor;
class QLineEdit;
class QListWidgetItem;
class QScrollBar;
class QSplitter;
class QValueAxis;

namespace blupow {

class DeviceSession;
class EmptyHint;
class HistoryReader;

// Any numeric fields over time. Every numeric field is recorded into its own fixed ring
// (24 h at 1 Hz); the plot repaints at its own rate (kRepaintMs) with QXYSeries::replace() of at
// most two points per pixel column (min/max), never per sample and never animated, so a busy
// link cannot make the GUI lag (README, Architecture: data flow step 6; Qt's charts/audio example).
// Pause freezes the view (recording goes on); the scroll bar moves back through the history. Each
// unit gets its own value axis (left, right, left...), so 13 V and 400 W are both readable; fields
// without a unit share one, and ticks at round values (1, 2 or 5 x 10^n).
//
// The field list has a section per device, so the fields of two devices (the slaves of a capture)
// read apart; a device whose link is down is marked "disconnected" and its fields greyed, with
// their history kept. A field ticked is plotted for every device that has it (the chosen fields
// are keys, saved in the settings). Hovering the plot, or the arrow keys on it, reads every plotted
// series' value at that time (the nearest sample); the plotted range exports as CSV or PNG.
class ChartPanel : public QWidget {
    Q_OBJECT

public:
    static constexpr int kRepaintMs = 100;
    // Long windows are reduced to a min/max pair per bucket of this many pixel columns. Every
    // replace() makes Qt Charts stroke the whole line for hit testing (QPainterPathStroker, the
    // bulk of a repaint: see bench_chart), so points beyond what the eye can tell apart cost
    // frame time; the min-to-max segment still spans both columns, so no spike is lost.
    static constexpr int kPixelsPerBucket = 2;
    // The narrowest time span drawn while less than a window is recorded.
    static constexpr qint64 kMinSpanMs = 10000;
    // A field list item's data role holding its series colour (invalid when not plotted).
    static constexpr int kSwatchRole = Qt::UserRole + 1;
    // A field list item's device (the section it is in); a section's own item has no key.
    static constexpr int kDeviceRole = Qt::UserRole + 2;

    explicit ChartPanel(QWidget *parent = nullptr);
    ~ChartPanel() override;

    // Window presets from 1 min to 24 h, in seconds.
    [[nodiscard]] static QList<int> windowPresets();
    // The ranges read from the history file (docs/history.md): last hour to last year, in ms;
    // 0 is the live view from the in-memory rings.
    [[nodiscard]] static QList<qint64> rangePresets();

    // Where longer ranges come from (not owned; nullptr: live only). The reader works in its own
    // thread, so no SQLite query ever runs on the GUI thread.
    void setHistoryReader(HistoryReader *reader);
    // 0 for live, else one of rangePresets(): the plot shows the history file's range ending
    // now, and pans back with earlier() (Ctrl+Left on the plot) and later() (Ctrl+Right).
    void setRange(qint64 ms);
    [[nodiscard]] qint64 range() const { return m_rangeMs; }
    void earlier();
    void later();
    [[nodiscard]] QComboBox *rangeChooser() const { return m_range; }
    // The number of the last history load answered (0 before any): tests wait on it.
    [[nodiscard]] quint64 historyLoads() const { return m_loadsDone; }

    // Values of the current session's device (or of no named device, without a session).
    void appendValues(const DecodedValues &values);
    // Values of a named device, in its own section of the field list (a capture's slaves).
    void appendDeviceValues(const QString &device, const DecodedValues &values);
    // Marks a device's section "disconnected" and greys its fields, or clears the mark.
    void setDeviceConnected(const QString &device, bool connected);
    [[nodiscard]] bool isDeviceConnected(const QString &device) const;
    // The devices with a section, in list order ("" for values of no named device).
    [[nodiscard]] QStringList devices() const;
    void setChosenFields(const QStringList &keys);
    [[nodiscard]] QStringList chosenFields() const;
    void setWindowSeconds(int seconds);
    [[nodiscard]] int windowSeconds() const { return m_windowSeconds; }
    void setPaused(bool paused);
    [[nodiscard]] bool isPaused() const;

    // Rebuilds the plotted points now (the repaint timer calls this when something changed).
    void refresh();

    // The time range plotted (ms since the epoch), as of the last refresh().
    [[nodiscard]] qint64 plottedFrom() const { return m_plotFrom; }
    [[nodiscard]] qint64 plottedTo() const { return m_plotTo; }

    // The read-out: a cursor at a time shows every plotted series' nearest sample. The mouse
    // over the plot sets it; on the focused plot Left/Right move it, Home/End jump, Esc hides.
    void setCursorTime(qint64 ms);
    void clearCursor();
    [[nodiscard]] bool hasCursor() const { return m_cursorMs >= 0; }
    [[nodiscard]] qint64 cursorTime() const { return m_cursorMs; }
    // Plain text, one line for the time and one per plotted series ("" without a cursor).
    [[nodiscard]] QString readout() const;
    [[nodiscard]] QLabel *readoutLabel() const { return m_readout; }

    // The plotted range: every recorded sample of every plotted series in it as CSV (a time
    // column, one column per series with its unit in the header), or the chart as a PNG. On
    // failure `error` says why and nothing is left half-written.
    bool exportCsv(const QString &path, QString *error = nullptr) const;
    bool exportPng(const QString &path, QString *error = nullptr) const;
    [[nodiscard]] QAction *exportCsvAction() const { return m_exportCsvAction; }
    [[nodiscard]] QAction *exportPngAction() const { return m_exportPngAction; }

    [[nodiscard]] QChartView *chartView() const { return m_view; }
    [[nodiscard]] QListWidget *fieldList() const { return m_fields; }
    [[nodiscard]] QLineEdit *fieldFilter() const { return m_filter; }
    [[nodiscard]] QAction *pauseAction() const { return m_pauseAction; }
    [[nodiscard]] int seriesPointCount(const QString &key) const;
    // The pieces a plotted field's line is drawn in: 1 without gaps, 0 when nothing is drawn; a
    // gap in its samples (a link lost, values not read) breaks it (ChartScale::segmentStarts).
    [[nodiscard]] int seriesRuns(const QString &key) const;
    [[nodiscard]] int recordedSamples(const QString &key) const;
    // The value axis a plotted field is drawn against (nullptr when not plotted), and all of them.
    [[nodiscard]] QValueAxis *valueAxis(const QString &key) const;
    [[nodiscard]] QList<QValueAxis *> valueAxes() const;

public Q_SLOTS:
    void setSession(blupow::DeviceSession *session);
    // Follows a link beside the others (the GUI's several devices at once, docs/gui.md): every
    // device behind it in its own section, by its title, so a field ticked is drawn for each of
    // them (the voltage of every battery of a bank). removeSession(): the link is closed; its
    // devices are marked disconnected, their history kept.
    void addSession(blupow::DeviceSession *session);
    void removeSession(blupow::DeviceSession *session);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

Q_SIGNALS:
    void chosenFieldsChanged(const QStringList &keys);
    // A history range was loaded and is about to be drawn (or failed: `error`).
    void historyLoaded(const QString &error);
    void windowSecondsChanged(int seconds);
    void rangeChanged(qint64 ms);

private:
    // A recorded field is known by its id: the key, prefixed by its device when it has one.
    void ensureField(const QString &device, const DecodedValue &value);
    void onItemChanged(QListWidgetItem *item);
    void addSeries(const QString &id);
    void removeSeries(const QString &id);
    void drawRuns(const QString &id, QLineSeries *first, const QList<QPointF> &points,
                  double bucketMs);
    // Ticks (or unticks) a field's item and plots (or drops) its series.
    void setPlotted(QListWidgetItem *item, bool on);
    // Plots or drops every recorded field with this key, whichever device it belongs to.
    void plotKey(const QString &key, bool on);
    // The id a key names in the public look-ups: the key itself or its first device's field.
    [[nodiscard]] QString idOf(const QString &key) const;
    // The legend: the plotted colour beside the field's name; an invalid colour clears it.
    void showSwatch(const QString &id, const QColor &color);
    void applyFilter(QListWidgetItem *item) const;
    [[nodiscard]] QListWidgetItem *itemOf(const QString &id) const;
    // A series' name where several devices are listed: the device's, then the field's.
    [[nodiscard]] QString seriesTitle(const QString &id) const;
    QValueAxis *axisForUnit(const QString &unit);
    // The range the next refresh() plots: the window's right edge, the newest sample or the
    // scroll bar's position, and its left edge.
    [[nodiscard]] std::pair<qint64, qint64> rangeToPlot() const;
    void updateCursor();
    void chooseExportFile(bool csv);
    void updateScrollRange();
    [[nodiscard]] qint64 newestTime() const;
    void markDirty() { m_dirty = true; }
    // Says why the plot is empty (no source, no values yet, nothing ticked), or hides.
    void updateHint();
    // Forgets every recorded field and series; the chosen keys stay for the next source.
    void clearFields();
    // The rings the plot, the read-out and the export use: the live ones, or the loaded range.
    [[nodiscard]] const std::map<QString, TimeSeriesBuffer> &shown() const {
        return m_rangeMs > 0 ? m_history : m_buffers;
    }
    [[nodiscard]] const TimeSeriesBuffer *shownBuffer(const QString &id) const;
    void requestHistory();
    void onSeriesListed(const QList<blupow::HistorySeriesInfo> &series);
    void onHistoryLoaded(quint64 request, const QList<blupow::HistorySeriesData> &loaded,
                         const QString &error);
    void pan(int direction);

    QListWidget *m_fields;
    QLineEdit *m_filter; // narrows the field list (a device has 30 to 60 numeric fields)
    QComboBox *m_window;
    QComboBox *m_range;
    QAction *m_earlierAction;
    QAction *m_laterAction;
    QScrollBar *m_scroll;
    QAction *m_pauseAction;
    QAction *m_liveAction;
    QAction *m_exportCsvAction;
    QAction *m_exportPngAction;
    QChart *m_chart;
    QChartView *m_view;
    QSplitter *m_splitter;
    bool m_userSplit = false;
    EmptyHint *m_hint;
    QLabel *m_readout;           // over the plot's top left corner, while there is a cursor
    QGraphicsLineItem *m_cursor; // owned by m_chart
    QDateTimeAxis *m_axisX;
    std::map<QString, QValueAxis *> m_axesY; // by unit; owned by m_chart

    std::map<QString, TimeSeriesBuffer> m_buffers; // by id
    // History mode: the range loaded from the file, per id, as min/max pairs per bucket.
    std::map<QString, TimeSeriesBuffer> m_history;
    HistoryReader *m_reader = nullptr;
    QList<HistorySeriesInfo> m_stored; // what the file holds
    qint64 m_rangeMs = 0;              // 0: live
    qint64 m_historyEndMs = 0;         // the right edge of the history range
    quint64 m_pendingLoad = 0;
    quint64 m_loadsDone = 0;
    bool m_historyStale = false;       // the plotted set or the range changed since the last load
    QHash<QString, QString> m_loadIds; // "device\x1ffield" of a load -> the id it is plotted as
    QHash<QString, QLineSeries *> m_series; // owned by m_chart
    // A plotted field's runs after its first, where its line breaks (ChartScale::segmentStarts):
    // Qt Charts drops NaN points rather than breaking a line, so each run is a series of its own.
    QHash<QString, QList<QLineSeries *>> m_runs;
    QHash<QString, QString> m_keys;          // id -> key
    QHash<QString, QString> m_devices;       // id -> device ("" for none)
    QHash<QString, QString> m_labels;        // "Battery voltage"
    QHash<QString, QString> m_units;         // id -> unit, "" for none
    QHash<QString, int> m_decimals;          // id -> the register map's decimals
    QStringList m_sectionOrder;              // devices in list order
    QStringList m_disconnected;              // devices marked so
    QStringList m_wanted;                    // chosen, possibly before the field was ever seen
    QHash<QString, QList<QPointF>> m_points; // per plotted field, reused between repaints
    int m_windowSeconds = 600;
    qint64 m_plotFrom = 0;
    qint64 m_plotTo = 0;
    qint64 m_cursorMs = -1;
    QString m_sessionDevice; // the session's device name, once identified
    qint64 m_oldestMs = 0;   // the scroll bar counts seconds from here
    bool m_dirty = true;
    bool m_followLive = true;
    QPointer<DeviceSession> m_session;
    QList<QPointer<DeviceSession>> m_links; // addSession()
    // Repaints at the panel's own rate, decoupled from the poll rate.
    QTimer m_repaintTimer;
};

} // namespace blupow
