#include "agent/usb/hub_groups.h"

#include <algorithm>

namespace piiguard::agent::usb {
namespace {

// Whether `path` lies below the directory `ancestor`.
bool Below(const std::string& path, const std::string& ancestor) {
  return path.size() > ancestor.size() + 1 && path.starts_with(ancestor) &&
         path[ancestor.size()] == '/';
}

}  // namespace

void HubGroups::HubAuthorized(const std::string& path, int64_t now) {
  if (!GroupOf(path).empty() || open_.contains(path)) return;
  Open open;
  open.group.hub = path;
  open.opened_us = now;
  open.last_us = now;
  open_.emplace(path, std::move(open));
}

std::string HubGroups::GroupOf(const std::string& path) const {
  // The outermost open hub above `path`: nested hubs join their parent's
  // group, so a gadget cannot split its functions over two hubs.
  std::string found;
  for (const auto& [hub, open] : open_) {
    if (Below(path, hub) && (found.empty() || hub.size() < found.size())) {
      found = hub;
    }
  }
  return found;
}

void HubGroups::Join(const std::string& group, Member member, int64_t now) {
  auto it = open_.find(group);
  if (it == open_.end()) return;
  std::vector<Member>& members = it->second.group.members;
  auto same =
      std::find_if(members.begin(), members.end(),
                   [&](const Member& m) { return m.path == member.path; });
  if (same != members.end()) {
    *same = std::move(member);
  } else {
    members.push_back(std::move(member));
  }
  it->second.last_us = std::max(it->second.last_us, now);
}

bool HubGroups::Holds(const std::string& path) const {
  for (const auto& [hub, open] : open_) {
    for (const Member& m : open.group.members) {
      if (m.path == path) return true;
    }
  }
  return false;
}

void HubGroups::Gone(const std::string& path) {
  open_.erase(path);
  for (auto& [hub, open] : open_) {
    std::erase_if(open.group.members,
                  [&](const Member& m) { return m.path == path; });
  }
}

int64_t HubGroups::DeadlineOf(const Open& open) const {
  return std::min(open.opened_us + max_us_, open.last_us + settle_us_);
}

int64_t HubGroups::NextDeadline() const {
  int64_t next = 0;
  for (const auto& [hub, open] : open_) {
    int64_t at = DeadlineOf(open);
    if (next == 0 || at < next) next = at;
  }
  return next;
}

std::vector<HubGroups::Group> HubGroups::Settled(int64_t now) {
  std::vector<Group> settled;
  for (auto it = open_.begin(); it != open_.end();) {
    if (DeadlineOf(it->second) <= now) {
      settled.push_back(std::move(it->second.group));
      it = open_.erase(it);
    } else {
      ++it;
    }
  }
  return settled;
}

}  // namespace piiguard::agent::usb
