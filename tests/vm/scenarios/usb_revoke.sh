#!/bin/sh
# Issue 14 on the real kernel (security review F2): BLKROSET does not stop a
# filesystem that is already mounted read-write. A keyed stick is mounted
# read-write and written; a new policy that revokes it is applied with
# SIGHUP (as `systemctl reload` does): no write through the mount goes
# through later than a second after it, the stick is reported read-only
# only once no rw mount remains, and what was written before the
# revocation is on the stick.
# vm: --timeout 200
. /lib/vmlib.sh
. /lib/usblib.sh
plan 9
uevents_start
check daemon_started "piiguardd serving" daemon_start

plug_disk rw,serial=REVOKE05,image="$FIXTURES/revokelater.img"
wait_for 20 stick_is "$DISK" writable
check keyed_writable "/dev/$DISK state=$(stick_state "$DISK")" \
  test "$(stick_state "$DISK")" = writable
mkdir -p /mnt/k
mount -t vfat -o rw "/dev/$DISK" /mnt/k
echo "名簿 before" >/mnt/k/before.txt && sync
check mounted_rw "$(grep ' /mnt/k ' /proc/mounts)" \
  sh -c "grep ' /mnt/k ' /proc/mounts | grep -q ' rw,' && [ -s /mnt/k/before.txt ]"

# The revocation: the next policy version names this stick. A program
# keeps saving a file every 50 ms meanwhile. What is checked is what a
# writer gets: no write that completes later than 1 s after SIGHUP goes
# through, and writes are refused from then on. A write that completed is
# timed after it completed, so a writer held off the CPU (the daemon runs
# at nice -20, as the unit has it, and TCG is slow) only makes the check
# stricter, never laxer.
now_ms
t0=$NOW_MS
cp /etc/piiguard/policy-revoke05.signed /etc/piiguard/policy.signed
kill -HUP "$DAEMON_PID"
n=0
last_ok=""
failed_at=""
while now_ms && [ $((NOW_MS - t0)) -lt 10000 ]; do
  if ! { echo "after $n" >"/mnt/k/after$n.txt"; } 2>/tmp/write.err; then
    now_ms
    failed_at=$((NOW_MS - t0))
    break
  fi
  now_ms
  last_ok=$((NOW_MS - t0))
  n=$((n + 1))
  usleep 50000
done
echo "usb_revoke: $n writes went through after SIGHUP (the last ${last_ok:-none} ms after it), the next was refused at ${failed_at:-none} ms: $(cat /tmp/write.err)"
check writes_stop_within_1s "$n writes went through after SIGHUP, the last ${last_ok:-none} ms after it; the next refused at ${failed_at:-none} ms: $(cat /tmp/write.err)" \
  test -n "$failed_at" -a "${last_ok:-0}" -le 1000
check write_error_is_erofs "$(cat /tmp/write.err)" grep -qi "read-only" /tmp/write.err

wait_for 10 stick_is "$DISK" read_only
check reported_read_only "state=$(stick_state "$DISK") reason=$(stick_reason "$DISK") BLKROGET=$(blktool getro "/dev/$DISK")" \
  test "$(stick_state "$DISK")" = read_only -a "$(stick_reason "$DISK")" = revoked -a "$(blktool getro "/dev/$DISK")" = 1
check no_rw_mount_left "$(grep " /mnt/k " /proc/mounts)" \
  sh -c "! grep ' /mnt/k ' /proc/mounts | grep -q ' rw,'"
check closed_journaled "$(piiguard journal show --db "$STATE/journal.db" --type usb.stick.readonly | tail -1)" \
  journal_has usb.stick.readonly '"read_only"'
check policy_applied "$(piiguard journal show --db "$STATE/journal.db" --type policy.applied | tail -1)" \
  journal_has policy.applied '"version":3'

umount /mnt/k
mount -t vfat -o ro "/dev/$DISK" /mnt/k
check written_before_kept "before.txt: $(cat /mnt/k/before.txt 2>&1)" \
  test "$(cat /mnt/k/before.txt)" = "名簿 before"
umount /mnt/k
piiguard journal show --db "$STATE/journal.db" | tail -15
kill "$DAEMON_PID"
