# Packaging (issue 9): build the .deb, check it, validate it, run what it installs.
if(BLUPOW_BUILD_GUI)
    add_test(NAME package_deb
        COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/packaging/check_deb.sh ${PROJECT_BINARY_DIR})
    set_tests_properties(package_deb PROPERTIES LABELS packaging TIMEOUT 300 RUN_SERIAL TRUE)
endif()
# The systemd unit alone (no package build): verify, hardening keys, offline exposure score.
add_test(NAME service_unit
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/packaging/check_unit.sh
            ${PROJECT_SOURCE_DIR}/packaging/blupow-bridge.service)
set_tests_properties(service_unit PROPERTIES LABELS "packaging;unit" SKIP_RETURN_CODE 77 TIMEOUT 60)
