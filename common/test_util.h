// Helpers shared by the unit tests of common/ (tests only).
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_COMMON_TEST_UTIL_H_
#define PIIGUARD_COMMON_TEST_UTIL_H_

#include <random>
#include <string>

namespace piiguard::testing {

// `size` pseudo-random bytes, the same for the same seed.
inline std::string DeterministicBytes(size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(byte(rng));
  return out;
}

}  // namespace piiguard::testing

#endif  // PIIGUARD_COMMON_TEST_UTIL_H_
