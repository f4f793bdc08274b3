# The warnings of project C++ code, for gcc and clang (the clang-built fixture plugins use them too).
set(LRQ_CXX_WARNINGS
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual -Wcast-align
  -Wformat=2 -Wimplicit-fallthrough -Wmissing-declarations
  $<$<BOOL:${LRQ_WARNINGS_AS_ERRORS}>:-Werror>)

# Warnings for project code; third-party headers come in through imported targets as SYSTEM
# includes, so they do not trip -Werror. CUDA sources get nvcc's own warnings as errors and the
# host compiler's -Wall -Wextra.
function(lrq_set_warnings target)
  set(cxx_warnings ${LRQ_CXX_WARNINGS}
    # GCC 12 reports false -Wrestrict overlaps inside libstdc++'s std::string at -O3 (GCC bug
    # 105329); the code it points at is the standard library's.
    $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)
  target_compile_options(${target} PRIVATE
    "$<$<COMPILE_LANGUAGE:CXX>:${cxx_warnings}>"
    "$<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra;$<$<BOOL:${LRQ_WARNINGS_AS_ERRORS}>:--Werror=all-warnings>>")
endfunction()
