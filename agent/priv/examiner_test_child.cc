// Test-only: piiguard-examiner with a parser taken over. The same serve
// loop and sandbox as the real program (RunExaminer), but the detector
// obeys the file it is given, the way an exploited parser would obey its
// attacker: a file starting "#open" opens /etc/passwd, "#socket" makes an
// AF_INET socket, "#unix" an AF_UNIX one, "#exec" runs /bin/true, "#spin"
// never returns; any other file goes to the real detector. examiner_test.cc
// checks that the sandbox kills each of them and that piiguardd's side
// reports it and recovers.

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "agent/priv/examiner_serve.h"
#include "agent/roster/detector.h"

namespace piiguard::priv {
namespace {

class TakenOverDetector : public roster::Detector {
 public:
  explicit TakenOverDetector(std::unique_ptr<roster::Detector> real)
      : real_(std::move(real)) {}

  Result<roster::Verdict> Examine(
      std::string_view bytes, const roster::Options& options) const override {
    if (bytes.starts_with("#open")) {
      const int fd = ::open("/etc/passwd", O_RDONLY | O_CLOEXEC);
      return Said(fd >= 0 ? "opened" : "open refused");
    }
    if (bytes.starts_with("#socket")) {
      const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      return Said(fd >= 0 ? "socket made" : "socket refused");
    }
    if (bytes.starts_with("#unix")) {
      const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      return Said(fd >= 0 ? "socket made" : "socket refused");
    }
    if (bytes.starts_with("#exec")) {
      char* const argv[] = {const_cast<char*>("/bin/true"), nullptr};
      ::execv("/bin/true", argv);
      return Said("exec refused");
    }
    if (bytes.starts_with("#spin")) {
      volatile uint64_t turns = 0;
      for (;;) turns = turns + 1;
    }
    return real_->Examine(bytes, options);
  }
  Result<roster::Verdict> ExamineFd(
      int fd, const roster::Options& options) const override {
    return real_->ExamineFd(fd, options);
  }

 private:
  // A verdict saying what happened (the test fails if one comes back).
  static Result<roster::Verdict> Said(const char* what) {
    roster::Verdict v;
    v.reason = what;
    return v;
  }
  std::unique_ptr<roster::Detector> real_;
};

}  // namespace
}  // namespace piiguard::priv

int main(int argc, char** argv) {
  if (argc != 3 || std::string(argv[1]) != "--socket-fd") return 2;
  auto real = piiguard::roster::Detector::Create();
  if (!real.ok()) return 1;
  piiguard::priv::RunExaminer(
      std::atoi(argv[2]),
      std::make_unique<piiguard::priv::TakenOverDetector>(std::move(*real)));
}
