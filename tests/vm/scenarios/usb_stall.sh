#!/bin/sh
# Issue 14 on the real kernel (security review F4): reading a stick's key
# can never block the daemon. Three sticks are in when piiguardd starts: one
# whose reads never finish (QEMU throttles them to 1 byte/s once the kernel
# has read its partition table), an ext4 stick whose PIIGUARD.KEY is a FIFO,
# and a keyed stick. The daemon answers `status` within 2 s throughout
# (measured on its socket by guest/ipcstatus.c; `piiguard status` works
# too; the first answer, asked while the medium helpers for the sticks are
# still being loaded, within 5 s: each is an ASan-built program that takes
# about a second of the guest's one emulated CPU to start, and CI saw that
# answer at 2.1 s on a loaded host), the FIFO stick is refused at once, the keyed stick is decided while
# the other stalls, and the stalled one is refused at its read deadline
# (10 s from the moment the medium helper starts on it).
# (No stick is hot-plugged while one is throttled: QEMU's device_add then
# waits for the throttled request.)
# vm: --timeout 300
. /lib/vmlib.sh
. /lib/usblib.sh
plan 10
uevents_start

host plug stall,serial=STALLED7,fs=fat
uevent_expect "add block disk sd* *" 60
STALL=$(echo "$UEVENT_LINE" | cut -d' ' -f4)
host plug fifo,serial=FIFOKEY1,image="$FIXTURES/fifo.img"
uevent_expect "add block disk sd* *" 60
FIFO=$(echo "$UEVENT_LINE" | cut -d' ' -f4)
host plug keyed,serial=KEYED001,image="$FIXTURES/keyed.img"
uevent_expect "add block disk sd* *" 60
KEYED=$(echo "$UEVENT_LINE" | cut -d' ' -f4)
# Kept stalled longer than the kernel's SCSI timeout, QEMU would block its
# own main loop when the guest resets the stick (usb-storage cancels the
# throttled request synchronously): the timeout is raised instead. A stick
# stalled for minutes is what this shows.
echo 600 >"/sys/block/$STALL/device/timeout"
host throttle stall 1
check daemon_started "piiguardd serving; /dev/$STALL stalled, /dev/$FIFO FIFO key, /dev/$KEYED keyed" \
  daemon_start

worst=0
answers=0
failures=0
# probe_status [first]: one status request; a failure is no answer in 5 s;
# the first (helpers loading) is not counted in the 2 s bound.
probe_status() {
  if ! ms=$(status_ms); then
    failures=$((failures + 1))
    return 0
  fi
  [ "${1:-}" = first ] && return 0
  answers=$((answers + 1))
  [ "$ms" -gt "$worst" ] && worst=$ms
  return 0
}
probe_status first
state=$(stick_state "$STALL")
check stalled_checking "state=$state (status answered in ${ms:-?} ms, helpers loading)" test "$state" = checking

wait_for 30 stick_known "$FIFO"
probe_status
check fifo_refused "state=$(stick_state "$FIFO") reason=$(stick_reason "$FIFO") BLKROGET=$(blktool getro "/dev/$FIFO")" \
  test "$(stick_state "$FIFO")" = read_only -a "$(stick_reason "$FIFO")" = "unreadable medium" -a "$(blktool getro "/dev/$FIFO")" = 1
check fifo_reason_journaled "$(piiguard journal show --db "$STATE/journal.db" --type usb.stick.readonly | grep -m1 "$FIFO")" \
  journal_has usb.stick.readonly "not a regular file"

wait_for 30 stick_is "$KEYED" writable
probe_status
state=$(stick_state "$STALL")
check keyed_decided_meanwhile "keyed /dev/$KEYED state=$(stick_state "$KEYED") while /dev/$STALL is $state" \
  test "$(stick_state "$KEYED")" = writable

# Until the stalled stick's deadline, status keeps answering.
t0=$(uptime_ms)
while [ "$(stick_state "$STALL")" = checking ] && [ $(($(uptime_ms) - t0)) -lt 60000 ]; do
  probe_status
done
probe_status
state=$(stick_state "$STALL")
reason=$(stick_reason "$STALL")
waited=$(($(uptime_ms) - t0))
host throttle stall 0
check stalled_refused "state=$state reason=$reason after $waited ms more" \
  test "$state" = read_only -a "$reason" = "medium does not answer"
check stalled_readonly "BLKROGET=$(blktool getro "/dev/$STALL")" test "$(blktool getro "/dev/$STALL")" = 1
# Three probes at fixed steps after the first (stalled_checking), plus the
# loop's, which may be none when the deadline passed while the keyed stick
# was being decided.
check status_within_2s "$answers answers after the first, worst ${worst} ms, $failures without an answer in 5 s" \
  test "$answers" -ge 3 -a "$worst" -le 2000 -a "$failures" = 0
check piiguard_status_works "$(piiguard status 2>&1 | grep -m1 "$STALL")" \
  sh -c "piiguard status | grep -q '$STALL'"
check no_key_mount_left "$(grep -c keymount /proc/mounts) keymount mounts" \
  sh -c "! grep -q keymount /proc/mounts"

piiguard journal show --db "$STATE/journal.db" | tail -20
kill "$DAEMON_PID"
