// journal_writer: a helper for tests/integration/journal_crash_test.sh and
// journal_cli_test.sh (not installed).
//
//   journal_writer new-key KEY PUB          a device key pair (0600 / 0644)
//   journal_writer append DB KEY THREADS [COUNT] [TYPE]
//       appends events from THREADS threads, COUNT in all (0: until
//       killed), and prints each seq on its own line once Append returned.
//       Each line is one write(2) to stdout, so a reader never sees a line
//       for an event that is not durable.
//   journal_writer ack DB KEY SEQ
//       records that the office acknowledged entries up to SEQ (as the
//       sync does, through Journal::SetAcked with that entry's hash).
//
// Exit: 0 done, 2 error.

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "agent/journal/journal.h"
#include "common/file_util.h"
#include "common/json.h"

namespace {

using piiguard::Ed25519PrivateKey;

int Fail(const piiguard::Status& status) {
  std::cerr << "journal_writer: " << status.message() << "\n";
  return 2;
}

int NewKey(const std::string& key_path, const std::string& pub_path) {
  auto key = Ed25519PrivateKey::Generate();
  if (!key.ok()) return Fail(key.status());
  auto pem = key->ToPem();
  if (!pem.ok()) return Fail(pem.status());
  piiguard::Status status = piiguard::WriteFileAtomic(
      key_path, *pem, 0600, piiguard::Overwrite::kRefuse);
  piiguard::CleanseString(*pem);
  if (!status.ok()) return Fail(status);
  status = piiguard::WriteFileAtomic(pub_path, key->PublicKey().ToPem(), 0644,
                                     piiguard::Overwrite::kRefuse);
  if (!status.ok()) return Fail(status);
  return 0;
}

int Append(const std::string& db, const std::string& key_path, int threads,
           long count, const std::string& type) {
  auto pem = piiguard::ReadFileBytes(key_path, 64 * 1024);
  if (!pem.ok()) return Fail(pem.status());
  auto key = Ed25519PrivateKey::FromPem(*pem);
  piiguard::CleanseString(*pem);
  if (!key.ok()) return Fail(key.status());
  auto journal =
      piiguard::journal::Journal::Open(db, *key, piiguard::os::SystemClock());
  if (!journal.ok()) return Fail(journal.status());
  std::atomic<long> next{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      while (!failed) {
        long n = next++;
        if (count > 0 && n >= count) return;
        piiguard::journal::Event event{
            type, piiguard::journal::Severity::kNotice, "uid:1000",
            piiguard::Json{{"n", n}, {"thread", t}}};
        auto seq = (*journal)->Append(event);
        if (!seq.ok()) {
          Fail(seq.status());
          failed = true;
          return;
        }
        std::string line = std::to_string(*seq) + "\n";
        // One write per line: atomic on a pipe (shorter than PIPE_BUF).
        if (::write(STDOUT_FILENO, line.data(), line.size()) !=
            static_cast<ssize_t>(line.size())) {
          failed = true;
          return;
        }
      }
    });
  }
  for (auto& worker : workers) worker.join();
  return failed ? 2 : 0;
}

int Ack(const std::string& db, const std::string& key_path, uint64_t seq) {
  auto pem = piiguard::ReadFileBytes(key_path, 64 * 1024);
  if (!pem.ok()) return Fail(pem.status());
  auto key = Ed25519PrivateKey::FromPem(*pem);
  piiguard::CleanseString(*pem);
  if (!key.ok()) return Fail(key.status());
  auto entries = piiguard::journal::ReadEntries(db, {});
  if (!entries.ok()) return Fail(entries.status());
  for (const piiguard::journal::Entry& entry : *entries) {
    if (entry.seq != seq) continue;
    auto journal =
        piiguard::journal::Journal::Open(db, *key, piiguard::os::SystemClock());
    if (!journal.ok()) return Fail(journal.status());
    piiguard::Status acked = (*journal)->SetAcked(seq, entry.hash);
    return acked.ok() ? 0 : Fail(acked);
  }
  std::cerr << "journal_writer: no entry " << seq << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 3 && args[0] == "new-key") return NewKey(args[1], args[2]);
  if (args.size() >= 4 && args.size() <= 6 && args[0] == "append") {
    int threads = std::atoi(args[3].c_str());
    long count = args.size() >= 5 ? std::atol(args[4].c_str()) : 0;
    std::string type = args.size() == 6 ? args[5] : "near_miss.reported";
    if (threads < 1 || threads > 256 || count < 0) {
      std::cerr << "journal_writer: bad THREADS or COUNT\n";
      return 2;
    }
    return Append(args[1], args[2], threads, count, type);
  }
  if (args.size() == 4 && args[0] == "ack") {
    return Ack(args[1], args[2], std::strtoull(args[3].c_str(), nullptr, 10));
  }
  std::cerr << "usage: journal_writer new-key KEY PUB | append DB KEY THREADS "
               "[COUNT] [TYPE] | ack DB KEY SEQ\n";
  return 2;
}
