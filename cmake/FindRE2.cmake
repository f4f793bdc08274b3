# Finds RE2 (Debian/Ubuntu: libre2-dev), whose Debian 12 package has no CMake config, and gives
# the imported target re2::re2. RE2_ROOT names a prefix to search first (an unpacked package's
# usr/); RE2_USE_STATIC_LIBS=ON prefers libre2.a, so the binary needs no libre2.so at run time.
# A newer RE2 that installs re2Config.cmake is used through it.
find_package(re2 CONFIG QUIET)
if(TARGET re2::re2)
  set(RE2_FOUND TRUE)
  return()
endif()

find_path(RE2_INCLUDE_DIR re2/re2.h)
if(RE2_USE_STATIC_LIBS)
  find_library(RE2_LIBRARY NAMES libre2.a re2)
else()
  find_library(RE2_LIBRARY NAMES re2)
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(RE2 REQUIRED_VARS RE2_LIBRARY RE2_INCLUDE_DIR)
mark_as_advanced(RE2_INCLUDE_DIR RE2_LIBRARY)

if(RE2_FOUND AND NOT TARGET re2::re2)
  find_package(Threads REQUIRED)
  add_library(re2::re2 UNKNOWN IMPORTED)
  set_target_properties(re2::re2 PROPERTIES
    IMPORTED_LOCATION "${RE2_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${RE2_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES Threads::Threads)
endif()
