#pragma once

#include "modbus/exchange.h"

#include <QPointer>
#include <QWidget>

#include <optional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace blupow {

class DeviceSession;
class EmptyHint;
class WriteFlow;

// Register console: reads any range of the connected device (queued behind the poll by the
// session, never two requests in flight) and shows each word in decimal and hex next to what the
// identified map makes of it. Expert mode (off by default, on only after a warning, off again on
// every new connection) adds a raw write at the start register: outside the map's ranges, but
// still refused for WritePolicy's registers, and previewed, confirmed and read back like every
// write (WriteFlow).
class RegisterConsole : public QWidget {
    Q_OBJECT

public:
    explicit RegisterConsole(QWidget *parent = nullptr);

    [[nodiscard]] QTableWidget *table() const { return m_table; }
    [[nodiscard]] QLineEdit *startEdit() const { return m_start; }
    [[nodiscard]] QString statusText() const;
    // "0x008D 138, 0x0A": words separated by spaces or commas, each as modbus::parseAddress()
    // reads it.
    [[nodiscard]] static std::optional<QList<quint16>> parseWords(const QString &text);
    [[nodiscard]] bool isExpertMode() const;
    [[nodiscard]] WriteFlow *writeFlow() const { return m_flow; }
    [[nodiscard]] QLineEdit *wordsEdit() const { return m_words; }

public Q_SLOTS:
    void setSession(blupow::DeviceSession *session);
    void setRange(quint16 start, quint16 count);
    void read();
    // Asks first when turning on; stays off when the person declines.
    void setExpertMode(bool on);
    void writeRaw();

private:
    // Until a start is typed, the first block the device in focus polls.
    void followFirstBlock();
    void onExchange(const Exchange &exchange);
    void updateEnabled();
    void onWriteFinished(bool ok, const QString &message);

    QLineEdit *m_start;
    QSpinBox *m_count;
    QPushButton *m_read;
    QLabel *m_status;
    QTableWidget *m_table;
    EmptyHint *m_hint; // over m_table
    QCheckBox *m_expert;
    QWidget *m_writeRow;
    QLineEdit *m_words;
    QPushButton *m_write;
    WriteFlow *m_flow;
    QPointer<DeviceSession> m_session;
    quint64 m_pendingId = 0;
    // Until someone types a start register, it follows the connected device's first polled
    // block: 0x0100 is a controller's, and an inverter answers it with an exception.
    bool m_startChosen = false;
    QString m_writeOutcome; // shown above the read that follows a raw write
};

} // namespace blupow
