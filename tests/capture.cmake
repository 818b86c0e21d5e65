# Capture files (issue 7): btsnoop import, ATT decoding, recording, replay, bad files, fuzzing.
blupow_add_qtest(tst_conversationextractor LABELS unit capture)
# The real capture lives in shared/, beside the checkout: a developer's clone without it skips
# those tests, CI (CI=true) must fail instead of skipping them silently.
add_test(NAME shared_missing_fails_under_ci
    COMMAND tst_conversationextractor realCaptureConversation)
set_tests_properties(shared_missing_fails_under_ci PROPERTIES LABELS "unit;capture"
    ENVIRONMENT "CI=true;BLUPOW_SHARED_DIR=${CMAKE_CURRENT_BINARY_DIR}/no-shared-here"
    PASS_REGULAR_EXPRESSION "FAIL!  : TestConversationExtractor::realCaptureConversation\\(\\) CI=true but")
add_test(NAME shared_missing_skips_locally
    COMMAND tst_conversationextractor realCaptureConversation)
set_tests_properties(shared_missing_skips_locally PROPERTIES LABELS "unit;capture"
    ENVIRONMENT "CI=false;BLUPOW_SHARED_DIR=${CMAKE_CURRENT_BINARY_DIR}/no-shared-here"
    PASS_REGULAR_EXPRESSION "SKIP   : TestConversationExtractor::realCaptureConversation")
blupow_add_qtest(tst_btsnoop LABELS unit capture)
blupow_add_qtest(tst_captureimporter LABELS integration capture TIMEOUT 120)
blupow_add_qtest(tst_replaytransport LABELS unit capture)

# libFuzzer target over the capture parser (btsnoop -> HCI -> ACL/L2CAP -> ATT -> Modbus pairing).
# libFuzzer needs clang; the project is usually built with GCC, so the target is one clang++
# command over the pure sources it needs plus Qt Core, independent of the main compiler. CTest
# runs it for a bounded number of inputs from the committed seeds; new inputs it finds go to a
# corpus folder in the build tree, never into the source tree.
find_program(BLUPOW_FUZZ_CXX NAMES clang++-14 clang++)
option(BLUPOW_FUZZ "Build and run the libFuzzer capture target (needs clang)" ON)
if(BLUPOW_FUZZ AND BLUPOW_FUZZ_CXX)
    set(fuzz_sources
        ${PROJECT_SOURCE_DIR}/tests/fuzz/fuzz_capture.cpp
        ${PROJECT_SOURCE_DIR}/core/capture/attdecoder.cpp
        ${PROJECT_SOURCE_DIR}/core/capture/btsnoop.cpp
        ${PROJECT_SOURCE_DIR}/core/capture/capturediagnostics.cpp
        ${PROJECT_SOURCE_DIR}/core/capture/conversationextractor.cpp
        ${PROJECT_SOURCE_DIR}/core/capture/gattlayout.cpp
        ${PROJECT_SOURCE_DIR}/core/capture/hcipacket.cpp
        ${PROJECT_SOURCE_DIR}/core/modbus/crc16.cpp
        ${PROJECT_SOURCE_DIR}/core/modbus/framereassembler.cpp
        ${PROJECT_SOURCE_DIR}/core/modbus/modbusframe.cpp
        ${PROJECT_SOURCE_DIR}/core/device/renogynames.cpp
        ${PROJECT_SOURCE_DIR}/core/registers/family.cpp)
    get_target_property(fuzz_qt_includes Qt6::Core INTERFACE_INCLUDE_DIRECTORIES)
    list(TRANSFORM fuzz_qt_includes PREPEND "-I")
    set(fuzz_exe ${CMAKE_CURRENT_BINARY_DIR}/fuzz_capture_libfuzzer)
    add_custom_command(OUTPUT ${fuzz_exe}
        COMMAND ${BLUPOW_FUZZ_CXX} -std=c++20 -g -O1 -fPIC -fno-omit-frame-pointer
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
                -DQT_NO_KEYWORDS -DQT_NO_CAST_FROM_ASCII -DQT_NO_CAST_TO_ASCII
                -I${PROJECT_SOURCE_DIR}/core ${fuzz_qt_includes}
                ${fuzz_sources} $<TARGET_FILE:Qt6::Core> -o ${fuzz_exe}
        DEPENDS ${fuzz_sources}
        COMMENT "Building the libFuzzer capture target with ${BLUPOW_FUZZ_CXX}"
        VERBATIM)
    add_custom_target(fuzz_capture ALL DEPENDS ${fuzz_exe})
    set(fuzz_workdir ${CMAKE_CURRENT_BINARY_DIR}/fuzz-corpus)
    file(MAKE_DIRECTORY ${fuzz_workdir})
    # About 20 000 inputs: a few seconds; -max_len keeps each input around a small capture.
    add_test(NAME fuzz_capture
        COMMAND ${fuzz_exe} -runs=20000 -max_len=4096 -seed=1 -print_final_stats=1
                -artifact_prefix=${fuzz_workdir}/
                ${fuzz_workdir} ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus)
    set_tests_properties(fuzz_capture PROPERTIES LABELS fuzz TIMEOUT 300)
endif()

# blupow-cli import, --record and --replay end to end (and the real capture when ../shared is
# there).
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
    foreach(model battery inverter controller)
        add_test(NAME cli_capture_${model}
            COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/cli_capture.py
                    $<TARGET_FILE:blupow-cli> ${model} ${BLUPOW_SHARED_DIR})
        set_tests_properties(cli_capture_${model} PROPERTIES LABELS "capture;cli" TIMEOUT 120)
    endforeach()
endif()
