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
rfkillbench "$tries" 0 1000 "${RADIO_BENCH_PAUSE_MS:-20}" >/tmp/bench-daemon.log 2>&1
sum=$(grep '^summary' /tmp/bench-daemon.log)
echo "radio_bench: piiguardd slowest: $(sed -n 's/.*reblock_us=\([0-9]*\).*/\1/p' /tmp/bench-daemon.log | sort -n | tail -8 | tr '\n' ' ')over 2 ms: $(sed -n 's/.*reblock_us=\([0-9]*\).*/\1/p' /tmp/bench-daemon.log | awk '$1 > 2000' | wc -l)"
check bench_piiguardd "$sum" sh -c "echo '$sum' | grep -q 'timeouts=0'"
# The daemon's own measure (radio.reblocked "micros": from reading the
# events to the end of the re-block write), from its journal.
piiguard journal show --db /var/lib/piiguard/journal.db --type radio.reblocked --json 2>/dev/null |
  sed -n 's/.*"micros":\([0-9]*\).*/\1/p' | sort -n >/tmp/micros.txt
echo "radio_bench: piiguardd journal micros: n=$(wc -l </tmp/micros.txt) median=$(sed -n "$(($(wc -l </tmp/micros.txt) / 2 + 1))p" /tmp/micros.txt) worst=$(tail -1 /tmp/micros.txt)"
piiguard session end >/dev/null 2>&1
kill "$DAEMON"
wait "$DAEMON" 2>/dev/null

# The reference: a shell loop that blocks wlan every 2 ms.
(while :; do rfkilltool block wlan; usleep 2000; done) &
LOOP=$!
rfkillbench "$tries" 0 1000 "${RADIO_BENCH_PAUSE_MS:-20}" >/tmp/bench-loop.log 2>&1
kill "$LOOP"
echo "radio_bench: shell loop slowest: $(sed -n 's/.*reblock_us=\([0-9]*\).*/\1/p' /tmp/bench-loop.log | sort -n | tail -8 | tr '\n' ' ')over 2 ms: $(sed -n 's/.*reblock_us=\([0-9]*\).*/\1/p' /tmp/bench-loop.log | awk '$1 > 2000' | wc -l)"
sum=$(grep '^summary' /tmp/bench-loop.log)
check bench_shell_loop "$sum" sh -c "echo '$sum' | grep -q 'tries=$tries'"
