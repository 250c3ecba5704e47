#!/usr/bin/env bash
# piiguard-maint-auth (agent/maint/maint_auth.h) under the real libpam and
# pam_exec, as the package's PAM profile runs it, without touching this
# machine: a private mount namespace with /run, /dev and /etc/pam.d on tmpfs
# (/dev with null, zero, random and urandom, and the test's own /dev/log) and
# /etc/passwd and /etc/shadow that have a piiguard-maint account and a staff
# account with a password (maint_auth_pam.py).
# Usage: maint_auth_pam_test.sh PIIGUARD_MAINT_AUTH
# Exit 0 passed, 1 failed, 77 skipped (not root, no unshare, python3, pam_exec).
set -uo pipefail
helper=$(realpath "${1:?usage: maint_auth_pam_test.sh PIIGUARD_MAINT_AUTH}")
here=$(cd "$(dirname "$0")" && pwd)
skip() { echo "maint_auth_pam: SKIP: $*"; exit 77; }
[[ $(id -u) -eq 0 ]] || skip "needs root (a private mount namespace)"
command -v unshare >/dev/null || skip "no unshare"
command -v python3 >/dev/null || skip "no python3"
command -v openssl >/dev/null || skip "no openssl (to hash the staff password)"
pam_exec=$(ls /lib/*/security/pam_exec.so /usr/lib/*/security/pam_exec.so 2>/dev/null | head -1)
[[ -n $pam_exec ]] || skip "no pam_exec.so (libpam-modules)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Two unused uids for the accounts.
uid=64990
while getent passwd "$uid" >/dev/null || getent passwd $((uid + 1)) >/dev/null; do
  uid=$((uid + 2))
done
staff_password=Staff-pw-1
{ grep -v '^piiguard-maint:\|^pgstaff:' /etc/passwd
  echo "piiguard-maint:x:$uid:$uid:piiguard maintenance:/nonexistent:/bin/bash"
  echo "pgstaff:x:$((uid + 1)):$((uid + 1)):staff:/nonexistent:/bin/bash"; } >"$work/passwd"
{ grep -v '^piiguard-maint:\|^pgstaff:' /etc/shadow
  echo "piiguard-maint:!*:20000::::::"
  echo "pgstaff:$(openssl passwd -6 -salt piiguard "$staff_password"):20000:0:99999:7:::"; } >"$work/shadow"
chmod 644 "$work/passwd"
chmod 640 "$work/shadow"
# shellcheck disable=SC2016 # expanded by the inner bash
unshare --mount --propagation private bash -c '
  set -e
  [ "$(readlink /proc/1/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] || exit 1
  mount -t tmpfs tmpfs /run
  mount -t tmpfs -o mode=0755 tmpfs /dev
  mknod -m 666 /dev/null c 1 3
  mknod -m 666 /dev/zero c 1 5
  mknod -m 666 /dev/random c 1 8
  mknod -m 666 /dev/urandom c 1 9
  mount -t tmpfs tmpfs /etc/pam.d
  mount --bind "$1" /etc/passwd
  mount --bind "$2" /etc/shadow
  exec python3 "$3" "$4" "$5" "$6"' _ "$work/passwd" "$work/shadow" \
  "$here/maint_auth_pam.py" "$helper" "$uid" "$staff_password"
