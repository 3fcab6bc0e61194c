# Run one configure-error case: configure a throw-away project that includes
# the VerifySDK module and runs the case file, then check that configuration
# failed with the message the case expects.
#
#   cmake -DCASE=<file.cmake> -DMODULE_DIR=<dir> -DWORK_DIR=<dir>
#         [-DGENERATOR=<name>] -P configure_error.cmake
#
# A case file is CMake code run after include(VerifySDK), with header lines:
#   # expect: <text>    required, one or more: each must appear in the error
#                       output (runs of white space compare equal, since CMake
#                       wraps long messages)
#   # cache: <-Dname=value>   extra options for the configure command
#   # no-tool              hide any verifysdk executable: PATH keeps only
#                          folders without one, and CMake's system prefixes
#                          are not searched
cmake_minimum_required(VERSION 3.21)

foreach(_required IN ITEMS CASE MODULE_DIR WORK_DIR)
  if(NOT DEFINED ${_required})
    message(FATAL_ERROR "configure_error.cmake: -D${_required}=... is required")
  endif()
endforeach()
if(NOT DEFINED GENERATOR)
  set(GENERATOR "Unix Makefiles")
endif()

file(STRINGS "${CASE}" _header REGEX "^# (expect|cache):|^# no-tool")
set(_expect "")
set(_cache_args "")
set(_no_tool OFF)
foreach(_line IN LISTS _header)
  if(_line MATCHES "^# expect: *(.*)$")
    list(APPEND _expect "${CMAKE_MATCH_1}")
  elseif(_line MATCHES "^# cache: *(.*)$")
    list(APPEND _cache_args "${CMAKE_MATCH_1}")
  elseif(_line MATCHES "^# no-tool")
    set(_no_tool ON)
  endif()
endforeach()
if(NOT _expect)
  message(FATAL_ERROR "${CASE}: no '# expect:' line")
endif()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/src")
file(WRITE "${WORK_DIR}/src/CMakeLists.txt" "cmake_minimum_required(VERSION 3.21)
project(verifysdk_configure_error LANGUAGES NONE)
list(APPEND CMAKE_MODULE_PATH \"${MODULE_DIR}\")
include(VerifySDK)
include(\"${CASE}\")
")

set(_env "")
if(_no_tool)
  # Keep only the PATH entries that hold no verifysdk.
  string(REPLACE ":" ";" _path_dirs "$ENV{PATH}")
  set(_kept "")
  foreach(_dir IN LISTS _path_dirs)
    if(NOT _dir STREQUAL "" AND NOT EXISTS "${_dir}/verifysdk")
      list(APPEND _kept "${_dir}")
    endif()
  endforeach()
  list(JOIN _kept ":" _kept)
  set(_env "${CMAKE_COMMAND}" -E env "PATH=${_kept}")
  list(APPEND _cache_args -DCMAKE_FIND_USE_CMAKE_SYSTEM_PATH=OFF
                          -DCMAKE_FIND_USE_INSTALL_PREFIX=OFF)
endif()

execute_process(
  COMMAND ${_env} "${CMAKE_COMMAND}" -S "${WORK_DIR}/src" -B "${WORK_DIR}/build"
          -G "${GENERATOR}" ${_cache_args}
  RESULT_VARIABLE _result
  OUTPUT_VARIABLE _out
  ERROR_VARIABLE _err)

string(REGEX REPLACE "[ \t\r\n]+" " " _flat_err "${_err}")
set(_problems "")
if(_result EQUAL 0)
  list(APPEND _problems "configuration succeeded; it should have failed")
endif()
if(NOT _flat_err MATCHES "CMake Error")
  list(APPEND _problems "no 'CMake Error' in the error output")
endif()
foreach(_text IN LISTS _expect)
  string(REGEX REPLACE "[ \t]+" " " _flat_text "${_text}")
  string(FIND "${_flat_err}" "${_flat_text}" _at)
  if(_at EQUAL -1)
    list(APPEND _problems "the error output lacks: ${_text}")
  endif()
endforeach()

if(_problems)
  list(JOIN _problems "\n  " _problems)
  message(FATAL_ERROR "case ${CASE}:\n  ${_problems}\n"
                      "--- stdout ---\n${_out}\n--- stderr ---\n${_err}")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
message(STATUS "configuration failed as expected: ${_expect}")
