#include "agent/priv/examiner_serve.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <string_view>

#include "agent/priv/examiner_link.h"
#include "agent/priv/examiner_sandbox.h"
#include "common/os/log.h"
#include "common/os/sandbox.h"

namespace piiguard::priv {
namespace {

constexpr int kRequiredSeals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

[[noreturn]] void Exit(int code) {
  // Not exit(): no atexit work (a sanitizer's leak check would need system
  // calls the sandbox refuses).
  ::_exit(code);
}

[[noreturn]] void Fail(const Status& status) {
  os::LogIfError("", status);
  Exit(1);
}

// Runs the detector once over each kind of input it decodes, so that every
// lazily loaded part (ICU's converters for Shift_JIS, EUC-JP and UTF-16,
// the zip and XML readers) is loaded while files may still be opened; and
// loads the time zone, which libzip's mktime() of a member's date reads
// from /etc/localtime (later calls only stat it: should the file change,
// the open that follows kills this child, and the next one loads the new
// zone).
void WarmUp(const roster::Detector& detector) {
  ::tzset();
  std::tm tm{};
  const std::time_t epoch = 0;
  ::localtime_r(&epoch, &tm);
  (void)::mktime(&tm);
  static constexpr std::string_view kSamples[] = {
      "\xe6\xb0\x8f\xe5\x90\x8d,\xe4\xbd\x8f\xe6\x89\x80\n",   // UTF-8
      "\x8e\x81\x96\xbc,\x8f\x5a\x8f\x8a\n",                   // Shift_JIS
      "\xbb\xe1\xcc\xbe,\xbd\xbb\xbd\xea\n",                   // EUC-JP
      {"\xff\xfe\x0f\x6c\x0d\x54\n\x00", 8},                   // UTF-16LE
      {"\xfe\xff\x6c\x0f\x54\x0d\x00\n", 8},                   // UTF-16BE
      {"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 22},  // empty zip
      R"(<?xml version="1.0"?><a><b>x</b></a>)",
      R"({"a": [1, "b"]})"};
  const roster::Options options;
  for (std::string_view sample : kSamples) {
    (void)detector.Examine(sample, options);
  }
}

}  // namespace

Result<roster::Verdict> ExamineRequestFd(const roster::Detector& detector,
                                         const ExamineRequest& request,
                                         int fd) {
  if (request.source == Source::kFile) {
    return detector.ExamineFd(fd, request.options);
  }
  const int seals = ::fcntl(fd, F_GET_SEALS);
  if (seals < 0) return ErrnoStatus("examiner", "memfd seals", errno);
  if ((seals & kRequiredSeals) != kRequiredSeals) {
    return InvalidArgumentError("examiner", "memfd", "not sealed");
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) return ErrnoStatus("examiner", "memfd", errno);
  const auto size = static_cast<size_t>(st.st_size);
  if (size == 0) return detector.Examine({}, request.options);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) return ErrnoStatus("examiner", "memfd map", errno);
  Result<roster::Verdict> verdict = detector.Examine(
      std::string_view(static_cast<const char*>(map), size), request.options);
  ::munmap(map, size);
  return verdict;
}

void RunExaminer(int socket, std::unique_ptr<roster::Detector> detector) {
  WarmUp(*detector);
  // Everything from the outside is loaded: the sandbox closes now.
  os::LinuxSandbox sandbox;
  Result<os::SandboxReport> report = sandbox.Enter(ExaminerSandboxPolicy());
  if (!report.ok()) Fail(report.status());
  if (Status s = SendMessage(socket, EncodeHello(report->Describe()), -1);
      !s.ok()) {
    Fail(s);
  }
  for (;;) {
    Result<Message> message = ReceiveMessage(socket, kRequestSize);
    if (!message.ok() && message.status().code() == StatusCode::kNotFound) {
      Exit(0);  // piiguardd closed the socket
    }
    if (!message.ok()) Fail(message.status());
    Result<ExamineRequest> request = DecodeRequest(message->bytes);
    if (!request.ok()) Fail(request.status());
    if (!message->fd.valid()) {
      Fail(InvalidArgumentError("examiner", "request", "no descriptor"));
    }
    ExamineReply reply =
        ReplyFor(ExamineRequestFd(*detector, *request, message->fd.get()));
    message->fd.Reset();
    if (Status s = SendMessage(socket, EncodeReply(reply), -1); !s.ok()) {
      Fail(s);
    }
  }
}

}  // namespace piiguard::priv
