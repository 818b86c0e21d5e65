#include "systemsummary.h"

#include <QHash>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace blupow {

namespace {

// The Good numeric values of one device by key.
QHash<QString, double> goodNumbers(const DecodedValues &values) {
    QHash<QString, double> out;
    for (const DecodedValue &v : values)
        if (v.quality == Quality::Good && v.isNumeric())
            out.insert(v.key, v.value.toDouble());
    return out;
}

std::optional<double> valueOf(const QHash<QString, double> &n, const char *key) {
    const auto it = n.constFind(QLatin1String(key));
    return it == n.constEnd() ? std::nullopt : std::optional<double>(*it);
}

// a + b where either may be missing; missing only when both are.
void add(std::optional<double> *sum, std::optional<double> x) {
    if (x)
        *sum = sum->value_or(0) + *x;
}

std::optional<double> product(std::optional<double> a, std::optional<double> b) {
    return a && b ? std::optional<double>(*a * *b) : std::nullopt;
}

double median(QList<double> xs) {
    std::sort(xs.begin(), xs.end());
    const qsizetype n = xs.size();
    return n % 2 ? xs.at(n / 2) : (xs.at(n / 2 - 1) + xs.at(n / 2)) / 2;
}

BankBattery battery(const SystemDevice &d, const QHash<QString, double> &n) {
    static const QRegularExpression cell(QStringLiteral("^cell_\\d+_voltage$"));
    static const QRegularExpression sensor(QStringLiteral("^cell_temperature_\\d+$"));
    BankBattery b;
    b.id = d.identity.deviceId();
    b.title = d.identity.title();
    b.slave = d.identity.slave;
    b.voltage = valueOf(n, "battery_voltage");
    b.current = valueOf(n, "current");
    b.soc = valueOf(n, "battery_soc");
    b.cycles = valueOf(n, "cycle_count");
    // Cells beyond the pack's count and absent sensors are Invalid, so not in `n`.
    for (auto it = n.cbegin(); it != n.cend(); ++it) {
        if (cell.match(it.key()).hasMatch()) {
            b.minCell = std::min(b.minCell.value_or(it.value()), it.value());
            b.maxCell = std::max(b.maxCell.value_or(it.value()), it.value());
        } else if (sensor.match(it.key()).hasMatch()) {
            b.maxTemperature = std::max(b.maxTemperature.value_or(it.value()), it.value());
        }
    }
    return b;
}

void markOutliers(QList<BankBattery> *bank, const OutlierRules &rules) {
    const auto medianOf = [bank](std::optional<double> BankBattery::*m) -> std::optional<double> {
        QList<double> xs;
        for (const BankBattery &b : *bank)
            if (b.*m)
                xs.append(*(b.*m));
        // A median of fewer than two says nothing about the rest of a bank.
        return xs.size() >= 2 ? std::optional<double>(median(xs)) : std::nullopt;
    };
    const auto soc = medianOf(&BankBattery::soc);
    const auto voltage = medianOf(&BankBattery::voltage);
    const auto temperature = medianOf(&BankBattery::maxTemperature);
    for (BankBattery &b : *bank) {
        const auto flag = [&b](const char *key, const QString &why) {
            b.outlierKeys.append(QLatin1String(key));
            b.outliers.append(why);
        };
        if (soc && b.soc && std::abs(*b.soc - *soc) >= rules.socPoints)
            flag("soc", QStringLiteral("state of charge %1 % against the bank's %2 %")
                            .arg(*b.soc, 0, 'f', 0)
                            .arg(*soc, 0, 'f', 0));
        if (voltage && b.voltage && std::abs(*b.voltage - *voltage) >= rules.voltage)
            flag("voltage", QStringLiteral("%1 V against the bank's %2 V")
                                .arg(*b.voltage, 0, 'f', 2)
                                .arg(*voltage, 0, 'f', 2));
        if (const auto spread = b.cellSpread(); spread && *spread >= rules.cellSpread - 1e-9)
            flag("spread", QStringLiteral("cells %1 V apart").arg(*spread, 0, 'f', 3));
        if (temperature && b.maxTemperature &&
            *b.maxTemperature - *temperature >= rules.temperature)
            flag("temperature", QStringLiteral("%1 °C, the bank's cells %2 °C")
                                    .arg(*b.maxTemperature, 0, 'f', 1)
                                    .arg(*temperature, 0, 'f', 1));
    }
}

} // namespace

std::optional<double> BankBattery::cellSpread() const {
    return minCell && maxCell ? std::optional<double>(*maxCell - *minCell) : std::nullopt;
}

SystemSummary summarizeSystem(const QList<SystemDevice> &devices, const OutlierRules &rules) {
    SystemSummary s;
    std::optional<double> remaining;
    std::optional<double> full;
    // Without a smart battery, the bank is seen through a controller or an inverter: the first
    // one's battery voltage and state of charge.
    std::optional<double> seenVoltage;
    std::optional<double> seenSoc;
    QList<double> socs;
    bool capacityOfEvery = true;
    for (const SystemDevice &d : devices) {
        const QHash<QString, double> n = goodNumbers(d.values);
        switch (d.identity.family) {
        case Family::Controller:
        case Family::DcDcCharger:
            ++s.controllers;
            add(&s.pvPower, valueOf(n, "pv_power"));
            add(&s.chargePower,
                product(valueOf(n, "battery_voltage"), valueOf(n, "charging_current")));
            add(&s.dcLoadPower, valueOf(n, "load_power"));
            seenVoltage = seenVoltage ? seenVoltage : valueOf(n, "battery_voltage");
            seenSoc = seenSoc ? seenSoc : valueOf(n, "battery_soc");
            break;
        case Family::Inverter:
            ++s.inverters;
            add(&s.pvPower, valueOf(n, "pv_power"));
            add(&s.inverterChargePower, valueOf(n, "charging_power"));
            add(&s.acLoadPower, valueOf(n, "load_active_power"));
            add(&s.mainsPower,
                product(valueOf(n, "ac_input_voltage"), valueOf(n, "ac_input_current")));
            seenVoltage = seenVoltage ? seenVoltage : valueOf(n, "battery_voltage");
            seenSoc = seenSoc ? seenSoc : valueOf(n, "battery_soc");
            break;
        case Family::Battery: {
            BankBattery b = battery(d, n);
            add(&s.bankCurrent, b.current);
            add(&s.bankPower, valueOf(n, "battery_power"));
            const auto r = valueOf(n, "remaining_capacity");
            const auto f = valueOf(n, "total_capacity");
            capacityOfEvery = capacityOfEvery && r && f;
            add(&remaining, r);
            add(&full, f);
            if (b.soc)
                socs.append(*b.soc);
            s.batteries.append(b);
            break;
        }
        case Family::Shunt:
            break;
        }
    }
    std::sort(s.batteries.begin(), s.batteries.end(),
              [](const BankBattery &a, const BankBattery &b) { return a.slave < b.slave; });
    // The bank's state of charge is its charge over its capacity: a small weak pack counts for
    // less than a big one. Without every capacity, the plain mean of what was read.
    if (capacityOfEvery && full && *full > 0)
        s.bankSoc = 100.0 * *remaining / *full;
    else if (!socs.isEmpty())
        s.bankSoc = std::accumulate(socs.cbegin(), socs.cend(), 0.0) / double(socs.size());
    else if (s.batteries.isEmpty())
        s.bankSoc = seenSoc;
    QList<double> volts;
    for (const BankBattery &b : std::as_const(s.batteries))
        if (b.voltage)
            volts.append(*b.voltage);
    if (!volts.isEmpty())
        s.bankVoltage = std::accumulate(volts.cbegin(), volts.cend(), 0.0) / double(volts.size());
    else if (s.batteries.isEmpty())
        s.bankVoltage = seenVoltage;
    markOutliers(&s.batteries, rules);
    return s;
}

QString deviceSummaryText(const DecodedValues &values) {
    const QHash<QString, double> n = goodNumbers(values);
    // What an owner glances at first, in that order: the battery, then where the power is.
    struct Part {
        const char *key;
        const char *format;
        int decimals;
    };
    static constexpr Part parts[] = {
        {"battery_soc", "%1 %", 0},     {"battery_voltage", "%1 V", 1},
        {"pv_power", "PV %1 W", 0},     {"load_active_power", "load %1 W", 0},
        {"load_power", "load %1 W", 0},
    };
    QStringList out;
    for (const Part &part : parts) {
        if (const auto v = valueOf(n, part.key)) {
            out.append(QString::fromLatin1(part.format).arg(*v, 0, 'f', part.decimals));
            if (out.size() == 2)
                break;
        }
    }
    return out.join(QStringLiteral(" · "));
}

} // namespace blupow
