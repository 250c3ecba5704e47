// The XML layer of the office reader: expat in namespace mode, fed chunk by
// chunk as the zip layer inflates a part (office_internal.h).
//
// Names arrive as "URI|local" (the separator cannot occur in a local name;
// a URI containing it only fails to match). Comparing URIs rather than
// prefixes accepts any prefix a producer chose and both the transitional
// and the strict OOXML namespaces.

#include <expat.h>

#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "agent/roster/office_internal.h"

namespace piiguard::roster::office {
namespace {

constexpr char kSeparator = '|';

struct NsUri {
  std::string_view uri;
  Ns ns;
};

constexpr std::array kNamespaces = {
    NsUri{"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          Ns::kSml},
    NsUri{"http://purl.oclc.org/ooxml/spreadsheetml/main", Ns::kSml},
    NsUri{"http://schemas.openxmlformats.org/officeDocument/2006/"
          "relationships",
          Ns::kOfficeRel},
    NsUri{"http://purl.oclc.org/ooxml/officeDocument/relationships",
          Ns::kOfficeRel},
    NsUri{"http://schemas.openxmlformats.org/package/2006/relationships",
          Ns::kPkgRel},
    NsUri{"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
          Ns::kWml},
    NsUri{"http://purl.oclc.org/ooxml/wordprocessingml/main", Ns::kWml},
    NsUri{"http://schemas.openxmlformats.org/markup-compatibility/2006",
          Ns::kMc},
    NsUri{"urn:oasis:names:tc:opendocument:xmlns:office:1.0", Ns::kOdfOffice},
    NsUri{"urn:oasis:names:tc:opendocument:xmlns:table:1.0", Ns::kOdfTable},
    NsUri{"urn:oasis:names:tc:opendocument:xmlns:text:1.0", Ns::kOdfText},
};

Ns Classify(std::string_view uri) {
  for (const NsUri& known : kNamespaces) {
    if (known.uri == uri) return known.ns;
  }
  return Ns::kOther;
}

XmlName Split(std::string_view name) {
  size_t bar = name.rfind(kSeparator);
  if (bar == std::string_view::npos) return {Ns::kNone, name};
  return {Classify(name.substr(0, bar)), name.substr(bar + 1)};
}

// True if the NUL-terminated `name` is `text` (no strlen: most names differ
// in their first bytes).
bool NameIs(const char* name, std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (name[i] != text[i]) return false;  // stops at name's NUL
  }
  return name[text.size()] == '\0';
}

struct ParserFree {
  void operator()(XML_ParserStruct* parser) const { XML_ParserFree(parser); }
};

// One parse of one part.
class XmlStream {
 public:
  XmlStream(XmlHandler& handler, int max_depth)
      : handler_(handler), max_depth_(max_depth) {}

  Status Init() {
    parser_.reset(XML_ParserCreateNS(nullptr, kSeparator));
    if (parser_ == nullptr) return InternalError("xml", "", "out of memory");
    XML_Parser p = parser_.get();
    XML_SetUserData(p, this);
    XML_SetElementHandler(p, &XmlStream::OnStart, &XmlStream::OnEnd);
    XML_SetCharacterDataHandler(p, &XmlStream::OnText);
    XML_SetStartDoctypeDeclHandler(p, &XmlStream::OnDoctype);
    XML_SetEntityDeclHandler(p, &XmlStream::OnEntity);
    XML_SetDefaultHandlerExpand(p, &XmlStream::OnOther);
    return Status::Ok();
  }

  // Empty on success, else the reason.
  std::string Feed(std::string_view chunk, bool final) {
    fed_ += chunk.size();
    XML_Status status = XML_Parse(parser_.get(), chunk.data(),
                                  static_cast<int>(chunk.size()), final);
    if (!stop_reason_.empty()) return stop_reason_;
    if (status != XML_STATUS_OK) {
      XML_Parser p = parser_.get();
      return "XML error at line " +
             std::to_string(XML_GetCurrentLineNumber(p)) + ": " +
             XML_ErrorString(XML_GetErrorCode(p));
    }
    if (fed_ - mark_ > kMaxXmlToken) {
      return "XML token over " + std::to_string(kMaxXmlToken >> 20) + " MiB";
    }
    return {};
  }

 private:
  static XmlStream& Self(void* data) { return *static_cast<XmlStream*>(data); }

  // Split() with the last namespace URI remembered: a part's elements are
  // nearly all in one namespace, so this is one comparison, no strlen.
  XmlName SplitName(const char* name) {
    const size_t size = last_uri_.size();
    if (size != 0 && std::strncmp(name, last_uri_.data(), size) == 0 &&
        name[size] == kSeparator) {
      return {last_ns_, std::string_view(name + size + 1)};
    }
    XmlName split = Split(name);
    if (split.ns != Ns::kNone) {
      std::string_view full(name);
      last_uri_.assign(full.substr(0, full.size() - split.local.size() - 1));
      last_ns_ = split.ns;
    }
    return split;
  }

  void Stop(std::string reason) {
    if (!stop_reason_.empty()) return;
    stop_reason_ = std::move(reason);
    XML_StopParser(parser_.get(), XML_FALSE);
  }
  void Mark() {
    XML_Index index = XML_GetCurrentByteIndex(parser_.get());
    if (index > 0) mark_ = static_cast<size_t>(index);
  }
  void CheckHandler() {
    if (handler_.failed()) Stop(handler_.reason());
  }

  static void OnStart(void* data, const XML_Char* name,
                      const XML_Char** attrs) {
    XmlStream& self = Self(data);
    if (!self.stop_reason_.empty()) return;
    self.Mark();
    if (++self.depth_ > self.max_depth_) {
      self.Stop("XML nesting deeper than " + std::to_string(self.max_depth_));
      return;
    }
    if (self.skip_from_ != 0) return;
    XmlElement element{self.SplitName(name), attrs};
    if (element.name.Is(Ns::kMc, "Fallback") ||
        self.handler_.Start(element) == XmlHandler::Next::kSkip) {
      self.skip_from_ = self.depth_;
    }
    self.CheckHandler();
  }

  static void OnEnd(void* data, const XML_Char* name) {
    XmlStream& self = Self(data);
    if (!self.stop_reason_.empty()) return;
    self.Mark();
    if (self.skip_from_ != 0) {
      if (self.depth_ == self.skip_from_) self.skip_from_ = 0;
    } else {
      self.handler_.End(self.SplitName(name));
      self.CheckHandler();
    }
    --self.depth_;
  }

  static void OnText(void* data, const XML_Char* text, int size) {
    XmlStream& self = Self(data);
    if (!self.stop_reason_.empty()) return;
    self.Mark();
    if (self.skip_from_ != 0 || size <= 0) return;
    self.handler_.Text(std::string_view(text, static_cast<size_t>(size)));
    self.CheckHandler();
  }

  static void OnOther(void* data, const XML_Char* /*text*/, int /*size*/) {
    Self(data).Mark();
  }

  static void OnDoctype(void* data, const XML_Char* /*name*/,
                        const XML_Char* /*sysid*/, const XML_Char* /*pubid*/,
                        int /*has_internal_subset*/) {
    Self(data).Stop("DOCTYPE refused (no DTD or entity is read)");
  }

  static void OnEntity(void* data, const XML_Char* /*name*/, int /*param*/,
                       const XML_Char* /*value*/, int /*length*/,
                       const XML_Char* /*base*/, const XML_Char* /*sysid*/,
                       const XML_Char* /*pubid*/,
                       const XML_Char* /*notation*/) {
    Self(data).Stop("entity declaration refused");
  }

  XmlHandler& handler_;
  const int max_depth_;
  std::unique_ptr<XML_ParserStruct, ParserFree> parser_;
  std::string stop_reason_;
  int depth_ = 0;
  int skip_from_ = 0;  // depth of the skipped subtree's root; 0: none
  size_t fed_ = 0;
  size_t mark_ = 0;  // byte index of the last event
  std::string last_uri_;
  Ns last_ns_ = Ns::kNone;
};

}  // namespace

std::optional<std::string_view> XmlElement::Attr(Ns ns,
                                                 std::string_view local) const {
  for (const char** a = attrs; a != nullptr && *a != nullptr; a += 2) {
    if (ns == Ns::kNone) {
      if (NameIs(a[0], local)) return std::string_view(a[1]);
      continue;
    }
    std::string_view full(a[0]);
    if (full.size() <= local.size() ||
        full.substr(full.size() - local.size()) != local ||
        full[full.size() - local.size() - 1] != kSeparator) {
      continue;
    }
    if (Split(full).ns == ns) return std::string_view(a[1]);
  }
  return std::nullopt;
}

Status ParseXmlPart(ZipArchive& zip, uint64_t index, std::string_view context,
                    std::string_view part, const DocLimits& limits,
                    XmlHandler& handler) {
  XmlStream stream(handler, limits.max_depth);
  PIIGUARD_RETURN_IF_ERROR(stream.Init());
  PIIGUARD_RETURN_IF_ERROR(
      zip.Read(index, context, [&](std::string_view chunk) {
        std::string reason = stream.Feed(chunk, false);
        return reason.empty() ? Status::Ok() : PartError(context, part, reason);
      }));
  std::string reason = stream.Feed({}, true);
  return reason.empty() ? Status::Ok() : PartError(context, part, reason);
}

}  // namespace piiguard::roster::office
