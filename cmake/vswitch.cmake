# vs_add_unit_test(<name> SOURCES ... LIBS ... [LABELS ...])
# One CUnit binary per module, registered with ctest.
function(vs_add_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS;ARGS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} vs_testmain PkgConfig::CUNIT)
  add_test(NAME ${name} COMMAND ${name} ${T_ARGS} WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" TIMEOUT 300)
  if(VS_SANITIZE)
    # DPDK maps large virtual areas at init; LeakSanitizer reports the
    # EAL's own one-time allocations, which are not ours.
    set_tests_properties(${name} PROPERTIES ENVIRONMENT
      "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
  endif()
  if(VS_TSAN)
    # DPDK is not instrumented: see scripts/tsan.supp.
    set_tests_properties(${name} PROPERTIES ENVIRONMENT
      "TSAN_OPTIONS=halt_on_error=1:suppressions=${CMAKE_SOURCE_DIR}/scripts/tsan.supp")
  endif()
endfunction()

# vs_add_script_test(<name> <script> [LABEL l] [TIMEOUT s] [ARGS ...])
# A script run as root against real processes (namespaces, taps, guests):
# alone (RUN_SERIAL: they share the machine's CPUs and network objects),
# with leak checks off under ASan (DPDK's one-time allocations).
function(vs_add_script_test name script)
  cmake_parse_arguments(T "" "LABEL;TIMEOUT" "ARGS" ${ARGN})
  if(NOT T_LABEL)
    set(T_LABEL e2e)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_test(NAME ${name} COMMAND ${script} ${T_ARGS})
  set_tests_properties(${name} PROPERTIES LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT} RUN_SERIAL ON)
  if(VS_SANITIZE)
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "ASAN_OPTIONS=detect_leaks=0")
  endif()
endfunction()
