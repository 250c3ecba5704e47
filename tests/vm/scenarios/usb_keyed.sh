#!/bin/sh
# Issue 5 on the real kernel: a keyed stick becomes writable (after the
# session's radios are off); the same key file on another serial, a revoked
# key and an expired key keep their sticks read-only with the reason.
# vm: --timeout 200
. /lib/vmlib.sh
. /lib/usblib.sh
plan 10
uevents_start
check daemon_started "piiguardd serving" daemon_start
# This guest boots without usbcore.authorized_default=0: journaled, shown.
check boot_param_missing "$(piiguard journal show --db "$STATE/journal.db" --type usb.boot_param_missing | tail -1)" \
  sh -c "piiguard journal show --json --db $STATE/journal.db --type usb.boot_param_missing | grep -q authorized_default && piiguard status --json | grep -q boot_param_missing"

plug_disk keyed,serial=KEYED001,image="$FIXTURES/keyed.img"
echo "usb_keyed: $DISK decided at $(cut -d' ' -f1 /proc/uptime): $(stick_state "$DISK")"
wait_for 20 stick_is "$DISK" writable
check keyed_writable "/dev/$DISK state=$(stick_state "$DISK") BLKROGET=$(blktool getro "/dev/$DISK")" \
  test "$(stick_state "$DISK")" = writable -a "$(blktool getro "/dev/$DISK")" = 0
mkdir -p /mnt/k
ok=no
mount -t vfat -o rw "/dev/$DISK" /mnt/k && echo "名簿 2026" >/mnt/k/roster.txt && sync &&
  umount /mnt/k && mount -t vfat -o ro "/dev/$DISK" /mnt/k &&
  [ "$(cat /mnt/k/roster.txt)" = "名簿 2026" ] && ok=yes
umount /mnt/k 2>/dev/null
check keyed_write_read_back "write, sync, remount, read back: $ok" test "$ok" = yes
check writable_journaled "$(piiguard journal show --db "$STATE/journal.db" --type usb.stick.writable | tail -1)" \
  journal_has usb.stick.writable kosodate-2026-01
host unplug keyed

plug_disk clone,serial=CLONE002,image="$FIXTURES/keyed.img"
check clone_readonly "state=$(stick_state "$DISK") reason=$(stick_reason "$DISK") BLKROGET=$(blktool getro "/dev/$DISK")" \
  test "$(stick_state "$DISK")" = read_only -a "$(stick_reason "$DISK")" = "identity mismatch (serial)" -a "$(blktool getro "/dev/$DISK")" = 1
check clone_journaled "journal: usb.stick.readonly identity mismatch (serial)" \
  journal_has usb.stick.readonly 'identity mismatch (serial)'
host unplug clone

plug_disk revoked,serial=REVOKED4,image="$FIXTURES/revoked.img"
check revoked_readonly "state=$(stick_state "$DISK") reason=$(stick_reason "$DISK")" \
  test "$(stick_state "$DISK")" = read_only -a "$(stick_reason "$DISK")" = revoked -a "$(blktool getro "/dev/$DISK")" = 1
host unplug revoked

# Ten days later the key that expired tomorrow has expired.
date -s "@$(($(date +%s) + 10 * 86400))" >/dev/null
plug_disk expired,serial=EXPIRED3,image="$FIXTURES/expired.img"
check expired_readonly "state=$(stick_state "$DISK") reason=$(stick_reason "$DISK")" \
  test "$(stick_state "$DISK")" = read_only -a "$(stick_reason "$DISK")" = expired -a "$(blktool getro "/dev/$DISK")" = 1
LANG=ja_JP.UTF-8 piiguard status | grep "USBメモリ" | head -3
check status_japanese "$(LANG=ja_JP.UTF-8 piiguard status | grep -m1 "$DISK")" \
  sh -c "LANG=ja_JP.UTF-8 piiguard status | grep -q '書き込みできません'"
piiguard journal show --db "$STATE/journal.db" | tail -40
kill "$DAEMON_PID"
