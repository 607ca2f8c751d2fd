# breadboard_add_device_test(<name> ...) - register a device test with
# ctest (docs/device-tests.md).  Installed next to BreadboardConfig.cmake,
# which includes it, so find_package(Breadboard) provides it.
#
# Script form: run <board> under `breadboard run --icount` with the
# shipped mmio-tester executing <script>:
#
#   breadboard_add_device_test(<name> BOARD <board.yaml> SCRIPT <s.script>
#     [TESTER <id>]            the mmio-tester's id in the board (tester)
#     [PLUGIN_DIRS <dir>...]   searched first, e.g. $<TARGET_FILE_DIR:mydev>
#     [ARGS <arg>...]          more `breadboard run` arguments (-d guest_errors)
#     [STDIN <file>]           fed to standard input (default: nothing)
#     [EXPECT_STDOUT <file>]   standard output must equal the file
#     [EXPECT_STDERR <file>]   each non-empty line must occur in stderr
#     [EXIT_CODE <n>]          the expected exit status (0)
#     [LABELS <label>...]      (device)
#     [TIMEOUT <seconds>])     (60)
#
# C form: build <name> from SOURCES as an executable linked with
# Breadboard::breadboard (the devtest.h API) and LIBRARIES (e.g. a test
# framework), and run it with BREADBOARD_PLUGIN_PATH set to PLUGIN_DIRS:
#
#   breadboard_add_device_test(<name> SOURCES <test.c>...
#     [LIBRARIES <lib>...] [PLUGIN_DIRS <dir>...] [LABELS ...] [TIMEOUT ...])
#
# Relative BOARD, SCRIPT, STDIN and EXPECT_* paths are taken from the
# calling CMakeLists.txt's directory.  The `breadboard` that runs script
# tests is BREADBOARD_EXECUTABLE (set by BreadboardConfig.cmake), or the
# in-tree breadboard-cli target.
set(_BB_DEVICE_TEST_RUNNER
    ${CMAKE_CURRENT_LIST_DIR}/breadboard-device-test-run.cmake)

function(breadboard_add_device_test name)
  cmake_parse_arguments(ARG ""
    "BOARD;SCRIPT;TESTER;STDIN;EXPECT_STDOUT;EXPECT_STDERR;EXIT_CODE;TIMEOUT"
    "PLUGIN_DIRS;ARGS;LABELS;SOURCES;LIBRARIES" ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "breadboard_add_device_test(${name}): unknown "
                        "arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_LABELS)
    set(ARG_LABELS device)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 60)
  endif()
  list(JOIN ARG_PLUGIN_DIRS ":" plugin_path)

  if(ARG_SOURCES)
    if(ARG_BOARD OR ARG_SCRIPT)
      message(FATAL_ERROR "breadboard_add_device_test(${name}): SOURCES "
                          "(a C test) or BOARD and SCRIPT, not both")
    endif()
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE Breadboard::breadboard
                          ${ARG_LIBRARIES})
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}"
                         TIMEOUT ${ARG_TIMEOUT})
    if(plugin_path)
      set_tests_properties(${name} PROPERTIES
                           ENVIRONMENT "BREADBOARD_PLUGIN_PATH=${plugin_path}")
    endif()
    return()
  endif()

  if(NOT ARG_BOARD OR NOT ARG_SCRIPT)
    message(FATAL_ERROR "breadboard_add_device_test(${name}): needs BOARD "
                        "and SCRIPT (a script test) or SOURCES (a C test)")
  endif()
  if(BREADBOARD_EXECUTABLE)
    set(bb ${BREADBOARD_EXECUTABLE})
  elseif(TARGET breadboard-cli)
    set(bb $<TARGET_FILE:breadboard-cli>)
  else()
    message(FATAL_ERROR "breadboard_add_device_test(${name}): no breadboard "
                        "executable (BREADBOARD_EXECUTABLE is not set)")
  endif()
  if(NOT ARG_TESTER)
    set(ARG_TESTER tester)
  endif()
  if(NOT ARG_EXIT_CODE)
    set(ARG_EXIT_CODE 0)
  endif()
  set(defs)
  foreach(key BOARD SCRIPT STDIN EXPECT_STDOUT EXPECT_STDERR)
    if(ARG_${key})
      get_filename_component(path ${ARG_${key}} ABSOLUTE
                             BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
      list(APPEND defs -D${key}=${path})
    endif()
  endforeach()
  # Lists reach the runner as one argument each: "$<SEMICOLON>" keeps
  # add_test() from splitting them.
  list(JOIN ARG_PLUGIN_DIRS "$<SEMICOLON>" dirs)
  list(JOIN ARG_ARGS "$<SEMICOLON>" run_args)
  string(MAKE_C_IDENTIFIER ${name} file_name)
  set(output ${CMAKE_CURRENT_BINARY_DIR}/${file_name}.stdout)
  add_test(NAME ${name}
    COMMAND ${CMAKE_COMMAND} -DBREADBOARD=${bb} ${defs}
            -DTESTER=${ARG_TESTER} -DEXIT_CODE=${ARG_EXIT_CODE}
            -DTIMEOUT=${ARG_TIMEOUT} -DOUTPUT=${output} "-DPLUGIN_DIRS=${dirs}"
            "-DARGS=${run_args}" -P ${_BB_DEVICE_TEST_RUNNER})
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}"
                       TIMEOUT ${ARG_TIMEOUT})
endfunction()
