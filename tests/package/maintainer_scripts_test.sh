#!/usr/bin/env bash
# The piiguard package's real maintainer scripts (from the .deb, with
# debhelper's generated sections) through first install, upgrade, removal,
# purge and reinstall, without touching this machine: they run in a private
# mount namespace where /etc, /var/lib, /var/backups, /run, /boot and
# /usr/sbin are scratch tmpfs, and every system command they call
# (piiguardd, piiguard, update-grub, deb-systemd-invoke, udevadm, ...) is a
# stub that logs its arguments. What the stubs stand for is tested
# elsewhere: piiguard journal unsent in journal_cli_test, piiguardd
# --release/--record-present-devices and the units in the system tier
# (tests/system/), which installs the packages in a real Debian guest.
# Usage: maintainer_scripts_test.sh dist/piiguard_VERSION_ARCH.deb
# Exit 0 all passed, 1 a check failed, 77 skipped (not root, no unshare).
set -uo pipefail
deb=$(realpath "${1:?usage: maintainer_scripts_test.sh PIIGUARD_DEB}")
if [[ $(id -u) -ne 0 ]] || ! command -v unshare >/dev/null; then
  echo "maintainer_scripts_test: SKIP: needs root and unshare (a private mount namespace)"
  exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -e "$deb" "$work/control"
dpkg-deb -x "$deb" "$work/root"
unshare --mount --propagation private bash "$here/maintainer_scripts_steps.sh" \
  "$work/control" "$work/root" "$work/log"
rc=$?
cat "$work/log" 2>/dev/null
exit "$rc"
