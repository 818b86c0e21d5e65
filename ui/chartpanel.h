#pragma once

#include "models/timeseriesbuffer.h"
#include "registers/decodedvalue.h"

#include <QHash>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <map>

class QAction;
class QChart;
class QChartView;
class QComboBox;
class QDateTimeAxis;
class QLineSeries;
class QListWidget;
class QColor;
class QLineEdit;
class QListWidgetItem;
class QScrollBar;
class QValueAxis;

namespace blupow {

class DeviceSession;
class EmptyHint;

// Any numeric fields over time. Every numeric field is recorded into its own fixed ring
// (24 h at 1 Hz); the plot repaints at its own rate (kRepaintMs) with QXYSeries::replace() of at
// most two points per pixel column (min/max), never per sample and never animated, so a busy
// link cannot make the GUI lag (README, Architecture: data flow step 6; Qt's charts/audio example).
// Pause freezes the view (recording goes on); the scroll bar moves back through the history. Each
// unit gets its own value axis (left, right, left...), so 13 V and 400 W are both readable; fields
// without a unit share one.
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

    explicit ChartPanel(QWidget *parent = nullptr);
    ~ChartPanel() override;

    // Window presets from 1 min to 24 h, in seconds.
    [[nodiscard]] static QList<int> windowPresets();

    void appendValues(const DecodedValues &values);
    void setChosenFields(const QStringList &keys);
    [[nodiscard]] QStringList chosenFields() const;
    void setWindowSeconds(int seconds);
    [[nodiscard]] int windowSeconds() const { return m_windowSeconds; }
    void setPaused(bool paused);
    [[nodiscard]] bool isPaused() const;

    // Rebuilds the plotted points now (the repaint timer calls this when something changed).
    void refresh();

    [[nodiscard]] QChartView *chartView() const { return m_view; }
    [[nodiscard]] QListWidget *fieldList() const { return m_fields; }
    [[nodiscard]] QLineEdit *fieldFilter() const { return m_filter; }
    [[nodiscard]] QAction *pauseAction() const { return m_pauseAction; }
    [[nodiscard]] int seriesPointCount(const QString &key) const;
    [[nodiscard]] int recordedSamples(const QString &key) const;
    // The value axis a plotted field is drawn against (nullptr when not plotted), and all of them.
    [[nodiscard]] QValueAxis *valueAxis(const QString &key) const;
    [[nodiscard]] QList<QValueAxis *> valueAxes() const;

public Q_SLOTS:
    void setSession(blupow::DeviceSession *session);

Q_SIGNALS:
    void chosenFieldsChanged(const QStringList &keys);
    void windowSecondsChanged(int seconds);

private:
    void ensureField(const DecodedValue &value);
    void onItemChanged(QListWidgetItem *item);
    void addSeries(const QString &key);
    void removeSeries(const QString &key);
    // The legend: the plotted colour beside the field's name; an invalid colour clears it.
    void showSwatch(const QString &key, const QColor &color);
    void applyFilter(QListWidgetItem *item) const;
    QValueAxis *axisForUnit(const QString &unit);
    void updateScrollRange();
    [[nodiscard]] qint64 newestTime() const;
    void markDirty() { m_dirty = true; }
    // Says why the plot is empty (no source, no values yet, nothing ticked), or hides.
    void updateHint();
    // Forgets every recorded field and series; the chosen keys stay for the next source.
    void clearFields();

    QListWidget *m_fields;
    QLineEdit *m_filter; // narrows the field list (a device has 30 to 60 numeric fields)
    QComboBox *m_window;
    QScrollBar *m_scroll;
    QAction *m_pauseAction;
    QAction *m_liveAction;
    QChart *m_chart;
    QChartView *m_view;
    EmptyHint *m_hint;
    QDateTimeAxis *m_axisX;
    std::map<QString, QValueAxis *> m_axesY; // by unit; owned by m_chart

    std::map<QString, TimeSeriesBuffer> m_buffers;
    QHash<QString, QLineSeries *> m_series;  // owned by m_chart
    QHash<QString, QString> m_titles;        // "Battery voltage (V)"
    QHash<QString, QString> m_units;         // key -> unit, "" for none
    QStringList m_wanted;                    // chosen, possibly before the field was ever seen
    QHash<QString, QList<QPointF>> m_points; // per plotted field, reused between repaints
    int m_windowSeconds = 600;
    qint64 m_oldestMs = 0; // the scroll bar counts seconds from here
    bool m_dirty = true;
    bool m_followLive = true;
    QPointer<DeviceSession> m_session;
    // Repaints at the panel's own rate, decoupled from the poll rate.
    QTimer m_repaintTimer;
};

} // namespace blupow
