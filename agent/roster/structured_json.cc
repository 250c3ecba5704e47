// JSON exports as a table (structured.h): each object that is an element
// of an array is a record (one row, its keys the header); objects and
// arrays of values nested in a record become one cell each (an address
// object, a list of phones); JSON Lines (one object a line) too. Parsed
// with nlohmann's SAX interface: no document tree, iterative, so memory
// follows the current path and the output, not the input.
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "agent/roster/structured.h"
#include "common/json.h"

namespace piiguard::roster::structured {
namespace {

using nlohmann::json;

struct Frame {
  bool array = false;
  std::string key;  // the key this container stands under
  std::vector<std::pair<std::string, std::string>> leaves;
  bool records = false;  // rows were written from inside it
};

class Handler : public nlohmann::json_sax<json> {
 public:
  explicit Handler(TableOut& out) : out_(out) {}

  bool null() override { return Value(""); }
  bool boolean(bool v) override { return Value(v ? "true" : "false"); }
  bool number_integer(number_integer_t v) override {
    return Value(std::to_string(v));
  }
  bool number_unsigned(number_unsigned_t v) override {
    return Value(std::to_string(v));
  }
  bool number_float(number_float_t /*v*/, const string_t& s) override {
    return Value(s);
  }
  bool string(string_t& s) override { return Value(s); }
  bool binary(binary_t& /*b*/) override { return Value(""); }
  bool start_object(std::size_t /*n*/) override { return Push(false); }
  bool key(string_t& k) override {
    key_ = k;
    return true;
  }
  bool end_object() override { return Pop(); }
  bool start_array(std::size_t /*n*/) override { return Push(true); }
  bool end_array() override { return Pop(); }
  bool parse_error(std::size_t position, const std::string& /*token*/,
                   const nlohmann::detail::exception& /*e*/) override {
    error_ = "syntax error at byte " + std::to_string(position);
    return false;
  }

  // JSON Lines: records at the top level, as if in an array.
  void OpenImplicitArray() { stack_.push_back(Frame{true, "", {}, false}); }
  const std::string& error() const { return error_; }

 private:
  bool Fail(const Status& s) {
    error_ = s.message();
    return false;
  }
  bool Value(std::string_view v) {
    if (stack_.empty()) return true;  // a bare value: nothing to read
    stack_.back().leaves.emplace_back(stack_.back().array ? "" : key_, v);
    return true;
  }
  bool Push(bool array) {
    if (stack_.size() >= kMaxStructuredDepth) {
      error_ = "nesting deeper than " + std::to_string(kMaxStructuredDepth);
      return false;
    }
    std::string key = !stack_.empty() && !stack_.back().array ? key_ : "";
    stack_.push_back(Frame{array, std::move(key), {}, false});
    return true;
  }
  static std::string Joined(const Frame& f) {
    std::string cell;
    for (const auto& [k, v] : f.leaves) {
      if (v.empty()) continue;
      if (!cell.empty()) cell.push_back(' ');
      cell += v;
    }
    return cell;
  }
  bool Pop() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    Frame* parent = stack_.empty() ? nullptr : &stack_.back();
    if (f.records) {
      if (parent != nullptr) parent->records = true;
      Status s = out_.EndTable();
      return s.ok() || Fail(s);
    }
    if (f.leaves.empty()) return true;
    if (!f.array && (parent == nullptr || parent->array)) {
      // A record: one row.
      for (auto& field : f.leaves) field.first = FieldWords(field.first);
      Status s = out_.Record(f.leaves);
      if (parent != nullptr) parent->records = true;
      return s.ok() || Fail(s);
    }
    if (parent == nullptr) return true;
    // A nested object of personal fields ({"contact": {"address": …,
    // "tel": …}}) gives its fields to the record; any other nested object
    // or array of values is one cell ({"address": {"city": …}}).
    if (!f.array && !parent->array && HasPersonalKey(f)) {
      for (auto& leaf : f.leaves) parent->leaves.push_back(std::move(leaf));
      return true;
    }
    parent->leaves.emplace_back(parent->array ? "" : f.key, Joined(f));
    return true;
  }

  static bool HasPersonalKey(const Frame& f) {
    static constexpr std::string_view kWords[] = {
        "name",  "address", "addr",     "phone",  "tel",      "mail",
        "birth", "kana",    "zip",      "postal", "mobile",   "氏名",
        "住所",  "電話",    "生年月日", "メール", "フリガナ", "郵便"};
    for (const auto& [key, value] : f.leaves) {
      std::string words = FieldWords(key);
      for (std::string_view w : kWords) {
        if (words.find(w) != std::string::npos) return true;
      }
    }
    return false;
  }

  TableOut& out_;
  std::vector<Frame> stack_;
  std::string key_;
  std::string error_;
};

bool ParseOne(std::string_view text, Handler& handler) {
  return json::sax_parse(text.begin(), text.end(), &handler,
                         json::input_format_t::json, /*strict=*/true,
                         /*ignore_comments=*/false);
}

}  // namespace

Result<std::string> JsonToTable(std::string_view utf8, size_t max_text) {
  {
    TableOut out(max_text);
    Handler handler(out);
    if (ParseOne(utf8, handler)) {
      PIIGUARD_RETURN_IF_ERROR(out.EndTable());
      return out.Take();
    }
    if (handler.error().starts_with("extracted text") ||
        handler.error().starts_with("nesting")) {
      return InvalidArgumentError("json", "", handler.error());
    }
  }
  // JSON Lines: every non-blank line a value.
  TableOut out(max_text);
  Handler handler(out);
  handler.OpenImplicitArray();
  size_t lines = 0;
  while (!utf8.empty()) {
    size_t nl = utf8.find('\n');
    std::string_view line = utf8.substr(0, nl);
    utf8 =
        nl == std::string_view::npos ? std::string_view() : utf8.substr(nl + 1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (!ParseOne(line, handler)) {
      if (lines == 0) return InvalidArgumentError("json", "", handler.error());
      return InvalidArgumentError("json", "line " + std::to_string(lines + 1),
                                  handler.error());
    }
    ++lines;
  }
  PIIGUARD_RETURN_IF_ERROR(out.EndTable());
  return out.Take();
}

}  // namespace piiguard::roster::structured
