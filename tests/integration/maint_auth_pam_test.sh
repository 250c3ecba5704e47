#!/usr/bin/env bash
# piiguard-maint-auth (agent/maint/maint_auth.h) under the real libpam and
# pam_exec, as the package's PAM profile runs it, without touching this
# machine: a private mount namespace with /run and /etc/pam.d on tmpfs and
# an /etc/passwd that has a piiguard-maint account (maint_auth_pam.py).
# Usage: maint_auth_pam_test.sh PIIGUARD_MAINT_AUTH
# Exit 0 passed, 1 failed, 77 skipped (not root, no unshare, python3, pam_exec).
set -uo pipefail
helper=$(realpath "${1:?usage: maint_auth_pam_test.sh PIIGUARD_MAINT_AUTH}")
here=$(cd "$(dirname "$0")" && pwd)
skip() { echo "maint_auth_pam: SKIP: $*"; exit 77; }
[[ $(id -u) -eq 0 ]] || skip "needs root (a private mount namespace)"
command -v unshare >/dev/null || skip "no unshare"
command -v python3 >/dev/null || skip "no python3"
pam_exec=$(ls /lib/*/security/pam_exec.so /usr/lib/*/security/pam_exec.so 2>/dev/null | head -1)
[[ -n $pam_exec ]] || skip "no pam_exec.so (libpam-modules)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# An unused uid for the account.
uid=64990
while getent passwd "$uid" >/dev/null; do uid=$((uid + 1)); done
{ grep -v '^piiguard-maint:' /etc/passwd
  echo "piiguard-maint:x:$uid:$uid:piiguard maintenance:/nonexistent:/bin/bash"; } >"$work/passwd"
chmod 644 "$work/passwd"
# shellcheck disable=SC2016 # expanded by the inner bash
unshare --mount --propagation private bash -c '
  set -e
  [ "$(readlink /proc/1/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] || exit 1
  mount -t tmpfs tmpfs /run
  mount -t tmpfs tmpfs /etc/pam.d
  mount --bind "$1" /etc/passwd
  exec python3 "$2" "$3" "$4"' _ "$work/passwd" "$here/maint_auth_pam.py" "$helper" "$uid"
