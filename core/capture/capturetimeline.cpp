#include "capturetimeline.h"

#include "modbus/modbusframe.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <utility>

namespace blupow::capture {

namespace {

constexpr QLatin1StringView kAddressPrefix("capture:");

// A write's values count once the device accepted them; a read has values only when answered.
bool carriesValues(const CapturedExchange &e) {
    return !e.values.isEmpty() && e.exchange.outcome == Exchange::Outcome::Ok;
}

} // namespace

qint64 CaptureTimeline::valuesTimeMs(const CapturedExchange &e) {
    return e.isWrite() || e.exchange.receivedMs == 0 ? e.exchange.sentMs : e.exchange.receivedMs;
}

CaptureTimeline::CaptureTimeline(QList<CapturedExchange> exchanges)
    : m_exchanges(std::move(exchanges)) {
    if (m_exchanges.isEmpty())
        return;
    m_startMs = m_exchanges.constFirst().exchange.sentMs;
    m_endMs = m_startMs;
    CaptureSummary summary;
    for (const CapturedExchange &e : std::as_const(m_exchanges)) {
        summary.add(e);
        m_startMs = std::min(m_startMs, e.exchange.sentMs);
        m_endMs = std::max(m_endMs, valuesTimeMs(e));
    }
    for (const CaptureSummary::Device &counts : std::as_const(summary.devices)) {
        Device d;
        static_cast<CaptureSummary::Device &>(d) = counts;
        m_devices.append(d);
    }
    // Each slave's readings in time order, once: the slider asks for them at every step.
    for (qsizetype i = 0; i < m_exchanges.size(); ++i) {
        if (carriesValues(m_exchanges.at(i)))
            m_readings[m_exchanges.at(i).exchange.request.slave].append(i);
    }
    for (QList<qsizetype> &indexes : m_readings)
        sortByTime(indexes);
    mergeBroadcast();
    for (Device &d : m_devices) {
        const QList<const CapturedExchange *> readings = readingsOf(d.slave);
        // The span of the slave's readings, not of an unanswered probe before them.
        d.firstMs = readings.isEmpty() ? m_startMs : valuesTimeMs(*readings.constFirst());
        d.lastMs = readings.isEmpty() ? m_startMs : valuesTimeMs(*readings.constLast());
        d.completeMs = d.firstMs;
        if (!readings.isEmpty())
            d.variant = readings.constFirst()->variant;
        QSet<QString> keys;
        for (const CapturedExchange *e : readings) {
            for (const DecodedValue &v : e->values) {
                if (!keys.contains(v.key)) {
                    keys.insert(v.key);
                    d.completeMs = valuesTimeMs(*e);
                }
            }
        }
    }
}

void CaptureTimeline::sortByTime(QList<qsizetype> &indexes) const {
    std::stable_sort(indexes.begin(), indexes.end(), [this](qsizetype a, qsizetype b) {
        return valuesTimeMs(m_exchanges.at(a)) < valuesTimeMs(m_exchanges.at(b));
    });
}

void CaptureTimeline::mergeBroadcast() {
    const auto broadcast = std::find_if(m_devices.begin(), m_devices.end(), [](const Device &d) {
        return d.slave == modbus::kBroadcastSlave;
    });
    if (broadcast == m_devices.end())
        return;
    Device *only = nullptr;
    for (Device &d : m_devices) {
        if (d.slave == modbus::kBroadcastSlave || d.answered == 0)
            continue;
        if (only)
            return; // two devices answer their own addresses: whose reply 0xFF got is unknown
        only = &d;
    }
    if (!only)
        return;
    only->requests += broadcast->requests;
    only->answered += broadcast->answered;
    QList<qsizetype> &readings = m_readings[only->slave];
    readings += m_readings.take(modbus::kBroadcastSlave);
    sortByTime(readings);
    m_devices.removeAt(std::distance(m_devices.begin(), broadcast));
}

const CaptureTimeline::Device *CaptureTimeline::device(quint8 slave) const {
    const auto it = std::find_if(m_devices.cbegin(), m_devices.cend(),
                                 [slave](const Device &d) { return d.slave == slave; });
    return it == m_devices.cend() ? nullptr : &*it;
}

DecodedValues CaptureTimeline::valuesAt(quint8 slave, qint64 atMs) const {
    DecodedValues out;
    QHash<QString, qsizetype> row;
    const QList<qsizetype> indexes = m_readings.value(slave);
    const auto end =
        std::upper_bound(indexes.cbegin(), indexes.cend(), atMs, [this](qint64 at, qsizetype i) {
            return at < valuesTimeMs(m_exchanges.at(i));
        });
    for (auto i = indexes.cbegin(); i != end; ++i) {
        for (const DecodedValue &v : m_exchanges.at(*i).values) {
            const auto it = row.constFind(v.key);
            if (it == row.constEnd()) {
                row.insert(v.key, out.size());
                out.append(v);
            } else {
                out[*it] = v;
            }
        }
    }
    return out;
}

QList<const CapturedExchange *> CaptureTimeline::readingsOf(quint8 slave) const {
    QList<const CapturedExchange *> out;
    for (const qsizetype i : m_readings.value(slave))
        out.append(&m_exchanges.at(i));
    return out;
}

QString captureDeviceAddress(quint8 slave) {
    return kAddressPrefix + QStringLiteral("0x%1").arg(slave, 2, 16, QLatin1Char('0'));
}

bool isCaptureDeviceAddress(const QString &address) {
    return address.startsWith(kAddressPrefix);
}

std::optional<quint8> captureDeviceSlave(const QString &address) {
    if (!isCaptureDeviceAddress(address))
        return std::nullopt;
    bool ok = false;
    const uint slave = QStringView(address).mid(kAddressPrefix.size()).toUInt(&ok, 0);
    if (!ok || slave > 0xFF)
        return std::nullopt;
    return static_cast<quint8>(slave);
}

} // namespace blupow::capture
