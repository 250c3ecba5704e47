#include "agent/daemon/release.h"

#include <algorithm>

#include "agent/session/standalone.h"
#include "agent/usb/block_class.h"
#include "common/json.h"

namespace piiguard::agent {
namespace {

ReleaseStep Named(std::string name) {
  ReleaseStep step;
  step.name = std::move(name);
  return step;
}

void Failed(ReleaseStep& step, const Status& status) {
  if (status.ok()) return;
  if (step.ok) step.error = status.message();
  step.ok = false;
}

ReleaseStep RootHubs(os::Sysfs& sysfs,
                     const std::vector<std::string>& devices) {
  ReleaseStep step = Named("root_hubs");
  for (const std::string& name : devices) {
    if (!usb::IsRootHubName(name)) continue;
    std::string path = "bus/usb/devices/" + name + "/authorized_default";
    Result<std::string> now = sysfs.ReadAttribute(path);
    if (now.ok() && *now == "1") continue;
    Status s = sysfs.WriteAttribute(path, "1");
    Failed(step, s);
    if (s.ok()) step.done.push_back(name);
  }
  return step;
}

ReleaseStep Devices(os::Sysfs& sysfs, const std::vector<std::string>& devices) {
  ReleaseStep step = Named("devices");
  for (const std::string& name : devices) {
    if (!usb::IsUsbDeviceName(name)) continue;
    std::string path = "bus/usb/devices/" + name + "/authorized";
    Result<std::string> now = sysfs.ReadAttribute(path);
    if (!now.ok()) {
      // Unplugged meanwhile: nothing to give back.
      if (now.status().code() != StatusCode::kNotFound) {
        Failed(step, now.status());
      }
      continue;
    }
    if (*now != "0") continue;
    Status s = sysfs.WriteAttribute(path, "1");
    Failed(step, s);
    if (s.ok()) step.done.push_back(name);
  }
  return step;
}

ReleaseStep ReadOnly(const os::Sysfs& sysfs, os::BlockDevices& blocks) {
  ReleaseStep step = Named("read_only");
  Result<std::vector<std::string>> names = sysfs.ListDirectory("class/block");
  if (!names.ok()) {
    Failed(step, names.status());
    return step;
  }
  for (const std::string& name : *names) {
    Result<std::string> path = sysfs.ResolvePath("class/block/" + name);
    if (!path.ok()) continue;
    // The devices the enforcer controls (agent/usb/block_class.h): a
    // partition's disk is the directory above it.
    std::string disk = name;
    if (size_t slash = path->rfind('/'); slash != std::string::npos) {
      std::string parent = usb::BaseName(path->substr(0, slash));
      if (parent != "block") disk = parent;
    }
    if (usb::ClassifyBlock(sysfs, *path, disk).bus == usb::BlockBus::kNone) {
      continue;
    }
    Result<bool> read_only = blocks.IsReadOnly(name);
    if (!read_only.ok()) {
      Failed(step, read_only.status());
      continue;
    }
    if (!*read_only) continue;
    Status s = blocks.SetReadOnly(name, false);
    Failed(step, s);
    if (s.ok()) step.done.push_back(name);
  }
  return step;
}

ReleaseStep Session(session::SessionManager* sessions) {
  ReleaseStep step = Named("session");
  if (sessions == nullptr) return step;
  Result<Json> released = sessions->Release();
  if (!released.ok()) {
    Failed(step, released.status());
    return step;
  }
  if (released->value("session", false)) step.done.push_back(*released);
  if (released->contains("problem")) {
    step.ok = false;
    step.error = (*released)["problem"].get<std::string>();
  }
  return step;
}

ReleaseStep Firewall(os::Firewall* firewall) {
  ReleaseStep step = Named("firewall");
  if (firewall == nullptr) return step;
  Status s = firewall->DeleteTable(session::kNftFamily, session::kNftTable);
  // No nft program: no table either.
  if (s.code() != StatusCode::kNotFound) Failed(step, s);
  return step;
}

ReleaseStep Maintenance(ReleaseMaintenance* m) {
  ReleaseStep step = Named("maintenance");
  if (m == nullptr || m->window == nullptr) return step;
  maint::MaintenanceWindow& window = *m->window;
  Failed(step, window.Init("release"));
  const int64_t give_up = m->clock->MonotonicUs() + m->give_up_after_us;
  while (window.Closing() && m->wait_until && *m->next_us != 0 &&
         *m->next_us <= give_up) {
    m->wait_until(*m->next_us);
    window.OnTimer();
  }
  if (window.Closing()) {
    Failed(step, FailedPreconditionError(
                     "release", "maintenance window",
                     "the maintenance account's processes did not end"));
  }
  if (window.closed() > 0) step.done.push_back("window closed");
  return step;
}

}  // namespace

bool ReleaseReport::ok() const {
  return std::all_of(steps.begin(), steps.end(),
                     [](const ReleaseStep& s) { return s.ok; });
}

Json ReleaseReport::ToJson() const {
  Json list = Json::array();
  for (const ReleaseStep& s : steps) {
    list.push_back(Json{
        {"step", s.name}, {"ok", s.ok}, {"done", s.done}, {"error", s.error}});
  }
  return Json{{"ok", ok()}, {"steps", std::move(list)}};
}

ReleaseReport Release(const ReleaseDeps& deps) {
  ReleaseReport report;
  Result<std::vector<std::string>> devices =
      deps.sysfs.ListDirectory("bus/usb/devices");
  if (!devices.ok() && devices.status().code() == StatusCode::kNotFound) {
    devices = std::vector<std::string>();  // no USB on this machine
  }
  if (devices.ok()) {
    report.steps.push_back(RootHubs(deps.sysfs, *devices));
    report.steps.push_back(Devices(deps.sysfs, *devices));
  } else {
    for (const char* name : {"root_hubs", "devices"}) {
      ReleaseStep step = Named(name);
      Failed(step, devices.status());
      report.steps.push_back(std::move(step));
    }
  }
  report.steps.push_back(ReadOnly(deps.sysfs, deps.blocks));
  report.steps.push_back(Session(deps.sessions));
  report.steps.push_back(Firewall(deps.firewall));
  report.steps.push_back(Maintenance(deps.maintenance));
  return report;
}

}  // namespace piiguard::agent
