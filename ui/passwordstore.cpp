#include "passwordstore.h"

#include "logging.h"

#include <qt6keychain/keychain.h>

namespace blupow {

namespace {

// EntryNotFound only means "nothing saved yet": the service itself answered.
bool serviceAnswered(QKeychain::Error error) {
    return error == QKeychain::NoError || error == QKeychain::EntryNotFound;
}

} // namespace

PasswordStore::PasswordStore(QString service, QObject *parent)
    : QObject(parent)
    , m_service(std::move(service)) {}

void PasswordStore::setAvailability(Availability availability, const QString &reason) {
    m_reason = reason;
    if (availability == m_availability)
        return;
    m_availability = availability;
    Q_EMIT availabilityChanged(availability);
}

void PasswordStore::load(const QString &key) {
    auto *job = new QKeychain::ReadPasswordJob(m_service, this); // auto-deletes when finished
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [this, key](QKeychain::Job *finished) {
        const auto *read = static_cast<QKeychain::ReadPasswordJob *>(finished);
        if (!serviceAnswered(read->error())) {
            qCInfo(lcUi) << "no keychain:" << read->errorString();
            setAvailability(Availability::Unavailable, read->errorString());
            return;
        }
        setAvailability(Availability::Available);
        Q_EMIT loaded(key, read->error() == QKeychain::NoError ? read->textData() : QString());
    });
    job->start();
}

void PasswordStore::save(const QString &key, const QString &password) {
    if (m_availability == Availability::Unavailable) {
        Q_EMIT saved(key, false);
        return;
    }
    QKeychain::Job *job = nullptr;
    if (password.isEmpty()) {
        auto *remove = new QKeychain::DeletePasswordJob(m_service, this);
        remove->setKey(key);
        job = remove;
    } else {
        auto *write = new QKeychain::WritePasswordJob(m_service, this);
        write->setKey(key);
        write->setTextData(password);
        job = write;
    }
    connect(job, &QKeychain::Job::finished, this, [this, key](QKeychain::Job *finished) {
        const bool ok = serviceAnswered(finished->error());
        if (!ok)
            setAvailability(Availability::Unavailable, finished->errorString());
        Q_EMIT saved(key, ok);
    });
    job->start();
}

} // namespace blupow
