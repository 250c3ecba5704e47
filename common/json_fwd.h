// The name `Json` (nlohmann::json) without nlohmann's definitions, for
// headers that only declare functions or references that take or return
// JSON values. A translation unit that builds, reads or copies a value
// includes common/json.h instead: nlohmann/json.hpp costs about two seconds
// of parsing in each of the two hundred translation units that used to reach
// it through a header (docs/BENCHMARKS.md "Build").
//
// Thread-safety: declarations only.
#ifndef PIIGUARD_COMMON_JSON_FWD_H_
#define PIIGUARD_COMMON_JSON_FWD_H_

#include <nlohmann/json_fwd.hpp>

namespace piiguard {

using Json = nlohmann::json;

}  // namespace piiguard

#endif  // PIIGUARD_COMMON_JSON_FWD_H_
