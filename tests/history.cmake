# The history file (issue 18.1): store, writer and reader threads, CSV export, the CLI and a
# kill -9 loop against `blupow-cli monitor --history`.
blupow_add_qtest(tst_historystore LABELS unit TIMEOUT 120)
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
    add_test(NAME cli_history
        COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/cli_history.py
                $<TARGET_FILE:blupow-cli>)
    set_tests_properties(cli_history PROPERTIES LABELS "sim;cli" TIMEOUT 300)
    # SIGKILL at random moments, 15 times: the file is never corrupt, committed samples stay.
    add_test(NAME cli_history_kill
        COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/cli_history.py
                $<TARGET_FILE:blupow-cli> kill)
    set_tests_properties(cli_history_kill PROPERTIES LABELS "sim;cli" TIMEOUT 600)
endif()
if(BLUPOW_BUILD_GUI)
    blupow_add_qtest(tst_historychart SOURCES gui/tst_historychart.cpp LIBS BluPow::ui
        LABELS gui TIMEOUT 120)
endif()
if(BLUPOW_BUILD_GUI)
    # File > Record history, switched while the program runs (issue 18).
    blupow_add_qtest(tst_historycontrol SOURCES gui/tst_historycontrol.cpp LIBS BluPow::ui
        LABELS gui unit TIMEOUT 60)
endif()
