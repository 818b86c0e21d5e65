# MQTT and Home Assistant (issue 5). Pure discovery tests, then client and bridge tests against a
# real mosquitto that a fixture starts on free loopback ports (tests/mqtt/broker.sh: anonymous,
# user+password and TLS listeners, certificates generated at test time) and stops by PID.
blupow_add_qtest(tst_hadiscovery LABELS unit)
blupow_add_qtest(tst_energycounterguard LABELS unit)
blupow_add_qtest(tst_energyintegrator LABELS unit)
blupow_add_qtest(tst_energystore LABELS unit)
blupow_add_qtest(tst_bridgeconfig LABELS unit)
blupow_add_qtest(tst_numberparse LABELS unit)

set(BLUPOW_MQTT_BROKER_DIR "${CMAKE_CURRENT_BINARY_DIR}/mqtt-broker")
set(BLUPOW_MQTT_BROKER_SCRIPT "${CMAKE_CURRENT_SOURCE_DIR}/mqtt/broker.sh")
add_test(NAME mqtt_broker_start COMMAND sh ${BLUPOW_MQTT_BROKER_SCRIPT} start ${BLUPOW_MQTT_BROKER_DIR})
set_tests_properties(mqtt_broker_start PROPERTIES FIXTURES_SETUP mqtt_broker LABELS mqtt TIMEOUT 30)
add_test(NAME mqtt_broker_stop COMMAND sh ${BLUPOW_MQTT_BROKER_SCRIPT} stop ${BLUPOW_MQTT_BROKER_DIR})
set_tests_properties(mqtt_broker_stop PROPERTIES FIXTURES_CLEANUP mqtt_broker LABELS mqtt TIMEOUT 30)

set(mqtt_env
    "BLUPOW_MQTT_BROKER_DIR=${BLUPOW_MQTT_BROKER_DIR}"
    "BLUPOW_MQTT_BROKER_SCRIPT=${BLUPOW_MQTT_BROKER_SCRIPT}"
    "BLUPOW_CLI=$<TARGET_FILE:blupow-cli>")
blupow_add_qtest(tst_mqttclient LABELS mqtt FIXTURES mqtt_broker TIMEOUT 120 ENVIRONMENT ${mqtt_env})
blupow_add_qtest(tst_mqttbridge LABELS mqtt FIXTURES mqtt_broker TIMEOUT 180 ENVIRONMENT ${mqtt_env})
# The bridge tests run the real `blupow-cli bridge` as a child process (kill -9 and the will).
add_dependencies(tst_mqttbridge blupow-cli)

# The always-on bridge over Bluetooth: `blupow-cli bridge --name` against the fake bluetoothd
# (ble.cmake's fixture, read before this file) and the broker above. A device that is not
# advertising at start is looked for again and published once it shows up.
if(COMMAND blupow_fake_bluez_fixture)
    blupow_fake_bluez_fixture(fakebluez_tst_bridgeble bridgeble_state)
    blupow_add_qtest(tst_bridgeble LABELS mqtt ble TIMEOUT 180
        FIXTURES mqtt_broker fakebluez_tst_bridgeble
        ENVIRONMENT ${mqtt_env}
        "DBUS_SYSTEM_BUS_ADDRESS=unix:path=${bridgeble_state}/system_bus_socket")
    add_dependencies(tst_bridgeble blupow-cli)
endif()
