// JsonReader: reads a JSON object into typed fields, naming the path of
// every problem ("$.usb.hid.allowed[2].vid: expected string, got integer").
//
// A reader remembers which keys were read; Finish() reports every key that
// was present but never read as "unknown field", so a typo in a policy is an
// error, not a silently ignored setting. Errors from child readers go to the
// same list; the first kMaxErrors are kept.
//
// Usage:
//   JsonErrors errors("policy");
//   JsonReader root(json, "$", errors);
//   std::string city = root.String("city");
//   JsonReader usb = root.Object("usb");
//   ...
//   usb.Finish(); root.Finish();
//   PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
//
// Thread-safety: not thread-safe; one reader per parse.
#ifndef PIIGUARD_COMMON_JSON_READER_H_
#define PIIGUARD_COMMON_JSON_READER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_fwd.h"
#include "common/status.h"

namespace piiguard {

class JsonErrors {
 public:
  static constexpr size_t kMaxErrors = 8;
  explicit JsonErrors(std::string context) : context_(std::move(context)) {}

  void Add(std::string_view path, std::string_view reason);
  bool empty() const { return errors_.empty(); }
  // OK if no error was added; else kInvalidArgument with every error
  // ("policy: $.a: reason; $.b: reason").
  Status ToStatus() const;

 private:
  std::string context_;
  std::vector<std::string> errors_;
  size_t dropped_ = 0;
};

class JsonReader {
 public:
  // `value` must outlive the reader. If it is not an object, an error is
  // recorded and every accessor returns its empty value.
  JsonReader(const Json& value, std::string path, JsonErrors& errors);
  // A reader over an absent object: its fields read as empty and it records
  // nothing, so one missing object is one error, not one per field.
  static JsonReader Absent(std::string path, JsonErrors& errors);

  const std::string& path() const { return path_; }
  // The error list shared by this reader and its children.
  JsonErrors& errors() const { return errors_; }
  bool Has(std::string_view key) const;

  // Required fields record "missing field" when absent.
  std::string String(std::string_view key);
  int64_t Int(std::string_view key, int64_t min, int64_t max);
  bool Bool(std::string_view key);

  std::optional<std::string> OptionalString(std::string_view key);
  std::optional<int64_t> OptionalInt(std::string_view key, int64_t min,
                                     int64_t max);
  bool BoolOr(std::string_view key, bool fallback);

  // One of `choices`; records an error naming them otherwise.
  std::string Enum(std::string_view key,
                   std::span<const std::string_view> choices);

  // A child object (required / optional). An absent optional object gives
  // a reader over an empty object, so defaults apply.
  JsonReader Object(std::string_view key);
  JsonReader OptionalObject(std::string_view key);

  // Calls `each(element, element_path)` for every element of an array field
  // (an absent optional array calls nothing).
  void Array(std::string_view key, bool required,
             const std::function<void(const Json&, const std::string&)>& each);
  std::vector<std::string> StringArray(std::string_view key, bool required);

  // Records an error at this reader's path + key.
  void Error(std::string_view key, std::string_view reason);

  // Records "unknown field" for every key present but not read.
  void Finish();

 private:
  const Json* Get(std::string_view key, bool required);
  std::string Path(std::string_view key) const;

  const Json& value_;
  std::string path_;
  JsonErrors& errors_;
  std::set<std::string, std::less<>> read_;
  bool valid_;
};

// Path for an array element: "$.a[3]".
std::string ElementPath(const std::string& array_path, size_t index);

}  // namespace piiguard

#endif  // PIIGUARD_COMMON_JSON_READER_H_
