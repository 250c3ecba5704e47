# shellcheck shell=dash disable=SC3045  # busybox ash: local, read -t
# vmlib.sh: functions for the VM tier's guest scenarios (busybox sh; its
# functions keep their variables local, so scenarios may use any names).
# The system tier (tests/system/) uses it too, under bash on a systemd guest,
# where the host's answers arrive on the scenario's own terminal
# (VMLIB_CONSOLE=/dev/stdin) and there is no busybox usleep.
# A scenario starts with ". /lib/vmlib.sh". The protocol with the host driver
# (tests/vm/vm.py) is lines on the console:
#   @@PLAN N                      N checks are expected
#   @@CHECK NAME PASS|FAIL DETAIL one result
#   @@WAIT STEP ARGS...           asks the host for an action, then reads
#                                 "@@DONE STEP ok ..." or "@@DONE STEP error ..."

# plan N: declares how many checks the scenario reports; missing ones fail.
plan() { echo "@@PLAN $1"; }

# pass NAME DETAIL... / fail NAME DETAIL...: reports one check.
pass() {
  local n="$1"
  shift
  echo "@@CHECK $n PASS $*"
}
fail() {
  local n="$1"
  shift
  echo "@@CHECK $n FAIL $*"
}

# check NAME DETAIL CMD [ARGS...]: PASS if CMD exits 0.
check() {
  local n="$1" d="$2"
  shift 2
  if "$@"; then pass "$n" "$d"; else fail "$n" "$d"; fi
}

# host STEP ARGS...: asks the host driver for STEP and waits for its answer
# (at most VMLIB_HOST_TIMEOUT seconds, default 60). Returns 0 on "ok";
# HOST_REPLY holds the answer's details.
host() {
  local step="$1" tag s status rest
  echo "@@WAIT $*"
  HOST_REPLY=""
  while read -r -t "${VMLIB_HOST_TIMEOUT:-60}" tag s status rest <"${VMLIB_CONSOLE:-/dev/console}"; do
    if [ "$tag" != "@@DONE" ] || [ "$s" != "$step" ]; then continue; fi
    export HOST_REPLY="$rest"
    [ "$status" = ok ] && return 0
    echo "vmlib: host step $step failed: $rest"
    return 1
  done
  echo "vmlib: no answer from the host for $step"
  return 1
}

# wait_for SECONDS CMD [ARGS...]: runs CMD (its output discarded) every
# 20 ms until it exits 0, for at most SECONDS; e.g. "wait_for 5 test -b
# /dev/sda" or "wait_for 15 usb_by_serial CITY0001". This bounded loop is only
# for things with no event to wait on in the guest, such as the sysfs files of
# a stick found at boot; hot-plug waits use the uevent monitor below.
wait_for() {
  local limit=$(($1 * 50))
  shift
  while [ "$limit" -gt 0 ]; do
    "$@" >/dev/null 2>&1 && return 0
    if command -v usleep >/dev/null; then usleep 20000; else sleep 0.02; fi
    limit=$((limit - 1))
  done
  return 1
}

# usb_by_serial SERIAL: prints the sysfs directory of the USB device with
# that serial (nothing if none).
usb_by_serial() {
  local d
  for d in /sys/bus/usb/devices/*; do
    [ -f "$d/serial" ] && [ "$(cat "$d/serial")" = "$1" ] &&
      readlink -f "$d" && return 0
  done
  return 1
}

# block_of USBDIR: prints the disk name (sda...) below a USB device, if any.
block_of() {
  local b
  for b in "$1"/*/host*/target*/*/block/*; do
    [ -e "$b" ] && basename "$b" && return 0
  done
  return 1
}

# uevents_start: starts the netlink uevent monitor (ueventmon) on fd 7 and
# returns once it listens, so no event after this call is missed.
uevents_start() {
  local ready
  rm -f /tmp/uevents.fifo
  mkfifo /tmp/uevents.fifo
  ueventmon >/tmp/uevents.fifo &
  UEVENTMON_PID=$!
  exec 7</tmp/uevents.fifo
  read -r ready <&7
  [ "$ready" = ready ]
}

# uevent_expect PATTERN [SECONDS]: reads uevent lines ("ACTION SUBSYSTEM
# DEVTYPE DEVNAME DEVPATH") until one matches the shell PATTERN; sets
# UEVENT_LINE. Fails after SECONDS (default 15) without a matching line.
# Every line read is kept in /tmp/uevents.log.
uevent_expect() {
  local end
  end=$(($(date +%s) + ${2:-15}))
  while [ "$(date +%s)" -le "$end" ]; do
    read -r -t 1 UEVENT_LINE <&7 || continue
    echo "$UEVENT_LINE" >>/tmp/uevents.log
    # shellcheck disable=SC2254
    case $UEVENT_LINE in $1) return 0 ;; esac
  done
  UEVENT_LINE=""
  return 1
}

uevents_stop() {
  [ -n "${UEVENTMON_PID:-}" ] && kill "$UEVENTMON_PID" 2>/dev/null
  exec 7<&-
  UEVENTMON_PID=""
}
