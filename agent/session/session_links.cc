// SessionManager: standalone links (docs/session.md "Standalone").

#include <algorithm>

#include "agent/session/session_internal.h"
#include "agent/session/session_manager.h"
#include "agent/session/standalone.h"
#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::agent::session {

// ---------------------------------------------------------------- links

bool SessionManager::KeptUp(const std::string& name) const {
  if (firewall_failed_) return false;
  return std::any_of(rules_.standalone_allow.begin(),
                     rules_.standalone_allow.end(),
                     [&name](const policy::StandaloneAllow& a) {
                       return a.interface == name;
                     });
}

Status SessionManager::TakeDown(const os::LinkInfo& link,
                                std::string_view why) {
  Status s = links_->SetUp(link.ifindex, false);
  Status j = Journal(
      s.ok() ? journal::types::kLinkDown : journal::types::kLinkDownFailed,
      s.ok() ? journal::Severity::kNotice : journal::Severity::kIncident,
      Json{{"name", link.name},
           {"ifindex", link.ifindex},
           {"why", why},
           {"error", s.ok() ? "" : s.message()}});
  if (!s.ok()) {
    Status closed =
        FailClosed("link " + link.name + " could not be taken down");
    return closed.ok() ? s : closed;
  }
  return j;
}

Status SessionManager::IsolateLinks() {
  if (links_ == nullptr) {
    return FailClosed("standalone policy but no link control");
  }
  Result<std::vector<os::LinkInfo>> list = links_->List();
  if (!list.ok()) {
    FailClosed("links: " + list.status().message()).IgnoreError();
    return list.status();
  }
  Status first;
  firewall_failed_ = false;
  if (!rules_.standalone_allow.empty()) {
    Result<std::string> ruleset = StandaloneRuleset(rules_.standalone_allow);
    Status applied = !ruleset.ok() ? ruleset.status()
                     : firewall_ == nullptr
                         ? NotFoundError("nft", "firewall", "not available")
                         : firewall_->Apply(*ruleset);
    Json allow = Json::array();
    for (const policy::StandaloneAllow& a : rules_.standalone_allow) {
      allow.push_back({{"interface", a.interface}, {"cidr", a.cidr}});
    }
    if (applied.ok()) {
      state_->firewall = true;
      first = Journal(journal::types::kLinkFirewallApplied,
                      journal::Severity::kNotice,
                      Json{{"allow", allow},
                           {"table", std::string(kNftFamily) + " " +
                                         std::string(kNftTable)}});
    } else {
      firewall_failed_ = true;
      first = Journal(
          journal::types::kLinkFirewallFailed, journal::Severity::kIncident,
          Json{{"allow", allow},
               {"error", applied.message()},
               {"action", "allowed interfaces taken down too (fail closed)"}});
    }
  }
  for (const os::LinkInfo& link : *list) {
    link_state_[link.ifindex] = link;
    if (link.loopback || KeptUp(link.name)) continue;
    bool known = std::any_of(
        state_->prior_links.begin(), state_->prior_links.end(),
        [&link](const PriorLink& p) { return p.ifindex == link.ifindex; });
    if (!known) {
      state_->prior_links.push_back(
          PriorLink{link.ifindex, link.name, link.up});
    }
    if (link.up) {
      Status s = TakeDown(link, "standalone");
      if (first.ok() && !s.ok()) first = s;
    }
  }
  return first;
}

Status SessionManager::OnLinksReadable() {
  if (links_ == nullptr) return Status::Ok();
  Result<std::vector<os::LinkInfo>> changes = links_->ReadChanges();
  if (!changes.ok()) {
    // Changes were lost (ENOBUFS): look at every link again.
    Journal(journal::types::kLinkReadFailed, journal::Severity::kWarning,
            Json{{"error", changes.status().message()}})
        .IgnoreError();
    if (state_ && rules_.standalone) return IsolateLinks();
    return changes.status();
  }
  Status first;
  bool priors_changed = false;
  for (const os::LinkInfo& link : *changes) {
    if (link.removed) {
      link_state_.erase(link.ifindex);
      continue;
    }
    link_state_[link.ifindex] = link;
    if (!state_ || !rules_.standalone || link.loopback || !link.up ||
        KeptUp(link.name)) {
      continue;
    }
    bool known = std::any_of(
        state_->prior_links.begin(), state_->prior_links.end(),
        [&link](const PriorLink& p) { return p.ifindex == link.ifindex; });
    if (!known) {
      state_->prior_links.push_back(PriorLink{link.ifindex, link.name, false});
      priors_changed = true;
    }
    Status j =
        Journal(journal::types::kLinkUpAttempt, journal::Severity::kViolation,
                Json{{"name", link.name},
                     {"ifindex", link.ifindex},
                     {"new_link", !known}});
    Status s = TakeDown(link, "brought up during a standalone session");
    if (first.ok() && !j.ok()) first = j;
    if (first.ok() && !s.ok()) first = s;
  }
  if (priors_changed) {
    Status s = Persist();
    if (first.ok() && !s.ok()) first = s;
  }
  return first;
}

Status SessionManager::RestoreLinks(const SessionState& saved, Json& restored) {
  Status first;
  Json list = Json::array();
  if (links_ != nullptr) {
    for (const PriorLink& p : saved.prior_links) {
      if (!p.was_up) continue;
      Status s = links_->SetUp(p.ifindex, true);
      list.push_back({{"name", p.name}, {"up", true}, {"ok", s.ok()}});
      if (first.ok() && !s.ok()) first = s;
    }
  }
  if (saved.firewall && firewall_ != nullptr) {
    Status s = firewall_->DeleteTable(kNftFamily, kNftTable);
    restored["firewall_removed"] = s.ok();
    if (first.ok() && !s.ok()) first = s;
  }
  restored["links"] = list;
  return first;
}

}  // namespace piiguard::agent::session
