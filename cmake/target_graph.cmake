# piiguard_write_target_graph(FILE): writes every target of the project, as
# CMake knows it at the end of the configure, to FILE, one line a target:
#
#   NAME <TAB> TYPE <TAB> SOURCE_DIR <TAB> LINKED;... <TAB> SOURCE;...
#
# SOURCE_DIR and the sources are absolute paths; LINKED are the names the
# target links (project targets, imported targets such as
# PkgConfig::HTTPLIB, or plain library names), from LINK_LIBRARIES and
# INTERFACE_LINK_LIBRARIES with $<LINK_ONLY:...> unwrapped and any other
# generator expression dropped. tests/layering/check_layering.py reads it.
# Call it after every add_subdirectory() whose targets it should see.

function(_piiguard_targets_under dir out)
  get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _piiguard_targets_under("${sub}" below)
    list(APPEND targets ${below})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

function(_piiguard_linked target out)
  get_target_property(type ${target} TYPE)
  set(raw "")
  if(NOT type STREQUAL "INTERFACE_LIBRARY")
    get_target_property(direct ${target} LINK_LIBRARIES)
    if(direct)
      list(APPEND raw ${direct})
    endif()
  endif()
  get_target_property(interface ${target} INTERFACE_LINK_LIBRARIES)
  if(interface)
    list(APPEND raw ${interface})
  endif()
  set(names "")
  foreach(item IN LISTS raw)
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" item "${item}")
    if(item STREQUAL "" OR item MATCHES "^\\$<")
      continue()
    endif()
    list(APPEND names "${item}")
  endforeach()
  list(REMOVE_DUPLICATES names)
  set(${out} "${names}" PARENT_SCOPE)
endfunction()

function(piiguard_write_target_graph file)
  _piiguard_targets_under("${PROJECT_SOURCE_DIR}" targets)
  set(lines "")
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    get_target_property(dir ${target} SOURCE_DIR)
    _piiguard_linked(${target} linked)
    set(sources "")
    get_target_property(listed ${target} SOURCES)
    if(listed)
      foreach(source IN LISTS listed)
        if(source MATCHES "^\\$<")
          continue()
        endif()
        get_filename_component(source "${source}" ABSOLUTE BASE_DIR "${dir}")
        list(APPEND sources "${source}")
      endforeach()
    endif()
    string(APPEND lines "${target}\t${type}\t${dir}\t${linked}\t${sources}\n")
  endforeach()
  file(WRITE "${file}" "${lines}")
endfunction()
