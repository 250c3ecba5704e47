#!/bin/sh
# Issue 5 on the real kernel: no writable window without the daemon. The
# kernel command line usbcore.authorized_default=0 (installer/) closes the
# boot window; a stick plugged before the daemon runs, or after it was
# killed with SIGKILL, is not even configured; the daemon handles it when it
# (re)starts; read-only flags survive the daemon. The kernel's generic
# driver binds an unauthorized device too (uevent "bind", no configuration):
# the daemon authorizes devices at that "bind" (docs/usb.md). Then, as the
# package does (docs/daemon.md): the devices plugged are recorded as present
# at installation; with the daemon stopped, --release gives back the root
# hubs' default and the sticks' write access, and a stick plugged after it
# is configured and writable.
# vm: --timeout 240 --append usbcore.authorized_default=0
. /lib/vmlib.sh
. /lib/usblib.sh
plan 17
uevents_start

host plug early,serial=EARLY001,fs=fat
uevent_expect "add usb usb_device * *" 30
devpath=$(echo "$UEVENT_LINE" | cut -d' ' -f5)
usb=/sys$devpath
uevent_expect "bind usb usb_device * $devpath" 30
check early_bound_unauthorized "uevent: ${UEVENT_LINE:-no bind} driver=$(basename "$(readlink "$usb/driver" 2>/dev/null)") authorized=$(cat "$usb/authorized" 2>/dev/null)" \
  test -n "$UEVENT_LINE" -a "$(basename "$(readlink "$usb/driver" 2>/dev/null)")" = usb -a "$(cat "$usb/authorized" 2>/dev/null)" = 0
check early_not_configured "no daemon: ${usb##*/} authorized=$(cat "$usb/authorized" 2>/dev/null) disks=$(ls /sys/block | grep -c sd)" \
  test "$(cat "$usb/authorized" 2>/dev/null)" = 0 -a "$(ls /sys/block | grep -c sd)" = 0
check daemon_started "piiguardd serving" daemon_start
wait_for 30 sh -c "ls /sys/block | grep -q sd"
DISK=$(ls /sys/block | grep sd | head -1)
wait_for 30 stick_known "$DISK"
check early_readonly_after_start "/dev/$DISK state=$(stick_state "$DISK") BLKROGET=$(blktool getro "/dev/$DISK")" \
  test "$(stick_state "$DISK")" = read_only -a "$(blktool getro "/dev/$DISK")" = 1

kill -9 "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
check killed "piiguardd killed with SIGKILL" sh -c "! kill -0 $DAEMON_PID 2>/dev/null"
check still_readonly_after_kill "/dev/$DISK BLKROGET=$(blktool getro "/dev/$DISK")" \
  test "$(blktool getro "/dev/$DISK")" = 1
check raw_write_refused_after_kill "blktool rewrite /dev/$DISK fails" sh -c "! blktool rewrite /dev/$DISK 2>/dev/null"

host plug late,serial=LATE0002,fs=fat
uevent_expect "add usb usb_device * *" 30
usb=/sys$(echo "$UEVENT_LINE" | cut -d' ' -f5)
check late_not_configured "daemon dead: ${usb##*/} authorized=$(cat "$usb/authorized" 2>/dev/null) disks=$(ls /sys/block | grep -c sd)" \
  test "$(cat "$usb/authorized" 2>/dev/null)" = 0 -a "$(ls /sys/block | grep -c sd)" = 1

check daemon_restarted "piiguardd serving again" daemon_start
uevent_expect "add block disk sd* *" 30
LATE=$(echo "$UEVENT_LINE" | cut -d' ' -f4)
wait_for 30 stick_known "$LATE"
check late_readonly_after_restart "/dev/$LATE state=$(stick_state "$LATE") BLKROGET=$(blktool getro "/dev/$LATE")" \
  test -n "$LATE" -a "$(stick_state "$LATE")" = read_only -a "$(blktool getro "/dev/$LATE")" = 1
check boot_param_seen "the kernel command line has usbcore.authorized_default=0: no usb.boot_param_missing" \
  sh -c "! piiguard journal show --db $STATE/journal.db --type usb.boot_param_missing | grep -q boot_param"

piiguardd --record-present-devices --state-dir "$STATE" >/tmp/record.log 2>&1
rc=$?
check present_recorded "exit $rc: $(tr '\n' ' ' </tmp/record.log)" \
  sh -c "[ $rc = 0 ] && grep -q '\"serial\": \"LATE0002\"' $STATE/present-devices.json && grep -q '\"vid\": \"46f4\"' $STATE/present-devices.json"

out=$(piiguardd --release --state-dir "$STATE" 2>&1)
check release_refused_while_running "exit $?: $out" sh -c "echo '$out' | grep -q 'piiguardd is running'"
kill "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
piiguardd --release --state-dir "$STATE" >/tmp/release.log 2>&1
rc=$?
check release_ok "exit $rc: $(tr '\n' ' ' </tmp/release.log)" test "$rc" = 0
defaults=$(cat /sys/bus/usb/devices/usb*/authorized_default | tr -d '\n')
check release_hubs "authorized_default of the root hubs: $defaults" sh -c "! echo '$defaults' | grep -q 0"
check release_writable "/dev/$LATE BLKROGET=$(blktool getro "/dev/$LATE") (was 1)" \
  test "$(blktool getro "/dev/$LATE")" = 0
host plug after,serial=AFTER003,fs=fat
uevent_expect "add block disk sd* *" 30
AFTER=$(echo "$UEVENT_LINE" | cut -d' ' -f4)
check after_release_writable "a stick plugged after --release: ${AFTER:-none} configured, BLKROGET=$(blktool getro "/dev/$AFTER" 2>/dev/null)" \
  sh -c "[ -n '$AFTER' ] && [ \"\$(blktool getro /dev/$AFTER)\" = 0 ] && blktool rewrite /dev/$AFTER"
