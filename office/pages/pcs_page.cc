// GET /pcs[.csv]: PCs and consignees (page_handlers.h).
#include <string>
#include <vector>

#include "office/pages/event_format.h"
#include "office/pages/page_handlers.h"
#include "office/pages/page_templates.h"
#include "office/pages/render.h"

namespace piiguard::office {
namespace {

std::string PcState(const Ctx& ctx, const PcSummary& pc) {
  return pc.journal_failed
             ? ctx.M(MsgId::kPagesStateFailed, {pc.failure_reason})
             : ctx.M(MsgId::kPagesStateOk);
}

void AddConsignees(ctemplate::TemplateDictionary& body, const Ctx& ctx,
                   const Register& reg, const std::vector<PcSummary>& pcs) {
  body.SetValue("CONSIGNEES_HEADING", ctx.M(MsgId::kPagesConsigneesHeading));
  ctemplate::TemplateDictionary* table =
      body.AddSectionDictionary("CONSIGNEES");
  AddHeadings(*table, ctx,
              {MsgId::kPagesColConsignee, MsgId::kPagesColResponsible,
               MsgId::kPagesColContact, MsgId::kPagesColPc});
  for (const Consignee& c : reg.consignees) {
    std::string their_pcs;
    for (const PcSummary& pc : pcs) {
      if (pc.consignee != c.id) continue;
      if (!their_pcs.empty()) their_pcs += ", ";
      their_pcs += pc.pc;
    }
    ctemplate::TemplateDictionary* row = table->AddSectionDictionary("ROW");
    row->SetValue("NAME", c.name);
    row->SetValue("ID", c.id);
    row->SetValue("RESPONSIBLE", c.responsible);
    row->SetValue("CONTACT", c.contact);
    row->SetValue("PCS", their_pcs);
  }
}

}  // namespace

Status Pcs(const PageShell& shell, const httplib::Request& /*req*/,
           httplib::Response& res, Ctx& ctx) {
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<PcSummary> pcs,
                            shell.source().ListPcs());
  PIIGUARD_ASSIGN_OR_RETURN(Register reg, shell.source().GetRegister());
  PageView view(ctx, ctx.M(MsgId::kPagesNavPcs), kPcsTemplate);
  ctemplate::TemplateDictionary& body = view.body();
  body.SetValue("INTRO", ctx.M(MsgId::kPagesPcsIntro));
  body.SetValue("CSV_HREF", ctx.Link("/pcs.csv"));
  body.SetValue("CSV", ctx.M(MsgId::kPagesCsv));
  ctemplate::TemplateDictionary* table = body.AddSectionDictionary("PCS");
  AddHeadings(
      *table, ctx,
      {MsgId::kPagesColPc, MsgId::kPagesColConsignee,
       MsgId::kPagesColLastContact, MsgId::kPagesColPolicyVersion,
       MsgId::kPagesColAcked, MsgId::kPagesColState, MsgId::kPagesColAction});
  const std::string ask = ctx.M(MsgId::kPagesAskReport);
  for (const PcSummary& pc : pcs) {
    ctemplate::TemplateDictionary* row = table->AddSectionDictionary("ROW");
    if (pc.journal_failed) row->ShowSection("FAILED");
    row->SetValue("PC", pc.pc);
    row->SetValue("CONSIGNEE", ConsigneeName(ctx, reg, pc.consignee));
    row->SetValue("LAST_CONTACT", pc.last_contact_ms == 0
                                      ? ctx.M(MsgId::kPagesNever)
                                      : FormatJst(pc.last_contact_ms));
    row->SetValue("POLICY", pc.policy_version == 0
                                ? ctx.M(MsgId::kPagesUnknown)
                                : std::to_string(pc.policy_version));
    row->SetValue("ACKED", std::to_string(pc.acked_seq));
    row->SetValue("STATE", PcState(ctx, pc));
    row->SetValue("ASK", ask);
    AddFormFields(*row, ctx);
  }
  AddConsignees(body, ctx, reg, pcs);
  view.Send(res, kStatusOk);
  return Status::Ok();
}

Status PcsCsv(const PageShell& shell, const httplib::Request& /*req*/,
              httplib::Response& res, Ctx& ctx) {
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<PcSummary> pcs,
                            shell.source().ListPcs());
  PIIGUARD_ASSIGN_OR_RETURN(Register reg, shell.source().GetRegister());
  std::string csv = CsvRow(
      {ctx.M(MsgId::kPagesColPc), ctx.M(MsgId::kPagesColConsignee),
       ctx.M(MsgId::kPagesColLastContact), ctx.M(MsgId::kPagesColPolicyVersion),
       ctx.M(MsgId::kPagesColAcked), ctx.M(MsgId::kPagesColState)});
  for (const PcSummary& pc : pcs) {
    csv +=
        CsvRow({pc.pc, ConsigneeName(ctx, reg, pc.consignee),
                FormatJst(pc.last_contact_ms),
                pc.policy_version == 0 ? "" : std::to_string(pc.policy_version),
                std::to_string(pc.acked_seq), PcState(ctx, pc)});
  }
  SendCsv(res, ctx, "pcs", csv);
  return Status::Ok();
}

}  // namespace piiguard::office
