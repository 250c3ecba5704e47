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
# Then pam_profile_steps.sh runs the real pam-auth-update as the scripts
# call it, on copies of this machine's PAM configuration.
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
# The maintenance window's PAM profile through the real pam-auth-update, on
# copies of this machine's PAM configuration (pam_profile_steps.sh).
if command -v pam-auth-update >/dev/null && [[ -d /var/lib/pam ]]; then
  unshare --mount --propagation private bash "$here/pam_profile_steps.sh" \
    "$work/control" "$work/root" "$work/pamlog"
  pam_rc=$?
  cat "$work/pamlog" 2>/dev/null
  ((pam_rc == 0)) || rc=1
else
  echo "FAIL pam_profile: no pam-auth-update here (libpam-runtime)"
  rc=1
fi
# One total for the package tier's line.
count() {  # count NAME FIELD LOG: the passed (1) or failed (2) count, or 0
  local n
  n=$(sed -n "s/^$1: \([0-9]*\) passed, \([0-9]*\) failed$/\\$2/p" "$3" 2>/dev/null | tail -1)
  echo "${n:-0}"
}
p=$(($(count maintainer_steps 1 "$work/log") + $(count pam_profile 1 "$work/pamlog")))
f=$(($(count maintainer_steps 2 "$work/log") + $(count pam_profile 2 "$work/pamlog")))
echo "maintainer_scripts: $p passed, $f failed"
exit "$rc"
