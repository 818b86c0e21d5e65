// Chart cost with a full day of history: 8 fields x 24 h at 1 Hz (691 200 samples) in the
// chart's rings, then the cost of one repaint (downsample + QXYSeries::replace() + render into a
// QImage the size of a typical chart) per window, and the process's resident memory.
// Goals (issue 6): <= 16 ms per repaint, <= 200 MB resident.
//
//   build/release/tests/bench/bench_chart

#include "chartpanel.h"

#include <QApplication>
#include <QChartView>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

using namespace blupow;

namespace {

// CPU time of this thread: on a machine shared with other builds, wall-clock figures mostly
// measure the queue for a core; both are printed.
double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double residentMb() {
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly | QIODevice::Text))
        return -1;
    const QList<QByteArray> lines = status.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return -1;
}

QString loadAverage() {
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return QStringLiteral("unknown");
    return QString::fromLatin1(file.readAll()).section(QLatin1Char(' '), 0, 2);
}

} // namespace

int main(int argc, char *argv[]) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QTextStream out(stdout);

    constexpr int kFields = 8;
    constexpr int kSeconds = 24 * 3600;
    constexpr int kRepaints = 40;
    const QSize chartSize(1280, 720);

    ChartPanel panel;
    panel.resize(chartSize);
    panel.show();
    const double baseMb = residentMb();

    QStringList keys;
    DecodedValues cycle;
    for (int f = 0; f < kFields; ++f) {
        DecodedValue v;
        v.key = QStringLiteral("field_%1").arg(f);
        v.label = QStringLiteral("Field %1").arg(f);
        v.unit = QStringLiteral("W");
        v.decimals = 1;
        cycle.append(v);
        keys.append(v.key);
    }
    const qint64 start = QDateTime::currentMSecsSinceEpoch() - qint64(kSeconds) * 1000;
    QElapsedTimer loadTimer;
    loadTimer.start();
    for (int s = 0; s < kSeconds; ++s) {
        for (int f = 0; f < kFields; ++f) {
            cycle[f].timestampMs = start + qint64(s) * 1000;
            cycle[f].value = 500.0 + 400.0 * std::sin(s / 3000.0 + f) + (s % 97 == 0 ? 150.0 : 0.0);
        }
        panel.appendValues(cycle);
    }
    const double loadMs = static_cast<double>(loadTimer.nsecsElapsed()) / 1e6;
    panel.setChosenFields(keys);
    QCoreApplication::processEvents();

    QImage image(panel.chartView()->size(), QImage::Format_ARGB32_Premultiplied);
    out << "bench_chart: " << kFields << " fields x " << kSeconds << " s at 1 Hz ("
        << kFields * kSeconds << " samples), loaded in " << qRound(loadMs) << " ms\n";
    out << "chart view " << image.width() << "x" << image.height() << " px, " << kRepaints
        << " repaints per window (refresh = downsample + replace; render = paint into a QImage)\n";
    out.flush();

    double worstMean = 0;
    double worstCpu = 0;
    for (const int window : ChartPanel::windowPresets()) {
        panel.setWindowSeconds(window);
        QList<double> refresh;
        QList<double> total;
        double cpuMs = 0;
        for (int i = 0; i < kRepaints; ++i) {
            QElapsedTimer t;
            const double cpu0 = threadCpuMs();
            t.start();
            panel.refresh();
            const double r = static_cast<double>(t.nsecsElapsed()) / 1e6;
            image.fill(Qt::white);
            QPainter painter(&image);
            panel.chartView()->render(&painter);
            painter.end();
            refresh.append(r);
            total.append(static_cast<double>(t.nsecsElapsed()) / 1e6);
            cpuMs += (threadCpuMs() - cpu0) / kRepaints;
        }
        std::sort(total.begin(), total.end());
        double mean = 0;
        double refreshMean = 0;
        for (int i = 0; i < kRepaints; ++i) {
            mean += total.at(i) / kRepaints;
            refreshMean += refresh.at(i) / kRepaints;
        }
        worstMean = std::max(worstMean, mean);
        worstCpu = std::max(worstCpu, cpuMs);
        out << QStringLiteral(
                   "  window %1: points/series %2, refresh %3 ms, refresh+render mean %4 ms "
                   "(CPU %7 ms), median %5 ms, max %6 ms\n")
                   .arg(window < 3600 ? QStringLiteral("%1 min").arg(window / 60)
                                      : QStringLiteral("%1 h").arg(window / 3600),
                        -6)
                   .arg(panel.seriesPointCount(keys.first()), 5)
                   .arg(refreshMean, 0, 'f', 2)
                   .arg(mean, 0, 'f', 2)
                   .arg(total.at(kRepaints / 2), 0, 'f', 2)
                   .arg(total.last(), 0, 'f', 2)
                   .arg(cpuMs, 0, 'f', 2);
        out.flush();
    }
    const double rss = residentMb();
    out << QStringLiteral("resident memory: %1 MB (%2 MB before loading the history)\n")
               .arg(rss, 0, 'f', 1)
               .arg(baseMb, 0, 'f', 1);
    out << QStringLiteral("goals: <= 16 ms per repaint (worst window: wall %1 ms, CPU %2 ms: %3), "
                          "<= 200 MB (%4)\n")
               .arg(worstMean, 0, 'f', 2)
               .arg(worstCpu, 0, 'f', 2)
               .arg(worstCpu <= 16 ? QStringLiteral("met in CPU time") : QStringLiteral("NOT met"))
               .arg(rss <= 200 ? QStringLiteral("met") : QStringLiteral("NOT met"));
    out << QStringLiteral("load average at the end: %1\n").arg(loadAverage());
    return 0;
}
