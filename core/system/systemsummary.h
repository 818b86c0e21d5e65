#pragma once

#include "device/deviceidentity.h"
#include "registers/decodedvalue.h"

#include <QList>
#include <QMetaType>
#include <QStringList>

#include <optional>

namespace blupow {

// One device of the installation as its session last saw it.
struct SystemDevice {
    DeviceIdentity identity;
    DecodedValues values; // Good, Stale or Invalid, as the session holds them
};

// One battery of a bank, to be read side by side with the others (docs/system.md).
struct BankBattery {
    QString id;    // DeviceIdentity::deviceId()
    QString title; // DeviceIdentity::title()
    quint8 slave = 0;
    std::optional<double> voltage;
    std::optional<double> current; // + charging, - discharging
    std::optional<double> soc;
    std::optional<double> cycles;
    std::optional<double> minCell; // the lowest and highest cell voltage read in this cycle
    std::optional<double> maxCell;
    std::optional<double> maxTemperature; // the warmest cell sensor
    // Why this battery stands out from the rest of the bank: a key (soc, voltage, spread,
    // temperature) and a sentence for people, in the same order.
    QStringList outlierKeys;
    QStringList outliers;

    [[nodiscard]] std::optional<double> cellSpread() const;
    [[nodiscard]] bool isOutlier(const QString &key) const { return outlierKeys.contains(key); }
};

// The installation at one moment, as the overview draws it: PV -> controllers -> battery bank ->
// inverter -> AC loads. Only Good values count: a part that is absent, or whose value was not
// read this cycle, is nothing (shown as a dash), never a zero.
struct SystemSummary {
    int controllers = 0; // charge controllers and DC-DC chargers
    int inverters = 0;
    std::optional<double> pvPower;     // W: every controller's, DC-DC's and inverter's PV input
    std::optional<double> chargePower; // W into the battery from the controllers (V x I)
    std::optional<double> dcLoadPower; // W: the controllers' load outputs
    // %: remaining over full capacity of the whole bank; without a smart battery, what the first
    // controller or inverter says of the battery (so is the voltage).
    std::optional<double> bankSoc;
    std::optional<double> bankVoltage;         // V: the mean of the batteries
    std::optional<double> bankCurrent;         // A: the sum of the batteries' currents
    std::optional<double> bankPower;           // W: the sum of the batteries' powers, + charging
    std::optional<double> inverterChargePower; // W the inverter puts into the battery
    std::optional<double> acLoadPower;         // W the inverter's AC output delivers
    std::optional<double> mainsPower;          // W taken from the AC input (V x I)
    QList<BankBattery> batteries;              // in slave order
};

// What stands out in a bank (docs/system.md): a state of charge this far from the bank's median,
// a voltage this far from it, a cell spread this wide on its own, a cell this much warmer than
// the bank's median. Chosen for LiFePO4 packs in parallel, which should sit within a few percent
// and a few tens of millivolts of each other.
struct OutlierRules {
    double socPoints = 10;    // percentage points from the median
    double voltage = 0.3;     // V from the median
    double cellSpread = 0.10; // V between a pack's highest and lowest cell
    double temperature = 5;   // degC above the median of the warmest cells
};

[[nodiscard]] SystemSummary summarizeSystem(const QList<SystemDevice> &devices,
                                            const OutlierRules &rules = {});

// A device in a few characters, for its row in the device list: its state of charge, battery
// voltage and PV or load power, the first two of those read in this cycle ("87 % · 13.3 V",
// "PV 412 W · 13.6 V"); empty when none was.
[[nodiscard]] QString deviceSummaryText(const DecodedValues &values);

} // namespace blupow

Q_DECLARE_METATYPE(blupow::SystemDevice)
