#pragma once

#include <QObject>
#include <QString>

namespace blupow {

// The MQTT password in the system keychain (Secret Service / KWallet through QtKeychain). Where
// no keychain service answers, nothing is stored at all: the settings file never holds it.
// Asynchronous like QtKeychain itself; the password is never logged.
class PasswordStore : public QObject {
    Q_OBJECT

public:
    enum class Availability { Unknown, Available, Unavailable };
    Q_ENUM(Availability)

    explicit PasswordStore(QString service, QObject *parent = nullptr);

    [[nodiscard]] Availability availability() const { return m_availability; }
    [[nodiscard]] QString unavailableReason() const { return m_reason; }

    void load(const QString &key); // -> loaded(), or availabilityChanged(Unavailable)
    void save(const QString &key, const QString &password); // empty password = delete

Q_SIGNALS:
    void availabilityChanged(blupow::PasswordStore::Availability availability);
    void loaded(const QString &key, const QString &password);
    void saved(const QString &key, bool ok);

private:
    void setAvailability(Availability availability, const QString &reason = {});

    QString m_service;
    Availability m_availability = Availability::Unknown;
    QString m_reason;
};

} // namespace blupow
