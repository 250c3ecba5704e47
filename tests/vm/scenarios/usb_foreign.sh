#!/bin/sh
# Issue 5 on the real kernel: piiguardd as in production; a foreign (unkeyed)
# stick can be read but not written, not even raw; every write attempt is
# journaled; the device's bytes are unchanged after the attempts.
# vm: --timeout 170
. /lib/vmlib.sh
. /lib/usblib.sh
plan 10
uevents_start
check daemon_started "piiguardd serving" daemon_start
hubs=$(cat /sys/bus/usb/devices/usb*/authorized_default | tr '\n' ' ')
check root_hubs_closed "authorized_default: $hubs" sh -c "! cat /sys/bus/usb/devices/usb*/authorized_default | grep -qv '^0$'"

plug_disk foreign,serial=FOREIGN9,fs=fat
check foreign_readonly "/dev/$DISK BLKROGET=$(blktool getro "/dev/$DISK") state=$(stick_state "$DISK") reason=$(stick_reason "$DISK")" \
  test "$(blktool getro "/dev/$DISK")" = 1 -a "$(stick_state "$DISK")" = read_only -a "$(stick_reason "$DISK")" = "no key file"
echo 3 >/proc/sys/vm/drop_caches
before=$(dd if="/dev/$DISK" bs=1M count=4 2>/dev/null | sha256sum | cut -c1-16)

mkdir -p /mnt/f
mount -t vfat -o rw "/dev/$DISK" /mnt/f 2>/tmp/mount.err
opts=$(awk -v d="/dev/$DISK" '$1 == d { print $4 }' /proc/mounts)
wrote=no
[ -n "$opts" ] && echo data >/mnt/f/x 2>/dev/null && sync 2>/dev/null && wrote=yes
check rw_mount_not_writable "mount: ${opts:-refused} ($(head -c 80 /tmp/mount.err)); file write: $wrote" \
  test "${opts%%,*}" != rw -a "$wrote" = no
umount /mnt/f 2>/dev/null
check readable "first sector readable" dd if="/dev/$DISK" of=/dev/null bs=512 count=1

raw=$(blktool rewrite "/dev/$DISK" 2>&1)
check raw_write_refused "blktool rewrite: $raw" sh -c "! blktool rewrite /dev/$DISK"
dd if=/dev/zero of="/dev/$DISK" bs=512 count=1 conv=notrunc 2>/dev/null
check dd_refused "dd to /dev/$DISK fails" sh -c "! dd if=/dev/zero of=/dev/$DISK bs=512 count=1 conv=notrunc 2>/dev/null"

n=$(piiguard journal show --json --db "$STATE/journal.db" --type usb.write_attempt | grep -c "\"$DISK\"")
check write_attempts_journaled "$n usb.write_attempt entries for $DISK (blktool, dd): $(piiguard journal show --db "$STATE/journal.db" --type usb.write_attempt | tail -1)" \
  test "$n" -ge 2
check readonly_journaled "$(piiguard journal show --db "$STATE/journal.db" --type usb.stick.readonly | tail -1)" \
  journal_has usb.stick.readonly 'no key file'

echo 3 >/proc/sys/vm/drop_caches
after=$(dd if="/dev/$DISK" bs=1M count=4 2>/dev/null | sha256sum | cut -c1-16)
check bytes_unchanged "sha256 before $before after $after" test "$before" = "$after" -a -n "$before"
kill "$DAEMON_PID"
