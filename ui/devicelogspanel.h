#pragma once

#include <QPointer>
#include <QWidget>

#include <memory>

class QBarSeries;
class QChart;
class QChartView;
class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace blupow {

class DeviceLogModel;
class DeviceLogReader;
class DeviceSession;
class EmptyHint;
struct DeviceLog;

// The logs the current device keeps of its own past (docs/logs.md), read only when asked: a
// controller's days and load timer, an inverter's last seven days and fault records. A table of
// the rows and, under it, a bar per row of the chosen column (click a column's header). A row
// the device did not answer shows "?", never a zero.
class DeviceLogsPanel : public QWidget {
    Q_OBJECT

public:
    explicit DeviceLogsPanel(QWidget *parent = nullptr);
    ~DeviceLogsPanel() override;

    void setSession(blupow::DeviceSession *session);

    [[nodiscard]] DeviceLogModel *model() const { return m_model; }
    [[nodiscard]] QComboBox *logChoice() const { return m_logs; }
    [[nodiscard]] QPushButton *readButton() const { return m_read; }
    [[nodiscard]] QLabel *status() const { return m_status; }
    [[nodiscard]] QTableView *table() const { return m_table; }
    [[nodiscard]] QChart *chart() const { return m_chart; }
    // The column drawn as bars (a model column), -1 for none.
    [[nodiscard]] int chartedColumn() const { return m_chartColumn; }
    void chartColumn(int column);

private:
    void rebuildChoices();
    void read();
    void showLog(const DeviceLog &log);
    void redrawChart();
    void updateState();

    QPointer<DeviceSession> m_session;
    std::unique_ptr<DeviceLogReader> m_reader;
    DeviceLogModel *m_model;
    QComboBox *m_logs;
    QPushButton *m_read;
    QCheckBox *m_hideEmpty;
    QLabel *m_status;
    QTableView *m_table;
    EmptyHint *m_hint;
    QChart *m_chart;
    QChartView *m_chartView;
    int m_chartColumn = -1;
};

} // namespace blupow
