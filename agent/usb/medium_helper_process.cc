#include "agent/usb/medium_helper_process.h"

#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <iostream>

#include "agent/usb/medium_helper.h"
#include "agent/usb/medium_jobs.h"
#include "agent/usb/stick_medium.h"
#include "common/os/mount_control.h"

namespace piiguard::agent::usb {
namespace {

Result<std::string> ReadRequest() {
  std::string bytes;
  char buffer[16384];
  for (;;) {
    ssize_t n = ::read(0, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("medium helper", "stdin", errno);
    if (n == 0) return bytes;
    bytes.append(buffer, static_cast<size_t>(n));
    if (bytes.size() > kMaxMediumMessageSize) {
      return InvalidArgumentError("medium helper", "stdin", "too large");
    }
  }
}

bool WriteAnswer(const MediumAnswer& answer) {
  std::string bytes = SerializeMediumAnswer(answer);
  std::string_view rest = bytes;
  while (!rest.empty()) {
    ssize_t n = ::write(1, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    rest.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

int RunMediumHelperProcess(const std::string& state_dir) {
  (void)::prctl(PR_SET_PDEATHSIG, SIGKILL);
  // Running now: the daemon's deadline for the request starts here.
  if (::write(1, &kHelperReady, 1) != 1) return 2;
  MediumAnswer answer;
  Result<std::string> bytes = ReadRequest();
  Result<MediumRequest> request =
      bytes.ok() ? ParseMediumRequest(*bytes) : bytes.status();
  if (!request.ok()) {
    answer.error = request.status().message();
    return WriteAnswer(answer) ? 0 : 2;
  }
  std::string mount_dir = state_dir + "/keymount";
  if (request->kind == MediumRequest::Kind::kRead) {
    if (Status s = EnterPrivateMountNamespace(mount_dir); !s.ok()) {
      answer.error = s.message();
      return WriteAnswer(answer) ? 0 : 2;
    }
  }
  LinuxStickMedium medium(mount_dir);
  os::LinuxMountControl mounts;
  answer = RunMediumRequest(*request, medium, mounts);
  if (!WriteAnswer(answer)) return 2;
  ::close(1);  // the daemon has its answer; what follows nobody waits for
  SettleMediumRequest(*request, answer, mounts);
  return 0;
}

}  // namespace piiguard::agent::usb
