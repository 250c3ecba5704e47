// Result<T>: a value of type T, or the Status that explains why there is none.
//
// Accessing value() of a failed Result aborts the process: callers check
// ok() first (or use PIIGUARD_ASSIGN_OR_RETURN).
//
// Thread-safety: a value type, like Status.
#ifndef PIIGUARD_COMMON_RESULT_H_
#define PIIGUARD_COMMON_RESULT_H_

#include <cstdlib>
#include <type_traits>
#include <utility>
#include <variant>

#include "common/status.h"

namespace piiguard {

template <typename T>
class [[nodiscard]] Result {
 public:
  // NOLINTNEXTLINE(google-explicit-constructor): implicit by design.
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}
  // NOLINTNEXTLINE(google-explicit-constructor): implicit by design.
  Result(Status status) : data_(std::in_place_index<1>, std::move(status)) {
    if (std::get<1>(data_).ok()) std::abort();  // an OK status is no error
  }

  bool ok() const { return data_.index() == 0; }

  // The error, or an OK status.
  Status status() const { return ok() ? Status::Ok() : std::get<1>(data_); }

  // REQUIRES: ok()
  T& value() & {
    Check();
    return std::get<0>(data_);
  }
  const T& value() const& {
    Check();
    return std::get<0>(data_);
  }
  T&& value() && {
    Check();
    return std::get<0>(std::move(data_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void Check() const {
    if (!ok()) std::abort();
  }
  std::variant<T, Status> data_;
};

}  // namespace piiguard

#define PIIGUARD_CONCAT_INNER_(a, b) a##b
#define PIIGUARD_CONCAT_(a, b) PIIGUARD_CONCAT_INNER_(a, b)

// PIIGUARD_ASSIGN_OR_RETURN(auto x, Foo()); returns Foo()'s status on error.
#define PIIGUARD_ASSIGN_OR_RETURN(lhs, expr)                                   \
  PIIGUARD_ASSIGN_OR_RETURN_IMPL_(PIIGUARD_CONCAT_(pg_result_, __LINE__), lhs, \
                                  expr)
// NOLINTBEGIN(bugprone-macro-parentheses): `lhs` is a declaration.
#define PIIGUARD_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) return tmp.status();                   \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)

#endif  // PIIGUARD_COMMON_RESULT_H_
