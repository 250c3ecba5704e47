#!/bin/sh
# Issue 14 on the real kernel (security review F7): a card swapped in a
# reader is another medium on the same disk (QEMU's usb-storage with
# removable=on: blockdev-change-medium). After a keyed card was made
# writable, the card swapped in starts read-only (DISKSEQ changes, the
# kernel's DISK_MEDIA_CHANGE uevent) and is decided afresh; the keyed card
# put back is a new decision too.
# vm: --timeout 300
. /lib/vmlib.sh
. /lib/usblib.sh
plan 8
uevents_start
check daemon_started "piiguardd serving" daemon_start

plug_disk card,serial=KEYED001,image="$FIXTURES/keyed.img"
wait_for 20 stick_is "$DISK" writable
seq1=$(cat "/sys/block/$DISK/diskseq")
check keyed_card_writable "/dev/$DISK state=$(stick_state "$DISK") diskseq=$seq1 BLKROGET=$(blktool getro "/dev/$DISK") poll=$(cat "/sys/block/$DISK/events_poll_msecs")" \
  test "$(stick_state "$DISK")" = writable -a "$(blktool getro "/dev/$DISK")" = 0

host change card "$FIXTURES/blank.img"
uevent_expect "change block disk $DISK *" 30
echo "usb_media_change: $UEVENT_LINE"
# The tray opens (no medium) and closes on the new card: one or two changes.
wait_for 30 stick_reason_is "$DISK" 'no key file'
seq2=$(cat "/sys/block/$DISK/diskseq")
check swapped_card_readonly "state=$(stick_state "$DISK") reason=$(stick_reason "$DISK") diskseq $seq1 -> $seq2 BLKROGET=$(blktool getro "/dev/$DISK")" \
  test "$(stick_state "$DISK")" = read_only -a "$(stick_reason "$DISK")" = "no key file" -a "$(blktool getro "/dev/$DISK")" = 1 -a "$seq2" != "$seq1"
mkdir -p /mnt/c
mount -t vfat -o rw "/dev/$DISK" /mnt/c 2>/tmp/mount.err
opts=$(awk -v d="/dev/$DISK" '$1 == d { print $4 }' /proc/mounts)
wrote=no
[ -n "$opts" ] && echo data >/mnt/c/x 2>/dev/null && sync 2>/dev/null && wrote=yes
umount /mnt/c 2>/dev/null
check swapped_card_not_writable "mount: ${opts:-refused}; write: $wrote" \
  test "${opts%%,*}" != rw -a "$wrote" = no
check media_change_journaled "$(piiguard journal show --db "$STATE/journal.db" --type usb.stick.media_changed | tail -1)" \
  journal_has usb.stick.media_changed "$DISK"

host change card "$FIXTURES/keyed.img"
uevent_expect "change block disk $DISK *" 30
wait_for 30 stick_is "$DISK" writable
check keyed_card_back_writable "state=$(stick_state "$DISK") diskseq=$(cat "/sys/block/$DISK/diskseq")" \
  test "$(stick_state "$DISK")" = writable
n=$(piiguard journal show --json --db "$STATE/journal.db" --type usb.stick.keyed | grep -c "\"$DISK\"")
check decided_again "$n usb.stick.keyed entries for $DISK" test "$n" -ge 2
check readonly_between "$(piiguard journal show --db "$STATE/journal.db" --type usb.stick.readonly | tail -1)" \
  journal_has usb.stick.readonly 'no key file'
piiguard journal show --db "$STATE/journal.db" | tail -20
kill "$DAEMON_PID"
