// ParsePolicy, continued: the register of jobs (R14), consignees (R5), the
// revocation list, and the checks across sections.

#include <set>

#include "common/json.h"
#include "common/json_reader.h"
#include "common/timestamp.h"
#include "policy/ids.h"
#include "policy/json_fields.h"
#include "policy/policy.h"

namespace piiguard::policy {
namespace {

// "P" then 1 to 4 digits (not starting with 0) then Y, M or D.
bool IsRetention(std::string_view text) {
  if (text.size() < 3 || text.size() > 6 || text[0] != 'P') return false;
  char unit = text.back();
  if (unit != 'Y' && unit != 'M' && unit != 'D') return false;
  std::string_view digits = text.substr(1, text.size() - 2);
  if (digits[0] == '0') return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Person ParsePerson(const Json& json, const std::string& path,
                   JsonErrors& errors) {
  JsonReader r(json, path, errors);
  Person person{TextField(r, "name"), TextField(r, "contact")};
  r.Finish();
  return person;
}

void ParseJob(const Json& json, const std::string& path, JsonErrors& errors,
              Policy& p) {
  JsonReader r(json, path, errors);
  RegisteredJob job;
  job.id = IdField(r, "id");
  job.name = TextField(r, "name");
  job.purpose = TextField(r, "purpose");
  job.data_items = r.StringArray("data_items", true);
  if (r.Has("data_items") && job.data_items.empty()) {
    r.Error("data_items", "must name at least one item");
  }
  job.section = TextField(r, "section");
  job.since = r.String("since");
  if (r.Has("since") && !ParseDate(job.since).ok()) {
    r.Error("since", "expected a date YYYY-MM-DD");
  }
  job.retention = r.String("retention");
  if (r.Has("retention") && !IsRetention(job.retention)) {
    r.Error("retention", "expected a period such as P5Y, P18M or P30D");
  }
  job.consignee = r.OptionalString("consignee").value_or("");
  r.Finish();
  p.register_jobs.push_back(std::move(job));
}

void ParseConsignee(const Json& json, const std::string& path,
                    JsonErrors& errors, Policy& p) {
  JsonReader r(json, path, errors);
  Consignee c;
  c.id = IdField(r, "id");
  c.name = TextField(r, "name");
  c.responsible = ParsePerson(
      r.Has("responsible") ? json.at("responsible") : Json::object(),
      r.path() + ".responsible", errors);
  r.Object("responsible");  // marks it read and reports it if missing
  r.Array("deputies", true, [&](const Json& d, const std::string& dpath) {
    c.deputies.push_back(ParsePerson(d, dpath, errors));
  });
  for (std::string& pc : r.StringArray("pcs", false)) {
    if (!IsValidId(pc)) {
      r.Error("pcs", "PC id \"" + pc + "\": " + std::string(kIdRule));
      continue;
    }
    c.pcs.push_back(std::move(pc));
  }
  r.Finish();
  p.consignees.push_back(std::move(c));
}

void ParseRevokedStick(const Json& json, const std::string& path,
                       JsonErrors& errors, Policy& p) {
  JsonReader r(json, path, errors);
  RevokedStick s;
  s.stick_id = HexField(r, "stick_id", 32);
  s.reason = TextField(r, "reason");
  s.revoked_at = TimeField(r, "revoked_at");
  r.Finish();
  p.revoked_sticks.push_back(std::move(s));
}

// Records an error for the second and later occurrences of an id.
template <typename T, typename Key>
void RequireUnique(JsonReader& root, std::string_view field,
                   const std::vector<T>& items, Key key) {
  std::set<std::string> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string& id = key(items[i]);
    if (!seen.insert(id).second) {
      root.Error(std::string(field) + "[" + std::to_string(i) + "]",
                 "duplicate id \"" + id + "\"");
    }
  }
}

}  // namespace

void ParseRegister(JsonReader& root, Policy& p) {
  root.Array("register", true, [&](const Json& json, const std::string& path) {
    ParseJob(json, path, root.errors(), p);
  });
}

void ParseConsignees(JsonReader& root, Policy& p) {
  root.Array("consignees", true,
             [&](const Json& json, const std::string& path) {
               ParseConsignee(json, path, root.errors(), p);
             });
}

void ParseRevoked(JsonReader& root, Policy& p) {
  root.Array("revoked_sticks", true,
             [&](const Json& json, const std::string& path) {
               ParseRevokedStick(json, path, root.errors(), p);
             });
}

void CheckCrossReferences(JsonReader& root, const Policy& p) {
  RequireUnique(
      root, "register", p.register_jobs,
      [](const RegisteredJob& j) -> const std::string& { return j.id; });
  RequireUnique(root, "consignees", p.consignees,
                [](const Consignee& c) -> const std::string& { return c.id; });
  RequireUnique(
      root, "revoked_sticks", p.revoked_sticks,
      [](const RevokedStick& s) -> const std::string& { return s.stick_id; });
  for (size_t i = 0; i < p.register_jobs.size(); ++i) {
    const std::string& ref = p.register_jobs[i].consignee;
    if (ref.empty()) continue;
    bool found = false;
    for (const Consignee& c : p.consignees) found = found || c.id == ref;
    if (!found) {
      root.Error("register[" + std::to_string(i) + "].consignee",
                 "no consignee with id \"" + ref + "\"");
    }
  }
}

}  // namespace piiguard::policy
