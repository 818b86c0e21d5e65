# Bluetooth LE (issue 4): the scanner and transport with the real Qt Bluetooth classes against
# the project's own fake bluetoothd (tests/fakebluez) on a private D-Bus. Each test executable
# gets its own bus and fake, started and stopped by PID through a CTest fixture, so parallel
# ctest runs do not share fault state. Nothing here touches the machine's system bus.
set(BLUPOW_FAKEBLUEZ_RUNNER "${CMAKE_CURRENT_SOURCE_DIR}/fakebluez/run-fake.sh")

blupow_add_qtest(tst_renogynames LABELS unit)

# blupow_fake_bluez_fixture(NAME STATE_DIR_VAR [fake options...]): a fixture NAME whose setup test
# starts a private bus + fake with those options; STATE_DIR_VAR receives the state directory.
function(blupow_fake_bluez_fixture name out_state)
    set(state "${CMAKE_CURRENT_BINARY_DIR}/fakebluez/${name}")
    add_test(NAME ${name}_start COMMAND ${BLUPOW_FAKEBLUEZ_RUNNER} start ${state} ${ARGN})
    set_tests_properties(${name}_start PROPERTIES FIXTURES_SETUP ${name} TIMEOUT 30 LABELS ble)
    add_test(NAME ${name}_stop COMMAND ${BLUPOW_FAKEBLUEZ_RUNNER} stop ${state})
    set_tests_properties(${name}_stop PROPERTIES FIXTURES_CLEANUP ${name} TIMEOUT 30 LABELS ble)
    set(${out_state} "${state}" PARENT_SCOPE)
endfunction()

# A Qt test run against its own fake.
function(blupow_add_ble_qtest name)
    blupow_fake_bluez_fixture(fakebluez_${name} state ${ARGN})
    blupow_add_qtest(${name} LABELS ble TIMEOUT 240 FIXTURES fakebluez_${name}
        ENVIRONMENT "DBUS_SYSTEM_BUS_ADDRESS=unix:path=${state}/system_bus_socket")
endfunction()

blupow_add_ble_qtest(tst_devicescanner)
blupow_add_ble_qtest(tst_bletransport)

# The GUI's scan, device list and live values over Qt Bluetooth against its own fake.
if(BLUPOW_BUILD_GUI)
    blupow_fake_bluez_fixture(fakebluez_tst_guible guible_state)
    blupow_add_qtest(tst_guible SOURCES gui/tst_guible.cpp LIBS BluPow::ui LABELS ble gui
        TIMEOUT 240 FIXTURES fakebluez_tst_guible
        ENVIRONMENT "DBUS_SYSTEM_BUS_ADDRESS=unix:path=${guible_state}/system_bus_socket")
endif()

# blupow-cli through BleTransport against the fake: scan, read by address and by name, monitor,
# and the no-BlueZ path. Each checks exit code and output with fakebluez/cli_check.cmake.
if(TARGET blupow-cli AND EXISTS "${PROJECT_SOURCE_DIR}/app/cli/commands/scan.cpp")
    blupow_fake_bluez_fixture(fakebluez_cli cli_state)
    set(cli_bus "DBUS_SYSTEM_BUS_ADDRESS=unix:path=${cli_state}/system_bus_socket")
    set(cli_check "${CMAKE_CURRENT_SOURCE_DIR}/fakebluez/cli_check.cmake")

    # name; expected exit; bus ("" = the fixture's); arguments; EXPECT regexes; FORBID regexes
    function(blupow_ble_cli_test name exit_code bus args expect forbid)
        if(bus STREQUAL "")
            set(bus "${cli_bus}")
        endif()
        add_test(NAME ${name} COMMAND ${CMAKE_COMMAND}
            "-DCMD=$<TARGET_FILE:blupow-cli>;${args}" "-DEXPECT=${expect}" "-DFORBID=${forbid}"
            -DEXIT=${exit_code} -P ${cli_check})
        set_tests_properties(${name} PROPERTIES ENVIRONMENT "${bus}" TIMEOUT 90 LABELS ble
            RESOURCE_LOCK fakebluez_cli)
        if(bus STREQUAL cli_bus OR bus STREQUAL "${cli_bus}")
            set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED fakebluez_cli)
        endif()
    endfunction()

    blupow_ble_cli_test(cli_ble_scan 0 ""
        "scan;--timeout;2"
        "BT-TH-66EDFC11 +60:98:66:ED:FC:11 +-[0-9]+ dBm;BT-TH-16178A45;BTRIC134000035 +4C:E1:74:00:00:35 +-[0-9]+ dBm +inverter"
        "JBL;Using BlueZ kernel ATT")
    blupow_ble_cli_test(cli_ble_read_controller_by_address 0 ""
        "read;--address;60:98:66:ED:FC:11"
        "Using BlueZ LE DBus API;RNG-CTRL-RVR40;Battery voltage +13.4 V;PV power +69 W;Battery temperature +-3 "
        "kernel ATT")
    blupow_ble_cli_test(cli_ble_read_inverter_by_name_json 0 ""
        "read;--name;BTRIC134000035;--json"
        "\"model\":\"RIV1230RCH-SPS\";\"key\":\"ac_input_voltage\"[^}]*\"value\":124.9;\"key\":\"battery_voltage\"[^}]*\"value\":14.4;\"slave_id\":32"
        "kernel ATT")
    blupow_ble_cli_test(cli_ble_monitor_battery 0 ""
        "monitor;--address;AC:4D:16:17:8A:45;--count;2;--interval;0.5"
        "RBT100LFP12-BT|#1 ;#2 ;cell_1_voltage=3.3 V"
        "kernel ATT")
    # Two battery packs behind one BT-2, as in the two-battery capture: one probe pass through
    # BleTransport and the fake finds both (the 0xFF probe collides), and `read` lists each as its
    # own device with its own values.
    blupow_fake_bluez_fixture(fakebluez_bank bank_state --bank)
    blupow_ble_cli_test(cli_ble_read_bank 0
        "DBUS_SYSTEM_BUS_ADDRESS=unix:path=${bank_state}/system_bus_socket"
        "read;--address;C4:64:E3:FD:86:6D;--json"
        "\"slaves\":;\"id\":\"c464e3fd866d_30\";\"id\":\"c464e3fd866d_31\";\"slave_id\":49;\"key\":\"remaining_capacity\"[^}]*\"value\":41.2"
        "kernel ATT")
    set_tests_properties(cli_ble_read_bank PROPERTIES FIXTURES_REQUIRED fakebluez_bank)
    # The session keeps retrying a device it cannot find until --timeout (sim's session runner).
    blupow_ble_cli_test(cli_ble_read_unknown_address 4 ""
        "read;--address;11:22:33:44:55:66;--timeout;12"
        "11:22:33:44:55:66 was not seen in a [0-9]+ s scan.*no values within 12 s"
        "")
    # No BlueZ at all (nothing listens on that bus): scan says so and lists the simulated devices.
    blupow_ble_cli_test(cli_ble_scan_without_bluez 0
        "DBUS_SYSTEM_BUS_ADDRESS=unix:path=${CMAKE_CURRENT_BINARY_DIR}/fakebluez/no-such-bus"
        "scan;--timeout;1"
        "No Bluetooth adapter found;simulated devices;--simulate=inverter"
        "")
    blupow_ble_cli_test(cli_ble_read_without_bluez 4
        "DBUS_SYSTEM_BUS_ADDRESS=unix:path=${CMAKE_CURRENT_BINARY_DIR}/fakebluez/no-such-bus"
        "read;--address;60:98:66:ED:FC:11"
        "No Bluetooth adapter found"
        "")
endif()
