#include "scenarios.h"

#include <QtMath>

#include <array>

namespace blupow::scenarios {

namespace {

constexpr double kHour = 3600.0;
constexpr double kSunrise = 6 * kHour;
constexpr double kDaylight = 12 * kHour;

// A slow, deterministic wobble (no random numbers: a scenario value is a pure function of time,
// so a test can ask what the device held at any moment).
double wobble(const SimTime &t, double amplitude, double periodS, double phase = 0) {
    return amplitude * std::sin(2 * M_PI * t.elapsedS / periodS + phase);
}

// Fraction of peak sun, 0 at night; a half sine from 06:00 to 18:00.
double sun(const SimTime &t) {
    const double x = (t.timeOfDayS - kSunrise) / kDaylight;
    return (x <= 0 || x >= 1) ? 0.0 : std::sin(M_PI * x);
}

// Energy of the half-sine day curve from sunrise to now, in Wh for a peak of `peakW`.
double sunEnergyWh(const SimTime &t, double peakW) {
    const double x = std::clamp((t.timeOfDayS - kSunrise) / kDaylight, 0.0, 1.0);
    return peakW * kDaylight / M_PI * (1 - std::cos(M_PI * x)) / kHour;
}

QVariant round1(double v) {
    return std::round(v * 10) / 10;
}

QVariant round2(double v) {
    return std::round(v * 100) / 100;
}

QVariant whole(double v) {
    return std::round(v);
}

} // namespace

QStringList names() {
    return {QStringLiteral("inverter"), QStringLiteral("controller"), QStringLiteral("battery"),
            QStringLiteral("dcc"), QStringLiteral("dcc-g6")};
}

std::optional<Scenario> byName(QStringView name) {
    if (name.isEmpty() || name == u"inverter")
        return inverter();
    if (name == u"controller")
        return controller();
    if (name == u"battery")
        return battery();
    if (name == u"dcc")
        return dcc();
    if (name == u"dcc-g6")
        return dccG6();
    return std::nullopt;
}

Scenario inverter() {
    Scenario s;
    s.id = QStringLiteral("inverter");
    s.family = Family::Inverter;
    s.model = QStringLiteral("RIV1230RCH-SPS");
    s.advertisedName = QStringLiteral("BTRIC134000035");
    s.slave = 0x20;
    // The one REGO exchange on record answered a 0xFF request with 0xFF ([bp:next]); the inverter
    // document says 0xFF is handled "as if its own ID had been used" (protocol.md 4).
    s.echoBroadcastAddress = true;
    // 4000 x32 "fails the response" on REGO units: no exception, just silence (protocol.md 5.3).
    s.silentSpans = {{4010, 4059}};

    // Mains present, inverter on bypass feeding ~395 W (protocol.md 6.4.7 sample, a busier load).
    const auto load = [](const SimTime &t) {
        return 395.0 + wobble(t, 12, 47) + wobble(t, 5, 7.3);
    };
    s.set(QStringLiteral("ac_input_voltage"),
          [](const SimTime &t) { return round1(124.9 + wobble(t, 0.3, 31)); });
    s.set(QStringLiteral("ac_input_current"),
          [load](const SimTime &t) { return round2((load(t) + 12) / 124.9); });
    s.set(QStringLiteral("ac_output_voltage"),
          [](const SimTime &t) { return round1(124.9 + wobble(t, 0.3, 31)); });
    s.set(QStringLiteral("ac_output_current"),
          [load](const SimTime &t) { return round2(load(t) / 124.9); });
    s.set(QStringLiteral("ac_output_frequency"),
          [](const SimTime &t) { return round2(59.97 + wobble(t, 0.02, 13)); });
    s.set(QStringLiteral("ac_input_frequency"),
          [](const SimTime &t) { return round2(59.97 + wobble(t, 0.02, 13)); });
    s.set(QStringLiteral("battery_voltage"),
          [](const SimTime &t) { return round1(14.4 + wobble(t, 0.05, 90)); });
    s.set(QStringLiteral("inverter_temperature"),
          [](const SimTime &t) { return round1(32.6 + wobble(t, 0.4, 300)); });
    s.set(QStringLiteral("device_id"), [](const SimTime &) { return QVariant(32); });
    s.setConstant(QStringLiteral("model"), QStringLiteral("RIV1230RCH-SPS"));
    s.setConstant(QStringLiteral("company_name"), QStringLiteral("RENOGY"));
    s.setConstant(QStringLiteral("firmware_version"), QStringLiteral("01.02.14"));
    s.setConstant(QStringLiteral("serial_number"), QStringLiteral("RIV2301000035"));
    s.setConstant(QStringLiteral("battery_soc"), 100);
    s.set(QStringLiteral("charging_current"),
          [](const SimTime &t) { return round1(0.7 + wobble(t, 0.1, 20)); });
    s.setConstant(QStringLiteral("pv_voltage"), 0.0);
    s.setConstant(QStringLiteral("pv_current"), 0.0);
    s.setConstant(QStringLiteral("pv_power"), 0);
    s.setConstant(QStringLiteral("charging_state"), 4); // float: the pack is full
    s.set(QStringLiteral("charging_power"),
          [](const SimTime &t) { return whole(10 + wobble(t, 1, 20)); });
    s.set(QStringLiteral("load_current"),
          [load](const SimTime &t) { return round1(load(t) / 124.9); });
    s.set(QStringLiteral("load_active_power"), load);
    s.set(QStringLiteral("load_apparent_power"),
          [load](const SimTime &t) { return whole(load(t) * 1.04); });
    s.setConstant(QStringLiteral("line_charging_current"), 0.0);
    s.set(QStringLiteral("load_percentage"),
          [load](const SimTime &t) { return whole(load(t) / 30); });
    s.setConstant(QStringLiteral("machine_state"), 4); // mains (bypass) operation
    s.setConstant(QStringLiteral("fault_state"), 0);
    s.setConstant(QStringLiteral("charging_flag"), 1);
    s.setConstant(QStringLiteral("unique_id"), QStringLiteral("FFFFFFFF"));
    s.set(QStringLiteral("dc_bus_voltage"),
          [](const SimTime &t) { return round1(14.5 + wobble(t, 0.05, 90)); });
    s.set(QStringLiteral("dcdc_heatsink_temperature"),
          [](const SimTime &t) { return round1(31.2 + wobble(t, 0.5, 240)); });
    s.set(QStringLiteral("dcac_heatsink_temperature"),
          [](const SimTime &t) { return round1(34.8 + wobble(t, 0.5, 260)); });
    s.set(QStringLiteral("battery_charge_today"),
          [](const SimTime &t) { return whole(3 + 0.7 * t.timeOfDayS / kHour); });
    s.setConstant(QStringLiteral("battery_discharge_today"), 0);
    s.setConstant(QStringLiteral("pv_generation_today"), 0.0);
    s.set(QStringLiteral("battery_charge_total"),
          [](const SimTime &t) { return whole(5120 + 0.7 * t.elapsedS / kHour); });
    s.setConstant(QStringLiteral("battery_discharge_total"), 4380);
    s.setConstant(QStringLiteral("pv_generation_total"), 0.0);
    s.set(QStringLiteral("mains_charge_today"),
          [](const SimTime &t) { return whole(3 + 0.7 * t.timeOfDayS / kHour); });
    s.set(QStringLiteral("mains_load_consumption_today"),
          [load](const SimTime &t) { return round1(load(t) * t.timeOfDayS / kHour / 100); });
    s.set(QStringLiteral("mains_load_consumption_total"),
          [load](const SimTime &t) { return round1(1180.2 + load(t) * t.elapsedS / kHour / 100); });
    s.setConstant(QStringLiteral("inverter_time_today"), 0);
    s.set(QStringLiteral("bypass_time_today"),
          [](const SimTime &t) { return whole(t.timeOfDayS / 60); });
    s.setConstant(QStringLiteral("inverter_time_total"), 311);
    s.set(QStringLiteral("bypass_time_total"),
          [](const SimTime &t) { return whole(2870 + t.elapsedS / kHour); });
    // Settings at the document defaults for a 12 V unit (protocol.md 6.4.5).
    s.setConstant(QStringLiteral("charging_current_setpoint"), 40.0);
    s.setConstant(QStringLiteral("battery_capacity_setting"), 200);
    s.setConstant(QStringLiteral("battery_type"), 1);
    s.setConstant(QStringLiteral("equalize_voltage"), 14.4);
    s.setConstant(QStringLiteral("boost_voltage"), 14.4);
    s.setConstant(QStringLiteral("float_voltage"), 14.0);
    s.setConstant(QStringLiteral("boost_return_voltage"), 13.2);
    s.setConstant(QStringLiteral("over_discharge_return_voltage"), 12.6);
    s.setConstant(QStringLiteral("under_voltage_warning_voltage"), 11.0);
    s.setConstant(QStringLiteral("over_discharge_voltage"), 12.2);
    s.setConstant(QStringLiteral("discharge_limit_voltage"), 11.2);
    s.setConstant(QStringLiteral("over_discharge_delay"), 60);
    s.setConstant(QStringLiteral("equalize_time"), 120);
    s.setConstant(QStringLiteral("boost_time"), 120);
    s.setConstant(QStringLiteral("equalize_interval"), 30);
    s.setConstant(QStringLiteral("equalize_timeout"), 240);
    s.setConstant(QStringLiteral("output_frequency_setting"), 60.0);
    s.setConstant(QStringLiteral("alarm_enable"), 1);
    s.setConstant(QStringLiteral("over_voltage_protection_voltage"), 16.0);
    s.setConstant(QStringLiteral("over_voltage_recovery_voltage"), 15.0);
    s.setConstant(QStringLiteral("under_voltage_alarm_recovery_voltage"), 11.5);
    s.setConstant(QStringLiteral("ac_input_current_limit"), 30.0);
    s.set(QStringLiteral("load_consumption_today"),
          [load](const SimTime &t) { return round1(load(t) * t.timeOfDayS / kHour / 100); });
    s.set(QStringLiteral("load_consumption_total"),
          [load](const SimTime &t) { return round1(1234.5 + load(t) * t.elapsedS / kHour / 100); });
    return s;
}

Scenario controller() {
    Scenario s;
    s.id = QStringLiteral("controller");
    s.family = Family::Controller;
    s.model = QStringLiteral("RNG-CTRL-RVR40");
    s.advertisedName = QStringLiteral("BT-TH-66EDFC11");
    s.slave = 0x01;

    // 400 W array on a 12 V lithium bank; the load draws a steady ~60 W.
    constexpr double kPeakW = 380;
    const auto pvW = [](const SimTime &t) {
        return std::max(0.0, kPeakW * sun(t) * (0.95 + wobble(t, 0.05, 37)));
    };
    const auto batteryV = [pvW](const SimTime &t) {
        return 13.2 + 0.9 * pvW(t) / kPeakW + wobble(t, 0.03, 61);
    };
    const auto loadW = [](const SimTime &t) { return 60 + wobble(t, 4, 29); };
    s.set(QStringLiteral("battery_soc"), [pvW](const SimTime &t) {
        return whole(std::min(100.0, 70 + 30 * pvW(t) / kPeakW + t.elapsedS / 600));
    });
    s.set(QStringLiteral("battery_voltage"),
          [batteryV](const SimTime &t) { return round1(batteryV(t)); });
    s.set(QStringLiteral("charging_current"),
          [pvW, batteryV](const SimTime &t) { return round2(pvW(t) * 0.97 / batteryV(t)); });
    s.set(QStringLiteral("controller_temperature"),
          [pvW](const SimTime &t) { return whole(24 + 14 * pvW(t) / kPeakW); });
    s.setConstant(QStringLiteral("battery_temperature"), 22);
    s.set(QStringLiteral("load_voltage"),
          [batteryV](const SimTime &t) { return round1(batteryV(t)); });
    s.set(QStringLiteral("load_current"),
          [loadW, batteryV](const SimTime &t) { return round2(loadW(t) / batteryV(t)); });
    s.set(QStringLiteral("load_power"), [loadW](const SimTime &t) { return whole(loadW(t)); });
    s.set(QStringLiteral("pv_voltage"),
          [](const SimTime &t) { return round1(sun(t) > 0 ? 36.0 + 2 * sun(t) : 0.3); });
    s.set(QStringLiteral("pv_current"), [pvW](const SimTime &t) { return round2(pvW(t) / 37.5); });
    s.set(QStringLiteral("pv_power"), [pvW](const SimTime &t) { return whole(pvW(t)); });
    s.setConstant(QStringLiteral("battery_min_voltage_today"), 12.9);
    s.set(QStringLiteral("battery_max_voltage_today"),
          [batteryV](const SimTime &t) { return round1(std::max(13.4, batteryV(t))); });
    s.set(QStringLiteral("max_charging_power_today"),
          [pvW](const SimTime &t) { return whole(std::max(120.0, pvW(t))); });
    s.setConstant(QStringLiteral("max_discharging_power_today"), 72);
    s.set(QStringLiteral("charging_ah_today"),
          [](const SimTime &t) { return whole(sunEnergyWh(t, kPeakW) / 13.5); });
    s.set(QStringLiteral("discharging_ah_today"),
          [](const SimTime &t) { return whole(60 * t.timeOfDayS / kHour / 13); });
    s.set(QStringLiteral("power_generation_today"),
          [](const SimTime &t) { return whole(sunEnergyWh(t, kPeakW)); });
    s.set(QStringLiteral("power_consumption_today"),
          [](const SimTime &t) { return whole(60 * t.timeOfDayS / kHour); });
    s.set(QStringLiteral("operating_days"),
          [](const SimTime &t) { return whole(412 + t.elapsedS / 86400); });
    s.setConstant(QStringLiteral("over_discharge_count"), 3);
    s.setConstant(QStringLiteral("full_charge_count"), 287);
    s.set(QStringLiteral("charging_ah_total"),
          [](const SimTime &t) { return whole(48210 + t.elapsedS * 0.01); });
    s.set(QStringLiteral("discharging_ah_total"),
          [](const SimTime &t) { return whole(41022 + t.elapsedS * 0.005); });
    s.set(QStringLiteral("power_generation_total"), [](const SimTime &t) {
        return whole(612345 + sunEnergyWh(t, kPeakW) + t.elapsedS * 0.05);
    });
    s.set(QStringLiteral("power_consumption_total"),
          [](const SimTime &t) { return whole(498765 + 60 * t.elapsedS / kHour); });
    s.setConstant(QStringLiteral("load_state"), 1);
    s.set(QStringLiteral("charging_state"),
          [](const SimTime &t) { return QVariant(sun(t) > 0.05 ? 2 : 0); });
    s.setConstant(QStringLiteral("model"), QStringLiteral("RNG-CTRL-RVR40"));
    s.setConstant(QStringLiteral("device_address"), 1);
    s.setConstant(QStringLiteral("battery_type"), 4); // lithium, as captured [rb:t-parser]
    s.setConstant(QStringLiteral("battery_capacity"), 200);
    s.setConstant(QStringLiteral("max_system_voltage"), 255); // auto
    s.setConstant(QStringLiteral("rated_charge_current"), 40);
    s.setConstant(QStringLiteral("rated_discharge_current"), 20);
    s.setConstant(QStringLiteral("product_type"), 0);
    s.setConstant(QStringLiteral("software_version"), QStringLiteral("V01.04.02"));
    s.setConstant(QStringLiteral("hardware_version"), QStringLiteral("V01.01.00"));
    s.setConstant(QStringLiteral("serial_number"), QStringLiteral("2203FFA1"));
    s.set(QStringLiteral("max_charging_current_today"),
          [pvW](const SimTime &t) { return round2(std::max(9.5, pvW(t) / 13.5)); });
    s.setConstant(QStringLiteral("max_discharging_current_today"), 5.6);
    s.setConstant(QStringLiteral("system_voltage_setting"), 255);
    s.setConstant(QStringLiteral("recognized_voltage"), 12);
    // Lithium set points of a 12 V bank (0xE005-0xE014, 12 V basis, open question D.27).
    s.setConstant(QStringLiteral("over_voltage_threshold"), 15.0);
    s.setConstant(QStringLiteral("charging_limit_voltage"), 14.4);
    s.setConstant(QStringLiteral("equalizing_voltage"), 14.4);
    s.setConstant(QStringLiteral("boost_voltage"), 14.4);
    s.setConstant(QStringLiteral("float_voltage"), 13.6);
    s.setConstant(QStringLiteral("boost_recovery_voltage"), 13.2);
    s.setConstant(QStringLiteral("over_discharge_recovery_voltage"), 12.6);
    s.setConstant(QStringLiteral("under_voltage_warning_voltage"), 12.0);
    s.setConstant(QStringLiteral("over_discharge_voltage"), 11.1);
    s.setConstant(QStringLiteral("discharge_limit_voltage"), 10.6);
    s.setConstant(QStringLiteral("end_of_charge_soc"), 100);
    s.setConstant(QStringLiteral("end_of_discharge_soc"), 10);
    s.setConstant(QStringLiteral("over_discharge_delay"), 5);
    s.setConstant(QStringLiteral("equalizing_time"), 0);
    s.setConstant(QStringLiteral("boost_time"), 120);
    s.setConstant(QStringLiteral("equalizing_interval"), 0);
    s.setConstant(QStringLiteral("temperature_compensation"), 0);
    s.setConstant(QStringLiteral("load_mode"), 15); // manual
    return s;
}

Scenario battery() {
    Scenario s;
    s.id = QStringLiteral("battery");
    s.family = Family::Battery;
    s.variant = QStringLiteral("legacy");
    s.model = QStringLiteral("RBT100LFP12S-G1");
    s.advertisedName = QStringLiteral("BT-TH-E3383D0E");
    s.slave = 0x30;

    // A 100 Ah pack discharging slowly at ~6 A.
    const auto remainingAh = [](const SimTime &t) {
        return std::max(5.0, 82.4 - 6.1 * t.elapsedS / kHour);
    };
    const std::array cellOffsets{0.000, 0.002, -0.001, 0.001};
    s.setConstant(QStringLiteral("cell_count"), 4);
    for (int i = 0; i < 16; ++i) {
        const double offset = i < 4 ? cellOffsets[static_cast<size_t>(i)] : 0;
        if (i < 4) {
            s.set(QStringLiteral("cell_%1_voltage").arg(i + 1), [offset](const SimTime &t) {
                return round1(3.3 + offset + wobble(t, 0.02, 80));
            });
            s.set(QStringLiteral("cell_temperature_%1").arg(i + 1),
                  [i](const SimTime &t) { return round1(21.5 + 0.4 * i + wobble(t, 0.2, 400)); });
        }
    }
    s.setConstant(QStringLiteral("temperature_sensor_count"), 4);
    s.set(QStringLiteral("bms_temperature"),
          [](const SimTime &t) { return round1(24.0 + wobble(t, 0.3, 500)); });
    s.set(QStringLiteral("current"),
          [](const SimTime &t) { return round2(-6.1 + wobble(t, 0.4, 23)); });
    s.set(QStringLiteral("battery_voltage"),
          [](const SimTime &t) { return round1(13.2 + wobble(t, 0.02, 80)); });
    s.set(QStringLiteral("remaining_capacity"),
          [remainingAh](const SimTime &t) { return std::round(remainingAh(t) * 1000) / 1000; });
    s.setConstant(QStringLiteral("total_capacity"), 100.0);
    s.setConstant(QStringLiteral("cycle_count"), 37);
    s.setConstant(QStringLiteral("charge_voltage_limit"), 14.2);
    s.setConstant(QStringLiteral("discharge_voltage_limit"), 10.0);
    s.setConstant(QStringLiteral("charge_current_limit"), 50.0);
    s.setConstant(QStringLiteral("discharge_current_limit"), -100.0);
    s.setConstant(QStringLiteral("serial_number"), QStringLiteral("21XXE3383D0E"));
    s.setConstant(QStringLiteral("model"), QStringLiteral("RBT100LFP12S-G1"));
    s.setConstant(QStringLiteral("software_version"), QStringLiteral("0018"));
    s.setConstant(QStringLiteral("manufacturer"), QStringLiteral("RENOGY"));
    s.setConstant(QStringLiteral("device_address"), 0x30);
    s.setConstant(QStringLiteral("environment_temperature_count"), 2);
    s.set(QStringLiteral("environment_temperature_1"),
          [](const SimTime &t) { return round1(19.8 + wobble(t, 0.5, 900)); });
    s.set(QStringLiteral("environment_temperature_2"),
          [](const SimTime &t) { return round1(20.4 + wobble(t, 0.5, 900)); });
    s.setConstant(QStringLiteral("heater_temperature_count"), 0);
    s.setConstant(QStringLiteral("status_1"), 0x000E); // MOSFETs on, using module power [gb:cap]
    s.setConstant(QStringLiteral("status_2"), 0x4000); // effective discharge current
    s.setConstant(QStringLiteral("status_3"), 0);
    s.setConstant(QStringLiteral("charge_status"), 0x00C0); // charge and discharge enabled
    s.setConstant(QStringLiteral("cell_voltage_alarms"), 0);
    s.setConstant(QStringLiteral("cell_temperature_alarms"), 0);
    s.setConstant(QStringLiteral("other_alarms"), 0);
    s.setConstant(QStringLiteral("manufacture_version"), QStringLiteral("0001"));
    s.setConstant(QStringLiteral("mainline_version"), QStringLiteral("00010003"));
    s.setConstant(QStringLiteral("protocol_version"), QStringLiteral("0107"));
    return s;
}

Scenario dcc() {
    Scenario s;
    s.id = QStringLiteral("dcc");
    s.family = Family::DcDcCharger;
    s.model = QStringLiteral("RBC50D1S-G1");
    s.advertisedName = QStringLiteral("BT-TH-5A3C1B77");
    s.slave = 0x01;

    // Engine running: the alternator charges the house bank, solar adds a little.
    constexpr double kPeakW = 200;
    const auto altW = [](const SimTime &t) { return 520 + wobble(t, 25, 41); };
    const auto solarW = [](const SimTime &t) { return kPeakW * sun(t); };
    s.setConstant(QStringLiteral("battery_soc"), 86);
    s.set(QStringLiteral("battery_voltage"),
          [](const SimTime &t) { return round1(13.9 + wobble(t, 0.05, 53)); });
    s.set(QStringLiteral("charging_current"),
          [altW, solarW](const SimTime &t) { return round2((altW(t) + solarW(t)) / 13.9); });
    s.set(QStringLiteral("controller_temperature"),
          [](const SimTime &t) { return whole(41 + wobble(t, 2, 600)); });
    s.setConstant(QStringLiteral("battery_temperature"), 25);
    s.set(QStringLiteral("alternator_voltage"),
          [](const SimTime &t) { return round1(14.3 + wobble(t, 0.1, 17)); });
    s.set(QStringLiteral("alternator_current"),
          [altW](const SimTime &t) { return round2(altW(t) / 14.3); });
    s.set(QStringLiteral("alternator_power"), [altW](const SimTime &t) { return whole(altW(t)); });
    s.set(QStringLiteral("pv_voltage"),
          [](const SimTime &t) { return round1(sun(t) > 0 ? 19.5 : 0.0); });
    s.set(QStringLiteral("pv_current"),
          [solarW](const SimTime &t) { return round2(solarW(t) / 19.5); });
    s.set(QStringLiteral("pv_power"), [solarW](const SimTime &t) { return whole(solarW(t)); });
    s.setConstant(QStringLiteral("battery_min_voltage_today"), 12.6);
    s.setConstant(QStringLiteral("battery_max_voltage_today"), 14.2);
    s.set(QStringLiteral("max_charging_power_today"),
          [altW](const SimTime &t) { return whole(std::max(610.0, altW(t))); });
    s.set(QStringLiteral("charging_amp_hours_today"),
          [](const SimTime &t) { return whole(21 + 40 * t.elapsedS / kHour); });
    s.set(QStringLiteral("power_generation_today"),
          [](const SimTime &t) { return whole(290 + 540 * t.elapsedS / kHour); });
    s.set(QStringLiteral("operating_days"),
          [](const SimTime &t) { return whole(128 + t.elapsedS / 86400); });
    s.setConstant(QStringLiteral("over_discharge_count"), 0);
    s.setConstant(QStringLiteral("full_charge_count"), 96);
    s.set(QStringLiteral("charging_amp_hours_total"),
          [](const SimTime &t) { return whole(9120 + 40 * t.elapsedS / kHour); });
    s.set(QStringLiteral("power_generation_total"),
          [](const SimTime &t) { return whole(131072 + 540 * t.elapsedS / kHour); });
    s.setConstant(QStringLiteral("charging_state"), 8); // direct (alternator) charging
    s.set(QStringLiteral("output_power"),
          [altW, solarW](const SimTime &t) { return whole(altW(t) + solarW(t)); });
    s.set(QStringLiteral("charging_mode"),
          [](const SimTime &t) { return QVariant(sun(t) > 0 ? 4 : 1); });
    s.setConstant(QStringLiteral("ignition"), 1);
    s.setConstant(QStringLiteral("model"), QStringLiteral("RBC50D1S-G1"));
    s.setConstant(QStringLiteral("device_address"), 1);
    s.setConstant(QStringLiteral("charging_current_limit"), 50.0);
    s.setConstant(QStringLiteral("faults_a"), 0);
    s.setConstant(QStringLiteral("faults_b"), 0);
    s.set(QStringLiteral("max_charging_current_today"),
          [altW](const SimTime &t) { return round2(std::max(44.0, altW(t) / 13.9)); });
    s.setConstant(QStringLiteral("max_system_voltage"), 12);
    s.setConstant(QStringLiteral("rated_charge_current"), 50);
    s.setConstant(QStringLiteral("rated_discharge_current"), 0);
    s.setConstant(QStringLiteral("product_type"), 0);
    s.setConstant(QStringLiteral("software_version"), QStringLiteral("V08.00.03"));
    s.setConstant(QStringLiteral("hardware_version"), QStringLiteral("V01.00.00"));
    s.setConstant(QStringLiteral("serial_number"), QStringLiteral("2304A1B2"));
    s.setConstant(QStringLiteral("battery_capacity"), 200);
    s.setConstant(QStringLiteral("system_voltage_setting"), 12);
    s.setConstant(QStringLiteral("recognized_voltage"), 12);
    s.setConstant(QStringLiteral("over_voltage_threshold"), 15.0);
    s.setConstant(QStringLiteral("charging_limit_voltage"), 14.4);
    s.setConstant(QStringLiteral("equalizing_voltage"), 14.4);
    s.setConstant(QStringLiteral("boost_voltage"), 14.4);
    s.setConstant(QStringLiteral("float_voltage"), 13.6);
    s.setConstant(QStringLiteral("boost_recovery_voltage"), 13.2);
    s.setConstant(QStringLiteral("over_discharge_recovery_voltage"), 12.6);
    s.setConstant(QStringLiteral("under_voltage_warning_voltage"), 12.0);
    s.setConstant(QStringLiteral("over_discharge_voltage"), 11.1);
    s.setConstant(QStringLiteral("discharge_limit_voltage"), 10.6);
    s.setConstant(QStringLiteral("over_discharge_delay"), 5);
    s.setConstant(QStringLiteral("boost_time"), 120);
    s.setConstant(QStringLiteral("reverse_charging_voltage"), 13.0);
    s.setConstant(QStringLiteral("solar_cutoff_current"), 7.0);
    s.setConstant(QStringLiteral("battery_type"), 4);
    return s;
}

Scenario dccG6() {
    Scenario s = dcc();
    s.id = QStringLiteral("dcc-g6");
    s.model = QStringLiteral("RBC50D1S-G6");
    s.advertisedName = QStringLiteral("BT-TH-5A3C1B96"); // its own dongle: --name finds one device
    s.setConstant(QStringLiteral("model"), QStringLiteral("RBC50D1S-G6"));
    s.setConstant(QStringLiteral("software_version"), QStringLiteral("V08.00.06"));
    // Firmware 8.0.6 does not answer a read that starts at 0x0120 [rb:git-147].
    s.silentStarts = {0x0120};
    return s;
}

} // namespace blupow::scenarios
