// XLSX: the workbook's sheets in workbook order, with shared strings and
// the date formats of xl/styles.xml (docs/detector.md, "Office documents").

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "agent/roster/office_internal.h"

namespace piiguard::roster::office {
namespace {

constexpr std::string_view kXlsx = "xlsx";
constexpr size_t kMaxStyles = 65536;  // Excel's own limit is 64000

struct Rel {
  std::string id;
  std::string type;
  std::string target;
};

// xl/_rels/workbook.xml.rels
class RelsHandler : public XmlHandler {
 public:
  Next Start(const XmlElement& e) override {
    if (!e.name.Is(Ns::kPkgRel, "Relationship") ||
        rels_.size() >= kMaxMembers) {
      return Next::kDescend;
    }
    if (e.Attr(Ns::kNone, "TargetMode").value_or("") == "External") {
      return Next::kSkip;
    }
    rels_.push_back({std::string(e.Attr(Ns::kNone, "Id").value_or("")),
                     std::string(e.Attr(Ns::kNone, "Type").value_or("")),
                     std::string(e.Attr(Ns::kNone, "Target").value_or(""))});
    return Next::kSkip;
  }
  void End(const XmlName& /*name*/) override {}
  void Text(std::string_view /*text*/) override {}

  const std::vector<Rel>& rels() const { return rels_; }

 private:
  std::vector<Rel> rels_;
};

// xl/workbook.xml: the sheets' relationship ids in order, the date system.
class WorkbookHandler : public XmlHandler {
 public:
  Next Start(const XmlElement& e) override {
    if (e.name.Is(Ns::kSml, "workbookPr")) {
      std::string_view value = e.Attr(Ns::kNone, "date1904").value_or("0");
      date1904_ = value == "1" || value == "true";
    } else if (e.name.Is(Ns::kSml, "sheet") && ids_.size() < kMaxMembers) {
      ids_.emplace_back(e.Attr(Ns::kOfficeRel, "id").value_or(""));
    }
    return Next::kDescend;
  }
  void End(const XmlName& /*name*/) override {}
  void Text(std::string_view /*text*/) override {}

  bool date1904() const { return date1904_; }
  const std::vector<std::string>& ids() const { return ids_; }

 private:
  bool date1904_ = false;
  std::vector<std::string> ids_;
};

// xl/styles.xml: which cell formats (cellXfs) show a date.
class StylesHandler : public XmlHandler {
 public:
  Next Start(const XmlElement& e) override {
    if (e.name.ns != Ns::kSml) return Next::kDescend;
    if (e.name.local == "numFmt" && custom_.size() < kMaxStyles) {
      std::optional<size_t> id =
          ParseCount(e.Attr(Ns::kNone, "numFmtId").value_or(""));
      if (id) {
        custom_[*id] =
            IsDateFormatCode(e.Attr(Ns::kNone, "formatCode").value_or(""));
      }
    } else if (e.name.local == "cellXfs") {
      in_xfs_ = true;
    } else if (e.name.local == "xf" && in_xfs_ &&
               formats_.size() < kMaxStyles) {
      formats_.push_back(
          ParseCount(e.Attr(Ns::kNone, "numFmtId").value_or("0")).value_or(0));
    }
    return Next::kDescend;
  }
  void End(const XmlName& name) override {
    if (name.Is(Ns::kSml, "cellXfs")) in_xfs_ = false;
  }
  void Text(std::string_view /*text*/) override {}

  std::vector<bool> DateStyles() const {
    std::vector<bool> dates;
    dates.reserve(formats_.size());
    for (size_t id : formats_) {
      auto it = custom_.find(id);
      dates.push_back(it != custom_.end()
                          ? it->second
                          : id <= UINT32_MAX &&
                                IsBuiltinDateFormat(static_cast<uint32_t>(id)));
    }
    return dates;
  }

 private:
  bool in_xfs_ = false;
  std::map<size_t, bool> custom_;
  std::vector<size_t> formats_;
};

// "worksheets/sheet1.xml" against "xl/" → "xl/worksheets/sheet1.xml"; a
// leading '/' is from the package root; "" if it climbs above the root.
std::string ResolveTarget(std::string_view base, std::string_view target) {
  std::string joined = target.starts_with('/')
                           ? std::string(target.substr(1))
                           : std::string(base) + std::string(target);
  std::vector<std::string_view> parts;
  std::string_view rest = joined;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view()
                                           : rest.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (parts.empty()) return {};
      parts.pop_back();
    } else {
      parts.push_back(part);
    }
  }
  std::string path;
  for (std::string_view part : parts) {
    if (!path.empty()) path.push_back('/');
    path.append(part);
  }
  return path;
}

std::optional<std::string> TargetOfType(const std::vector<Rel>& rels,
                                        std::string_view suffix) {
  for (const Rel& rel : rels) {
    if (rel.type.ends_with(suffix)) return ResolveTarget("xl/", rel.target);
  }
  return std::nullopt;
}

// xl/worksheets/sheetN.xml, by N: the order when the workbook says none.
std::vector<uint64_t> FallbackSheets(const ZipArchive& zip) {
  constexpr std::string_view kPrefix = "xl/worksheets/sheet";
  std::vector<std::pair<size_t, uint64_t>> found;
  for (uint64_t i = 0; i < zip.members(); ++i) {
    std::string name = zip.Name(i);
    std::string_view view = name;
    if (!view.starts_with(kPrefix) || !view.ends_with(".xml")) continue;
    view = view.substr(kPrefix.size(), view.size() - kPrefix.size() - 4);
    if (std::optional<size_t> n = ParseCount(view)) found.emplace_back(*n, i);
  }
  std::sort(found.begin(), found.end());
  std::vector<uint64_t> sheets;
  sheets.reserve(found.size());
  for (const auto& entry : found) sheets.push_back(entry.second);
  return sheets;
}

std::vector<uint64_t> SheetMembers(const ZipArchive& zip,
                                   const WorkbookHandler& workbook,
                                   const std::vector<Rel>& rels) {
  std::vector<uint64_t> sheets;
  std::set<uint64_t> seen;
  for (const std::string& id : workbook.ids()) {
    auto rel = std::find_if(rels.begin(), rels.end(),
                            [&](const Rel& r) { return r.id == id; });
    if (rel == rels.end() || !rel->type.ends_with("/worksheet")) continue;
    std::optional<uint64_t> index = zip.Find(ResolveTarget("xl/", rel->target));
    if (index && seen.insert(*index).second) sheets.push_back(*index);
  }
  return sheets.empty() ? FallbackSheets(zip) : sheets;
}

// Parses `name` if the archive has it.
Status ParseOptional(ZipArchive& zip, const std::string& name,
                     const DocLimits& limits, XmlHandler& handler) {
  std::optional<uint64_t> index = zip.Find(name);
  if (!index) return Status::Ok();
  return ParseXmlPart(zip, *index, kXlsx, zip.Name(*index), limits, handler);
}

}  // namespace

Status ExtractXlsx(ZipArchive& zip, const DocLimits& limits, DocText& out) {
  WorkbookHandler workbook;
  std::optional<uint64_t> workbook_index = zip.Find("xl/workbook.xml");
  if (!workbook_index) return PartError(kXlsx, "xl/workbook.xml", "missing");
  PIIGUARD_RETURN_IF_ERROR(ParseXmlPart(zip, *workbook_index, kXlsx,
                                        "xl/workbook.xml", limits, workbook));
  RelsHandler rels;
  PIIGUARD_RETURN_IF_ERROR(
      ParseOptional(zip, "xl/_rels/workbook.xml.rels", limits, rels));
  std::vector<uint64_t> sheets = SheetMembers(zip, workbook, rels.rels());

  StylesHandler styles;
  PIIGUARD_RETURN_IF_ERROR(ParseOptional(
      zip, TargetOfType(rels.rels(), "/styles").value_or("xl/styles.xml"),
      limits, styles));
  const std::vector<bool> date_styles = styles.DateStyles();
  SharedStrings strings(limits);
  PIIGUARD_RETURN_IF_ERROR(
      ParseOptional(zip,
                    TargetOfType(rels.rels(), "/sharedStrings")
                        .value_or("xl/sharedStrings.xml"),
                    limits, strings));

  TableWriter writer(limits);
  for (uint64_t index : sheets) {
    std::string part = zip.Name(index);
    PIIGUARD_RETURN_IF_ERROR(
        ParseXlsxSheet(zip, index, limits,
                       {strings, date_styles, workbook.date1904()}, writer));
    Status end = writer.EndTable();
    if (!end.ok()) return PartError(kXlsx, part, end.message());
  }
  out.format = DocFormat::kXlsx;
  out.tables = writer.tables();
  out.text = writer.Take();
  return Status::Ok();
}

}  // namespace piiguard::roster::office
