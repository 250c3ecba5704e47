// GET /event?pc=P&seq=N: one record in full (page_handlers.h).
#include <map>
#include <string>

#include "common/json.h"
#include "office/pages/event_format.h"
#include "office/pages/page_handlers.h"
#include "office/pages/page_templates.h"
#include "office/pages/render.h"

namespace piiguard::office {
namespace {

// Known detail fields get a name people read, the field beside it.
const std::map<std::string, MsgId>& DetailNames() {
  static const auto* const kNames = new std::map<std::string, MsgId>{
      {"text", MsgId::kPagesColDetails},
      {"user", MsgId::kPagesColReporter},
      {"reason", MsgId::kPagesColReason},
      {"job", MsgId::kPagesColJob},
  };
  return *kNames;
}

}  // namespace

Status Event(const PageShell& shell, const httplib::Request& req,
             httplib::Response& res, Ctx& ctx) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string pc, Param(req, "pc"));
  PIIGUARD_ASSIGN_OR_RETURN(std::string seq_text, Param(req, "seq"));
  PIIGUARD_ASSIGN_OR_RETURN(size_t seq, ParseCount(seq_text, "seq"));
  if (pc.empty() || seq == 0) {
    return InvalidArgumentError("filter", "pc, seq", "missing");
  }
  PIIGUARD_ASSIGN_OR_RETURN(ReviewEvent event,
                            shell.source().GetEvent(pc, seq));
  PIIGUARD_ASSIGN_OR_RETURN(Register reg, shell.source().GetRegister());
  const Json details = ParseDetails(event.details);
  PageView view(ctx, ctx.M(MsgId::kPagesEventHeading), kEventTemplate);
  ctemplate::TemplateDictionary& body = view.body();
  body.SetValue("TIME_LABEL", ctx.M(MsgId::kPagesColTime));
  body.SetValue("TIME", FormatJst(event.time_ms));
  body.SetValue("PC_LABEL", ctx.M(MsgId::kPagesColPc));
  body.SetValue("PC", event.pc);
  body.SetValue("CONSIGNEE_LABEL", ctx.M(MsgId::kPagesColConsignee));
  body.SetValue("CONSIGNEE", ConsigneeName(ctx, reg, event.consignee));
  body.SetValue("SEQ_LABEL", ctx.M(MsgId::kPagesColSeq));
  body.SetValue("SEQ", std::to_string(event.seq));
  body.SetValue("SEVERITY_LABEL", ctx.M(MsgId::kPagesColSeverity));
  SetSeverity(body, ctx, event.severity);
  body.SetValue("TYPE_LABEL", ctx.M(MsgId::kPagesColType));
  AddTypeCell(body, ctx, event.type);
  body.SetValue("SUBJECT_LABEL", ctx.M(MsgId::kPagesColSubject));
  body.SetValue("SUBJECT", event.subject);
  for (const auto& [key, value] : details.items()) {
    ctemplate::TemplateDictionary* field = body.AddSectionDictionary("FIELD");
    field->SetValue("KEY", key);
    field->SetValue("VALUE", JsonText(value));
    auto name = DetailNames().find(key);
    if (name == DetailNames().end()) {
      field->ShowSection("PLAIN");
    } else {
      field->AddSectionDictionary("NAMED")->SetValue("LABEL",
                                                     ctx.M(name->second));
    }
  }
  if (details.contains("job") && details.at("job").is_string()) {
    const std::string name = JobName(reg, details.at("job").get<std::string>());
    if (!name.empty()) {
      ctemplate::TemplateDictionary* job = body.AddSectionDictionary("JOB");
      job->SetValue("LABEL", ctx.M(MsgId::kPagesColJobName));
      job->SetValue("NAME", name);
    }
  }
  body.SetValue("JSON",
                details.dump(2, ' ', false, Json::error_handler_t::replace));
  view.Send(res, kStatusOk);
  return Status::Ok();
}

}  // namespace piiguard::office
