// piiguard-examiner: the roster detector without privileges (README.md,
// docs/examiner.md). piiguardd starts it as the piiguard-examiner user
// with one end of a socketpair as descriptor 3; it loads the detector,
// enters its sandbox (no file, no network: ExaminerSandboxPolicy) and
// answers each request (a descriptor and the detector's options) with a
// verdict, until piiguardd closes the socket.
//
//   piiguard-examiner --socket-fd 3

#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "agent/priv/examiner_serve.h"
#include "agent/roster/detector.h"
#include "common/version.h"

int main(int argc, char** argv) {
  int socket_fd = -1;
  CLI::App app{"piiguard-examiner: examines files for rosters, unprivileged"};
  app.set_version_flag("--version", std::string(piiguard::kVersion));
  app.add_option("--socket-fd", socket_fd,
                 "the socket piiguardd gave it (SOCK_SEQPACKET)")
      ->required()
      ->check(CLI::Range(3, 1023));
  CLI11_PARSE(app, argc, argv);
  // Never outlive piiguardd, even while a parser spins.
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || ::getppid() == 1) {
    return 1;
  }
  // piiguardd runs at nice -20 for USB decisions; examining is background
  // work and must not take the CPU from the desktop.
  (void)::setpriority(PRIO_PROCESS, 0, 10);
  auto detector = piiguard::roster::Detector::Create();
  if (!detector.ok()) {
    std::cerr << "piiguard-examiner: " << detector.status().message() << "\n";
    return 1;
  }
  piiguard::priv::RunExaminer(socket_fd, std::move(*detector));
}
