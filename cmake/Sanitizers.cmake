# Sanitizer and fuzzer builds, clang only (scripts/fuzz.sh configures one, build-fuzz/).
#
# LRQ_SANITIZE compiles and links every project target (libraries, plugins, tests) with
# AddressSanitizer and UndefinedBehaviorSanitizer; undefined behaviour aborts instead of being
# reported and continued. The plugins are sanitized like the host, which loads them: the ASan
# runtime is linked into the executables only, so the plugins' sanitizer symbols stay undefined
# until they are loaded, and lrq_add_plugin drops -Wl,--no-undefined
# (LRQ_SANITIZE_PLUGINS_UNDEFINED).
#
# LRQ_BUILD_FUZZERS adds the libFuzzer targets of tests/fuzz (and implies LRQ_SANITIZE); project
# code is then instrumented for libFuzzer's coverage too (-fsanitize=fuzzer-no-link).
#
# CI runs unit_core in this build (scripts/fuzz.sh --unit-tests): the safetensors reader and
# writer, the statistics files, .comfy_quant and the conversions, whose tests need no plugin. The
# other test executables depend on every plugin, the cpu backend's Eigen code among them, which
# would about double the sanitized build on CI's two cores (README, "Testing with sanitizers and
# fuzzers").
option(LRQ_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer (clang)" OFF)
option(LRQ_BUILD_FUZZERS "Build the libFuzzer targets of tests/fuzz (clang; implies LRQ_SANITIZE)"
       OFF)

if(NOT LRQ_SANITIZE AND NOT LRQ_BUILD_FUZZERS)
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "LRQ_SANITIZE and LRQ_BUILD_FUZZERS need clang (CMAKE_CXX_COMPILER=clang++): "
                      "libFuzzer comes with clang, and both runtimes must be clang's")
endif()

set(LRQ_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer)
add_compile_options(${LRQ_SANITIZER_FLAGS})
add_link_options(${LRQ_SANITIZER_FLAGS})
if(LRQ_BUILD_FUZZERS)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
set(LRQ_SANITIZE_PLUGINS_UNDEFINED ON)
message(STATUS
        "lrq: AddressSanitizer and UndefinedBehaviorSanitizer on; fuzzers: ${LRQ_BUILD_FUZZERS}")
