# Debian package (docs/ARCHITECTURE.md §13, issue 7 "Packaging"): `cmake --build build --target package`
# or `cd build && cpack -G DEB` writes build/strata_<version>_amd64.deb. The strata binary and
# the templates are installed by app/CMakeLists.txt; the desktop integration and the copyright
# file are installed here. Installed under /usr: /usr/bin/strata finds its templates in
# /usr/share/strata/templates (<exe>/../share/strata/templates).
include(GNUInstallDirs)

install(FILES ${CMAKE_CURRENT_LIST_DIR}/strata.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${STRATA_SOURCE_DIR}/resources/icons/strata.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/copyright DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/strata)

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "strata")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "The Strata authors")
set(CPACK_PACKAGE_CONTACT "The Strata authors <strata@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Deep-learning studio: design, train and inspect image classifiers")
set(CPACK_PACKAGE_DESCRIPTION
    "Strata is a desktop studio and command line for designing convolutional networks as graphs, training them with libtorch on image folders, and inspecting what they learned (metrics, filters, activations, linear probes).")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_FILE_NAME "strata_${PROJECT_VERSION}_amd64")

set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "amd64")
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# Debian 12 (bookworm) runtime libraries, by package name (checked with dpkg -S on the
# libraries the binary links). qt6-qpa-plugins carries the xcb/wayland platform plugins the
# studio needs to open a window.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6, libstdc++6, libgcc-s1, libtorch1.13, libqt6core6 (>= 6.4), libqt6gui6 (>= 6.4), libqt6widgets6 (>= 6.4), libqt6printsupport6 (>= 6.4), qt6-qpa-plugins, libqcustomplot2.1-qt6, libopencv-core406, libopencv-imgcodecs406, libopencv-imgproc406, libhdf5-103-1, libhdf5-cpp-103-1, libonnx1, libprotobuf32, zlib1g, libssl3")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "desktop-file-utils, hicolor-icon-theme")

include(CPack)
