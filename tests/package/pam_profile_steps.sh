#!/usr/bin/env bash
# Inside maintainer_scripts_test.sh's second private mount namespace (never
# run it outside one): the real pam-auth-update, run with the very command
# lines the piiguard package's maintainer scripts hold, on copies of this
# machine's PAM configuration (tmpfs over /etc/pam.d, /var/lib/pam,
# /usr/share/pam-configs and debconf's database). Checks that the
# maintenance profile goes first in common-auth with its jump landing on
# pam_permit, that pam_unix then takes the password already typed, and that
# removal, purge and a reinstall leave every common-* file as it was.
# Usage: pam_profile_steps.sh CONTROL_DIR PACKAGE_ROOT LOG
set -uo pipefail
control=$1
pkgroot=$2
log=$3
passed=0
failed=0
exec >"$log" 2>&1

if [[ $(readlink /proc/1/ns/mnt) == "$(readlink /proc/self/ns/mnt)" ]]; then
  echo "pam_profile_steps: not in a private mount namespace; refusing"
  exit 1
fi
keep=$(mktemp -d)
for dir in /etc/pam.d /var/lib/pam /usr/share/pam-configs /var/cache/debconf; do
  [[ -d $dir ]] || { echo "no $dir here"; exit 1; }
  mkdir -p "$keep/$dir"
  cp -a "$dir/." "$keep/$dir/"
  mount -t tmpfs tmpfs "$dir" || { echo "cannot mount tmpfs on $dir"; exit 1; }
  cp -a "$keep/$dir/." "$dir/"
done
rm -f /usr/share/pam-configs/piiguard-maint  # a host with piiguard installed
export DEBIAN_FRONTEND=noninteractive

check() {  # check NAME CONDITION...
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name"
    sed 's/^/    /' /etc/pam.d/common-auth
  fi
}
# The pam-auth-update command line of a maintainer script, as written there.
command_in() {
  grep -o 'pam-auth-update --package[a-z -]*' "$control/$1" | head -1 | sed 's/ *$//'
}
snapshot() { mkdir -p "$keep/$1" && cp /etc/pam.d/common-* "$keep/$1/"; }
unchanged_since() {
  local f
  for f in "$keep/$1"/common-*; do
    cmp -s "$f" "/etc/pam.d/$(basename "$f")" || { diff "$f" "/etc/pam.d/$(basename "$f")"; return 1; }
  done
}
ours='pam_exec.so quiet quiet_log expose_authtok /usr/lib/piiguard/piiguard-maint-auth'
# The primary block of common-auth, our line first and its success jump
# landing on pam_permit; pam_unix after it with try_first_pass.
profile_first() {
  awk -v ours="$ours" '
    /^auth/ { n++; line[n] = $0 }
    END {
      for (i = 1; i <= n; i++) if (index(line[i], ours)) at = i
      if (at == 0) { print "no piiguard-maint line"; exit 1 }
      if (match(line[at], /success=[0-9]+/) == 0) { print "no jump"; exit 1 }
      jump = substr(line[at], RSTART + 8, RLENGTH - 8)
      if (line[at + jump + 1] !~ /pam_permit\.so/) { print "jump lands on " line[at + jump + 1]; exit 1 }
      for (i = 1; i < at; i++) if (line[i] ~ /\[success=/) { print "a primary module before it"; exit 1 }
      for (i = at + 1; i <= n; i++) if (line[i] ~ /pam_unix\.so/) unix = line[i]
      if (unix !~ /try_first_pass|use_first_pass/) { print "pam_unix would prompt again: " unix; exit 1 }
    }' /etc/pam.d/common-auth
}
absent() { ! grep -qF "$ours" /etc/pam.d/common-*; }
unseen() { ! grep -qx piiguard-maint /var/lib/pam/seen 2>/dev/null; }

install_cmd=$(command_in postinst)
remove_cmd=$(command_in prerm)
postrm_cmd=$(command_in postrm)
check "postinst runs pam-auth-update --package" test "$install_cmd" = "pam-auth-update --package"
check "prerm removes the profile" test "$remove_cmd" = "pam-auth-update --package --remove piiguard-maint"
check "postrm removes it again" test "$postrm_cmd" = "$remove_cmd"

# This machine's PAM configuration as pam-auth-update makes it (--force:
# only these copies), before piiguard.
pam-auth-update --package --force || echo "baseline pam-auth-update exited $?"
snapshot before

# --- dpkg -i: the profile is unpacked, then postinst runs.
cp "$pkgroot/usr/share/pam-configs/piiguard-maint" /usr/share/pam-configs/
$install_cmd
check "installed: the profile is first in common-auth" profile_first
echo "common-auth's auth lines, installed:"
grep '^auth' /etc/pam.d/common-auth | sed 's/^/  /'
check "installed: other common files unchanged" \
  cmp -s "$keep/before/common-account" /etc/pam.d/common-account
snapshot installed
# An upgrade runs postinst configure again: nothing changes.
$install_cmd
check "upgrade: common-auth unchanged" unchanged_since installed

# --- apt remove: prerm while the profile is there, then dpkg deletes it,
# then postrm remove.
$remove_cmd
check "prerm remove: common-* as before piiguard" unchanged_since before
rm /usr/share/pam-configs/piiguard-maint
$postrm_cmd
check "postrm remove: common-* as before piiguard" unchanged_since before
check "postrm remove: no piiguard-maint line anywhere" absent
check "removed: not remembered as seen" unseen
# purge runs no pam-auth-update; the files stay as they are.
check "purge: common-* as before piiguard" unchanged_since before

# --- reinstall: enabled again (Default: yes, not seen), then removed.
cp "$pkgroot/usr/share/pam-configs/piiguard-maint" /usr/share/pam-configs/
$install_cmd
check "reinstalled: the profile is first again" profile_first
$remove_cmd
rm /usr/share/pam-configs/piiguard-maint
$postrm_cmd
check "removed again: common-* as before piiguard" unchanged_since before

echo "pam_profile: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
