# lrq_add_plugin(<name> KIND <format|optimizer|model|backend> SOURCES <files...>
#                [LIBRARIES <targets...>] [OUTPUT_DIRECTORY <dir>] [NO_INSTALL])
#
# Builds liblrq-<kind>-<name>.so: a MODULE with hidden visibility (only the entry point is
# exported), no undefined symbols, linked against lrq::core. In-tree and third-party plugins use
# the same function: lrq's build includes this file directly, an installed SDK's lrqConfig.cmake
# includes it after defining lrq::core.
#
# The plugin is built into OUTPUT_DIRECTORY, else LRQ_PLUGIN_OUTPUT_DIRECTORY, else
# <top build directory>/lib/lrq/plugins (the directory to give lrq-host's --plugin-dir), and
# installed into LRQ_INSTALL_PLUGIN_DIR (relative to the install prefix), else
# <libdir>/lrq/plugins, where lrq-host looks when it is installed under the same prefix. Warning
# flags are added when the including project defines lrq_set_warnings (lrq's own build does).
include(GNUInstallDirs)

function(lrq_add_plugin name)
  cmake_parse_arguments(PLUGIN "NO_INSTALL" "KIND;OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  set(kinds format optimizer model backend)
  if(NOT PLUGIN_KIND IN_LIST kinds)
    message(FATAL_ERROR "lrq_add_plugin(${name}): KIND must be one of ${kinds}")
  endif()
  if(NOT PLUGIN_OUTPUT_DIRECTORY)
    set(PLUGIN_OUTPUT_DIRECTORY "${LRQ_PLUGIN_OUTPUT_DIRECTORY}")
  endif()
  if(NOT PLUGIN_OUTPUT_DIRECTORY)
    set(PLUGIN_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/lib/lrq/plugins")
  endif()
  set(install_directory "${LRQ_INSTALL_PLUGIN_DIR}")
  if(NOT install_directory)
    set(install_directory "${CMAKE_INSTALL_LIBDIR}/lrq/plugins")
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
  # A sanitized build leaves the sanitizer runtime's symbols to the executable (cmake/Sanitizers.cmake).
  if(NOT LRQ_SANITIZE_PLUGINS_UNDEFINED)
    target_link_options(${target} PRIVATE -Wl,--no-undefined)
  endif()
  if(COMMAND lrq_set_warnings)
    lrq_set_warnings(${target})
  endif()
  if(NOT PLUGIN_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION "${install_directory}")
  endif()
endfunction()
