# Simulator, simulated transport and the device session (issue 3).
blupow_add_qtest(tst_devicesimulator LABELS unit sim)
blupow_add_qtest(tst_simulatedtransport LABELS unit sim)
blupow_add_qtest(tst_devicesession LABELS sim TIMEOUT 120)
blupow_add_qtest(tst_connectionmanager LABELS sim)
# Alarm registers raised and cleared in the simulator, tracked through a session (docs/alarms.md).
blupow_add_qtest(tst_alarmsim LABELS sim TIMEOUT 180)
# The devices' own logs: map definitions, read plans, decoding, the simulator's records and the
# reader through a session (docs/logs.md).
blupow_add_qtest(tst_devicelog LABELS unit sim TIMEOUT 120)

# The headless commands end to end against every simulated model: one JSON object from `read`,
# five JSON Lines from `monitor`, validated by a script.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
    # The models are the scenarios file's list, the same one the simulator and --help read.
    set(scenarios_file "${PROJECT_SOURCE_DIR}/resources/sim/scenarios.json")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${scenarios_file}")
    file(READ "${scenarios_file}" scenarios_json)
    string(JSON scenario_count LENGTH "${scenarios_json}" scenarios)
    math(EXPR last_scenario "${scenario_count} - 1")
    set(simulated_models)
    foreach(i RANGE ${last_scenario})
        string(JSON model GET "${scenarios_json}" scenarios ${i} id)
        list(APPEND simulated_models ${model})
    endforeach()
    foreach(model IN LISTS simulated_models)
        add_test(NAME cli_simulate_${model}
            COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/cli_simulate.py
                    $<TARGET_FILE:blupow-cli> ${model})
        set_tests_properties(cli_simulate_${model} PROPERTIES
            LABELS "sim;cli" TIMEOUT 120)
    endforeach()
    # blupow-cli logs: the devices' own logs as JSON and tables (docs/logs.md).
    add_test(NAME cli_logs
        COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/cli_logs.py
                $<TARGET_FILE:blupow-cli>)
    set_tests_properties(cli_logs PROPERTIES LABELS "sim;cli" TIMEOUT 180)
endif()
# The poll cycle's step machine on its own, without I/O (issue 16).
blupow_add_qtest(tst_pollcycle LABELS unit)
# Identification's step machine on a modelled bus: several slaves in one probe pass (issue 17).
blupow_add_qtest(tst_identifier LABELS unit)
# The one place a device choice becomes a transport (issue 16).
blupow_add_qtest(tst_transportprovider LABELS unit sim)
# Opening and closing the session's transport, against a transport the test moves (issue 16).
blupow_add_qtest(tst_linkkeeper LABELS unit)
