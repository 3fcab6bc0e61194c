# Install rules of verifysdk: the tool, and a CMake package that lets another
# project write
#   find_package(VerifySDK CONFIG REQUIRED)
#   verifysdk_add_refresh(myapp ...)
# Included by the top-level CMakeLists.txt when VERIFYSDK_INSTALL is on.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(VERIFYSDK_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/VerifySDK"
    CACHE STRING "Where to install VerifySDK's CMake package, under the prefix")
mark_as_advanced(VERIFYSDK_INSTALL_CMAKEDIR)

install(TARGETS verifysdk
  EXPORT VerifySDKTargets
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}"
  COMPONENT verifysdk)

install(EXPORT VerifySDKTargets
  NAMESPACE VerifySDK::
  DESTINATION "${VERIFYSDK_INSTALL_CMAKEDIR}"
  COMPONENT verifysdk)

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/VerifySDKConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/VerifySDKConfig.cmake"
  INSTALL_DESTINATION "${VERIFYSDK_INSTALL_CMAKEDIR}"
  NO_SET_AND_CHECK_MACRO)

# ARCH_INDEPENDENT: the package is a build-machine tool, usable from a build
# for any target architecture (a 32-bit Android ABI, say).
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/VerifySDKConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMinorVersion
  ARCH_INDEPENDENT)

install(FILES
    "${PROJECT_BINARY_DIR}/VerifySDKConfig.cmake"
    "${PROJECT_BINARY_DIR}/VerifySDKConfigVersion.cmake"
    "${PROJECT_SOURCE_DIR}/cmake/VerifySDK.cmake"
  DESTINATION "${VERIFYSDK_INSTALL_CMAKEDIR}"
  COMPONENT verifysdk)
