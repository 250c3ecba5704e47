// XML exports as a table (structured.h), with expat. A record is an
// element that repeats under its parent (<person> after <person>): its
// text-only children and attributes are its fields (the header their
// names), a child that occurs once and has fields of its own (<address>
// with <city>, <street>) is one field of their joined text. Repeated
// elements with a single value each (<Row><Cell><Data>) are the cells of
// their parent's row (Excel's XML Spreadsheet 2003). Any DOCTYPE or
// entity declaration is refused (no DTD is read: no entity expansion),
// nesting is bounded.
#include <expat.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/roster/structured.h"

namespace piiguard::roster::structured {
namespace {

constexpr size_t kMaxLeafText = size_t{64} * 1024;
constexpr size_t kMaxFields = 4096;

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Item {
  std::string name;
  Fields fields;
};

struct Frame {
  std::string name;
  std::string text;
  bool children = false;
  Fields fields;
  Fields attrs;  // fields of an element without children (<p tel="..."/>)
  std::optional<Item> pending;  // the last child with fields, not yet placed
  size_t pending_at = 0;        // its place among the fields
  std::string list;             // the name of the repeated child
  std::vector<std::string> cells;
  bool wrote_rows = false;  // records (rows) were written from inside
};

std::string Local(const char* name) {
  std::string_view n(name);
  size_t colon = n.rfind(':');
  return std::string(colon == std::string_view::npos ? n : n.substr(colon + 1));
}

std::string Trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return {};
  size_t b = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(a, b - a + 1));
}

std::string Joined(const Fields& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (v.empty()) continue;
    if (!out.empty()) out.push_back(' ');
    out += v;
  }
  return out;
}

class XmlReader {
 public:
  explicit XmlReader(TableOut& out) : out_(out) {}

  Status Parse(std::string_view utf8) {
    std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(
        XML_ParserCreate("UTF-8"), &XML_ParserFree);
    if (parser == nullptr) return InternalError("xml", "", "out of memory");
    parser_ = parser.get();
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &OnStart, &OnEnd);
    XML_SetCharacterDataHandler(parser_, &OnText);
    XML_SetStartDoctypeDeclHandler(parser_, &OnDoctype);
    XML_SetEntityDeclHandler(parser_, &OnEntity);
    constexpr size_t kPiece = size_t{1} << 20;
    for (size_t at = 0; at < utf8.size() || at == 0; at += kPiece) {
      std::string_view piece = utf8.substr(at, kPiece);
      bool final = at + kPiece >= utf8.size();
      if (XML_Parse(parser_, piece.data(), static_cast<int>(piece.size()),
                    final ? 1 : 0) != XML_STATUS_OK) {
        if (!error_.ok()) return error_;
        return InvalidArgumentError(
            "xml", "line " + std::to_string(XML_GetCurrentLineNumber(parser_)),
            XML_ErrorString(XML_GetErrorCode(parser_)));
      }
      if (final) break;
    }
    if (!error_.ok()) return error_;
    return out_.EndTable();
  }

 private:
  static XmlReader& Self(void* data) { return *static_cast<XmlReader*>(data); }

  void Stop(Status s) {
    if (error_.ok()) error_ = std::move(s);
    XML_StopParser(parser_, XML_FALSE);
  }

  static void OnStart(void* data, const XML_Char* name, const XML_Char** atts) {
    XmlReader& self = Self(data);
    if (self.stack_.size() >= kMaxStructuredDepth) {
      self.Stop(InvalidArgumentError(
          "xml", "",
          "nesting deeper than " + std::to_string(kMaxStructuredDepth)));
      return;
    }
    if (!self.stack_.empty()) self.stack_.back().children = true;
    Frame f;
    f.name = Local(name);
    for (const XML_Char** a = atts; a != nullptr && *a != nullptr; a += 2) {
      if (f.attrs.size() < kMaxFields) {
        f.attrs.emplace_back(Local(a[0]), Trim(a[1]));
      }
    }
    self.stack_.push_back(std::move(f));
  }

  static void OnText(void* data, const XML_Char* text, int size) {
    XmlReader& self = Self(data);
    if (self.stack_.empty()) return;
    std::string& t = self.stack_.back().text;
    if (t.size() < kMaxLeafText) {
      t.append(text, std::min<size_t>(static_cast<size_t>(size),
                                      kMaxLeafText - t.size()));
    }
  }

  static void OnEnd(void* data, const XML_Char* /*name*/) {
    XmlReader& self = Self(data);
    Status s = self.End();
    if (!s.ok()) self.Stop(std::move(s));
  }

  static void OnDoctype(void* data, const XML_Char* /*name*/,
                        const XML_Char* /*sysid*/, const XML_Char* /*pubid*/,
                        int /*has_internal_subset*/) {
    Self(data).Stop(InvalidArgumentError(
        "xml", "", "DOCTYPE refused (no DTD or entity is read)"));
  }

  static void OnEntity(void* data, const XML_Char* /*name*/, int /*param*/,
                       const XML_Char* /*value*/, int /*length*/,
                       const XML_Char* /*base*/, const XML_Char* /*sysid*/,
                       const XML_Char* /*pubid*/,
                       const XML_Char* /*notation*/) {
    Self(data).Stop(
        InvalidArgumentError("xml", "", "entity declaration refused"));
  }

  // A record of the parent: a row of its own, or a cell of the parent's
  // row when it has a single value.
  Status Emit(Frame& parent, Item& item) {
    if (item.fields.size() == 1) {
      parent.cells.push_back(std::move(item.fields[0].second));
      return Status::Ok();
    }
    for (auto& field : item.fields) field.first = FieldWords(field.first);
    PIIGUARD_RETURN_IF_ERROR(FlushCells(parent));
    parent.wrote_rows = true;
    return out_.Record(item.fields);
  }

  Status FlushCells(Frame& f) {
    if (f.cells.empty()) return Status::Ok();
    Status s = out_.Row(f.cells);
    f.cells.clear();
    return s;
  }

  // The pending child is a field of its parent after all: its joined
  // text in the place it had.
  static void Flatten(Frame& f) {
    if (!f.pending) return;
    f.fields[f.pending_at].second = Joined(f.pending->fields);
    f.pending.reset();
  }
  // It is a record: its place is no field.
  static void Unplace(Frame& f) {
    f.fields.erase(f.fields.begin() +
                   static_cast<std::ptrdiff_t>(f.pending_at));
  }

  Status End() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    Flatten(f);
    if (!f.cells.empty()) {
      if (!stack_.empty()) {
        // Single values gathered before this row (a title row of one
        // cell) come first, in document order.
        PIIGUARD_RETURN_IF_ERROR(FlushCells(stack_.back()));
        stack_.back().wrote_rows = true;
      }
      PIIGUARD_RETURN_IF_ERROR(out_.Row(f.cells));
      f.cells.clear();
    }
    if (f.wrote_rows) PIIGUARD_RETURN_IF_ERROR(out_.EndTable());
    if (stack_.empty()) {
      if (f.fields.size() >= 2 && f.list.empty()) {
        Item item{f.name, std::move(f.fields)};
        Frame none;
        PIIGUARD_RETURN_IF_ERROR(Emit(none, item));
        return out_.EndTable();
      }
      return Status::Ok();
    }
    Frame& p = stack_.back();
    if (!f.children) {
      std::string text = Trim(f.text);
      // A value, or (two or more attributes, no text) a record of its
      // attributes; <Data ss:Type="String"/> is an empty value.
      if (!text.empty() || f.attrs.size() < 2) {
        if (p.fields.size() < kMaxFields) p.fields.emplace_back(f.name, text);
        return Status::Ok();
      }
      f.fields = std::move(f.attrs);  // <person name="..." tel="..."/>
    }
    if (f.fields.empty()) return Status::Ok();
    Item item{f.name, std::move(f.fields)};
    if (p.list == item.name) return Emit(p, item);
    if (p.pending && p.pending->name == item.name) {
      Unplace(p);
      PIIGUARD_RETURN_IF_ERROR(Emit(p, *p.pending));
      p.pending.reset();
      p.list = item.name;
      return Emit(p, item);
    }
    Flatten(p);
    if (p.fields.size() >= kMaxFields) return Status::Ok();
    p.pending_at = p.fields.size();
    p.fields.emplace_back(item.name, "");
    p.pending = std::move(item);
    return Status::Ok();
  }

  TableOut& out_;
  XML_Parser parser_ = nullptr;
  std::vector<Frame> stack_;
  Status error_ = Status::Ok();
};

}  // namespace

Result<std::string> XmlToTable(std::string_view utf8, size_t max_text) {
  TableOut out(max_text);
  XmlReader reader(out);
  PIIGUARD_RETURN_IF_ERROR(reader.Parse(utf8));
  return out.Take();
}

}  // namespace piiguard::roster::structured
