# What `cmake --install` puts under the prefix, and the Debian package CPack
# makes of it:
#   bin/csp-tidy                          the driver
#   lib/csp-tidy/CspTidyModule.so         the plugin for `clang-tidy-19 -load`,
#   lib/csp-tidy/CspTidyChecks.so           and the checks it loads
#   lib/csp-tidy/CspClangPlugin.so        the checks inside a clang-19 compile (-fplugin=)
#   share/man/man1/csp-tidy.1             the man page, from `csp-tidy --help`
#   share/doc/csp-tidy/                   README, check pages, options
#   share/bash-completion/completions/    option completion for bash
include(GNUInstallDirs)

install(TARGETS csp-tidy RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Not in the linker's path: the pair is loaded by file name, and the shim
# finds the checks next to its own real path.
install(TARGETS CspTidyModule CspTidyChecks CspClangPlugin LIBRARY DESTINATION lib/csp-tidy)

install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")
install(FILES integration/completion/csp-tidy.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME csp-tidy)

# The man page is the driver's own --help (options and their descriptions),
# the checks' summaries from docs/checks/ and the sections --help does not
# have (driver/csp-tidy.1.in): the same sources as --help and the docs.
file(GLOB CSP_CHECK_PAGES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/checks/*.md)
set(CSP_MAN_PAGE ${CMAKE_BINARY_DIR}/man/csp-tidy.1)
add_custom_command(OUTPUT ${CSP_MAN_PAGE}
  COMMAND ${CMAKE_COMMAND} -DTOOL=$<TARGET_FILE:csp-tidy>
          -DDOCS=${PROJECT_SOURCE_DIR}/docs/checks
          -DSECTIONS=${PROJECT_SOURCE_DIR}/driver/csp-tidy.1.in
          -DVERSION=${PROJECT_VERSION} -DOUT=${CSP_MAN_PAGE}
          -P ${PROJECT_SOURCE_DIR}/cmake/ManPage.cmake
  DEPENDS csp-tidy ${PROJECT_SOURCE_DIR}/cmake/ManPage.cmake
          ${PROJECT_SOURCE_DIR}/driver/csp-tidy.1.in ${CSP_CHECK_PAGES}
  COMMENT "Writing the man page csp-tidy.1 from csp-tidy --help and docs/checks")
add_custom_target(csp-tidy-man ALL DEPENDS ${CSP_MAN_PAGE})
install(FILES ${CSP_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# `cpack` (or the `package` target): a Debian package of the above, under
# /usr. Its Depends are what the driver links (found by dpkg-shlibdeps:
# libclang-cpp19, libllvm19 and the C++ runtime), clang's own headers
# (stddef.h and the like, which every analysis includes) and a C++ standard
# library for the code being analysed; clang-tidy-19 and clang-19 are
# recommended, for the two plugins.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME csp-tidy)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Go-style concurrency checks for C++ (a clang-tidy 19 module and driver)")
set(CPACK_PACKAGE_CONTACT "csp-tidy maintainers <csp-tidy@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libclang-common-19-dev, libstdc++-12-dev | libstdc++-dev")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "clang-tidy-19, clang-19")
include(CPack)
