# breadboard-device-test-run.cmake - run one script device test for
# breadboard_add_device_test() (BreadboardDeviceTest.cmake), as
#   cmake -DBREADBOARD=... -DBOARD=... -DSCRIPT=... -DTESTER=...
#         -DEXIT_CODE=... -DTIMEOUT=... [-DPLUGIN_DIRS=a;b] [-DARGS=x;y]
#         -DOUTPUT=f [-DSTDIN=f] [-DEXPECT_STDOUT=f] [-DEXPECT_STDERR=f]
#         -P this-file
# It runs `breadboard run --icount [--plugin-dir DIR]... ARGS... BOARD
# --set devices.TESTER.script=SCRIPT` and fails (a fatal error, so a
# non-zero status) unless the exit status is EXIT_CODE, standard output
# (kept in OUTPUT: it may hold any bytes, which CMake strings cannot)
# equals EXPECT_STDOUT and every non-empty line of EXPECT_STDERR occurs in
# standard error.  A portable CMake script, so that the glue needs nothing
# but CMake and the installed SDK.
cmake_minimum_required(VERSION 3.16) # today's policies for this script
set(cmd ${BREADBOARD} run --icount)
foreach(dir IN LISTS PLUGIN_DIRS)
  list(APPEND cmd --plugin-dir ${dir})
endforeach()
list(APPEND cmd ${ARGS} ${BOARD} --set devices.${TESTER}.script=${SCRIPT})
if(NOT STDIN)
  set(STDIN /dev/null)
endif()
execute_process(COMMAND ${cmd}
                INPUT_FILE ${STDIN}
                OUTPUT_FILE ${OUTPUT} ERROR_VARIABLE err RESULT_VARIABLE rc
                TIMEOUT ${TIMEOUT})
list(JOIN cmd " " shown)
set(problems "")
if(NOT "${rc}" STREQUAL "${EXIT_CODE}")
  string(APPEND problems "\n  exit status ${rc}, expected ${EXIT_CODE}")
endif()
if(EXPECT_STDOUT)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUTPUT}
                          ${EXPECT_STDOUT}
                  RESULT_VARIABLE differ)
  if(differ)
    string(APPEND problems "\n  standard output (${OUTPUT}) differs from "
           "${EXPECT_STDOUT}")
  endif()
endif()
if(EXPECT_STDERR)
  # Line by line without CMake lists, which would split at ';'.
  file(READ ${EXPECT_STDERR} rest)
  while(NOT rest STREQUAL "")
    string(FIND "${rest}" "\n" nl)
    if(nl EQUAL -1)
      set(line "${rest}")
      set(rest "")
    else()
      string(SUBSTRING "${rest}" 0 ${nl} line)
      math(EXPR nl "${nl} + 1")
      string(SUBSTRING "${rest}" ${nl} -1 rest)
    endif()
    string(FIND "${err}" "${line}" at)
    if(NOT line STREQUAL "" AND at EQUAL -1)
      string(APPEND problems "\n  standard error lacks '${line}'")
    endif()
  endwhile()
endif()
# NOTICE prints as is (FATAL_ERROR would re-wrap the messages); the
# FATAL_ERROR after it gives the non-zero status.
if(NOT problems STREQUAL "")
  message(NOTICE "FAIL: ${shown}${problems}\n--- standard error:\n${err}")
  message(FATAL_ERROR "device test failed")
endif()
message(NOTICE "PASS: ${shown}\n${err}")
