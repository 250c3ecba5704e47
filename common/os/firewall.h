// Firewall: a small seam over nftables for standalone mode: load a ruleset
// (nft -f -) and remove piiguard's table. Production code uses
// NftFirewall (runs /usr/sbin/nft through common/subprocess, no shell);
// tests use FakeFirewall.
//
// Thread-safety: NftFirewall: like RunProcess (one thread at a time);
// FakeFirewall: not thread-safe.
#ifndef PIIGUARD_COMMON_OS_FIREWALL_H_
#define PIIGUARD_COMMON_OS_FIREWALL_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace piiguard::os {

class Firewall {
 public:
  virtual ~Firewall() = default;
  // Loads `ruleset` atomically (nft -f). kNotFound: nft is not installed.
  virtual Status Apply(std::string_view ruleset) = 0;
  // Deletes `table` of `family` ("inet", "piiguard"); a missing table is
  // not an error.
  virtual Status DeleteTable(std::string_view family,
                             std::string_view table) = 0;
};

class NftFirewall : public Firewall {
 public:
  explicit NftFirewall(std::string nft = "nft") : nft_(std::move(nft)) {}
  Status Apply(std::string_view ruleset) override;
  Status DeleteTable(std::string_view family, std::string_view table) override;

 private:
  std::string nft_;
};

class FakeFirewall : public Firewall {
 public:
  // Every call fails with `status` while it is not OK.
  void Fail(Status status) { fail_ = std::move(status); }
  const std::vector<std::string>& applied() const { return applied_; }
  const std::vector<std::string>& deleted() const { return deleted_; }
  // The ruleset in force: the last applied, empty after a delete.
  const std::string& current() const { return current_; }

  Status Apply(std::string_view ruleset) override;
  Status DeleteTable(std::string_view family, std::string_view table) override;

 private:
  Status fail_;
  std::vector<std::string> applied_;
  std::vector<std::string> deleted_;
  std::string current_;
};

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_FIREWALL_H_
