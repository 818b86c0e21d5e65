# Desktop GUI (issue 6): the frame log and its annotations, the item models (checked with
# QAbstractItemModelTester), settings, and the panels driven offscreen against the simulator.
blupow_add_qtest(tst_timeseriesbuffer SOURCES gui/tst_timeseriesbuffer.cpp LABELS unit gui)
blupow_add_qtest(tst_appsettings SOURCES gui/tst_appsettings.cpp LABELS unit gui)
blupow_add_qtest(tst_devicelistmodel SOURCES gui/tst_devicelistmodel.cpp LABELS unit gui)
blupow_add_qtest(tst_livevaluesmodel SOURCES gui/tst_livevaluesmodel.cpp LABELS unit gui)
blupow_add_qtest(tst_frameannotator SOURCES gui/tst_frameannotator.cpp LABELS unit gui)
blupow_add_qtest(tst_framelogmodel SOURCES gui/tst_framelogmodel.cpp LABELS unit gui)
if(BLUPOW_BUILD_GUI)
    blupow_add_qtest(tst_panels SOURCES gui/tst_panels.cpp LIBS BluPow::ui LABELS gui TIMEOUT 120)
endif()
if(BLUPOW_BUILD_GUI)
    add_test(NAME gui_screenshot
        COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/gui/check_screenshot.sh $<TARGET_FILE:blupow>)
    set_tests_properties(gui_screenshot PROPERTIES LABELS gui TIMEOUT 60)
endif()
