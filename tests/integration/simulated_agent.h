// SimulatedAgent: one PC's agent for office_seed, made of the agent's own
// producers on their in-memory fakes, so the office is seeded with what a
// real agent writes and never with types typed into a test: the daemon's
// owners and monitor (agent.started with the version, the policy, near
// misses, status reports), the USB enforcer on a fake sysfs and block layer,
// the session manager on fake radios, the roster guard on a fake file tree with
// the real detector, the exception service (offline exception codes) with
// its radios scope joined to the session manager as piiguardd joins it, all
// writing the agent's real Journal (a file).
//
// Each action moves the PC's clock one minute on, so the pages list the
// events in the order they were made.
//
// Thread-safety: not thread-safe (a single-threaded seeding program).
#ifndef PIIGUARD_TESTS_INTEGRATION_SIMULATED_AGENT_H_
#define PIIGUARD_TESTS_INTEGRATION_SIMULATED_AGENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/daemon/applied_policy.h"
#include "agent/daemon/device_signer.h"
#include "agent/daemon/enrolment.h"
#include "agent/daemon/event_sink.h"
#include "agent/daemon/status_board.h"
#include "agent/daemon/sync_monitor.h"
#include "agent/exception/exception_service.h"
#include "agent/journal/journal.h"
#include "agent/roster/detector.h"
#include "agent/rosterguard/guard.h"
#include "agent/session/session_manager.h"
#include "agent/usb/enforcer.h"
#include "agent/usb/medium_jobs.h"
#include "agent/usb/testing/fake_medium_jobs.h"
#include "agent/usb/testing/fake_stick_medium.h"
#include "common/crypto.h"
#include "common/os/firewall.h"
#include "common/os/mount_control.h"
#include "common/os/testing/fake_block_devices.h"
#include "common/os/testing/fake_block_write_gate.h"
#include "common/os/testing/fake_clock.h"
#include "common/os/testing/fake_device_write_watch.h"
#include "common/os/testing/fake_fanotify.h"
#include "common/os/testing/fake_file_system.h"
#include "common/os/testing/fake_firewall.h"
#include "common/os/testing/fake_links.h"
#include "common/os/testing/fake_mount_control.h"
#include "common/os/testing/fake_rfkill.h"
#include "common/os/testing/fake_sysfs.h"

namespace piiguard::seed {

// What every simulated PC shares: the city's key (its policies and stick
// keys), the office's quarantine key, the roster detector.
struct City {
  Ed25519PrivateKey key;
  X25519PublicKey quarantine_key;
  const roster::Detector* detector = nullptr;
  // A signed policy of `version`, valid around `now_ms`, naming `jobs` in
  // its register (for consignee npo-hidamari) and the quarantine key; its
  // consignees are those of office_pages_test.sh's policy: npo-hidamari
  // (0 山田 花子, 1 佐藤 一郎 deputy) and sun-kaigo (2 鈴木 一郎).
  Result<std::string> SignedPolicy(int64_t version, int64_t now_ms,
                                   const std::vector<std::string>& jobs) const;
};

class SimulatedAgent {
 public:
  // The PC's journal at DIR/journal.db, its state in DIR, enrolled as `pc`;
  // journals agent.started. `start_ms`: its clock.
  static Result<std::unique_ptr<SimulatedAgent>> Start(const City& city,
                                                       const std::string& dir,
                                                       const std::string& pc,
                                                       int64_t start_ms);
  ~SimulatedAgent();

  // The policy from the office (bytes of a signed policy).
  Status InstallPolicy(const std::string& signed_policy);
  // A staff member (uid 1000, "sato") reports a near miss.
  Status NearMiss(const std::string& text);
  // A stick keyed for `job` by the city is plugged: verified, a session
  // starts (radios off), it becomes writable.
  Status PlugKeyedStick(const std::string& serial, const std::string& job,
                        const std::string& holder);
  // A stick without a key file: it stays read-only.
  Status PlugForeignStick(const std::string& serial);
  // A USB device with these interface classes (0xe0: a wireless
  // controller) on port 1-2.
  Status PlugDevice(std::vector<uint8_t> classes);
  // A staff member starts a session for `job`; another program turns a
  // radio back on during it.
  Status StartSession(const std::string& job);
  Status RadioTurnedOnByAnotherProgram();
  // A staff member saves a roster into their home folder.
  Status SaveRoster(const std::string& name, const std::string& csv);
  // The exception service, with this PC's K_pc read from `key_file` (as
  // `piiguard-admin exception pc-key` wrote it) by the agent's own loader.
  Status EnableExceptions(const std::string& key_file);
  // `piiguard exception request --radios --minutes M` by staff (uid 1000):
  // the challenge shown, to be read out to the IT desk.
  Result<std::string> AskRadiosException(int64_t minutes);
  // `piiguard exception redeem RESPONSE`: the service's answer (accepted,
  // grant, ...).
  Result<Json> RedeemException(const std::string& response);
  // The issue day (days since 1970-01-01, Japan) of the PC's clock.
  int64_t IssueDay() const;

  // The daemon's answers to the sync process, as piiguardd gives them.
  agent::SyncMonitor& monitor() { return *monitor_; }
  journal::Journal& journal() { return *journal_; }
  const Ed25519PrivateKey& device_key() const { return device_key_; }
  const std::string& journal_path() const { return journal_path_; }
  // Every entry of the PC's journal file, oldest first: what the agent
  // really wrote, whichever producer wrote it.
  Result<std::vector<journal::Entry>> Entries() const;
  int64_t now_ms() const { return clock_.WallMs(); }
  void Advance() { clock_.AdvanceMs(int64_t{60} * 1000); }
  void AdvanceMs(int64_t ms) { clock_.AdvanceMs(ms); }

 private:
  SimulatedAgent(const City& city, Ed25519PrivateKey device_key);
  void AddUsbDevice(const std::string& port, const std::string& serial,
                    std::vector<uint8_t> classes);
  // Lets the fake medium helper answer every pending request.
  void PumpMedium();
  void Uevent(const std::string& action, const std::string& path,
              const std::string& subsystem, const std::string& devtype,
              const std::string& devname = "");

  const City& city_;
  Ed25519PrivateKey device_key_;
  std::string dir_;
  std::string pc_;
  os::FakeClock clock_{0};
  std::string journal_path_;
  std::unique_ptr<journal::Journal> journal_;
  // The daemon's owners, wired as piiguardd wires them.
  std::unique_ptr<agent::EventSink> events_;
  std::unique_ptr<agent::StatusBoard> board_;
  std::unique_ptr<agent::AppliedPolicy> policy_;
  std::unique_ptr<agent::Enrolment> enrolment_;
  std::unique_ptr<agent::DeviceSigner> signer_;
  std::unique_ptr<sync::SyncHealth> health_;
  std::unique_ptr<agent::SyncMonitor> monitor_;
  int devnum_ = 1;

  os::FakeSysfs sysfs_;
  os::FakeBlockDevices blocks_;
  agent::usb::FakeStickMedium medium_;
  os::FakeMountControl mounts_;
  agent::usb::FakeMediumJobs jobs_{medium_, mounts_};
  os::FakeDeviceWriteWatch writes_;
  os::FakeBlockWriteGate device_gate_;
  os::FakeRfkill rfkill_;
  os::FakeLinks links_;
  os::FakeFirewall firewall_;
  std::unique_ptr<agent::session::SessionManager> sessions_;
  std::unique_ptr<agent::usb::UsbEnforcer> usb_;
  os::FakeFileSystem files_;
  os::FakeFileEvents file_events_{&files_};
  // No staff desktop: notices go nowhere.
  class NoDesktop : public agent::notify::Notifier {
   public:
    void Notify(const agent::notify::Notice&) override {}
  };
  NoDesktop no_desktop_;
  agent::rosterguard::InlineExecutor inline_;
  std::unique_ptr<agent::rosterguard::Guard> guard_;
  std::unique_ptr<agent::ExceptionService> exceptions_;
};

}  // namespace piiguard::seed

#endif  // PIIGUARD_TESTS_INTEGRATION_SIMULATED_AGENT_H_
