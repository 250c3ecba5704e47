#!/bin/sh
# radio_session: piiguardd's personal-data sessions on the real kernel with
# two mac80211_hwsim wlan radios (issue 6): a session blocks both; an
# unblock by another program is undone and journaled; another user cannot
# end it; a daemon killed mid-session resumes it (radios blocked again);
# ending it restores the radios. Needs run.sh BUILD_DIR (piiguardd, piiguard).
# shellcheck shell=dash disable=SC3045,SC1091  # busybox ash; vmlib.sh is in the guest
# vm: --timeout 150
. /lib/vmlib.sh

plan 12
state=/var/lib/piiguard
db=$state/journal.db

if [ ! -x /usr/bin/piiguardd ] || [ ! -x /usr/bin/piiguard ]; then
  for c in daemon_up radios_before session_start both_blocked status_text \
    unblock_undone unblock_journaled end_refused_other restart_resumes \
    resumed_journaled session_end_restores ended_journaled; do
    fail "$c" "piiguardd/piiguard not packed (run.sh BUILD_DIR)"
  done
  exit 0
fi

# Users: the sync child's, a staff member and another one.
cat >/etc/passwd <<'PW'
root:x:0:0:root:/root:/bin/sh
piiguard-sync:x:999:999::/nonexistent:/bin/false
staff:x:1000:1000::/tmp:/bin/sh
other:x:1001:1001::/tmp:/bin/sh
PW
printf 'root:x:0:\npiiguard-sync:x:999:\nstaff:x:1000:\nother:x:1001:\n' >/etc/group
mkdir -p "$state" /run/piiguard

start_daemon() {
  piiguardd --foreground --state-dir "$state" >>/tmp/piiguardd.log 2>&1 &
  DAEMON=$!
  wait_for 20 test -S /run/piiguard/agent.sock
}
softs() { cat /sys/class/rfkill/rfkill*/soft | tr -d '\n'; }
all_blocked() { [ "$(softs)" = 11 ]; }
all_unblocked() { [ "$(softs)" = 00 ]; }
as() {
  local user="$1"
  shift
  su -s /bin/sh "$user" -c "LANG=C $*"
}
journal_has() { piiguard journal show --db "$db" 2>/dev/null | grep -q "$1"; }

start_daemon
check daemon_up "socket /run/piiguard/agent.sock ($(tail -1 /tmp/piiguardd.log))" \
  test -S /run/piiguard/agent.sock
check radios_before "soft=$(softs) before any session" all_unblocked

out=$(as staff piiguard session start --job test-job-1 2>&1)
rc=$?
check session_start "exit $rc: $out" test "$rc" = 0
check both_blocked "soft=$(softs)" all_blocked
as staff piiguard status >/tmp/status.txt 2>&1
check status_text "$(grep -E 'session|radio' /tmp/status.txt | tr '\n' ';')" \
  sh -c "grep -q 'personal-data session: on' /tmp/status.txt &&
         grep -q 'radios: all confirmed blocked' /tmp/status.txt"

# Another program unblocks every wlan radio (CHANGE_ALL soft=0).
rfkilltool unblock wlan
wait_for 5 all_blocked
check unblock_undone "after rfkilltool unblock wlan: soft=$(softs)" all_blocked
check unblock_journaled "$(piiguard journal show --db "$db" 2>/dev/null | grep -E 'radio\.(unblock_attempt|reblocked)' | head -3 | tr '\n' ';')" \
  sh -c "piiguard journal show --db $db | grep -q radio.unblock_attempt &&
         piiguard journal show --db $db | grep -q radio.reblocked"

out=$(as other piiguard session end 2>&1)
rc=$?
check end_refused_other "uid 1001: exit $rc: $out; soft=$(softs)" \
  sh -c "test $rc != 0 && test $(softs) = 11"

# The daemon dies mid-session; meanwhile someone unblocks the radios.
kill -9 "$DAEMON"
wait "$DAEMON" 2>/dev/null
rm -f /run/piiguard/agent.sock
rfkilltool unblock wlan
before=$(softs)
start_daemon
wait_for 5 all_blocked
check restart_resumes "unblocked while down ($before), after restart soft=$(softs)" all_blocked
check resumed_journaled "session.resumed in the journal" journal_has session.resumed

out=$(as staff piiguard session end 2>&1)
rc=$?
wait_for 5 all_unblocked
check session_end_restores "exit $rc: $out; soft=$(softs)" \
  sh -c "test $rc = 0 && test $(softs) = 00"
check ended_journaled "session.ended in the journal" journal_has session.ended
kill "$DAEMON"
