// Firewall: a small seam over nftables for standalone mode: load a ruleset
// (nft -f -) and remove piiguard's table. Production code uses
// NftFirewall (runs /usr/sbin/nft through common/subprocess, no shell);
// tests use FakeFirewall (testing/fake_firewall.h).
//
// Thread-safety: NftFirewall: like RunProcess (one thread at a time).
#ifndef PIIGUARD_COMMON_OS_FIREWALL_H_
#define PIIGUARD_COMMON_OS_FIREWALL_H_

#include <string>
#include <string_view>
#include <utility>

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

}  // namespace piiguard::os

#endif  // PIIGUARD_COMMON_OS_FIREWALL_H_
