cmake_minimum_required(VERSION 3.25)
# Runs one built tool to make its man page and bash completion (cmake -P):
#   -DTOOL=path/to/program -DNAME=program -DMAN_IN=docs/man/NAME.1.in
#   -DMAN_OUT=.../NAME.1 -DCOMPLETION_OUT=.../NAME -DVERSION=x.y.z
# The man page is the hand-written MAN_IN with @VERSION@ and @COMMANDS@
# (the tool's own --generate=man: every subcommand and option) filled in;
# the completion is the tool's --generate=bash-completion.
foreach(var TOOL NAME MAN_IN MAN_OUT COMPLETION_OUT VERSION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "cli_docs.cmake: ${var} is not set")
  endif()
endforeach()

execute_process(COMMAND "${TOOL}" --generate=man
                OUTPUT_VARIABLE commands RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${TOOL} --generate=man: exit ${rc}")
endif()
execute_process(COMMAND "${TOOL}" --generate=bash-completion
                OUTPUT_FILE "${COMPLETION_OUT}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${TOOL} --generate=bash-completion: exit ${rc}")
endif()

file(READ "${MAN_IN}" page)
string(FIND "${page}" "@COMMANDS@" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${MAN_IN}: no @COMMANDS@ line")
endif()
string(REPLACE "@VERSION@" "${VERSION}" page "${page}")
string(REPLACE "@COMMANDS@\n" "${commands}" page "${page}")
file(WRITE "${MAN_OUT}" "${page}")
