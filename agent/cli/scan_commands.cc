// piiguard scan [--json] [--full] [--out REPORT] PATH...: looks for rosters
// (名簿) on this PC's disks before it goes to repair (REQUIREMENTS R4), and
// writes a report signed by piiguardd with the device key
// (docs/scan-report.md); piiguard scan verify REPORT [--pub DEVICE_PUB]
// checks one. The walk is agent/scan's; this file reads the policy's
// min_rows, draws the progress line, asks the daemon for the attestation
// and prints.
//
// Exit codes: 0 no roster and nothing left unexamined, 1 rosters found or
// something not examined (the report lists what), 2 an error (no report).

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <ostream>
#include <set>

#include "agent/cli/ask_daemon.h"
#include "agent/cli/tool.h"
#include "agent/ipc/ipc.h"
#include "agent/roster/detector.h"
#include "agent/scan/scanner.h"
#include "agent/state/state_dir.h"
#include "common/encoding.h"
#include "common/file_util.h"
#include "common/json.h"
#include "common/os/clock.h"
#include "common/os/linux_file_system.h"
#include "common/os/linux_sysfs.h"
#include "common/os/mountinfo.h"
#include "common/scanreport/scan_report.h"
#include "common/signed_envelope.h"
#include "common/timestamp.h"
#include "common/user_name.h"
#include "policy/policy.h"

namespace piiguard::cli {
namespace {

constexpr size_t kShown = 20;  // entries of each list printed on screen
constexpr size_t kMaxPem = size_t{64} * 1024;

struct ScanArgs {
  bool json = false;
  bool full = false;
  std::string out;
  std::vector<std::string> paths;
  std::string socket = std::string(ipc::kDefaultSocketPath);
  std::string state_dir = std::string(agent::kDefaultStateDir);
  // verify
  std::string report;
  std::string pub;
};

std::string Megabytes(uint64_t bytes) {
  return std::to_string(bytes / (uint64_t{1024} * 1024));
}

// An absolute, normalised path without a trailing '/' (but "/").
std::string Absolute(const std::string& path) {
  std::filesystem::path p(path);
  std::error_code ignored;
  if (p.is_relative()) p = std::filesystem::current_path(ignored) / p;
  std::string out = p.lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

// min_rows from the applied policy as the daemon stored it (only root can
// write it); the detector's default when it cannot be read.
roster::Options DetectorOptions(const agent::StatePaths& paths) {
  roster::Options options;
  Result<std::string> bytes = ReadFileBytes(paths.Policy(), size_t{4} << 20);
  if (!bytes.ok()) return options;
  Result<SignedEnvelope> envelope = ParseSignedEnvelope(*bytes);
  if (!envelope.ok()) return options;
  Result<policy::Policy> parsed = policy::ParsePolicy(envelope->payload);
  if (!parsed.ok()) return options;
  options.min_rows = static_cast<size_t>(parsed->roster_guard.min_rows);
  return options;
}

// The progress line on a terminal: counts and the current path, at most
// ten times a second.
class ProgressLine {
 public:
  ProgressLine(const Tool& tool, bool on) : tool_(tool), on_(on) {}
  void Show(const scan::Progress& p) {
    if (!on_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    static constexpr char kSpin[] = "|/-\\";
    std::string path = scanreport::EncodePath(p.path);
    if (path.size() > 60) path = "..." + path.substr(path.size() - 57);
    *tool_.err << "\r\033[K" << kSpin[turn_++ % 4] << " "
               << Message(tool_.lang, MsgId::kScanProgress,
                          {std::to_string(p.files), Megabytes(p.bytes),
                           std::to_string(p.rosters)})
               << "  " << path << std::flush;
    shown_ = true;
  }
  void Clear() const {
    if (shown_) *tool_.err << "\r\033[K" << std::flush;
  }

 private:
  const Tool& tool_;
  bool on_;
  bool shown_ = false;
  unsigned turn_ = 0;
  std::chrono::steady_clock::time_point last_;
};

// What the device is to the office: its PC id and public key, if the daemon
// is reachable and the PC enrolled; else why the report cannot be signed.
struct Device {
  std::string pc;
  std::optional<Ed25519PublicKey> key;
  std::string unsigned_reason;
};

Device AskDevice(const ScanArgs& args, const agent::StatePaths& paths) {
  Device device;
  Result<std::string> pem = ReadFileBytes(paths.DevicePub(), kMaxPem);
  if (pem.ok()) {
    Result<Ed25519PublicKey> key = Ed25519PublicKey::FromPem(*pem);
    if (key.ok()) device.key = *key;
  }
  ipc::Request request;
  request.op = ipc::Op::kStatus;
  Result<Json> status = ipc::Call(args.socket, request);
  if (!status.ok()) {
    device.unsigned_reason =
        "piiguardd not reachable: " + status.status().message();
    return device;
  }
  if (!status->value("enrolled", false)) {
    device.unsigned_reason = "this PC is not enrolled";
    return device;
  }
  device.pc = status->value("pc", std::string());
  if (!device.key) {
    device.unsigned_reason = "device key not readable: " + paths.DevicePub();
  }
  return device;
}

// Asks piiguardd to sign; the attestation is checked before it is kept.
void Attest(const Tool& tool, const ScanArgs& args, const Device& device,
            scanreport::Report& report, uint64_t* journal_seq) {
  Result<std::string> canonical = scanreport::CanonicalBody(report.body);
  if (!canonical.ok()) {
    report.unsigned_reason = canonical.status().message();
    return;
  }
  ipc::Request request;
  request.op = ipc::Op::kScanAttest;
  request.body_sha256 = Sha256Hex(*canonical);
  request.counts = report.body.counts;
  request.full = report.body.full;
  Result<Json> answer = ipc::CallAnswer(args.socket, request);
  if (!answer.ok()) {
    report.unsigned_reason = "piiguardd refused: " + answer.status().message();
    return;
  }
  if (!ipc::AnswerOk(*answer)) {
    // Refused by the socket's limits: staff read why and what to do; the
    // report is written unsigned, saying why.
    if (std::optional<std::string> message =
            LimitRefusalMessage(tool.lang, request.op, *answer)) {
      *tool.err << *message << "\n";
    }
    report.unsigned_reason = "piiguardd refused: " + ipc::AnswerError(*answer);
    return;
  }
  auto it = answer->find("attestation");
  if (it == answer->end() || !it->is_string()) {
    report.unsigned_reason = "piiguardd gave no attestation";
    return;
  }
  report.attestation = it->get<std::string>();
  Result<scanreport::Attestation> verified =
      scanreport::VerifyReport(report, *device.key);
  if (!verified.ok()) {
    report.attestation.reset();
    report.unsigned_reason =
        "the attestation did not verify: " + verified.status().message();
    return;
  }
  *journal_seq = verified->journal_seq;
}

template <typename List, typename Line>
void PrintList(const Tool& tool, const List& list, uint64_t count, Line line) {
  for (size_t i = 0; i < list.size() && i < kShown; ++i) {
    *tool.out << line(list[i]) << "\n";
  }
  if (count > std::min<uint64_t>(list.size(), kShown)) {
    *tool.out << Message(tool.lang, MsgId::kScanMore,
                         {std::to_string(
                             count - std::min<uint64_t>(list.size(), kShown))})
              << "\n";
  }
}

void PrintHuman(const Tool& tool, const scanreport::Report& report,
                const std::string& out, uint64_t journal_seq) {
  const scanreport::Body& b = report.body;
  const scanreport::Counts& c = b.counts;
  Lang lang = tool.lang;
  *tool.out << Message(lang, MsgId::kScanSummary,
                       {std::to_string(c.files), Megabytes(c.bytes),
                        std::to_string(c.dirs), std::to_string(c.symlinks),
                        std::to_string(c.special), std::to_string(c.mounts)})
            << "\n";
  PrintList(tool, b.findings, c.rosters, [&](const scanreport::Finding& f) {
    return Message(
        lang, MsgId::kScanRosterFound,
        {f.path,
         f.verdict.contains("people") ? f.verdict["people"].dump() : "?"});
  });
  PrintList(tool, b.not_examined, c.not_examined,
            [&](const scanreport::Unexamined& u) {
              return Message(lang, MsgId::kScanNotExamined, {u.path, u.reason});
            });
  PrintList(tool, b.partial, c.partial, [&](const std::string& p) {
    return Message(lang, MsgId::kScanPartial, {p});
  });
  PrintList(tool, b.mounts, c.mounts, [&](const std::string& p) {
    return Message(lang, MsgId::kScanMountSkipped, {p});
  });
  if (c.rosters > 0) {
    *tool.out << Message(lang, MsgId::kScanRostersFound,
                         {std::to_string(c.rosters)})
              << "\n";
  }
  if (c.not_examined > 0) {
    *tool.out << Message(lang, MsgId::kScanUnexaminedFound,
                         {std::to_string(c.not_examined)})
              << "\n";
  }
  if (c.rosters == 0 && c.not_examined == 0) {
    *tool.out << Message(lang, MsgId::kScanClean, {}) << "\n";
  }
  if (b.uid != 0) *tool.out << Message(lang, MsgId::kScanNotRoot, {}) << "\n";
  if (report.attestation) {
    *tool.out << Message(lang, MsgId::kScanSigned,
                         {std::to_string(journal_seq), out})
              << "\n";
  } else {
    *tool.out << Message(lang, MsgId::kScanUnsigned,
                         {report.unsigned_reason, out})
              << "\n";
  }
}

Result<std::vector<std::string>> FullRoots() {
  PIIGUARD_ASSIGN_OR_RETURN(std::unique_ptr<os::LinuxMountTable> table,
                            os::LinuxMountTable::Open());
  PIIGUARD_ASSIGN_OR_RETURN(std::string bytes, table->Read());
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<os::MountInfo> mounts,
                            os::ParseMountInfo(bytes));
  os::LinuxSysfs sysfs;
  std::vector<std::string> roots;
  for (const os::MountInfo& m :
       os::LocalDiskFilesystems(mounts, [&sysfs](const os::MountInfo& mount) {
         return os::IsUsbBlockDevice(sysfs, mount);
       })) {
    roots.push_back(m.mount_point);
  }
  return roots;
}

int RunScan(const Tool& tool, const ScanArgs& args) {
  agent::StatePaths paths(args.state_dir);
  std::vector<std::string> roots;
  std::set<std::string> elsewhere;
  if (args.full) {
    Result<std::vector<std::string>> full = FullRoots();
    if (!full.ok()) return tool.Fail(full.status());
    roots = *full;
    elsewhere.insert(roots.begin(), roots.end());
  }
  for (const std::string& path : args.paths) roots.push_back(Absolute(path));
  if (roots.empty()) {
    return tool.Fail(InvalidArgumentError("piiguard scan", "paths",
                                          "give PATH... or --full"));
  }
  roster::Options options = DetectorOptions(paths);
  Result<std::unique_ptr<roster::Detector>> detector =
      roster::Detector::Create();
  if (!detector.ok()) return tool.Fail(detector.status());

  scanreport::Report report;
  scanreport::Body& body = report.body;
  body.started =
      FormatRfc3339(os::SystemClock().WallSeconds(), kJstOffsetMinutes);
  body.uid = ::geteuid();
  body.user = UserNameOf(static_cast<uid_t>(body.uid));
  body.full = args.full;
  body.options = {options.min_rows, options.max_input, options.max_unpacked,
                  options.max_ratio};
  for (const std::string& root : roots) {
    body.paths.push_back(scanreport::EncodePath(root));
  }

  os::LinuxFileSystem files;
  scan::Scanner scanner(files, **detector, options);
  scanner.SetScannedElsewhere(elsewhere);
  ProgressLine progress(tool, ::isatty(STDERR_FILENO) == 1);
  scanner.SetProgress(
      [&progress](const scan::Progress& p) { progress.Show(p); });
  for (const std::string& root : roots) scanner.Walk(root);
  progress.Clear();
  scan::ScanResult result = scanner.Collected();
  body.finished =
      FormatRfc3339(os::SystemClock().WallSeconds(), kJstOffsetMinutes);
  body.counts = result.counts;
  body.findings = std::move(result.findings);
  body.not_examined = std::move(result.not_examined);
  body.partial = std::move(result.partial);
  body.mounts = std::move(result.mounts);
  body.clean = scanreport::IsClean(body.counts, body.uid);

  Device device = AskDevice(args, paths);
  body.pc = device.pc;
  if (device.key) body.device_key = HexEncode(device.key->raw());
  uint64_t journal_seq = 0;
  if (device.unsigned_reason.empty()) {
    Attest(tool, args, device, report, &journal_seq);
  } else {
    report.unsigned_reason = device.unsigned_reason;
  }

  Result<std::string> bytes = scanreport::SerializeReport(report);
  if (!bytes.ok()) return tool.Fail(bytes.status());
  std::string out = args.out;
  if (out.empty()) {
    std::string stamp =
        FormatRfc3339(os::SystemClock().WallSeconds(), kJstOffsetMinutes);
    std::string compact;
    for (char c : stamp.substr(0, 19)) {
      if (c != '-' && c != ':') compact.push_back(c == 'T' ? '-' : c);
    }
    out = "piiguard-scan-" + compact + ".json";
  }
  if (Status s = WriteFileAtomic(out, *bytes, 0600); !s.ok()) {
    return tool.Fail(s);
  }
  if (args.json) {
    Json json = {{"report", out},
                 {"signed", report.attestation.has_value()},
                 {"body", scanreport::BodyJson(body)}};
    if (report.attestation) {
      json["journal_seq"] = journal_seq;
    } else {
      json["unsigned"] = report.unsigned_reason;
    }
    *tool.out << json.dump(2) << "\n";
  } else {
    PrintHuman(tool, report, out, journal_seq);
  }
  bool found = body.counts.rosters > 0 || body.counts.not_examined > 0;
  return found ? kExitRefused : kExitOk;
}

int RunVerify(const Tool& tool, const ScanArgs& args) {
  agent::StatePaths paths(args.state_dir);
  std::string pub_path = args.pub.empty() ? paths.DevicePub() : args.pub;
  Result<std::string> pem = ReadFileBytes(pub_path, kMaxPem);
  if (!pem.ok()) return tool.Fail(pem.status());
  Result<Ed25519PublicKey> key = Ed25519PublicKey::FromPem(*pem);
  if (!key.ok()) return tool.Fail(key.status().Annotate(pub_path));
  Result<std::string> bytes =
      ReadFileBytes(args.report, scanreport::kMaxReportBytes);
  if (!bytes.ok()) return tool.Fail(bytes.status());
  Result<scanreport::Report> report = scanreport::ParseReport(*bytes);
  Result<scanreport::Attestation> verified =
      report.ok() ? scanreport::VerifyReport(*report, *key)
                  : Result<scanreport::Attestation>(report.status());
  if (!verified.ok()) {
    *tool.err << Message(tool.lang, MsgId::kScanVerifyFailed,
                         {verified.status().message()})
              << "\n";
    return kExitRefused;
  }
  *tool.out << scanreport::DescribeVerified(*verified, tool.lang);
  return kExitOk;
}

}  // namespace

void AddScanCommands(CLI::App& app, Tool& tool) {
  auto args = std::make_shared<ScanArgs>();
  CLI::App* scan = app.add_subcommand(
      "scan",
      "look for rosters (名簿) on this PC's disks, e.g. before repair; writes "
      "a report signed with the device key");
  scan->add_flag("--json", args->json, "machine-readable output");
  scan->add_flag("--full", args->full, "every local disk filesystem");
  scan->add_option("--out", args->out,
                   "the report file (default piiguard-scan-DATE-TIME.json)");
  scan->add_option("--socket", args->socket,
                   "the agent's socket (default /run/piiguard/agent.sock)");
  scan->add_option("--state-dir", args->state_dir,
                   "the agent's state directory (default /var/lib/piiguard)");
  scan->add_option("paths", args->paths, "files and folders to scan");
  CLI::App* verify = scan->add_subcommand(
      "verify", "check a scan report's signature (報告書の確認)");
  verify->add_option("report", args->report, "the report file")->required();
  verify->add_option("--pub", args->pub,
                     "the device's public key (default "
                     "/var/lib/piiguard/device.pub)");
  verify->add_option("--state-dir", args->state_dir,
                     "the agent's state directory (default /var/lib/piiguard)");
  scan->callback([&tool, args, verify] {
    if (verify->parsed()) return;
    tool.run = [&tool, args] { return RunScan(tool, *args); };
  });
  verify->callback([&tool, args] {
    tool.run = [&tool, args] { return RunVerify(tool, *args); };
  });
}

}  // namespace piiguard::cli
