#!/bin/sh
# usb_bench: the USB figures of docs/BENCHMARKS.md ("USB"), on the real
# kernel: for each of N foreign sticks, usbrace (guest/usbrace.c) writes to
# the disk in a tight loop from its uevent on and times BLKROGET=1 and the
# USB decision; first with piiguardd deciding, then (daemon stopped) with the
# reference shell loop that sets new USB disks read-only every 2 ms. Then
# piiguardd's resident memory and idle wake-ups over 30 s; with Debian's
# usbguard packed (tests/vm/bench/usb.sh), usbguard-daemon deciding the same
# kind of sticks, and its footprint. The checks: no
# write reached a stick while piiguardd decided, and the run completed; the
# figures are in the check details (run.sh prints them).
# shellcheck shell=dash disable=SC3045,SC1091
# vm: --timeout 300
. /lib/vmlib.sh
. /lib/usblib.sh
n=${USB_BENCH_STICKS:-8}
if [ -x /usr/sbin/usbguard-daemon ]; then plan 7; else
  plan 5
  echo "usb_bench: usbguard not packed (tests/vm/bench/usb.sh packs it): no side-by-side"
fi

check daemon_started "piiguardd serving" daemon_start
: >/tmp/race.log
i=0
while [ $i -lt "$n" ]; do race "D$i"; i=$((i + 1)); done
ok=$(sed -n 's/.*writes_ok=\([0-9]*\).*/\1/p' /tmp/race.log | awk '{s+=$1} END {print s+0}')
piiguard journal show --json --db "$STATE/journal.db" --type usb.block.readonly |
  sed -n 's/.*"latency_us": *\([0-9]*\).*/x latency_us=\1 /p' >/tmp/daemon.log
check piiguardd_race_root "figures: a ROOT writer racing the plug: successful writes $ok; ro after uevent (usbrace): $(med ro_us /tmp/race.log); decision (authorized=1): $(med auth_us /tmp/race.log); the daemon's own uevent->BLKROSET: $(med latency_us /tmp/daemon.log)" \
  test "$(grep -c 'ro_us=-1' /tmp/race.log)" = 0 -a "$(wc -l </tmp/race.log)" = "$n"
: >/tmp/race.log
i=0
while [ $i -lt "$n" ]; do race "U$i" 65534; i=$((i + 1)); done
uok=$(sed -n 's/.*writes_ok=\([0-9]*\).*/\1/p' /tmp/race.log | awk '{s+=$1} END {print s+0}')
check piiguardd_race_user "a writer who is not root: successful writes $uok over $(sed -n 's/.*attempts=\([0-9]*\).*/\1/p' /tmp/race.log | awk '{s+=$1} END {print s+0}') opens; ro after uevent: $(med ro_us /tmp/race.log)" \
  test "$uok" = 0 -a "$(wc -l </tmp/race.log)" = "$n"

pid=$DAEMON_PID
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
c0=$(awk '/ctxt_switches/ {s+=$2} END {print s}' /proc/$pid/task/*/status)
sleep 30  # idle on purpose: the figure is wake-ups per second of idleness
c1=$(awk '/ctxt_switches/ {s+=$2} END {print s}' /proc/$pid/task/*/status)
check footprint "piiguardd VmRSS ${rss} kB; context switches (all threads) in 30 s idle: $((c1 - c0))" test -n "$rss"
kill "$pid"
wait "$pid" 2>/dev/null

# The reference: no daemon; authorize by default again; a shell loop sets new
# USB disks read-only every 2 ms.
for h in /sys/bus/usb/devices/usb*/authorized_default; do echo 1 >"$h"; done
(while :; do
  for d in /sys/block/sd*; do
    [ -e "$d" ] && [ "$(cat "$d/ro")" = 0 ] && blktool setro "/dev/${d##*/}" >/dev/null 2>&1
  done
  usleep 2000
done) &
loop=$!
: >/tmp/race.log
i=0
while [ $i -lt "$n" ]; do race "R$i"; i=$((i + 1)); done
kill "$loop"
rok=$(sed -n 's/.*writes_ok=\([0-9]*\).*/\1/p' /tmp/race.log | awk '{s+=$1} END {print s+0}')
check shell_loop_race "reference shell loop (2 ms): writes reaching the stick: $rok; ro after uevent: $(med ro_us /tmp/race.log)" \
  test "$(wc -l </tmp/race.log)" = "$n"

[ -x /usr/sbin/usbguard-daemon ] || exit 0
# Debian's usbguard, deciding the same kind of sticks (allow mass storage).
mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm 2>/dev/null
LD_LIBRARY_PATH=$(cat /etc/usbguard/ld-path) usbguard-daemon -k -P \
  -c /etc/usbguard/usbguard-daemon.conf >/tmp/usbguard.log 2>&1 &
ug=$!
# Ready once it has closed the root hubs (AuthorizedDefault=none).
wait_for 60 sh -c "! cat /sys/bus/usb/devices/usb*/authorized_default | grep -qv '^0$'"
: >/tmp/race.log
i=0
while [ $i -lt "$n" ]; do race "G$i"; i=$((i + 1)); done
check usbguard_decision "usbguard-daemon: decision (authorized=1) after uevent: $(med auth_us /tmp/race.log); read-only: never (usbguard has no read-only mode); writes reaching the stick: $(sed -n 's/.*writes_ok=\([0-9]*\).*/\1/p' /tmp/race.log | awk '{s+=$1} END {print s+0}')" \
  test "$(grep -c 'auth_us=-1' /tmp/race.log)" = 0 -a "$(wc -l </tmp/race.log)" = "$n"
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$ug/status")
c0=$(awk '/ctxt_switches/ {s+=$2} END {print s}' /proc/$ug/task/*/status)
sleep 30  # idle on purpose, as for piiguardd
c1=$(awk '/ctxt_switches/ {s+=$2} END {print s}' /proc/$ug/task/*/status)
check usbguard_footprint "usbguard-daemon VmRSS ${rss} kB; context switches (all threads) in 30 s idle: $((c1 - c0))" test -n "$rss"
tail -5 /tmp/usbguard.log
kill "$ug"
