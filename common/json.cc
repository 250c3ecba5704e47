#include "common/json.h"

#include <set>
#include <vector>

namespace piiguard {
namespace {

bool ContainsFloat(const Json& value) {
  if (value.is_number_float()) return true;
  if (value.is_structured()) {
    for (const auto& child : value) {
      if (ContainsFloat(child)) return true;
    }
  }
  return false;
}

}  // namespace

std::string_view JsonTypeName(const Json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "boolean";
  if (value.is_number_integer()) return "integer";
  if (value.is_number()) return "number";
  if (value.is_string()) return "string";
  if (value.is_array()) return "array";
  if (value.is_object()) return "object";
  return "binary";
}

Result<Json> ParseJsonStrict(std::string_view bytes, std::string_view context) {
  // One key set per open object, to refuse duplicates (nlohmann keeps the
  // last one silently, which would let two readers see different values).
  std::vector<std::set<std::string>> keys;
  std::string duplicate;
  bool too_deep = false;
  auto callback = [&](int depth, Json::parse_event_t event, Json& parsed) {
    // `depth` counts the containers already open, so an array or object
    // being opened is one level deeper than the depth it is reported at.
    const bool opens = event == Json::parse_event_t::object_start ||
                       event == Json::parse_event_t::array_start;
    if (depth + (opens ? 1 : 0) > kMaxJsonDepth) too_deep = true;
    switch (event) {
      case Json::parse_event_t::object_start:
        keys.emplace_back();
        break;
      case Json::parse_event_t::object_end:
        if (!keys.empty()) keys.pop_back();
        break;
      case Json::parse_event_t::key:
        if (!keys.empty() &&
            !keys.back().insert(parsed.get<std::string>()).second &&
            duplicate.empty()) {
          duplicate = parsed.get<std::string>();
        }
        break;
      default:
        break;
    }
    return !too_deep && duplicate.empty();
  };
  Json result;
  try {
    result = Json::parse(bytes.begin(), bytes.end(), callback,
                         /*allow_exceptions=*/true, /*ignore_comments=*/false);
  } catch (const Json::exception& e) {
    if (too_deep) {
      return InvalidArgumentError(context, "JSON", "nested too deeply");
    }
    if (!duplicate.empty()) {
      return InvalidArgumentError(context, "JSON",
                                  "duplicate key \"" + duplicate + "\"");
    }
    return InvalidArgumentError(context, "JSON", e.what());
  }
  if (too_deep)
    return InvalidArgumentError(context, "JSON", "nested too deeply");
  if (!duplicate.empty()) {
    return InvalidArgumentError(context, "JSON",
                                "duplicate key \"" + duplicate + "\"");
  }
  if (result.is_discarded()) {
    return InvalidArgumentError(context, "JSON", "not a JSON document");
  }
  return result;
}

Result<std::string> CanonicalJson(const Json& value, std::string_view context) {
  if (ContainsFloat(value)) {
    return InvalidArgumentError(context, "JSON",
                                "fractional numbers are not allowed");
  }
  try {
    return value.dump(-1, ' ', /*ensure_ascii=*/false,
                      Json::error_handler_t::strict);
  } catch (const Json::exception& e) {
    return InvalidArgumentError(context, "JSON", e.what());
  }
}

Result<Json> ParseCanonicalJson(std::string_view bytes,
                                std::string_view context) {
  PIIGUARD_ASSIGN_OR_RETURN(Json value, ParseJsonStrict(bytes, context));
  PIIGUARD_ASSIGN_OR_RETURN(std::string canonical,
                            CanonicalJson(value, context));
  if (canonical != bytes) {
    return InvalidArgumentError(context, "JSON", "not in canonical form");
  }
  return value;
}

}  // namespace piiguard
