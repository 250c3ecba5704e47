#include "tests/integration/simulated_agent.h"

#include <cstdlib>
#include <iostream>

#include "agent/daemon/local_requests.h"
#include "agent/exception/exception_key.h"
#include "common/json.h"
#include "common/timestamp.h"
#include "common/version.h"
#include "policy/exception/code_mac.h"
#include "policy/policy.h"
#include "policy/policy_verify.h"
#include "policy/stick_key.h"
#include "policy/test_policy.h"

namespace piiguard::seed {
namespace {

constexpr const char* kPci = "devices/pci0000:00/0000:00:14.0";
constexpr uint64_t kSectors = 131072;  // a 64 MiB stick
constexpr int kStaffPid = 4242;
constexpr int kDaemonPid = 1;
const ipc::Peer kStaff{kStaffPid, 1000, 1000};

std::string SatoUserName(uid_t uid) {
  return uid == 1000 ? std::string("sato") : std::string();
}

std::string Hub() { return std::string(kPci) + "/usb1"; }
std::string Device(const std::string& port) { return Hub() + "/" + port; }
std::string Disk(const std::string& port) {
  return Device(port) + "/" + port + ":1.0/host6/target6:0:0/6:0:0:0/block/sdb";
}

// The raw descriptors the kernel shows: a device descriptor (VID 46f4,
// PID 0001: QEMU's stick) and one interface per class.
std::string Descriptors(const std::vector<uint8_t>& classes) {
  std::string d = {18,   1, 0, 2, 0, 0, 0, 64, static_cast<char>(0xf4),
                   0x46, 1, 0, 0, 0, 1, 2, 3,  1};
  d += std::string{9, 2, 32, 0, 1, 1, 0, static_cast<char>(0x80), 50};
  uint8_t number = 0;
  for (uint8_t cls : classes) {
    d += std::string{9, 4, static_cast<char>(number++),
                     0, 1, static_cast<char>(cls),
                     1, 1, 0};
  }
  return d;
}

}  // namespace

Result<std::string> City::SignedPolicy(
    int64_t version, int64_t now_ms,
    const std::vector<std::string>& jobs) const {
  Json policy = policy::testing::ValidPolicyJson();
  policy["version"] = version;
  int64_t now_s = now_ms / 1000;
  policy["valid_from"] = FormatRfc3339(now_s - 86400, 9 * 60);
  policy["valid_until"] = FormatRfc3339(now_s + 365 * 86400, 9 * 60);
  Json reg = Json::array();
  for (const std::string& job : jobs) {
    Json entry = policy["register"][0];
    entry["id"] = job;
    entry["consignee"] = "npo-hidamari";
    reg.push_back(entry);
  }
  policy["register"] = reg;
  policy["consignees"] = Json::parse(R"([
    {"id": "npo-hidamari", "name": "NPO法人ひだまり子育てネット",
     "responsible": {"name": "山田 花子", "contact": "042-000-0000"},
     "deputies": [{"name": "佐藤 一郎", "contact": "042-000-0001"}],
     "pcs": ["hidamari-pc-01", "hidamari-pc-02"]},
    {"id": "sun-kaigo", "name": "サン介護サービス",
     "responsible": {"name": "鈴木 一郎", "contact": "042-111-1111"},
     "deputies": [], "pcs": ["sun-pc-01", "sun-pc-02"]}])");
  policy["roster_guard"]["quarantine_key"] = quarantine_key.ToBase64();
  return policy::SignPolicy(policy::testing::Dump(policy), key);
}

SimulatedAgent::SimulatedAgent(const City& city, Ed25519PrivateKey device_key)
    : city_(city), device_key_(std::move(device_key)) {}

SimulatedAgent::~SimulatedAgent() = default;

Result<std::unique_ptr<SimulatedAgent>> SimulatedAgent::Start(
    const City& city, const std::string& dir, const std::string& pc,
    int64_t start_ms) {
  PIIGUARD_ASSIGN_OR_RETURN(Ed25519PrivateKey key,
                            Ed25519PrivateKey::Generate());
  std::unique_ptr<SimulatedAgent> a(new SimulatedAgent(city, key));
  a->clock_.SetWallMs(start_ms);
  a->dir_ = dir;
  a->pc_ = pc;
  agent::StatePaths paths(dir);
  PIIGUARD_RETURN_IF_ERROR(agent::EnsureStateDir(paths));
  PIIGUARD_RETURN_IF_ERROR(agent::StoreOfficeConfig(
      paths, {pc, "https://office.example.jp:8443", std::string(64, 'a')}));
  a->journal_path_ = paths.Journal();
  PIIGUARD_ASSIGN_OR_RETURN(
      a->journal_,
      journal::Journal::Open(a->journal_path_, a->device_key_, a->clock_));
  a->events_ = std::make_unique<agent::EventSink>(*a->journal_);
  a->board_ = std::make_unique<agent::StatusBoard>(*a->events_);
  a->policy_ = std::make_unique<agent::AppliedPolicy>(
      agent::PolicyConfig{paths, city.key.PublicKey(), &a->clock_}, *a->events_,
      *a->board_);
  a->enrolment_ = std::make_unique<agent::Enrolment>(paths, *a->journal_,
                                                     *a->events_, *a->board_);
  a->signer_ = std::make_unique<agent::DeviceSigner>(a->device_key_);
  a->health_ = std::make_unique<sync::SyncHealth>(a->clock_, nullptr);
  a->monitor_ = std::make_unique<agent::SyncMonitor>(
      agent::MonitorDeps{*a->journal_, *a->events_, *a->policy_, *a->enrolment_,
                         *a->signer_, a->clock_, *a->health_},
      paths, 0);
  a->Advance();
  PIIGUARD_RETURN_IF_ERROR(
      a->events_->Started(812, kVersion, "6.1.0-18-amd64"));

  SimulatedAgent* self = a.get();
  // Radios: a laptop's wlan and bluetooth; sessions block both.
  a->rfkill_.AddRadio(os::RadioType::kWlan, "phy0", false);
  a->rfkill_.AddRadio(os::RadioType::kBluetooth, "hci0", false);
  a->links_.AddLink({1, "lo", true, true});
  a->links_.AddLink({2, "eth0", true});
  agent::session::SessionConfig sessions;
  sessions.state_file = dir + "/session.json";
  sessions.clock = &a->clock_;
  sessions.journal = a->journal_.get();
  sessions.user_name = SatoUserName;
  agent::session::SessionRules rules;
  rules.block_types = {static_cast<uint8_t>(os::RadioType::kWlan),
                       static_cast<uint8_t>(os::RadioType::kBluetooth)};
  a->sessions_ = std::make_unique<agent::session::SessionManager>(
      sessions, a->rfkill_, &a->links_, &a->firewall_, rules);
  PIIGUARD_RETURN_IF_ERROR(a->sessions_->Init());

  // USB: one root hub, nothing plugged yet.
  a->sysfs_.AddSymlink("bus/usb/devices/usb1", "/" + Hub());
  a->sysfs_.AddFile(Hub() + "/authorized_default", "1\n");
  a->sysfs_.AddDirectory("class/block");
  a->sysfs_.AddDirectory("bus/usb/drivers/usb");
  agent::usb::EnforcerConfig usb;
  usb.policy = [self] { return self->policy_->policy(); };
  usb.pinned = {city.key.PublicKey()};
  usb.pc_id = [pc] { return pc; };
  usb.clock = &a->clock_;
  usb.journal = a->journal_.get();
  a->usb_ = std::make_unique<agent::usb::UsbEnforcer>(
      agent::usb::EnforcerDeps{a->sysfs_, a->blocks_, a->mounts_, a->jobs_,
                               a->writes_, a->device_gate_},
      std::move(usb), *a->sessions_);
  a->sessions_->SetStickControl(a->usb_.get());
  PIIGUARD_RETURN_IF_ERROR(a->usb_->Start());
  a->PumpMedium();

  // The roster guard over the staff member's home folder.
  for (const char* d : {"/home", "/home/sato", "/var", "/var/lib"}) {
    a->files_.AddDirectory(d);
  }
  a->files_.AddDirectory("/var/lib/piiguard", 0700);
  a->files_.AddDirectory("/var/lib/piiguard/quarantine", 0700);
  if (!a->file_events_.MarkFilesystem("/").ok()) {
    return InternalError("seed", pc, "fake fanotify mark");
  }
  agent::rosterguard::GuardDeps deps{
      a->files_,
      *city.detector,
      *a->journal_,
      a->no_desktop_,
      a->clock_,
      a->inline_,
      kDaemonPid,
      [](const Status& s) {
        // A seed that lost an entry is no seed.
        std::cerr << "seed: roster guard: " << s.message() << "\n";
        std::abort();
      }};
  agent::rosterguard::Destinations destinations;  // no stick: quarantine
  destinations.quarantine_dir = "/var/lib/piiguard/quarantine";
  destinations.pc = [pc] { return pc; };
  a->guard_ = std::make_unique<agent::rosterguard::Guard>(
      std::move(deps), agent::rosterguard::Rules{}, std::move(destinations));
  return a;
}

Result<std::vector<journal::Entry>> SimulatedAgent::Entries() const {
  return journal::ReadEntries(journal_path_, {});
}

Status SimulatedAgent::InstallPolicy(const std::string& signed_policy) {
  Advance();
  PIIGUARD_ASSIGN_OR_RETURN(sync::PolicyOutcome outcome,
                            policy_->Install(signed_policy));
  (void)outcome;  // refusals are journaled (policy.refused)
  if (const policy::Policy* p = policy_->policy()) {
    PIIGUARD_ASSIGN_OR_RETURN(agent::session::SessionRules rules,
                              agent::session::RulesFromPolicy(*p));
    rules.standalone = false;
    PIIGUARD_RETURN_IF_ERROR(sessions_->ApplyRules(rules));
    agent::rosterguard::Rules guard;
    guard.quarantine_key = city_.quarantine_key;
    guard.detector.min_rows = static_cast<size_t>(p->roster_guard.min_rows);
    guard_->SetRules(guard);
    usb_->OnPolicyChanged();
  }
  return Status::Ok();
}

Status SimulatedAgent::NearMiss(const std::string& text) {
  Advance();
  return agent::RecordNearMiss(*events_, SatoUserName, kStaff, text).status();
}

void SimulatedAgent::Uevent(const std::string& action, const std::string& path,
                            const std::string& subsystem,
                            const std::string& devtype,
                            const std::string& devname) {
  os::Uevent e;
  e.action = action;
  e.devpath = "/" + path;
  e.subsystem = subsystem;
  e.devtype = devtype;
  e.devname = devname;
  os::UeventSource::Batch batch;
  batch.events.push_back(e);
  usb_->OnUevents(batch, clock_.MonotonicUs());
  PumpMedium();
}

void SimulatedAgent::PumpMedium() {
  // The medium helper's answers, as the daemon's loop hands them over.
  while (jobs_.RunPending() > 0) usb_->OnMediumReady();
}

void SimulatedAgent::AddUsbDevice(const std::string& port,
                                  const std::string& serial,
                                  std::vector<uint8_t> classes) {
  std::string d = Device(port);
  sysfs_.AddFile(d + "/authorized", "0\n");
  sysfs_.AddFile(d + "/serial", serial + "\n");
  sysfs_.AddFile(d + "/devnum", std::to_string(++devnum_) + "\n");
  sysfs_.AddFile(d + "/descriptors", Descriptors(classes));
  sysfs_.AddFile(d + "/idVendor", "46f4\n");
  sysfs_.AddFile(d + "/idProduct", "0001\n");
  sysfs_.AddSymlink("bus/usb/devices/" + port, "/" + d);
  // The kernel's order: "add", its generic driver's probe, "bind".
  Uevent("add", d, "usb", "usb_device");
  sysfs_.AddSymlink(d + "/driver", "/bus/usb/drivers/usb");
  Uevent("bind", d, "usb", "usb_device");
}

Status SimulatedAgent::PlugKeyedStick(const std::string& serial,
                                      const std::string& job,
                                      const std::string& holder) {
  Advance();
  policy::StickKey key;
  PIIGUARD_ASSIGN_OR_RETURN(std::string id, RandomBytes(16));
  for (char c : id) {
    static constexpr char kHex[] = "0123456789abcdef";
    key.stick_id += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
    key.stick_id += kHex[static_cast<unsigned char>(c) & 0xf];
  }
  const policy::Policy* policy = policy_->policy();
  if (policy == nullptr) {
    return FailedPreconditionError("seed", "stick", "no policy applied");
  }
  key.city_code = policy->city.code;
  key.identity = {"46f4", "0001", serial, kSectors * 512, "1a2b-3c4d", "vfat"};
  key.job_id = job;
  key.holder = holder;
  key.issued_at = clock_.WallSeconds() - 86400;
  key.expires_at = clock_.WallSeconds() + 86400 * 90;
  agent::usb::FakeStickMedium::Medium medium;
  medium.info.capacity_bytes = kSectors * 512;
  medium.info.fs = {0, kSectors * 512, "vfat", "1A2B-3C4D"};
  medium.fs_device = "sdb";
  PIIGUARD_ASSIGN_OR_RETURN(medium.key_file,
                            policy::SignStickKey(key, city_.key));
  medium_.Set("sdb", medium);
  AddUsbDevice("1-1", serial, {0x08});
  sysfs_.AddFile(Disk("1-1") + "/size", std::to_string(kSectors));
  sysfs_.AddFile(Disk("1-1") + "/dev", "8:16\n");
  sysfs_.AddSymlink("class/block/sdb", "/" + Disk("1-1"));
  blocks_.Add("sdb");
  Uevent("add", Disk("1-1"), "block", "disk", "sdb");
  return Status::Ok();
}

Status SimulatedAgent::PlugForeignStick(const std::string& serial) {
  Advance();
  agent::usb::FakeStickMedium::Medium medium;
  medium.info.capacity_bytes = kSectors * 512;
  medium.info.fs = {0, kSectors * 512, "vfat", "5E6F-7A8B"};
  medium.fs_device = "sdb";
  medium_.Set("sdb", medium);
  AddUsbDevice("1-1", serial, {0x08});
  sysfs_.AddFile(Disk("1-1") + "/size", std::to_string(kSectors));
  sysfs_.AddFile(Disk("1-1") + "/dev", "8:16\n");
  sysfs_.AddSymlink("class/block/sdb", "/" + Disk("1-1"));
  blocks_.Add("sdb");
  Uevent("add", Disk("1-1"), "block", "disk", "sdb");
  return Status::Ok();
}

Status SimulatedAgent::PlugDevice(std::vector<uint8_t> classes) {
  Advance();
  AddUsbDevice("1-2", "", std::move(classes));
  return Status::Ok();
}

Status SimulatedAgent::StartSession(const std::string& job) {
  Advance();
  PIIGUARD_ASSIGN_OR_RETURN(Json answer, sessions_->Start(kStaff, job));
  if (!answer.value("started", false)) {
    return FailedPreconditionError("seed", "session", answer.dump());
  }
  return Status::Ok();
}

Status SimulatedAgent::RadioTurnedOnByAnotherProgram() {
  Advance();
  rfkill_.SetSoftByOther(rfkill_.radios().begin()->first, false);
  return sessions_->OnRfkillReadable();
}

Status SimulatedAgent::SaveRoster(const std::string& name,
                                  const std::string& csv) {
  Advance();
  if (!file_events_.Write("/home/sato/" + name, csv, kStaffPid)) {
    return InternalError("seed", name, "fake write");
  }
  PIIGUARD_ASSIGN_OR_RETURN(os::FileEventBatch batch, file_events_.Drain());
  guard_->OnEvents(std::move(batch));
  return Status::Ok();
}

}  // namespace piiguard::seed

namespace piiguard::seed {

Status SimulatedAgent::EnableExceptions(const std::string& key_file) {
  agent::ExceptionConfig config;
  config.clock = &clock_;
  config.journal = journal_.get();
  config.state_file = dir_ + "/exceptions.state";
  config.boot_id = "seed-boot";
  config.pc_id = [pc = pc_] { return pc; };
  config.policy = [this] { return policy_->policy(); };
  config.user_name = SatoUserName;
  exceptions_ = std::make_unique<agent::ExceptionService>(
      std::move(config), agent::LoadExceptionKey(key_file, ::geteuid()));
  PIIGUARD_RETURN_IF_ERROR(exceptions_->Init());
  // As piiguardd joins them (agent/daemon/wire_exceptions.cc).
  exceptions_->SetRadios(sessions_.get());
  sessions_->SetExceptionGrants(exceptions_.get());
  sessions_->GrantsChanged();
  return Status::Ok();
}

Result<std::string> SimulatedAgent::AskRadiosException(int64_t minutes) {
  Advance();
  agent::ExceptionAsk ask;
  ask.scope = "radios";
  ask.minutes = minutes;
  PIIGUARD_ASSIGN_OR_RETURN(Json answer, exceptions_->Request(kStaff.uid, ask));
  if (!answer.contains("challenge")) {
    return FailedPreconditionError("seed", "exception request", answer.dump());
  }
  return answer["challenge"].get<std::string>();
}

Result<Json> SimulatedAgent::RedeemException(const std::string& response) {
  Advance();
  return exceptions_->Redeem(kStaff.uid, response);
}

int64_t SimulatedAgent::IssueDay() const {
  return exception::IssueDay(clock_.WallMs());
}

}  // namespace piiguard::seed
