#include "office/pages/exception_reconcile.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <utility>

#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::office {
namespace {

constexpr int64_t kDayMs = int64_t{24} * 60 * 60 * 1000;
constexpr int64_t kJstOffsetMs = int64_t{9} * 60 * 60 * 1000;
// Granted entries read per query, and at most this many in all.
constexpr size_t kPage = 1000;
constexpr size_t kMaxUses = 200000;

using Key = std::pair<std::string, uint64_t>;  // (pc, nonce)

bool SameGrant(const IssuedException& issued, const GrantedUse& use) {
  return static_cast<int64_t>(issued.person) == use.person &&
         issued.scope == use.scope && issued.minutes == use.minutes;
}

// The consignee a line is listed under, created in order on first use.
ConsigneeReconciliation& Group(Reconciliation& out,
                               std::map<std::string, size_t>& at,
                               const std::string& consignee) {
  auto [it, added] = at.emplace(consignee, out.consignees.size());
  if (added) out.consignees.push_back({consignee, 0, 0, 0, {}, {}});
  return out.consignees[it->second];
}

void Coverage(const ReconcileInput& in, Reconciliation& out) {
  std::map<std::string, LedgerCoverage> ledgers;
  for (const IssuedException& issued : in.issued) {
    LedgerCoverage& c = ledgers[issued.ledger];
    c.ledger = issued.ledger;
    ++c.stored;
    c.highest_seq = std::max(c.highest_seq, issued.seq);
  }
  for (const IssuedImport& file : in.imports) {
    LedgerCoverage& c = ledgers[file.ledger];
    c.ledger = file.ledger;
    c.highest_seq = std::max(c.highest_seq, file.through);
    c.newest_export_ms = std::max(c.newest_export_ms, file.exported_ms);
    out.covered_until_ms = std::max(out.covered_until_ms, file.exported_ms);
  }
  for (auto& [id, c] : ledgers) out.ledgers.push_back(std::move(c));
}

IssuedState Unredeemed(const ReconcileInput& in, const IssuedException& i) {
  if (!in.pc_consignee.contains(i.pc)) return IssuedState::kUnknownPc;
  const int64_t end = IssueDayEndMs(i.issue_day);
  if (in.now_ms < end) return IssuedState::kUsable;
  auto reach = in.journal_reach.find(i.pc);
  if (reach != in.journal_reach.end() && reach->second >= end) {
    return IssuedState::kExpiredUnused;
  }
  return IssuedState::kAwaitingJournal;
}

}  // namespace

int64_t IssueDayEndMs(int64_t issue_day) {
  return (issue_day + 1) * kDayMs - kJstOffsetMs;
}

Result<GrantedUse> GrantedUseOf(const ReviewEvent& event) {
  Result<Json> parsed = ParseJsonStrict(event.details, "exception.granted");
  if (!parsed.ok() || !parsed->is_object()) {
    return InvalidArgumentError("exception.granted",
                                event.pc + " " + std::to_string(event.seq),
                                "details are not an object");
  }
  const Json& d = *parsed;
  // A PC's entry is device-signed, not trusted: a field of another type
  // than expected is read as absent, never thrown on.
  auto text = [&d](const char* key) {
    auto it = d.find(key);
    return it != d.end() && it->is_string() ? it->get<std::string>()
                                            : std::string();
  };
  if (text("via") == "file") {
    // Granted by a signed file, not by a code the desk answered: not in
    // the desk's ledger, so not reconciled against it.
    return FailedPreconditionError("exception.granted",
                                   event.pc + " " + std::to_string(event.seq),
                                   "granted by a signed file");
  }
  GrantedUse use;
  use.pc = event.pc;
  use.pc_consignee = event.consignee;
  use.seq = event.seq;
  use.time_ms = event.time_ms;
  const std::string grant = text("grant");
  auto [end, error] =
      std::from_chars(grant.data(), grant.data() + grant.size(), use.nonce);
  if (grant.empty() || error != std::errc() ||
      end != grant.data() + grant.size() ||
      !d.value("scope", Json()).is_string() ||
      !d.value("minutes", Json()).is_number_integer() ||
      !d.value("person", Json()).is_number_integer()) {
    return InvalidArgumentError("exception.granted",
                                event.pc + " " + std::to_string(event.seq),
                                "no grant id, scope, minutes or person");
  }
  use.scope = d["scope"].get<std::string>();
  use.minutes = d["minutes"].get<int64_t>();
  use.person = d["person"].get<int64_t>();
  use.challenge = text("challenge");
  use.responsible = text("responsible");
  use.user = text("user");
  return use;
}

Reconciliation Reconcile(const ReconcileInput& in) {
  Reconciliation out;
  Coverage(in, out);
  std::map<std::string, size_t> at;
  for (const std::string& consignee : in.consignee_order) {
    Group(out, at, consignee);
  }
  std::map<Key, std::vector<size_t>> by_key;
  for (size_t i = 0; i < in.issued.size(); ++i) {
    by_key[{in.issued[i].pc, in.issued[i].nonce}].push_back(i);
  }
  std::vector<std::optional<IssuedState>> state(in.issued.size());
  std::vector<std::optional<GrantedUse>> used(in.issued.size());
  std::set<Key> consumed;  // challenges some response was used for
  for (const GrantedUse& use : in.uses) {
    const Key key{use.pc, use.nonce};
    consumed.insert(key);
    auto it = by_key.find(key);
    std::optional<size_t> match;
    if (it != by_key.end()) {
      for (size_t i : it->second) {
        if (!state[i] && SameGrant(in.issued[i], use)) {
          match = i;
          break;
        }
      }
    }
    if (match) {
      state[*match] = IssuedState::kRedeemed;
      used[*match] = use;
      continue;
    }
    UnissuedLine line{use, UseAlarm::kOutsideLedger, std::nullopt};
    if (it != by_key.end()) {
      line.alarm = UseAlarm::kRecordDiffers;
      line.recorded = in.issued[it->second.front()];
    } else if (in.imports.empty()) {
      line.alarm = UseAlarm::kNoLedgerImported;
    } else if (use.time_ms > out.covered_until_ms) {
      line.alarm = UseAlarm::kLedgerNotImportedYet;
    }
    Group(out, at, use.pc_consignee).unissued.push_back(std::move(line));
    ++out.alarms;
  }
  for (size_t i = 0; i < in.issued.size(); ++i) {
    const IssuedException& issued = in.issued[i];
    IssuedState s = state[i].value_or(IssuedState::kUsable);
    if (!state[i]) {
      s = consumed.contains({issued.pc, issued.nonce})
              ? IssuedState::kSuperseded
              : Unredeemed(in, issued);
    }
    ConsigneeReconciliation& group = Group(out, at, issued.consignee);
    if (s == IssuedState::kRedeemed) {
      ++group.redeemed;
      ++out.redeemed;
    } else if (s == IssuedState::kExpiredUnused) {
      ++group.expired;
    } else {
      ++group.open;
    }
    ++out.issued;
    group.issued.push_back({issued, s, used[i]});
  }
  for (ConsigneeReconciliation& group : out.consignees) {
    std::stable_sort(group.issued.begin(), group.issued.end(),
                     [](const IssuedLine& a, const IssuedLine& b) {
                       return a.issued.issued_ms > b.issued.issued_ms;
                     });
    std::stable_sort(group.unissued.begin(), group.unissued.end(),
                     [](const UnissuedLine& a, const UnissuedLine& b) {
                       return a.use.time_ms > b.use.time_ms;
                     });
  }
  return out;
}

Result<Reconciliation> LoadReconciliation(ReviewSource& source,
                                          int64_t now_ms) {
  ReconcileInput in;
  in.now_ms = now_ms;
  PIIGUARD_ASSIGN_OR_RETURN(in.issued, source.ListIssuedExceptions());
  PIIGUARD_ASSIGN_OR_RETURN(in.imports, source.ListIssuedImports());
  PIIGUARD_ASSIGN_OR_RETURN(in.journal_reach, source.JournalReach());
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<PcSummary> pcs, source.ListPcs());
  for (const PcSummary& pc : pcs) in.pc_consignee[pc.pc] = pc.consignee;
  PIIGUARD_ASSIGN_OR_RETURN(Register reg, source.GetRegister());
  for (const Consignee& c : reg.consignees) {
    in.consignee_order.push_back(c.id);
  }
  EventFilter filter;
  filter.types = {journal::types::kExceptionGranted};
  filter.limit = kPage;
  for (;;) {
    PIIGUARD_ASSIGN_OR_RETURN(EventPage page, source.ListEvents(filter));
    for (const ReviewEvent& event : page.events) {
      Result<GrantedUse> use = GrantedUseOf(event);
      if (!use.ok() && use.status().code() == StatusCode::kFailedPrecondition) {
        continue;  // a signed file's grant
      }
      // An entry without a grant id cannot be matched; it is still a use.
      if (!use.ok()) {
        GrantedUse unknown;
        unknown.pc = event.pc;
        unknown.pc_consignee = event.consignee;
        unknown.seq = event.seq;
        unknown.time_ms = event.time_ms;
        unknown.nonce = UINT64_MAX;
        in.uses.push_back(std::move(unknown));
        continue;
      }
      in.uses.push_back(*std::move(use));
    }
    filter.offset += page.events.size();
    if (page.events.empty() || filter.offset >= page.total ||
        filter.offset >= kMaxUses) {
      break;
    }
  }
  return Reconcile(in);
}

}  // namespace piiguard::office
