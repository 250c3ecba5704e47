// Test helpers for office/signer: a temporary directory, a valid exception
// file and its payload at a fixed time, and an IssuedLog fake that records
// lines (or fails) and can run a check when a line is appended.
//
// Thread-safety: not thread-safe; one test at a time.
#ifndef PIIGUARD_OFFICE_SIGNER_TESTING_SIGNER_FIXTURE_H_
#define PIIGUARD_OFFICE_SIGNER_TESTING_SIGNER_FIXTURE_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "office/signer/issued_log.h"
#include "policy/exception/exception_file.h"

namespace piiguard::office::signer::testing {

// 2026-06-01T12:00:00+09:00.
inline constexpr int64_t kNow = 1780282800;

class TempDir {
 public:
  TempDir() {
    std::string pattern = "/tmp/signer-test-XXXXXX";  // short: socket paths
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const {
    return path_ + "/" + std::string(name);
  }

 private:
  std::string path_;
};

inline exception::ExceptionFile ValidFile() {
  exception::ExceptionFile f;
  f.id = 12345678901234567890ULL;
  f.pc_id = "hidamari-pc-01";
  f.scope = exception::ScopeKind::kRadios;
  f.duration = exception::DurationClass::k1Hour;
  f.person = "佐藤 一郎";
  f.reason = "研修のため";
  f.issued_at = kNow;
  f.redeem_by = kNow + 24 * 3600;
  return f;
}

inline std::string PayloadOf(const exception::ExceptionFile& file) {
  Result<std::string> payload = exception::ExceptionFilePayload(file);
  EXPECT_TRUE(payload.ok()) << payload.status().ToString();
  return payload.ok() ? *payload : std::string();
}

class FakeIssuedLog final : public IssuedLog {
 public:
  Status Append(std::string_view line) override {
    if (on_append) on_append();
    if (!fail.ok()) return fail;
    lines.emplace_back(line);
    return Status::Ok();
  }
  Status fail;                      // not OK: every Append fails with it
  std::function<void()> on_append;  // runs before the line is taken
  std::vector<std::string> lines;
};

}  // namespace piiguard::office::signer::testing

#endif  // PIIGUARD_OFFICE_SIGNER_TESTING_SIGNER_FIXTURE_H_
