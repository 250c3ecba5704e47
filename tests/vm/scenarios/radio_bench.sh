#!/bin/sh
# radio_bench: time from an unblock to the re-block (docs/BENCHMARKS.md,
# "Radio"): rfkillbench unblocks radio 0 (RFKILL_OP_CHANGE) 200 times and
# times the block event, first with piiguardd keeping a session's radios
# blocked, then with the reference shell loop re-blocking every 2 ms, in the
# same VM. Prints the figures as check details. Needs run.sh BUILD_DIR.
# shellcheck shell=dash disable=SC3045,SC1091  # busybox ash; vmlib.sh is in the guest
# vm: --timeout 300
. /lib/vmlib.sh

plan 2
tries=${RADIO_BENCH_TRIES:-200}
if [ ! -x /usr/bin/piiguardd ]; then
  fail bench_piiguardd "piiguardd not packed (run.sh BUILD_DIR)"
  fail bench_shell_loop "piiguardd not packed"
  exit 0
fi
printf 'root:x:0:0:root:/root:/bin/sh\npiiguard-sync:x:999:999::/:/bin/false\n' >/etc/passwd
printf 'root:x:0:\npiiguard-sync:x:999:\n' >/etc/group
mkdir -p /var/lib/piiguard /run/piiguard
piiguardd --foreground --state-dir /var/lib/piiguard >/tmp/piiguardd.log 2>&1 &
DAEMON=$!
wait_for 20 test -S /run/piiguard/agent.sock
piiguard session start >/dev/null 2>&1
rfkillbench "$tries" 0 1000 20 >/tmp/bench-daemon.log 2>&1
sum=$(grep '^summary' /tmp/bench-daemon.log)
check bench_piiguardd "$sum" sh -c "echo '$sum' | grep -q 'timeouts=0'"
piiguard session end >/dev/null 2>&1
kill "$DAEMON"
wait "$DAEMON" 2>/dev/null

# The reference: a shell loop that blocks wlan every 2 ms.
(while :; do rfkilltool block wlan; usleep 2000; done) &
LOOP=$!
rfkillbench "$tries" 0 1000 20 >/tmp/bench-loop.log 2>&1
kill "$LOOP"
sum=$(grep '^summary' /tmp/bench-loop.log)
check bench_shell_loop "$sum" sh -c "echo '$sum' | grep -q 'tries=$tries'"
