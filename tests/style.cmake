# Style: every C++ file of the project is clang-formatted (.clang-format at the root).
find_program(CLANG_FORMAT NAMES clang-format clang-format-14)
if(CLANG_FORMAT)
    add_test(NAME clang_format
        COMMAND ${CMAKE_COMMAND} -DCLANG_FORMAT=${CLANG_FORMAT} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
                -P ${CMAKE_CURRENT_SOURCE_DIR}/style/checkformat.cmake)
    set_tests_properties(clang_format PROPERTIES LABELS style)
endif()
