#!/bin/sh
# smoke: proves the harness on the real kernel (no piiguard code involved):
# USB sticks with chosen serials (usb-storage and UAS), USB authorization,
# BLKROSET, rfkill through mac80211_hwsim, and kernel uevents over netlink.
# shellcheck shell=dash disable=SC3045,SC1091  # busybox ash; vmlib.sh is in the guest
# vm: --stick cold1,serial=CITY0001,fs=fat --timeout 90
. /lib/vmlib.sh

plan 17

# --- the stick plugged at boot: found by its serial
wait_for 15 usb_by_serial CITY0001
cold=$(usb_by_serial CITY0001)
check cold_serial "CITY0001 at ${cold:-nowhere}" test -n "$cold"
wait_for 15 block_of "$cold"
sda=$(block_of "$cold")
check cold_block "/dev/${sda:-?} removable=$(cat "/sys/block/$sda/removable" 2>/dev/null)" \
  test -b "/dev/$sda" -a "$(cat "/sys/block/$sda/removable" 2>/dev/null)" = 1

# --- authorized_default=0 on every root hub
ok=1
hubs=""
for hub in /sys/bus/usb/devices/usb*; do
  echo 0 >"$hub/authorized_default"
  [ "$(cat "$hub/authorized_default")" = 0 ] || ok=0
  hubs="$hubs $(basename "$hub")"
done
check authorized_default_off "authorized_default=0 on$hubs" test "$ok" = 1 -a -n "$hubs"

# --- hot plug while not authorized: enumerated, no interface, no disk
uevents_start || fail uevent_monitor "ueventmon did not start"
host plug hot1,serial=CITY0002,fs=fat
uevent_expect "add usb usb_device *" 15
hot=$(usb_by_serial CITY0002)
ifaces=$(find "$hot" -maxdepth 1 -name '*:*' 2>/dev/null | wc -l)
check hot_unauthorized "${hot##*/} authorized=$(cat "$hot/authorized" 2>/dev/null) interfaces=$ifaces disk=$(block_of "$hot" || echo none)" \
  test -n "$hot" -a "$(cat "$hot/authorized" 2>/dev/null)" = 0 -a "$ifaces" = 0
echo 1 >"$hot/authorized"
uevent_expect "add block disk sd* *" 15
sdx=$(echo "$UEVENT_LINE" | cut -d' ' -f4)
check hot_authorized_block "authorized=1 gave /dev/${sdx:-nothing}" \
  test -n "$sdx" -a -b "/dev/$sdx" -a "$(block_of "$hot")" = "$sdx"
check uevent_add "netlink: add usb_device and disk $sdx" \
  grep -q "^add block disk $sdx " /tmp/uevents.log

# --- BLKROSET: a rw mount comes up ro (or fails), raw writes are refused
blktool setro "/dev/$sdx"
check blkroset "BLKROGET=$(blktool getro "/dev/$sdx") sysfs ro=$(cat "/sys/block/$sdx/ro")" \
  test "$(blktool getro "/dev/$sdx")" = 1 -a "$(cat "/sys/block/$sdx/ro")" = 1
mkdir -p /mnt/hot
mount -t vfat -o rw "/dev/$sdx" /mnt/hot 2>/tmp/mount.err
opts=$(awk -v d="/dev/$sdx" '$1 == d { print $4 }' /proc/mounts)
if echo data >/mnt/hot/written 2>/dev/null; then wrote=yes; else wrote=no; fi
case $opts in
  "") check ro_mount "rw mount refused: $(cat /tmp/mount.err)" test "$wrote" = no ;;
  *) check ro_mount "rw mount came up ${opts%%,*}, file write: $wrote" \
    test "${opts%%,*}" = ro -a "$wrote" = no ;;
esac
raw=$(blktool rewrite "/dev/$sdx")
case $raw in
  "error EPERM"* | "error EROFS"*) pass raw_write_refused "$raw" ;;
  *) fail raw_write_refused "$raw" ;;
esac
umount /mnt/hot 2>/dev/null
blktool setrw "/dev/$sdx"
mount -t vfat -o rw "/dev/$sdx" /mnt/hot && echo data >/mnt/hot/written && sync
check rw_after_setrw "BLKROSET 0: $(awk -v d="/dev/$sdx" '$1 == d { print $4 }' /proc/mounts | cut -d, -f1) mount, file $(cat /mnt/hot/written 2>/dev/null || echo missing)" \
  test "$(cat /mnt/hot/written 2>/dev/null)" = data
umount /mnt/hot

# --- unplug: remove uevents for the disk and the USB device
host unplug hot1
uevent_expect "remove block disk $sdx *" 15 &&
  uevent_expect "remove usb usb_device *" 15
check uevent_remove "netlink: ${UEVENT_LINE:-no remove event}" test -n "$UEVENT_LINE"
check hot_gone "no /dev/$sdx, no CITY0002 in sysfs" \
  test ! -e "/dev/$sdx" -a -z "$(usb_by_serial CITY0002)"

# --- a UAS stick (usb-uas + scsi-hd): bound to the uas driver, same path
host plug uas1,serial=CITY0003,fs=ext4,uas
uevent_expect "add usb usb_device *" 15
uas=$(usb_by_serial CITY0003)
echo 1 >"$uas/authorized"
uevent_expect "add block disk sd* *" 15
udev=$(echo "$UEVENT_LINE" | cut -d' ' -f4)
drv=$(basename "$(readlink "$uas/${uas##*/}:1.0/driver" 2>/dev/null)")
mkdir -p /mnt/uas
mount -t ext4 -o ro "/dev/$udev" /mnt/uas 2>/dev/null
check uas_stick "${uas##*/} driver=$drv /dev/${udev:-none} ext4 mounted: $(grep -c "^/dev/$udev " /proc/mounts)" \
  test "$drv" = uas -a -n "$udev" -a "$(grep -c "^/dev/$udev " /proc/mounts)" = 1
umount /mnt/uas 2>/dev/null
host unplug uas1
uevents_stop

# --- rfkill: mac80211_hwsim radios
wlan=$(cat /sys/class/rfkill/rfkill*/type 2>/dev/null | grep -c '^wlan$')
check hwsim_radios "$wlan wlan radios, /dev/rfkill: $(test -c /dev/rfkill && echo yes)" \
  test "$wlan" -ge 2 -a -c /dev/rfkill
rfkilltool block wlan
soft=$(cat /sys/class/rfkill/rfkill*/soft | tr -d '\n')
check rfkill_block_all "CHANGE_ALL wlan soft=1: $soft" test "$soft" = "$(echo "$soft" | tr 0 1)" -a -n "$soft"
mkfifo /tmp/rfkill.fifo
rfkilltool watch 1 5000 >/tmp/rfkill.fifo &
exec 8</tmp/rfkill.fifo
read -r ready <&8
# Another program unblocks the first radio through sysfs.
echo 0 >/sys/class/rfkill/rfkill0/soft
read -r -t 5 event <&8
check rfkill_unblock_event "sysfs unblock seen on /dev/rfkill: ${event:-nothing} ($ready)" \
  test "${event%% *}" = change -a "${event##* soft=}" = "0 hard=0"
exec 8<&-
rfkilltool unblock wlan

# --- the project's binaries, if run.sh packed them (pack-binaries.sh)
if [ -x /usr/bin/piiguard-admin ]; then
  check packed_binary "piiguard-admin --help runs: $(piiguard-admin --help 2>&1 | head -1)" \
    sh -c 'piiguard-admin --help >/dev/null 2>&1'
else
  pass packed_binary "no binaries packed (run.sh without BUILD_DIR)"
fi
