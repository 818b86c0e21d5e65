# Configuration: safe setting writes, backup, restore and snapshot diff (issue 8).
blupow_add_qtest(tst_settingswriter LABELS sim config TIMEOUT 180)
blupow_add_qtest(tst_snapshot LABELS sim config TIMEOUT 120)

find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
    add_test(NAME cli_config
        COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/cli_config.py
                $<TARGET_FILE:blupow-cli>)
    set_tests_properties(cli_config PROPERTIES LABELS "sim;cli;config" TIMEOUT 180)
    # docs/support.md: the zip, its entries, and no secret in any of their bytes.
    add_test(NAME cli_support_bundle
        COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/cli_support_bundle.py
                $<TARGET_FILE:blupow-cli>)
    set_tests_properties(cli_support_bundle PROPERTIES LABELS "sim;cli" TIMEOUT 180)
endif()
blupow_add_qtest(tst_settingrules LABELS unit config)
# The support bundle's zip and redaction (docs/support.md).
blupow_add_qtest(tst_supportbundle LABELS unit)
