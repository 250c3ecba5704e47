#!/bin/sh
# Issue 14's moonshot on the real kernel: with the BPF LSM write gate
# (common/os/block_write_gate.h) no write reaches a foreign stick, not even
# from root racing the plug (usbrace writes from the disk's uevent on, before
# the daemon can set BLKROSET), nor through SCSI pass-through (SG_IO WRITE on
# a read-only descriptor, which BLKROSET does not stop), nor through a
# read-write mount; a keyed stick is still written; `piiguard status` names
# the layer; refusals are journaled. Debian 12's kernel runs BPF LSM programs
# by default (CONFIG_LSM ends in "bpf"); usb_gate_fallback.sh boots without.
# shellcheck shell=dash disable=SC3045,SC1091
# vm: --timeout 420
. /lib/vmlib.sh
. /lib/usblib.sh
n=${USB_GATE_STICKS:-8}
plan 9
uevents_start
check daemon_started "piiguardd serving" daemon_start
layer=$(piiguard status --json | sed -n 's/.*"layer": "\([a-z-]*\)".*/\1/p')
check layer_named "usb_write_layer: $layer; $(piiguard status | grep -i 'write protection')" \
  sh -c "[ '$layer' = bpf-lsm ] && piiguard status | grep -q \"the kernel's gate (bpf-lsm)\""

: >/tmp/race.log
i=0
while [ $i -lt "$n" ]; do race "G$i"; i=$((i + 1)); done
ok=$(sed -n 's/.*writes_ok=\([0-9]*\).*/\1/p' /tmp/race.log | awk '{s+=$1} END {print s+0}')
opens=$(sed -n 's/.*attempts=\([0-9]*\).*/\1/p' /tmp/race.log | awk '{s+=$1} END {print s+0}')
check root_race_zero_writes "a ROOT writer racing the plug of $n foreign sticks: successful writes $ok, write opens that succeeded $opens; BLKROSET after uevent: $(med ro_us /tmp/race.log) (-1: not within the 400 ms); decision: $(med auth_us /tmp/race.log); usb.write_attempt entries: $(piiguard journal show --db "$STATE/journal.db" --type usb.write_attempt | wc -l)" \
  test "$ok" = 0 -a "$opens" = 0 -a "$(wc -l </tmp/race.log)" = "$n"

plug_disk foreign,serial=FOREIGN9,fs=fat
echo 3 >/proc/sys/vm/drop_caches
before=$(dd if="/dev/$DISK" bs=1M count=4 2>/dev/null | sha256sum | cut -c1-16)
sg=$(blktool sgwrite "/dev/$DISK")
check sg_io_refused "SG_IO WRITE(10) as root on a read-only descriptor: $sg" \
  sh -c "blktool sgwrite /dev/$DISK | grep -q 'error EPERM SG_IO'"
mkdir -p /mnt/f
mount -t vfat -o rw "/dev/$DISK" /mnt/f 2>/tmp/mount.err
opts=$(awk -v d="/dev/$DISK" '$1 == d { print $4 }' /proc/mounts)
wrote=no
[ -n "$opts" ] && echo data >/mnt/f/x 2>/dev/null && sync 2>/dev/null && wrote=yes
umount /mnt/f 2>/dev/null
raw=$(blktool rewrite "/dev/$DISK")
echo 3 >/proc/sys/vm/drop_caches
after=$(dd if="/dev/$DISK" bs=1M count=4 2>/dev/null | sha256sum | cut -c1-16)
check foreign_unchanged "mount rw: ${opts:-refused} ($(head -c 80 /tmp/mount.err)); file write: $wrote; raw rewrite: $raw; first 4 MiB $before -> $after" \
  test "${opts%%,*}" != rw -a "$wrote" = no -a "$before" = "$after" -a "${raw%% *}" = error
check refusals_journaled "$(piiguard journal show --db "$STATE/journal.db" --type usb.write_attempt | tail -1)" \
  journal_has usb.write_attempt 'blocked_by.*bpf-lsm'
host unplug foreign

plug_disk keyed,serial=KEYED001,image="$FIXTURES/keyed.img"
wait_for 20 stick_is "$DISK" writable
mkdir -p /mnt/k
kw=no
mount -t vfat -o rw "/dev/$DISK" /mnt/k && echo "名簿 2026" >/mnt/k/roster.txt && sync &&
  umount /mnt/k && mount -t vfat -o ro "/dev/$DISK" /mnt/k &&
  [ "$(cat /mnt/k/roster.txt)" = "名簿 2026" ] && kw=yes
umount /mnt/k 2>/dev/null
check keyed_written "keyed stick /dev/$DISK state=$(stick_state "$DISK"): write, sync, remount, read back: $kw; raw rewrite: $(blktool rewrite "/dev/$DISK")" \
  test "$kw" = yes
keyed=$DISK
host unplug keyed
uevent_expect "remove block disk $keyed *" 30
# The keyed stick's numbers leave the gate with it: a foreign stick that
# gets the same name is refused from its first moment.
plug_disk foreign2,serial=FOREIGN8,fs=fat
check reused_name_refused "/dev/$DISK (keyed was $keyed): $(blktool rewrite "/dev/$DISK")" \
  sh -c "blktool rewrite /dev/$DISK | grep -q 'error EPERM open'"
host unplug foreign2

# The daemon's own disks still work: a loop device made after the start.
dd if=/dev/zero of=/tmp/loop.img bs=1M count=4 2>/dev/null
loopdev=$(losetup -f)
losetup "$loopdev" /tmp/loop.img
wait_for 10 sh -c "dd if=/dev/zero of=$loopdev bs=512 count=1 conv=notrunc 2>/dev/null"
check loop_writable "$loopdev (not controlled) writable after its uevent: $(dd if=/dev/zero of="$loopdev" bs=512 count=1 conv=notrunc 2>&1 | tail -1)" \
  dd if=/dev/zero of="$loopdev" bs=512 count=1 conv=notrunc
losetup -d "$loopdev"
piiguard journal show --db "$STATE/journal.db" --type usb.write_layer
kill "$DAEMON_PID"
