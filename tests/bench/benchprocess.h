#pragma once

// What the benchmarks that run blupow-cli as a child share: a private mosquitto (tests/mqtt/
// broker.sh), an event-loop wait, and a child's resident memory and CPU from /proc.

#include "parse/numberparse.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <unistd.h>

namespace blupow::bench {

inline bool brokerScript(const QString &script, const QString &command, const QString &dir) {
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(QStringLiteral("sh"), {script, command, dir});
    return p.waitForFinished(30000) && p.exitCode() == 0;
}

inline quint16 readPort(const QString &dir) {
    QFile f(dir + QStringLiteral("/port"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    return static_cast<quint16>(f.readAll().trimmed().toUInt());
}

// Runs the event loop until `done` or `timeoutMs` (a benchmark program, not library code).
template<typename Predicate>
bool spin(Predicate done, int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    }
    return true;
}

// `NAME VALUE` among the arguments, through parseNumber; `fallback` when absent or refused.
inline double numberArgument(const QStringList &args, const QString &name, double fallback,
                             NumberRange range) {
    const qsizetype i = args.indexOf(name);
    if (i < 0 || i + 1 >= args.size())
        return fallback;
    return parseNumber(args.at(i + 1), range).value_or(fallback);
}

struct ProcSample {
    qint64 rssKb = 0;
    qint64 cpuTicks = 0;
};

inline ProcSample sample(qint64 pid) {
    ProcSample s;
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("VmRSS:"))
                s.rssKb = line.mid(6).trimmed().split(' ').first().toLongLong();
        }
    }
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (stat.open(QIODevice::ReadOnly)) {
        const QByteArray text = stat.readAll();
        // Fields after the ")" of the command name: utime and stime are 14 and 15 overall.
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 13)
            s.cpuTicks = fields.at(11).toLongLong() + fields.at(12).toLongLong();
    }
    return s;
}

// What a child cost over a stretch of its life: CPU in seconds and the resident memory seen.
struct Footprint {
    double wallS = 0;
    double cpuS = 0;
    double medianRssKb = 0;
    qint64 maxRssKb = 0;
    qint64 firstRssKb = 0;

    [[nodiscard]] double cpuPercent() const { return wallS > 0 ? 100.0 * cpuS / wallS : 0; }
};

// Samples the child `pid` once a second for `seconds`, the event loop running meanwhile.
inline Footprint measure(qint64 pid, int seconds) {
    Footprint f;
    const ProcSample first = sample(pid);
    QElapsedTimer wall;
    wall.start();
    f.firstRssKb = f.maxRssKb = first.rssKb;
    QList<qint64> rss;
    for (int i = 0; i < seconds; ++i) {
        spin([] { return false; }, 1000);
        const ProcSample s = sample(pid);
        f.maxRssKb = std::max(f.maxRssKb, s.rssKb);
        rss.append(s.rssKb);
    }
    const ProcSample last = sample(pid);
    f.cpuS = static_cast<double>(last.cpuTicks - first.cpuTicks) /
             static_cast<double>(sysconf(_SC_CLK_TCK));
    f.wallS = static_cast<double>(wall.elapsed()) / 1000.0;
    std::sort(rss.begin(), rss.end());
    f.medianRssKb = rss.isEmpty() ? 0 : static_cast<double>(rss.at(rss.size() / 2));
    return f;
}

} // namespace blupow::bench
