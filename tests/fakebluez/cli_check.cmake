# Runs one blupow-cli command and checks its exit code and output (every EXPECT regex must match
# stdout+stderr; no FORBID regex may). Used by the BLE CLI tests in ble.cmake:
#   cmake -DCMD="exe;arg;..." -DEXPECT="re;re" [-DFORBID="re"] [-DEXIT=0] -P fakebluez/cli_check.cmake
if(NOT DEFINED EXIT)
    set(EXIT 0)
endif()
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
    TIMEOUT 60)
set(all "${out}\n${err}")
message("${all}")
if(NOT "${rc}" STREQUAL "${EXIT}")
    message(FATAL_ERROR "exit code ${rc}, expected ${EXIT}")
endif()
foreach(re IN LISTS EXPECT)
    if(NOT all MATCHES "${re}")
        message(FATAL_ERROR "output does not match '${re}'")
    endif()
endforeach()
foreach(re IN LISTS FORBID)
    if(all MATCHES "${re}")
        message(FATAL_ERROR "output matches forbidden '${re}'")
    endif()
endforeach()
