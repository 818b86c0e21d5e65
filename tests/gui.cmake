# Desktop GUI (issue 6): the frame log and its annotations, the item models (checked with
# QAbstractItemModelTester), settings, and the panels driven offscreen against the simulator.
blupow_add_qtest(tst_timeseriesbuffer SOURCES gui/tst_timeseriesbuffer.cpp LABELS unit gui)
blupow_add_qtest(tst_chartscale SOURCES gui/tst_chartscale.cpp LABELS unit gui)
blupow_add_qtest(tst_appsettings SOURCES gui/tst_appsettings.cpp LABELS unit gui)
blupow_add_qtest(tst_devicelistmodel SOURCES gui/tst_devicelistmodel.cpp LABELS unit gui)
blupow_add_qtest(tst_livevaluesmodel SOURCES gui/tst_livevaluesmodel.cpp LABELS unit gui)
blupow_add_qtest(tst_frameannotator SOURCES gui/tst_frameannotator.cpp LABELS unit gui)
blupow_add_qtest(tst_framelogmodel SOURCES gui/tst_framelogmodel.cpp LABELS unit gui)
if(BLUPOW_BUILD_GUI)
    blupow_add_qtest(tst_panels SOURCES gui/tst_panels.cpp LIBS BluPow::ui LABELS gui TIMEOUT 120)
    blupow_add_qtest(tst_alarmspanel SOURCES gui/tst_alarmspanel.cpp LIBS BluPow::ui LABELS gui
        TIMEOUT 120)
    blupow_add_qtest(tst_settingspanel SOURCES gui/tst_settingspanel.cpp LIBS BluPow::ui
        LABELS gui config TIMEOUT 120)
    blupow_add_qtest(tst_devicelogspanel SOURCES gui/tst_devicelogspanel.cpp LIBS BluPow::ui
        LABELS gui sim TIMEOUT 120)
endif()
if(BLUPOW_BUILD_GUI)
    blupow_add_qtest(tst_captureviewer SOURCES gui/tst_captureviewer.cpp LIBS BluPow::ui
        LABELS gui capture TIMEOUT 120)
endif()
if(BLUPOW_BUILD_GUI)
    add_test(NAME gui_screenshot
        COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/gui/check_screenshot.sh $<TARGET_FILE:blupow>)
    set_tests_properties(gui_screenshot PROPERTIES LABELS gui TIMEOUT 60)
endif()
if(BLUPOW_BUILD_GUI)
    # The broker of mqtt.cmake's mqtt_broker fixture (this file may be read before mqtt.cmake).
    blupow_add_qtest(tst_mqttdialog SOURCES gui/tst_mqttdialog.cpp LIBS BluPow::ui LABELS gui mqtt
        FIXTURES mqtt_broker TIMEOUT 120
        ENVIRONMENT "BLUPOW_MQTT_BROKER_DIR=${CMAKE_CURRENT_BINARY_DIR}/mqtt-broker")
endif()
