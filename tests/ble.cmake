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
