#!/usr/bin/env bash
# Host-side fixtures for the USB scenarios (scenarios/usb_*.sh), made with
# the build's own IT desk tool, as the city would:
#
#   tests/vm/prepare-usb.sh BUILD_DIR OUT_DIR
#
# OUT_DIR gets: city.key/city.pub, policy.signed (a register job, one revoked
# stick), and 64 MiB FAT stick images keyed for QEMU's usb-storage
# (46f4:0001): keyed.img (serial KEYED001, 90 days), expired.img (serial
# EXPIRED3, expires tomorrow: the scenario moves the guest's clock), and
# revoked.img (serial REVOKED4, revoked in the policy); revokelater.img
# (serial REVOKE05) and policy-revoke05.signed, the next policy version that
# revokes it (usb_revoke); blank.img, an unkeyed FAT medium of the same size
# (usb_media_change); fifo.img, an ext4 stick whose PIIGUARD.KEY is a FIFO
# (usb_stall); exceptions.master and exception.key, the exception code keys
# of PC hidamari-pc-01 (usb_exception: the guest answers its own codes as the
# IT desk would). guest/ holds what run.sh packs into the guest (/etc/piiguard,
# /etc/passwd, /lib/usblib.sh).
set -euo pipefail
build=$(cd "$1" && pwd)
out=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
admin=$build/policy/admin/piiguard-admin
[[ -x $admin ]] || { echo "prepare-usb: no $admin" >&2; exit 1; }
rm -rf "$out" && mkdir -p "$out/guest"
out=$(cd "$out" && pwd)
cd "$out"

"$admin" key new --out . --name city >/dev/null
from=$(date -d yesterday +%Y-%m-%dT00:00:00+09:00)
until=$(date -d '+1 year' +%Y-%m-%dT23:59:59+09:00)
sed -e "s/\"valid_from\": \"[^\"]*\"/\"valid_from\": \"$from\"/" \
    -e "s/\"valid_until\": \"[^\"]*\"/\"valid_until\": \"$until\"/" \
    "$root/docs/examples/policy.example.json" >policy.json
"$admin" policy sign --key city.key --in policy.json --out policy.signed >/dev/null

# key IMAGE SERIAL UUID EXPIRES
key() {
  truncate -s 64M "$1"
  mkfs.vfat -i "$3" -n PIIGUARD "$1" >/dev/null
  "$admin" stick key --key city.key --policy policy.signed --image "$1" \
    --vid 46f4 --pid 0001 --serial "$2" --job kosodate-2026-01 \
    --holder "山田 花子" --expires "$4" >/dev/null
}
key keyed.img KEYED001 1A2B0001 "$(date -d '+90 days' +%Y-%m-%d)"
key expired.img EXPIRED3 1A2B0003 "$(date -d '+1 day' +%Y-%m-%d)"
key revoked.img REVOKED4 1A2B0004 "$(date -d '+90 days' +%Y-%m-%d)"
key revokelater.img REVOKE05 1A2B0005 "$(date -d '+90 days' +%Y-%m-%d)"
truncate -s 64M blank.img
mkfs.vfat -i 1A2B0006 -n BLANK blank.img >/dev/null
# An ext4 stick whose key file is a FIFO (security review F4).
rm -rf fifo-tree && mkdir fifo-tree && mkfifo fifo-tree/PIIGUARD.KEY
truncate -s 64M fifo.img
mkfs.ext4 -q -F -d fifo-tree fifo.img
rm -rf fifo-tree
stick_id=$("$admin" stick verify --pub city.pub --policy policy.signed \
  --image revoked.img --vid 46f4 --pid 0001 --serial REVOKED4 |
  sed -n 's/^stick_id: //p')
[[ -n $stick_id ]] || { echo "prepare-usb: no stick id for revoked.img" >&2; exit 1; }
"$admin" stick revoke --policy-in policy.json --stick-id "$stick_id" \
  --reason "紛失" --key city.key --out policy.signed >/dev/null

# The next version revokes REVOKE05 (usb_revoke applies it with SIGHUP).
later_id=$("$admin" stick verify --pub city.pub --policy policy.signed \
  --image revokelater.img --vid 46f4 --pid 0001 --serial REVOKE05 |
  sed -n 's/^stick_id: //p')
[[ -n $later_id ]] || { echo "prepare-usb: no stick id for revokelater.img" >&2; exit 1; }
"$admin" stick revoke --policy-in policy.json --stick-id "$later_id" \
  --reason "返却" --key city.key --out policy-revoke05.signed >/dev/null

# Offline exception codes (usb_exception): the desk's master and the PC's
# key, as the IT desk makes them at enrolment.
"$admin" exception init-key --out exceptions.master >/dev/null
"$admin" exception pc-key --master exceptions.master --pc hidamari-pc-01 \
  --out exception.key >/dev/null
chmod 600 exceptions.master exception.key

mkdir -p guest/etc/piiguard guest/etc/piiguard-vm
cp city.pub policy.signed policy-revoke05.signed exception.key guest/etc/piiguard/
# The city key too: usb_exception_file issues its files in the guest, as
# the IT desk would.
cp exceptions.master city.key guest/etc/piiguard-vm/
echo "$out" >guest/etc/piiguard-vm/fixtures
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >guest/etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\n' >guest/etc/group
echo "prepare-usb: fixtures in $out"
