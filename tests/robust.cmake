# Robustness (issue 21): what a careless or hostile user types, refused with a clear error and
# the documented exit code before anything starts.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
    add_test(NAME cli_robust
        COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/cli_robust.py
                $<TARGET_FILE:blupow-cli>)
    set_tests_properties(cli_robust PROPERTIES LABELS "cli;unit" TIMEOUT 120)
endif()
