# lrq_add_plugin(<name> KIND <format|optimizer|model|backend> SOURCES <files...>
#                [LIBRARIES <targets...>] [OUTPUT_DIRECTORY <dir>] [NO_INSTALL])
#
# Builds liblrq-<kind>-<name>.so: a MODULE with hidden visibility (only the entry point is
# exported), no undefined symbols, linked against lrq::core. In-tree and third-party plugins use
# the same function.
function(lrq_add_plugin name)
  cmake_parse_arguments(PLUGIN "NO_INSTALL" "KIND;OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  set(kinds format optimizer model backend)
  if(NOT PLUGIN_KIND IN_LIST kinds)
    message(FATAL_ERROR "lrq_add_plugin(${name}): KIND must be one of ${kinds}")
  endif()
  if(NOT PLUGIN_OUTPUT_DIRECTORY)
    set(PLUGIN_OUTPUT_DIRECTORY "${LRQ_PLUGIN_OUTPUT_DIRECTORY}")
  endif()
  set(target lrq-${PLUGIN_KIND}-${name})
  add_library(${target} MODULE ${PLUGIN_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    OUTPUT_NAME "lrq-${PLUGIN_KIND}-${name}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY "${PLUGIN_OUTPUT_DIRECTORY}"
    INSTALL_RPATH "$ORIGIN/../..")
  target_link_libraries(${target} PRIVATE lrq::core ${PLUGIN_LIBRARIES})
  target_link_options(${target} PRIVATE -Wl,--no-undefined)
  if(COMMAND lrq_set_warnings)
    lrq_set_warnings(${target})
  endif()
  if(NOT PLUGIN_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION "${LRQ_INSTALL_PLUGIN_DIR}")
  endif()
endfunction()
