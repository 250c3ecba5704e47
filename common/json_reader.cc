#include "common/json_reader.h"

#include "common/json.h"

namespace piiguard {
namespace {
const Json& EmptyObject() {
  static const Json kEmpty = Json::object();
  return kEmpty;
}
}  // namespace

void JsonErrors::Add(std::string_view path, std::string_view reason) {
  if (errors_.size() >= kMaxErrors) {
    ++dropped_;
    return;
  }
  std::string message(path);
  message += ": ";
  message += reason;
  errors_.push_back(std::move(message));
}

Status JsonErrors::ToStatus() const {
  if (errors_.empty()) return Status::Ok();
  std::string message = context_ + ": ";
  for (size_t i = 0; i < errors_.size(); ++i) {
    if (i > 0) message += "; ";
    message += errors_[i];
  }
  if (dropped_ > 0) {
    message += "; and " + std::to_string(dropped_) + " more";
  }
  return {StatusCode::kInvalidArgument, std::move(message)};
}

std::string ElementPath(const std::string& array_path, size_t index) {
  return array_path + "[" + std::to_string(index) + "]";
}

JsonReader::JsonReader(const Json& value, std::string path, JsonErrors& errors)
    : value_(value.is_object() ? value : EmptyObject()),
      path_(std::move(path)),
      errors_(errors),
      valid_(value.is_object()) {
  if (!valid_) {
    errors_.Add(path_,
                "expected object, got " + std::string(JsonTypeName(value)));
  }
}

JsonReader JsonReader::Absent(std::string path, JsonErrors& errors) {
  JsonReader reader(EmptyObject(), std::move(path), errors);
  reader.valid_ = false;
  return reader;
}

std::string JsonReader::Path(std::string_view key) const {
  std::string out = path_;
  out += '.';
  out += key;
  return out;
}

bool JsonReader::Has(std::string_view key) const {
  return value_.contains(key);
}

void JsonReader::Error(std::string_view key, std::string_view reason) {
  errors_.Add(Path(key), reason);
}

const Json* JsonReader::Get(std::string_view key, bool required) {
  read_.emplace(key);
  auto it = value_.find(key);
  if (it == value_.end()) {
    if (required && valid_) Error(key, "missing field");
    return nullptr;
  }
  return &*it;
}

namespace {
std::string Expected(std::string_view want, const Json& got) {
  return "expected " + std::string(want) + ", got " +
         std::string(JsonTypeName(got));
}
}  // namespace

std::optional<std::string> JsonReader::OptionalString(std::string_view key) {
  const Json* v = Get(key, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    Error(key, Expected("string", *v));
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::string JsonReader::String(std::string_view key) {
  if (!Has(key)) {
    Get(key, true);
    return {};
  }
  return OptionalString(key).value_or("");
}

std::optional<int64_t> JsonReader::OptionalInt(std::string_view key,
                                               int64_t min, int64_t max) {
  const Json* v = Get(key, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) {
    Error(key, Expected("integer", *v));
    return std::nullopt;
  }
  if (v->is_number_unsigned() &&
      v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    Error(key, "out of range");
    return std::nullopt;
  }
  int64_t n = v->get<int64_t>();
  if (n < min || n > max) {
    Error(key, "must be between " + std::to_string(min) + " and " +
                   std::to_string(max) + ", got " + std::to_string(n));
    return std::nullopt;
  }
  return n;
}

int64_t JsonReader::Int(std::string_view key, int64_t min, int64_t max) {
  if (!Has(key)) {
    Get(key, true);
    return min;
  }
  return OptionalInt(key, min, max).value_or(min);
}

bool JsonReader::BoolOr(std::string_view key, bool fallback) {
  const Json* v = Get(key, false);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) {
    Error(key, Expected("boolean", *v));
    return fallback;
  }
  return v->get<bool>();
}

bool JsonReader::Bool(std::string_view key) {
  if (!Has(key)) Get(key, true);
  return BoolOr(key, false);
}

std::string JsonReader::Enum(std::string_view key,
                             std::span<const std::string_view> choices) {
  std::string value = String(key);
  if (!Has(key)) return value;
  for (std::string_view choice : choices) {
    if (value == choice) return value;
  }
  std::string list;
  for (std::string_view choice : choices) {
    if (!list.empty()) list += ", ";
    list += choice;
  }
  if (value_.at(key).is_string()) {
    Error(key, "expected one of " + list + ", got \"" + value + "\"");
  }
  return {};
}

JsonReader JsonReader::Object(std::string_view key) {
  const Json* v = Get(key, true);
  if (v == nullptr) return Absent(Path(key), errors_);
  return {*v, Path(key), errors_};
}

JsonReader JsonReader::OptionalObject(std::string_view key) {
  const Json* v = Get(key, false);
  if (v == nullptr) return {EmptyObject(), Path(key), errors_};
  return {*v, Path(key), errors_};
}

void JsonReader::Array(
    std::string_view key, bool required,
    const std::function<void(const Json&, const std::string&)>& each) {
  const Json* v = Get(key, required);
  if (v == nullptr) return;
  if (!v->is_array()) {
    Error(key, Expected("array", *v));
    return;
  }
  std::string base = Path(key);
  for (size_t i = 0; i < v->size(); ++i) each((*v)[i], ElementPath(base, i));
}

std::vector<std::string> JsonReader::StringArray(std::string_view key,
                                                 bool required) {
  std::vector<std::string> out;
  Array(key, required, [&](const Json& element, const std::string& path) {
    if (!element.is_string()) {
      errors_.Add(path, Expected("string", element));
      return;
    }
    out.push_back(element.get<std::string>());
  });
  return out;
}

void JsonReader::Finish() {
  if (!valid_) return;
  for (const auto& [key, unused] : value_.items()) {
    if (!read_.contains(key)) Error(key, "unknown field");
  }
}

}  // namespace piiguard
