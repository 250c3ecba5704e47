# Shared compile settings: warnings as errors everywhere, optional
# ASan+UBSan, and helpers to declare libraries and their unit tests.

set(PIIGUARD_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wcast-qual -Wformat=2 -Wimplicit-fallthrough -Werror)

# PIIGUARD_FUZZ (clang) adds libFuzzer's coverage instrumentation to every
# object, so one build serves both the unit tests and the fuzz targets
# (tests/run_all.sh builds it that way); it implies the sanitizers.
if(PIIGUARD_SANITIZE OR PIIGUARD_FUZZ)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(PIIGUARD_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# piiguard_library(NAME SOURCES ... DEPS ...)
function(piiguard_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${PIIGUARD_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# piiguard_test_library(NAME SOURCES ... DEPS ...): fakes and helpers that
# only tests link (tests/layering checks that no product links one).
function(piiguard_test_library name)
  if(NOT PIIGUARD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${PIIGUARD_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# piiguard_test(NAME SOURCES ... DEPS ... [COST SECONDS]): one gtest binary,
# one ctest test that runs all its cases in one process. A process per case
# (gtest_discover_tests) cost each of ~1,500 cases about 0.2 s of ASan and
# LeakSanitizer start and exit, a third of the unit tier's test time
# (docs/BENCHMARKS.md "Build and test time"). Each run writes gtest's XML
# report to build-*/gtest-results/NAME.xml, from which tests/run_all.sh counts
# cases passed, failed and skipped; one case runs with
# `build-asan/DIR/NAME --gtest_filter=Suite.Case`. COST (seconds, the test's
# usual time here) lets a parallel ctest start the long ones first on a build
# without timing history, as in CI.
function(piiguard_test name)
  if(NOT PIIGUARD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "COST" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${PIIGUARD_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest_main GTest::gmock)
  add_test(NAME ${name}
           COMMAND ${name}
                   --gtest_output=xml:${CMAKE_BINARY_DIR}/gtest-results/${name}.xml)
  set_tests_properties(${name} PROPERTIES
      ENVIRONMENT "PIIGUARD_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  if(ARG_COST)
    set_tests_properties(${name} PROPERTIES COST ${ARG_COST})
  endif()
endfunction()
