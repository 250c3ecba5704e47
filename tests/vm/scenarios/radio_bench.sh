#!/bin/sh
# radio_bench: time from an unblock to the re-block (docs/BENCHMARKS.md,
# "Radio"): rfkillbench unblocks radio 0 (RFKILL_OP_CHANGE) 200 times and
# times the block event: with piiguardd keeping a session's radios blocked
# (at nice 0, then at nice -20 as piiguardd.service runs it), then with the
# reference shell loop re-blocking every 2 ms, in the same VM. Prints the
# figures as check details and console lines. Needs run.sh BUILD_DIR.
# shellcheck shell=dash disable=SC3045,SC1091  # busybox ash; vmlib.sh is in the guest
# vm: --timeout 300
. /lib/vmlib.sh

plan 3
tries=${RADIO_BENCH_TRIES:-200}
if [ ! -x /usr/bin/piiguardd ]; then
  fail bench_piiguardd "piiguardd not packed (run.sh BUILD_DIR)"
  fail bench_piiguardd_nice "piiguardd not packed"
  fail bench_shell_loop "piiguardd not packed"
  exit 0
fi
printf 'root:x:0:0:root:/root:/bin/sh\npiiguard-sync:x:999:999::/:/bin/false\n' >/etc/passwd
printf 'root:x:0:\npiiguard-sync:x:999:\n' >/etc/group
mkdir -p /var/lib/piiguard /run/piiguard
# bench_daemon NAME NICE: piiguardd at NICE keeps a session's radios blocked.
bench_daemon() {
  local name="$1" nice="$2" sum
  rm -rf /var/lib/piiguard/*
  piiguardd --foreground --state-dir /var/lib/piiguard >/tmp/piiguardd.log 2>&1 &
  DAEMON=$!
  wait_for 20 test -S /run/piiguard/agent.sock
  renice -n "$nice" -p "$DAEMON" >/dev/null
  piiguard session start >/dev/null 2>&1
  rfkillbench "$tries" 0 1000 20 >"/tmp/$name.log" 2>&1
  sum=$(grep '^summary' "/tmp/$name.log")
  check "$name" "nice $nice: $sum" sh -c "echo '$sum' | grep -q 'timeouts=0'"
  echo "radio_bench: $name slowest: $(sed -n 's/.*reblock_us=\([0-9]*\).*/\1/p' "/tmp/$name.log" | sort -n | tail -8 | tr '\n' ' ')over 2 ms: $(sed -n 's/.*reblock_us=\([0-9]*\).*/\1/p' "/tmp/$name.log" | awk '$1 > 2000' | wc -l)"
  # The daemon's own measure (radio.reblocked "micros": from reading the
  # events to the end of the re-block writes), from its journal.
  piiguard journal show --db /var/lib/piiguard/journal.db --type radio.reblocked --json 2>/dev/null |
    sed -n 's/.*"micros":\([0-9]*\).*/\1/p' | sort -n >/tmp/micros.txt
  echo "radio_bench: $name journal micros: n=$(wc -l </tmp/micros.txt) median=$(sed -n "$(($(wc -l </tmp/micros.txt) / 2 + 1))p" /tmp/micros.txt) worst=$(tail -1 /tmp/micros.txt)"
  # The radio guard's own (docs/session.md "The radio guard"): from its read
  # of the events to the end of its writes, and the priority it got.
  piiguard journal show --db /var/lib/piiguard/journal.db --type radio.reblocked --json 2>/dev/null |
    sed -n 's/.*"guard_micros":\([0-9]*\).*/\1/p' | sort -n >/tmp/guard.txt
  echo "radio_bench: $name guard micros: n=$(wc -l </tmp/guard.txt) median=$(sed -n "$(($(wc -l </tmp/guard.txt) / 2 + 1))p" /tmp/guard.txt) worst=$(tail -1 /tmp/guard.txt)"
  echo "radio_bench: $name guard: $(piiguard status --json 2>/dev/null | tr -d '\n ' | sed -n 's/.*"radio_guard":{\([^}]*\)}.*/\1/p')"
  piiguard session end >/dev/null 2>&1
  kill "$DAEMON"
  wait "$DAEMON" 2>/dev/null
  rm -f /run/piiguard/agent.sock
}
bench_daemon bench_piiguardd 0
bench_daemon bench_piiguardd_nice -20

# The reference: a shell loop that blocks wlan every 2 ms.
(while :; do rfkilltool block wlan; usleep 2000; done) &
LOOP=$!
rfkillbench "$tries" 0 1000 20 >/tmp/bench-loop.log 2>&1
kill "$LOOP"
echo "radio_bench: shell loop slowest: $(sed -n 's/.*reblock_us=\([0-9]*\).*/\1/p' /tmp/bench-loop.log | sort -n | tail -8 | tr '\n' ' ')over 2 ms: $(sed -n 's/.*reblock_us=\([0-9]*\).*/\1/p' /tmp/bench-loop.log | awk '$1 > 2000' | wc -l)"
sum=$(grep '^summary' /tmp/bench-loop.log)
check bench_shell_loop "$sum" sh -c "echo '$sum' | grep -q 'tries=$tries'"
