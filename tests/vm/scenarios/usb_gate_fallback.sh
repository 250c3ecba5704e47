#!/bin/sh
# The write gate's fallback on the real kernel: booted with an LSM list that
# lacks "bpf" (Debian 12's default list without it), the kernel loads and
# attaches the program but never runs it; piiguardd proves that, says
# "blkroset" in `piiguard status` and the journal, and BLKROSET holds as
# before. The root writer racing the plug and SG_IO are reported as figures
# (the holes the gate closes, docs/BENCHMARKS.md).
# shellcheck shell=dash disable=SC3045,SC1091
# vm: --timeout 420 --append lsm=landlock,lockdown,yama,loadpin,safesetid,integrity,apparmor,selinux,smack,tomoyo
. /lib/vmlib.sh
. /lib/usblib.sh
n=${USB_GATE_STICKS:-8}
plan 6
uevents_start
check daemon_started "piiguardd serving" daemon_start
layer=$(piiguard status --json | sed -n 's/.*"layer": "\([a-z-]*\)".*/\1/p')
check layer_blkroset "usb_write_layer: $layer; $(piiguard status | grep -i 'write protection')" \
  sh -c "[ '$layer' = blkroset ] && piiguard status | grep -q 'the read-only flag only (blkroset)'"
check fallback_journaled "$(piiguard journal show --db "$STATE/journal.db" --type usb.write_layer | tail -1)" \
  journal_has usb.write_layer 'does not run BPF LSM programs'

: >/tmp/race.log
i=0
while [ $i -lt "$n" ]; do race "F$i"; i=$((i + 1)); done
ok=$(sed -n 's/.*writes_ok=\([0-9]*\).*/\1/p' /tmp/race.log | awk '{s+=$1} END {print s+0}')
check root_race_blkroset "figure: a ROOT writer racing the plug of $n foreign sticks, BLKROSET only: successful writes $ok; BLKROSET after uevent: $(med ro_us /tmp/race.log) (-1: not within the 400 ms); decision: $(med auth_us /tmp/race.log)" \
  test "$(wc -l </tmp/race.log)" = "$n"

plug_disk foreign,serial=FOREIGN9,fs=fat
echo "usb_gate_fallback: figure: SG_IO WRITE(10) as root, BLKROSET only: $(blktool sgwrite "/dev/$DISK")"
check foreign_readonly "/dev/$DISK BLKROGET=$(blktool getro "/dev/$DISK"); raw rewrite: $(blktool rewrite "/dev/$DISK")" \
  test "$(blktool getro "/dev/$DISK")" = 1
host unplug foreign

plug_disk keyed,serial=KEYED001,image="$FIXTURES/keyed.img"
wait_for 20 stick_is "$DISK" writable
check keyed_writable "keyed /dev/$DISK state=$(stick_state "$DISK") raw rewrite: $(blktool rewrite "/dev/$DISK")" \
  sh -c "blktool rewrite /dev/$DISK | grep -q '^ok'"
host unplug keyed
kill "$DAEMON_PID"
