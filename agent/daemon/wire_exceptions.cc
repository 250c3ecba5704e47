#include "agent/daemon/wire_exceptions.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <iostream>

#include "common/os/log.h"
#include "common/unique_fd.h"
#include "common/user_name.h"

namespace piiguard::agent {
namespace {

constexpr std::string_view kContext = "exception key";

void Log(const Status& status) { os::LogIfError("exception", status); }

}  // namespace

Result<exception::ExceptionKey> LoadExceptionKey(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return ErrnoStatus(kContext, path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(kContext, path, errno);
  if (!S_ISREG(st.st_mode)) {
    return FailedPreconditionError(kContext, path, "not a regular file");
  }
  if (st.st_uid != 0 || (st.st_mode & 077) != 0) {
    return FailedPreconditionError(
        kContext, path, "must be owned by root and readable by root only");
  }
  if (st.st_size != static_cast<off_t>(exception::ExceptionKey::kSize)) {
    return InvalidArgumentError(kContext, path,
                                std::to_string(st.st_size) +
                                    " bytes, want exactly 32");
  }
  std::string bytes(exception::ExceptionKey::kSize, '\0');
  size_t got = 0;
  while (got < bytes.size()) {
    ssize_t n = ::read(fd.get(), bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return n < 0 ? ErrnoStatus(kContext, path, errno)
                   : InvalidArgumentError(kContext, path, "short read");
    }
    got += static_cast<size_t>(n);
  }
  Result<exception::ExceptionKey> key =
      exception::ExceptionKey::FromBytes(bytes);
  std::fill(bytes.begin(), bytes.end(), '\0');
  return key;
}

Status WireExceptions(ExceptionWiring& wiring, const StatePaths& paths,
                      const Owners& owners, Daemon& daemon,
                      const os::KernelInfo& kernel, const std::string& key_path,
                      notify::Notifier& notifier) {
  PIIGUARD_ASSIGN_OR_RETURN(wiring.timer, os::Timer::Create("exception"));
  // Without the boot id a grant could outlive a reboot: fail closed.
  PIIGUARD_ASSIGN_OR_RETURN(std::string boot_id, kernel.BootId());
  ExceptionConfig config;
  config.clock = &owners.clock;
  config.journal = &owners.events.journal();
  config.notify = &notifier;
  config.state_file = paths.dir + "/exceptions.state";
  config.boot_id = std::move(boot_id);
  const Enrolment& enrolment = owners.enrolment;
  config.pc_id = [&enrolment] { return enrolment.pc().value_or(""); };
  const AppliedPolicy& applied = owners.policy;
  config.policy = [&applied] { return applied.policy(); };
  config.user_name = [](uid_t uid) { return UserNameOf(uid); };
  os::Timer& timer = *wiring.timer;
  config.schedule = [&timer](int64_t at_us) { Log(timer.At(at_us)); };
  Result<exception::ExceptionKey> key = LoadExceptionKey(key_path);
  if (!key.ok()) {
    // Not a problem of status: most PCs never need an exception. Every
    // request answers why.
    std::cerr << "piiguardd: exceptions: " << key.status().message() << "\n";
  }
  wiring.service =
      std::make_unique<ExceptionService>(std::move(config), std::move(key));
  ExceptionService& service = *wiring.service;
  Log(service.Init());
  PIIGUARD_RETURN_IF_ERROR(daemon.AddSource(timer.fd(), [&timer, &service] {
    Result<uint64_t> fired = timer.Consume();
    Log(fired.status());
    if (fired.ok() && *fired > 0) service.OnTimer();
  }));
  daemon.AddHandler(
      ipc::Op::kExceptionRequest,
      [&service](const ipc::Peer& peer, const ipc::Request& r) {
        return service.Request(peer.uid, r.scope, r.minutes, r.index);
      });
  daemon.AddHandler(ipc::Op::kExceptionRedeem,
                    [&service](const ipc::Peer& peer, const ipc::Request& r) {
                      return service.Redeem(peer.uid, r.text);
                    });
  daemon.AddHandler(ipc::Op::kExceptionEnd,
                    [&service](const ipc::Peer& peer, const ipc::Request& r) {
                      return service.End(peer.uid, r.grant);
                    });
  owners.board.AddPart("exceptions", [&service] { return service.StatusPart(); });
  return Status::Ok();
}

}  // namespace piiguard::agent
