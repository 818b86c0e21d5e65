#include "historyreader.h"

#include "historystore.h"

namespace blupow {

namespace {

// The reader thread's side: the store, opened on first use in that thread.
class ReaderContext : public QObject {
public:
    HistoryStore store;
    QString path;

    bool ensureOpen(QString *error) {
        if (path.isEmpty()) {
            *error = QStringLiteral("history is off");
            return false;
        }
        if (store.isOpen() && store.path() == path)
            return true;
        return store.open(path, HistoryStore::Mode::ReadOnly, error);
    }
};

} // namespace

HistoryReader::HistoryReader(QObject *parent)
    : QObject(parent)
    , m_worker(new ReaderContext) {
    qRegisterMetaType<QList<HistorySeriesInfo>>();
    qRegisterMetaType<QList<HistorySeriesData>>();
    m_thread.setObjectName(QStringLiteral("history-reader"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

HistoryReader::~HistoryReader() {
    m_thread.quit();
    m_thread.wait();
}

void HistoryReader::setPath(const QString &path) {
    m_path = path;
    auto *context = static_cast<ReaderContext *>(m_worker);
    QMetaObject::invokeMethod(m_worker, [context, path] {
        if (context->path != path)
            context->store.close();
        context->path = path;
    });
}

void HistoryReader::listSeries() {
    auto *context = static_cast<ReaderContext *>(m_worker);
    QMetaObject::invokeMethod(m_worker, [this, context] {
        QString error;
        QList<HistorySeriesInfo> series;
        if (context->ensureOpen(&error))
            series = context->store.series();
        QMetaObject::invokeMethod(this,
                                  [this, series, error] { Q_EMIT seriesListed(series, error); });
    });
}

quint64 HistoryReader::load(const QList<SeriesKey> &series, qint64 fromMs, qint64 toMs,
                            int buckets) {
    const quint64 request = ++m_requests;
    m_latest->store(request);
    auto *context = static_cast<ReaderContext *>(m_worker);
    QMetaObject::invokeMethod(
        m_worker, [this, context, latest = m_latest, request, series, fromMs, toMs, buckets] {
            if (latest->load() != request)
                return; // overtaken before it started
            QString error;
            QList<HistorySeriesData> data;
            if (context->ensureOpen(&error)) {
                const QList<HistorySeriesInfo> known = context->store.series();
                for (const auto &[device, field] : series) {
                    for (const HistorySeriesInfo &info : known) {
                        if (info.device == device && info.field == field)
                            data.append(context->store.read(info, fromMs, toMs, buckets));
                    }
                }
            }
            QMetaObject::invokeMethod(
                this, [this, request, data, error] { Q_EMIT loaded(request, data, error); });
        });
    return request;
}

} // namespace blupow
