// Common Japanese surnames, for the roster detector's name patterns: a
// kanji cell that starts with one of them and continues with a short given
// name is a name even without a space between the two. The list is the
// head of the distribution (about 300 names cover roughly half of the
// population); rarer names are found by shape (a space between surname
// and given name) and by the column they stand in (docs/detector.md).
//
// Thread-safety: immutable data.
#ifndef PIIGUARD_AGENT_ROSTER_NAMES_H_
#define PIIGUARD_AGENT_ROSTER_NAMES_H_

#include <span>
#include <string_view>

namespace piiguard::roster {

std::span<const std::string_view> CommonSurnames();

}  // namespace piiguard::roster

#endif  // PIIGUARD_AGENT_ROSTER_NAMES_H_
