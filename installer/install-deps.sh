#!/usr/bin/env bash
# Installs what piiguard needs from Debian's packages (Debian 12, as root).
#   install-deps.sh          build and run
#   install-deps.sh --test   also what the test tiers need
set -euo pipefail

build_deps=(
  build-essential cmake ninja-build pkg-config
  libssl-dev nlohmann-json3-dev libcli11-dev libblkid-dev
  libgtest-dev libgmock-dev
  libsqlite3-dev libcpp-httplib-dev libpqxx-dev
  # The review pages' HTML templates (office/pages/page_templates.h).
  libctemplate-dev
  mtools dosfstools e2fsprogs fdisk
  libhyperscan-dev libicu-dev libzip-dev libexpat1-dev
  libsystemd-dev
  libseccomp-dev
  # The USB write gate: its BPF LSM program is compiled by clang for the BPF
  # target and loaded with libbpf (common/os/block_write_gate.h).
  clang-14 libbpf-dev
)
test_deps=(
  clang clang-tidy clang-format libclang-rt-14-dev
  # LLVM's linker for the unit tier's build: it links the ASan test
  # programs about 3.7 times faster than ld.bfd (docs/BENCHMARKS.md).
  lld
  # clang's headers, for the tidy tier's preload into clang-tidy 14
  # (tests/tidy/skip_system_headers.cc).
  libclang-14-dev
  postgresql chromium sqlite3
  nodejs fonts-ipafont-gothic
  python3 ripgrep
  lintian
  # visudo, for the package tier's check of the maintenance sudo rule.
  sudo
  # The package tier's build (debian/control's Build-Depends beyond the
  # above), the vm tier (tests/vm/setup.sh) and the system tier
  # (tests/system/setup.sh): installed here, before tiers run side by side.
  debhelper dpkg-dev
  qemu-system-x86 qemu-utils busybox-static kmod cpio
  mmdebstrap fdisk
)

packages=("${build_deps[@]}")
if [[ "${1:-}" == "--test" ]]; then
  packages+=("${test_deps[@]}")
  # Debian's nodejs comes without npm (NodeSource's includes it): the
  # browser test installs playwright-core with npm.
  if ! command -v npm >/dev/null; then
    packages+=(npm)
  fi
  # clang-tidy-22 comes from bookworm-security (Debian backports LLVM there
  # for the browsers); it runs the same checks as clang-tidy 14 in a third
  # of the time. Without it the tidy tier uses clang-tidy 14, with a preload
  # that skips system headers as version 22 does (tests/run_all.sh).
  # (A fresh machine's package lists may be empty: read them first.)
  if ! dpkg-query -W -f='${Status}' clang-tidy-22 2>/dev/null | grep -q "install ok installed" &&
     [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq || true
  fi
  # Read whole first: under pipefail, `| grep -q` ends the pipe early and
  # apt-cache's SIGPIPE made this test fail every time.
  tidy22_policy=$(apt-cache policy clang-tidy-22 2>/dev/null || true)
  if grep -q 'Candidate: [0-9]' <<<"$tidy22_policy"; then
    packages+=(clang-tidy-22)
  else
    echo "install-deps: clang-tidy-22 is not in this machine's archive (bookworm-security); the tidy tier uses clang-tidy 14"
  fi
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: everything is installed already"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root to install them" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
