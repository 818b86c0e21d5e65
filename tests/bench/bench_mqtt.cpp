// bench_mqtt: how long a decoded value takes to reach a Home Assistant-like subscriber through a
// real mosquitto (median, p99), and what `blupow-cli bridge --simulate` costs at one poll per
// second (resident memory and CPU from /proc). Prints figures; asserts nothing.
//
//   bench_mqtt [--samples N] [--seconds S]

#include "benchprocess.h"
#include "mqtt/mqttbridge.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

using namespace blupow;
using namespace blupow::bench;

namespace {

double percentile(QList<double> v, double p) {
    std::sort(v.begin(), v.end());
    if (v.isEmpty())
        return 0;
    const auto i = static_cast<qsizetype>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v.at(std::min(i, v.size() - 1));
}

void latency(quint16 port, int samples, QTextStream &out) {
    MqttBridge::Options o;
    o.ha.hostId = QStringLiteral("bench");
    o.ha.baseTopic = QStringLiteral("bench");
    MqttClient::Options c;
    c.port = port;
    MqttBridge bridge(c, o);
    FieldDef f;
    f.key = QStringLiteral("battery_voltage");
    f.unit = QStringLiteral("V");
    f.haDeviceClass = QStringLiteral("voltage");
    f.decimals = 0;
    const int h = bridge.addDevice();
    DeviceIdentity id;
    bridge.deviceIdentified(h, QStringLiteral("dev"), id, {f});
    bridge.deviceAvailability(h, true);

    MqttClient subscriber(c);
    int received = -1;
    QObject::connect(&subscriber, &MqttClient::messageReceived, &subscriber,
                     [&](const QString &, const QByteArray &payload, bool) {
                         received = QJsonDocument::fromJson(payload)
                                        .object()
                                        .value(QStringLiteral("battery_voltage"))
                                        .toInt(-1);
                     });
    bool announced = false;
    QObject::connect(&bridge, &MqttBridge::announced, &bridge, [&] { announced = true; });
    bridge.start();
    subscriber.connectToBroker();
    if (!spin([&] { return announced && subscriber.isConnected(); }, 10000)) {
        out << "latency: could not connect\n";
        return;
    }
    subscriber.subscribe(HaDiscovery::stateTopic(o.ha, QStringLiteral("dev")), 0);
    // Warm up until the subscription is live.
    int seq = 100000;
    spin(
        [&] {
            DecodedValue v;
            v.key = f.key;
            v.value = double(++seq);
            bridge.deviceValues(h, {v});
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            return received == seq;
        },
        10000);

    QList<double> ms;
    for (int i = 0; i < samples; ++i) {
        DecodedValue v;
        v.key = f.key;
        v.value = double(i);
        v.quality = Quality::Good;
        QElapsedTimer t;
        t.start();
        bridge.deviceValues(h, {v});
        if (!spin([&] { return received == i; }, 5000)) {
            out << "latency: sample " << i << " lost\n";
            continue;
        }
        ms.append(static_cast<double>(t.nsecsElapsed()) / 1e6);
    }
    out << QStringLiteral(
               "value -> subscriber latency over %1 samples: median %2 ms, p99 %3 ms, max %4 ms\n")
               .arg(ms.size())
               .arg(percentile(ms, 0.5), 0, 'f', 3)
               .arg(percentile(ms, 0.99), 0, 'f', 3)
               .arg(percentile(ms, 1.0), 0, 'f', 3);
    QEventLoop wait;
    QObject::connect(&bridge, &MqttBridge::stopped, &wait, &QEventLoop::quit);
    bridge.stop();
    wait.exec();
}

void footprint(quint16 port, int seconds, QTextStream &out) {
    QProcess bridge;
    bridge.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    bridge.start(QStringLiteral(BLUPOW_CLI),
                 {QStringLiteral("bridge"), QStringLiteral("--simulate=inverter"),
                  QStringLiteral("--mqtt-host"), QStringLiteral("127.0.0.1"),
                  QStringLiteral("--mqtt-port"), QString::number(port),
                  QStringLiteral("--interval"), QStringLiteral("1"), QStringLiteral("--host-id"),
                  QStringLiteral("benchfoot")});
    if (!bridge.waitForStarted(10000)) {
        out << "footprint: blupow-cli did not start\n";
        return;
    }
    const qint64 pid = bridge.processId();
    // Let it connect, identify and settle.
    spin([] { return false; }, 3000);
    const Footprint f = measure(pid, seconds);
    out << QStringLiteral(
               "blupow-cli bridge --simulate=inverter --interval 1 over %1 s: VmRSS median %2 MiB "
               "(max %3 MiB, start %4 MiB), CPU %5 % of one core (%6 s CPU)\n")
               .arg(f.wallS, 0, 'f', 1)
               .arg(f.medianRssKb / 1024.0, 0, 'f', 1)
               .arg(static_cast<double>(f.maxRssKb) / 1024.0, 0, 'f', 1)
               .arg(static_cast<double>(f.firstRssKb) / 1024.0, 0, 'f', 1)
               .arg(f.cpuPercent(), 0, 'f', 2)
               .arg(f.cpuS, 0, 'f', 2);
    bridge.terminate();
    bridge.waitForFinished(15000);
}

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const QStringList args = app.arguments();
    const int samples =
        static_cast<int>(numberArgument(args, QStringLiteral("--samples"), 1000, {1, 1e6}));
    const int seconds =
        static_cast<int>(numberArgument(args, QStringLiteral("--seconds"), 30, {1, 86400}));

    QTemporaryDir tmp;
    const QString dir = tmp.path() + QStringLiteral("/broker");
    if (!brokerScript(QStringLiteral(BLUPOW_MQTT_BROKER_SCRIPT), QStringLiteral("start"), dir)) {
        out << "could not start mosquitto\n";
        return 1;
    }
    const quint16 port = readPort(dir);
    latency(port, samples, out);
    out.flush();
    footprint(port, seconds, out);
    brokerScript(QStringLiteral(BLUPOW_MQTT_BROKER_SCRIPT), QStringLiteral("stop"), dir);
    return 0;
}
