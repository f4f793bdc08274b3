# What `cmake --install` adds for plugin authors besides the headers and libraries: the CMake
# package (lib/cmake/lrq: config, version, targets, LrqPlugin.cmake) and lib/pkgconfig/lrq.pc.
include(CMakePackageConfigHelpers)

install(EXPORT lrqTargets NAMESPACE lrq:: DESTINATION "${LRQ_CMAKE_PACKAGE_DIR}")
configure_package_config_file(cmake/lrqConfig.cmake.in "${PROJECT_BINARY_DIR}/lrqConfig.cmake"
  INSTALL_DESTINATION "${LRQ_CMAKE_PACKAGE_DIR}")
# Before 1.0 a minor release may change the plugin ABI (the host accepts plugins of its own ABI
# minor only), so a request for 0.1 must not be satisfied by 0.2; from 1.0 on, SameMajorVersion.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/lrqConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/lrqConfig.cmake" "${PROJECT_BINARY_DIR}/lrqConfigVersion.cmake"
              cmake/LrqPlugin.cmake
        DESTINATION "${LRQ_CMAKE_PACKAGE_DIR}")

# The .pc file finds the prefix from its own place, so the installed tree can be moved.
file(RELATIVE_PATH LRQ_PKGCONFIG_PREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" LRQ_PKGCONFIG_PREFIX "${LRQ_PKGCONFIG_PREFIX}")
configure_file(cmake/lrq.pc.in "${PROJECT_BINARY_DIR}/lrq.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/lrq.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
