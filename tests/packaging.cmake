# Packaging (issue 9): build the .deb, check it, validate it, run what it installs.
if(BLUPOW_BUILD_GUI)
    add_test(NAME package_deb
        COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/packaging/check_deb.sh ${PROJECT_BINARY_DIR})
    set_tests_properties(package_deb PROPERTIES LABELS packaging TIMEOUT 300 RUN_SERIAL TRUE)
endif()
