#pragma once

// Test-side handle on the fake bluetoothd (tests/fakebluez): its fault hooks and counters over
// the private bus that DBUS_SYSTEM_BUS_ADDRESS points at, and a check that Qt really used its
// BlueZ D-Bus LE backend (a silent fall-back to the kernel backend must fail the tests).

#include <QDBusConnection>
#include <QDBusInterface>
#include <QDBusReply>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QStringList>

namespace blupow::test {

class FakeBluez {
public:
    FakeBluez()
        : m_iface(QStringLiteral("org.bluez"), QStringLiteral("/org/blupow/fake"),
                  QStringLiteral("org.blupow.FakeBluez1"), QDBusConnection::systemBus()) {
        m_iface.setTimeout(5000);
    }

    // True when the private bus is set up and the fake answers; tests that need it fail otherwise.
    [[nodiscard]] static bool onPrivateBus() {
        const QByteArray address = qgetenv("DBUS_SYSTEM_BUS_ADDRESS");
        return address.contains("fakebluez") || address.contains("system_bus_socket");
    }

    [[nodiscard]] QString call(const QString &method, const QVariantList &args = {}) {
        const QDBusMessage reply = m_iface.callWithArgumentList(QDBus::Block, method, args);
        if (reply.type() == QDBusMessage::ErrorMessage) {
            return reply.errorMessage().isEmpty() ? reply.errorName() : reply.errorMessage();
        }
        return {};
    }
    QString reset() { return call(QStringLiteral("Reset")); }
    QString setPowered(bool on) { return call(QStringLiteral("SetPowered"), {on}); }
    QString setAdapterPresent(bool on) { return call(QStringLiteral("SetAdapterPresent"), {on}); }
    QString setFailConnect(const QString &a, bool f) {
        return call(QStringLiteral("SetFailConnect"), {a, f});
    }
    QString setAdvertising(const QString &a, bool on) {
        return call(QStringLiteral("SetAdvertising"), {a, on});
    }
    QString dropLink(const QString &a) { return call(QStringLiteral("DropLink"), {a}); }
    QString setGattRace(const QString &a, int n) {
        return call(QStringLiteral("SetGattRace"), {a, n});
    }
    QString setDropEvery(int n) { return call(QStringLiteral("SetDropEvery"), {n}); }
    QString setLatency(int first, int chunk) {
        return call(QStringLiteral("SetLatency"), {first, chunk});
    }
    QString removeDevice(const QString &a) { return call(QStringLiteral("RemoveDevice"), {a}); }
    QString addDevice(const QJsonObject &cfg) {
        return call(QStringLiteral("AddDevice"),
                    {QString::fromUtf8(QJsonDocument(cfg).toJson(QJsonDocument::Compact))});
    }
    [[nodiscard]] QJsonObject stats() {
        const QDBusReply<QString> reply = m_iface.call(QStringLiteral("Stats"));
        return QJsonDocument::fromJson(reply.value().toUtf8()).object();
    }

private:
    QDBusInterface m_iface;
};

// Collects Qt's log lines (and passes them on) so that tests can assert "Using BlueZ LE DBus
// API". A message handler is process-wide by nature; this is test code.
class QtLogCapture {
public:
    static void install() { previous() = qInstallMessageHandler(&QtLogCapture::handler); }
    [[nodiscard]] static bool contains(const QString &text) {
        QMutexLocker lock(&mutex());
        for (const auto &line : lines()) {
            if (line.contains(text)) {
                return true;
            }
        }
        return false;
    }

private:
    static void handler(QtMsgType type, const QMessageLogContext &context, const QString &message) {
        {
            QMutexLocker lock(&mutex());
            lines().append(message);
        }
        if (previous()) {
            previous()(type, context, message);
        }
    }
    static QtMessageHandler &previous() {
        static QtMessageHandler h = nullptr;
        return h;
    }
    static QStringList &lines() {
        static QStringList l;
        return l;
    }
    static QMutex &mutex() {
        static QMutex m;
        return m;
    }
};

} // namespace blupow::test
