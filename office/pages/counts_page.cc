// GET /counts[.csv]?year=Y: events per register job (R14) in a fiscal year
// (page_handlers.h).
#include <charconv>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "office/pages/event_format.h"
#include "office/pages/page_handlers.h"
#include "office/pages/page_templates.h"
#include "office/pages/render.h"

namespace piiguard::office {
namespace {

constexpr int kYearsShown = 6;

struct CountTable {
  int year = 0;
  Register reg;
  std::vector<std::string> types;
  struct Row {
    std::string job;
    std::string name;
    std::string section;
    std::string consignee;
    std::map<std::string, uint64_t> counts;
    uint64_t total = 0;
  };
  std::vector<Row> rows;
  std::map<std::string, uint64_t> column_totals;
  uint64_t total = 0;
};

Result<int> ParseYear(const std::string& year, int current) {
  if (year.empty()) return current;
  int value = 0;
  const auto [end, error] =
      std::from_chars(year.data(), year.data() + year.size(), value);
  constexpr int kFirstYear = 1970;
  constexpr int kLastYear = 9998;
  if (error != std::errc() || end != year.data() + year.size() ||
      value < kFirstYear || value > kLastYear) {
    return InvalidArgumentError("filter", "year", "expected a year");
  }
  return value;
}

// The register's jobs first, then jobs events name that it does not list.
Result<CountTable> LoadCounts(const PageShell& shell,
                              const httplib::Request& req, const Ctx& ctx) {
  CountTable table;
  PIIGUARD_ASSIGN_OR_RETURN(table.year, ParseYear(req.get_param_value("year"),
                                                  FiscalYearOf(ctx.now)));
  const auto [from, to] = FiscalYearBoundsMs(table.year);
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<JobCount> counts,
                            shell.source().CountEventsByJob(from, to));
  PIIGUARD_ASSIGN_OR_RETURN(table.reg, shell.source().GetRegister());
  std::set<std::string> types;
  std::map<std::string, size_t> row_of;
  for (const RegisterJob& job : table.reg.jobs) {
    row_of[job.id] = table.rows.size();
    table.rows.push_back({job.id,
                          job.name,
                          job.section,
                          ConsigneeName(ctx, table.reg, job.consignee),
                          {},
                          0});
  }
  for (const JobCount& count : counts) {
    auto it = row_of.find(count.job);
    if (it == row_of.end()) {
      it = row_of.emplace(count.job, table.rows.size()).first;
      table.rows.push_back(
          {count.job, ctx.M(MsgId::kPagesNotInRegister), "", "", {}, 0});
    }
    CountTable::Row& row = table.rows[it->second];
    row.counts[count.type] += count.count;
    row.total += count.count;
    table.column_totals[count.type] += count.count;
    table.total += count.count;
    types.insert(count.type);
  }
  table.types.assign(types.begin(), types.end());
  return table;
}

uint64_t CountOf(const CountTable::Row& row, const std::string& type) {
  auto it = row.counts.find(type);
  return it == row.counts.end() ? 0 : it->second;
}

void AddYearChoice(ctemplate::TemplateDictionary& body, const Ctx& ctx,
                   int year) {
  body.SetValue("YEAR_LABEL", ctx.M(MsgId::kPagesFiscalYearLabel));
  const int current = FiscalYearOf(ctx.now);
  bool listed = false;
  for (int y = current; y > current - kYearsShown; --y) {
    listed = listed || y == year;
    ctemplate::TemplateDictionary* option = body.AddSectionDictionary("YEAR");
    option->SetValue("VALUE", std::to_string(y));
    option->SetValue("LABEL",
                     ctx.M(MsgId::kPagesFiscalYear, {std::to_string(y)}));
    if (y == year) option->ShowSection("SELECTED");
  }
  if (!listed) {
    ctemplate::TemplateDictionary* option =
        body.AddSectionDictionary("UNLISTED_YEAR");
    option->SetValue("VALUE", std::to_string(year));
    option->SetValue("LABEL",
                     ctx.M(MsgId::kPagesFiscalYear, {std::to_string(year)}));
  }
  AddLangField(body, ctx);
  body.SetValue("SHOW", ctx.M(MsgId::kPagesShow));
}

void AddTable(ctemplate::TemplateDictionary& body, const Ctx& ctx,
              CountTable& table) {
  AddHeadings(body, ctx,
              {MsgId::kPagesColJob, MsgId::kPagesColJobName,
               MsgId::kPagesColSection, MsgId::kPagesColConsignee});
  for (const std::string& type : table.types) {
    AddTypeCell(*body.AddSectionDictionary("TYPE_TH"), ctx, type);
  }
  body.SetValue("TOTAL_LABEL", ctx.M(MsgId::kPagesColTotal));
  for (const CountTable::Row& row : table.rows) {
    ctemplate::TemplateDictionary* line = body.AddSectionDictionary("ROW");
    line->SetValue("JOB", row.job);
    line->SetValue("NAME", row.name);
    line->SetValue("SECTION", row.section);
    line->SetValue("CONSIGNEE", row.consignee);
    for (const std::string& type : table.types) {
      line->AddSectionDictionary("COUNT")->SetValue(
          "N", std::to_string(CountOf(row, type)));
    }
    line->SetValue("TOTAL", std::to_string(row.total));
  }
  for (const std::string& type : table.types) {
    body.AddSectionDictionary("COLUMN_TOTAL")
        ->SetValue("N", std::to_string(table.column_totals[type]));
  }
  body.SetValue("TOTAL", std::to_string(table.total));
}

}  // namespace

Status Counts(const PageShell& shell, const httplib::Request& req,
              httplib::Response& res, Ctx& ctx) {
  PIIGUARD_ASSIGN_OR_RETURN(CountTable table, LoadCounts(shell, req, ctx));
  PageView view(ctx, ctx.M(MsgId::kPagesNavCounts), kCountsTemplate);
  ctemplate::TemplateDictionary& body = view.body();
  body.SetValue("INTRO", ctx.M(MsgId::kPagesCountsIntro));
  AddYearChoice(body, ctx, table.year);
  body.SetValue("CSV_HREF", ctx.Link("/counts.csv",
                                     {{"year", std::to_string(table.year)}}));
  body.SetValue("CSV", ctx.M(MsgId::kPagesCsv));
  body.SetValue("REGISTER",
                table.reg.policy_version == 0
                    ? ctx.M(MsgId::kPagesNoRegister)
                    : ctx.M(MsgId::kPagesRegisterVersion,
                            {std::to_string(table.reg.policy_version)}));
  body.SetValue("YEAR_HEADING",
                ctx.M(MsgId::kPagesFiscalYear, {std::to_string(table.year)}));
  AddTable(body, ctx, table);
  view.Send(res, kStatusOk);
  return Status::Ok();
}

Status CountsCsv(const PageShell& shell, const httplib::Request& req,
                 httplib::Response& res, Ctx& ctx) {
  PIIGUARD_ASSIGN_OR_RETURN(CountTable table, LoadCounts(shell, req, ctx));
  std::vector<std::string> header = {
      ctx.M(MsgId::kPagesFiscalYearLabel), ctx.M(MsgId::kPagesColJob),
      ctx.M(MsgId::kPagesColJobName), ctx.M(MsgId::kPagesColSection),
      ctx.M(MsgId::kPagesColConsignee)};
  for (const std::string& type : table.types) {
    header.push_back(TypeText(ctx, type) + " (" + type + ")");
  }
  header.push_back(ctx.M(MsgId::kPagesColTotal));
  std::string csv = CsvRow(header);
  for (const CountTable::Row& row : table.rows) {
    std::vector<std::string> cells = {std::to_string(table.year), row.job,
                                      row.name, row.section, row.consignee};
    for (const std::string& type : table.types) {
      cells.push_back(std::to_string(CountOf(row, type)));
    }
    cells.push_back(std::to_string(row.total));
    csv += CsvRow(cells);
  }
  SendCsv(res, ctx, "counts-" + std::to_string(table.year), csv);
  return Status::Ok();
}

}  // namespace piiguard::office
