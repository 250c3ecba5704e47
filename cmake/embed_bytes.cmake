# cmake -DIN=FILE -DOUT=HEADER -DNAME=IDENTIFIER [-DNAMESPACE=NS]
#       -P embed_bytes.cmake
# Writes HEADER declaring `inline constexpr std::array<unsigned char, N>
# NAME` in namespace NS (default piiguard::os) with FILE's bytes (the BPF
# object embedded in the agent, common/os/block_write_gate.h; the review
# pages' templates, office/pages/page_templates.h).
if(NOT DEFINED NAMESPACE)
  set(NAMESPACE piiguard::os)
endif()
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n    " bytes "${bytes}")
file(WRITE "${OUT}.tmp"
  "// Generated from ${IN} by cmake/embed_bytes.cmake: do not edit.\n"
  "#pragma once\n#include <array>\n\n"
  "namespace ${NAMESPACE} {\n"
  "inline constexpr std::array<unsigned char, ${size}> ${NAME} = {\n    "
  "${bytes}\n};\n}  // namespace ${NAMESPACE}\n")
file(RENAME "${OUT}.tmp" "${OUT}")
