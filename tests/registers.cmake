# Register maps and decoding (issue 2, points 4-8).
blupow_add_qtest(tst_registermap LABELS unit)
blupow_add_qtest(tst_registerdecoder LABELS unit)
blupow_add_qtest(tst_decodesteps LABELS unit)
# The maps and scenarios as loaded and decoded, against tests/data/maps-golden.json.
blupow_add_qtest(tst_mapgolden LABELS unit sim)

# The schema itself, proven with the reference JSON Schema implementation (python3-jsonschema).
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
    add_test(NAME registers_schema
        COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/registers/validate_maps.py
                ${PROJECT_SOURCE_DIR}/resources/registers)
    set_tests_properties(registers_schema PROPERTIES LABELS unit)
    # The coverage table of docs/registers.md holds the counts the maps really have.
    add_test(NAME registers_coverage_table
        COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/registers/validate_maps.py
                ${PROJECT_SOURCE_DIR}/resources/registers
                --check-table ${PROJECT_SOURCE_DIR}/docs/registers.md)
    set_tests_properties(registers_coverage_table PROPERTIES LABELS unit)
endif()
if(Python3_Interpreter_FOUND)
    add_test(NAME decode_cli
        COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/registers/decode_cli.py $<TARGET_FILE:blupow-cli>)
    set_tests_properties(decode_cli PROPERTIES LABELS cli)
endif()
# Alarm conditions from the maps' fault and alarm words (docs/alarms.md).
blupow_add_qtest(tst_alarmtracker LABELS unit)
