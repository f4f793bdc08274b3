# Warnings for project code; third-party headers come in through imported targets as SYSTEM
# includes, so they do not trip -Werror.
function(lrq_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual -Wcast-align
    -Wformat=2 -Wimplicit-fallthrough -Wmissing-declarations
    $<$<BOOL:${LRQ_WARNINGS_AS_ERRORS}>:-Werror>
    # GCC 12 reports false -Wrestrict overlaps inside libstdc++'s std::string at -O3 (GCC bug
    # 105329); the code it points at is the standard library's.
    $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)
endfunction()
