#pragma once

#include "device/exchange.h"

#include <QPointer>
#include <QWidget>

#include <optional>

class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace blupow {

class DeviceSession;

// Read-only register console: reads any range of the connected device (queued behind the poll by
// the session, never two requests in flight) and shows each word in decimal and hex next to what
// the identified map makes of it. Nothing here can write.
class RegisterConsole : public QWidget {
    Q_OBJECT

public:
    explicit RegisterConsole(QWidget *parent = nullptr);

    [[nodiscard]] QTableWidget *table() const { return m_table; }
    [[nodiscard]] QString statusText() const;
    // "0x0100", "256", "4000": hex with 0x, else decimal. Nothing when out of 0..0xFFFF.
    [[nodiscard]] static std::optional<quint16> parseRegister(const QString &text);

public Q_SLOTS:
    void setSession(blupow::DeviceSession *session);
    void setRange(quint16 start, quint16 count);
    void read();

private:
    void onExchange(const Exchange &exchange);
    void updateEnabled();

    QLineEdit *m_start;
    QSpinBox *m_count;
    QPushButton *m_read;
    QLabel *m_status;
    QTableWidget *m_table;
    QPointer<DeviceSession> m_session;
    quint64 m_pendingId = 0;
};

} // namespace blupow
