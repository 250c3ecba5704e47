#!/usr/bin/env bash
# Inside maintainer_scripts_test.sh's private mount namespace (never run it
# outside one: it mounts tmpfs over /etc, /var/lib, /var/log, /run, /boot,
# /usr/sbin).
# Usage: maintainer_scripts_steps.sh CONTROL_DIR PACKAGE_ROOT LOG
set -uo pipefail
control=$1
pkgroot=$2
log=$3
stubs=/usr/sbin
calls=/run/test-calls
passed=0
failed=0
exec >"$log" 2>&1

# The namespace must be private before anything is mounted.
if [[ $(readlink /proc/1/ns/mnt) == "$(readlink /proc/self/ns/mnt)" ]]; then
  echo "maintainer_scripts_steps: not in a private mount namespace; refusing"
  exit 1
fi
for dir in /etc /var/lib /var/log /var/backups /run /boot /usr/sbin /usr/share; do
  [[ -d $dir ]] || { echo "no $dir here"; exit 1; }
  mount -t tmpfs tmpfs "$dir" || { echo "cannot mount tmpfs on $dir"; exit 1; }
done
mkdir -p /run/systemd/system /run/udev /boot/grub /etc/default
: >/boot/grub/grub.cfg
# The package's files the scripts read.
cp -a "$pkgroot/usr/share/piiguard" /usr/share/

# stub NAME BODY: logs "NAME ARGS" to $calls, then runs BODY.
stub() {
  printf '#!/bin/sh\necho "%s $*" >>%s\n%s\n' "$1" "$calls" "$2" >"$stubs/$1"
  chmod 755 "$stubs/$1"
}
stub piiguardd 'case "$1" in
  --record-present-devices) echo "[]" >/var/lib/piiguard/present-devices.json ;;
  --release) [ -e /run/test-release-fails ] && exit 1 ;;
esac
exit 0'
# piiguard journal unsent --json: the position in /run/test-unsent
# ("" or missing: the journal cannot be read, exit 2).
stub piiguard 'n=$(cat /run/test-unsent 2>/dev/null)
[ -n "$n" ] || { echo "error: journal: unreadable" >&2; exit 2; }
echo "{\"acked_seq\":$((30 - n)),\"head_seq\":30,\"unsent\":$n}"
[ "$n" -eq 0 ] && exit 0 || exit 1'
# update-grub: records the snippet as it was when GRUB was regenerated.
stub update-grub 'if [ -e /etc/default/grub.d/piiguard.cfg ]; then
  echo "update-grub: with snippet" >>'"$calls"'; else
  echo "update-grub: without snippet" >>'"$calls"'; fi'
# pam-auth-update: its real effect on common-auth is pam_profile_steps.sh's.
for cmd in deb-systemd-invoke deb-systemd-helper systemctl udevadm \
  systemd-sysusers systemd-tmpfiles pam-auth-update; do
  stub "$cmd" 'exit 0'
done
export PATH=/usr/sbin:/usr/bin:/bin

check() {  # check NAME CONDITION...
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name"
    echo "  calls:"; sed 's/^/    /' "$calls" 2>/dev/null
    echo "  output:"; sed 's/^/    /' /run/test-out 2>/dev/null
  fi
}
called() { grep -qxF -- "$1" "$calls"; }
not_called() { ! grep -qF -- "$1" "$calls"; }
said() { grep -qF -- "$1" /run/test-out; }
# run SCRIPT ARGS...: one maintainer script, as dpkg runs it.
run() {
  : >"$calls"
  DPKG_MAINTSCRIPT_PACKAGE=piiguard DPKG_MAINTSCRIPT_NAME=$1 \
    sh "$control/$1" "${@:2}" >/run/test-out 2>&1
  local rc=$?
  [[ $rc -eq 0 ]] || { echo "$1 $* exited $rc"; cat /run/test-out; }
  return $rc
}
order() {  # order FIRST SECOND: FIRST was logged before SECOND
  local a b
  a=$(grep -nF -- "$1" "$calls" | head -1 | cut -d: -f1)
  b=$(grep -nF -- "$2" "$calls" | head -1 | cut -d: -f1)
  [[ -n $a && -n $b && $a -lt $b ]]
}

# --- first install
check "postinst on first install" run postinst configure ""
check "present devices recorded" called "piiguardd --record-present-devices"
check "recorded before the agent starts" order "piiguardd --record-present-devices" \
  "deb-systemd-invoke start"
check "snippet installed" test -e /etc/default/grub.d/piiguard.cfg
check "update-grub ran with the snippet" called "update-grub: with snippet"
check "units enabled" grep -q "deb-systemd-helper.*enable.*piiguardd.service" "$calls"
check "agent started" grep -q "deb-systemd-invoke start .*piiguardd.service" "$calls"
check "sync unit started with it" grep -q "deb-systemd-invoke start .*piiguard-sync.service" "$calls"
check "sysusers and tmpfiles" grep -q "systemd-sysusers" "$calls"
check "PAM profile enabled" called "pam-auth-update --package"
# The snippet adds the setting only while piiguardd exists.
check "snippet adds the setting with piiguardd" test \
  "$(sh -c 'GRUB_CMDLINE_LINUX_DEFAULT=quiet; . /etc/default/grub.d/piiguard.cfg; echo "$GRUB_CMDLINE_LINUX_DEFAULT"')" \
  = "quiet usbcore.authorized_default=0"
mv /usr/sbin/piiguardd /run/piiguardd.away
check "snippet left behind adds nothing" test \
  "$(sh -c 'GRUB_CMDLINE_LINUX_DEFAULT=quiet; . /etc/default/grub.d/piiguard.cfg; echo "$GRUB_CMDLINE_LINUX_DEFAULT"')" \
  = "quiet"
mv /run/piiguardd.away /usr/sbin/piiguardd

# --- upgrade: the agent keeps running during the unpack, restarts after
check "prerm upgrade" run prerm upgrade 0.2.1
check "not stopped for an upgrade" not_called "deb-systemd-invoke stop"
check "not released for an upgrade" not_called "piiguardd --release"
check "PAM profile kept through an upgrade" not_called "pam-auth-update"
check "postinst after upgrade" run postinst configure 0.2.0
check "devices not recorded again on upgrade" not_called "--record-present-devices"
check "agent restarted" grep -q "deb-systemd-invoke restart .*piiguardd.service" "$calls"

# --- removal with unsent entries, then purge
# (0644 here: the copy must be private whatever the original's mode.)
echo journal-bytes >/var/lib/piiguard/journal.db
echo 3 >/run/test-unsent
check "prerm remove" run prerm remove
check "stopped, then released" order \
  "deb-systemd-invoke stop piiguard-sync.service piiguardd.service" "piiguardd --release"
check "says 3 unsent (en)" said "the journal keeps 3 entries the privacy office has not acknowledged"
check "says 3 unsent (ja)" said "まだ受け取っていない記録が 3 件あります"
check "PAM profile out first" order \
  "pam-auth-update --package --remove piiguard-maint" "deb-systemd-invoke stop"
check "postrm remove" run postrm remove
check "PAM profile out again after dpkg removed it" \
  called "pam-auth-update --package --remove piiguard-maint"
check "snippet removed" test ! -e /etc/default/grub.d/piiguard.cfg
check "update-grub ran without the snippet" called "update-grub: without snippet"
check "udev rules reloaded" called "udevadm control --reload"
check "present devices forgotten" test ! -e /var/lib/piiguard/present-devices.json
check "journal kept on remove" test -s /var/lib/piiguard/journal.db
mkdir -p /var/lib/piiguard-maint /var/log/piiguard/maint-io
echo "Dec  7 10:00:00 : piiguard-maint : COMMAND=/usr/bin/id" >/var/log/piiguard/maint-sudo.log
check "postrm purge" run postrm purge
check "maintenance home deleted on purge" test ! -e /var/lib/piiguard-maint
check "sudo's logs of it deleted on purge" test ! -e /var/log/piiguard
check "no PAM change on purge" not_called "pam-auth-update"
backup=$(ls /var/backups/piiguard-journal-*.db 2>/dev/null | head -1)
check "journal copied before purge" test -n "$backup"
check "copy is the journal" test "$(cat "$backup" 2>/dev/null)" = journal-bytes
check "copy is private" test "$(stat -c %a "$backup" 2>/dev/null)" = 600
check "purge names the copy (en)" said "3 entries the privacy office had not acknowledged: a copy is kept in $backup"
check "purge names the copy (ja)" said "写しを $backup に残しました"
check "state deleted on purge" test ! -e /var/lib/piiguard
rm -f /var/backups/piiguard-journal-*

# --- reinstall after removal: devices recorded anew; then all acknowledged
check "postinst after reinstall" run postinst configure 0.2.0
check "devices recorded again after removal" called "piiguardd --record-present-devices"
echo journal-bytes >/var/lib/piiguard/journal.db
echo 0 >/run/test-unsent
check "prerm remove (all sent)" run prerm remove
check "says all sent" said "every journal entry has reached the privacy office"
check "postrm remove (all sent)" run postrm remove
check "postrm purge (all sent)" run postrm purge
check "no copy when all was sent" test -z "$(ls /var/backups/piiguard-journal-* 2>/dev/null)"
check "purge says all had been sent (ja)" said "すべての記録が個人情報保護担当に届いていました"

# --- prerm remove failed: dpkg runs postinst abort-remove, the profile is back
check "postinst abort-remove" run postinst abort-remove
check "PAM profile enabled again" called "pam-auth-update --package"

# --- removal when the journal cannot be read and --release fails
check "postinst again" run postinst configure 0.2.0
echo journal-bytes >/var/lib/piiguard/journal.db
: >/run/test-unsent
: >/run/test-release-fails
check "prerm remove goes on when release fails" run prerm remove
check "says release failed (en)" said "piiguardd --release failed"
check "postrm remove (unknown)" run postrm remove
check "postrm purge (unknown)" run postrm purge
check "copy kept when it cannot tell" test -n "$(ls /var/backups/piiguard-journal-*.db 2>/dev/null)"
check "says it could not tell" said "could not tell whether every journal entry had reached the privacy office"

echo "maintainer_steps: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
