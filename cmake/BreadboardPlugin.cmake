# breadboard_add_plugin(<target> [OUTPUT_DIR <dir>] [NO_INSTALL] SOURCES <src>...)
#
# Builds a Breadboard plugin: a loadable module named <target>.so linked
# against the SDK, with hidden visibility so that it exports only its
# BB_PLUGIN_DEFINE descriptor.  Used in-tree and, installed next to
# BreadboardConfig.cmake, by out-of-tree plugin projects.
function(breadboard_add_plugin target)
  cmake_parse_arguments(ARG "NO_INSTALL" "OUTPUT_DIR" "SOURCES" ${ARGN})
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden)
  if(ARG_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES
      LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIR})
  endif()
  target_link_libraries(${target} PRIVATE Breadboard::breadboard)
  if(NOT ARG_NO_INSTALL AND DEFINED BB_INSTALL_PLUGIN_DIR)
    install(TARGETS ${target} LIBRARY DESTINATION ${BB_INSTALL_PLUGIN_DIR})
  endif()
endfunction()
