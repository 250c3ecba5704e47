// FakeMediumJobs: MediumJobs (agent/usb/medium_jobs.h) that keep requests
// until a test runs them (RunPending) on the seams it was given, through the
// wire format both ways, as the helper process would; a stalled disk's reads
// never answer (a stick that does not answer), and starting fails on demand.
//
// Thread-safety: not thread-safe.
#ifndef PIIGUARD_AGENT_USB_TESTING_FAKE_MEDIUM_JOBS_H_
#define PIIGUARD_AGENT_USB_TESTING_FAKE_MEDIUM_JOBS_H_

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "agent/usb/medium_jobs.h"
#include "agent/usb/stick_medium.h"
#include "common/os/mount_control.h"

namespace piiguard::agent::usb {

class FakeMediumJobs : public MediumJobs {
 public:
  // Requests run on these seams (through the wire format, both ways).
  FakeMediumJobs(StickMedium& medium, os::MountControl& mounts)
      : medium_(medium), mounts_(mounts) {}
  // Requests for `disk` (reads) never answer: a stick that stalls.
  void Stall(const std::string& disk) { stalled_.push_back(disk); }
  void FailStart(bool fail) { fail_start_ = fail; }
  // Runs every pending request that is not stalled (a stalled one only
  // starts); how many updates that made for Collect().
  size_t RunPending();
  size_t pending() const { return pending_.size(); }
  const std::vector<Id>& abandoned() const { return abandoned_; }
  const std::vector<MediumRequest>& started() const { return started_; }

  Result<Id> Start(const MediumRequest& request) override;
  void Abandon(Id id) override;
  int fd() const override { return -1; }
  std::vector<Done> Collect() override;

 private:
  StickMedium& medium_;
  os::MountControl& mounts_;
  std::vector<std::string> stalled_;
  bool fail_start_ = false;
  Id next_ = 1;
  std::map<Id, std::string> pending_;  // serialized requests
  std::set<Id> started_ids_;           // "started" given to Collect()
  std::vector<Done> done_;
  std::vector<Id> abandoned_;
  std::vector<MediumRequest> started_;
};

}  // namespace piiguard::agent::usb

#endif  // PIIGUARD_AGENT_USB_TESTING_FAKE_MEDIUM_JOBS_H_
