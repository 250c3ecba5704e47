#!/usr/bin/env bash
# The README's first command: installs what is needed, builds piiguard, and
# runs the IT desk's workflow on a demo city: a city key, a signed policy,
# a keyed USB stick (as a disk image), and the refusals a PC would give.
# Everything it makes is under ./demo (delete it to start again).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

./installer/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPIIGUARD_TESTS=OFF >/dev/null
ninja -C build piiguard-admin
admin=$root/build/policy/admin/piiguard-admin

demo=$root/demo
rm -rf "$demo"
mkdir -p "$demo"
cd "$demo"
step() { printf '\n== %s\n' "$*"; }

step "1. The IT desk makes the city's key pair (private key mode 0600)"
"$admin" key new --out keys --name city
ls -l keys

step "2. A policy for this year, from docs/examples/policy.example.json, signed"
from=$(date -d yesterday +%Y-%m-%dT00:00:00+09:00)
until=$(date -d '+1 year' +%Y-%m-%dT23:59:59+09:00)
sed -e "s/\"valid_from\": \"[^\"]*\"/\"valid_from\": \"$from\"/" \
    -e "s/\"valid_until\": \"[^\"]*\"/\"valid_until\": \"$until\"/" \
    "$root/docs/examples/policy.example.json" >policy.json
"$admin" policy sign --key keys/city.key --in policy.json --out policy.signed
"$admin" policy verify --pub keys/city.pub policy.signed
"$admin" policy show --pub keys/city.pub policy.signed

step "3. A tampered policy is refused (one byte changed)"
sed 's/"read_only"/"read_onlY"/' policy.signed >policy.tampered
if "$admin" policy verify --pub keys/city.pub policy.tampered; then
  echo "demo: a tampered policy was accepted" >&2; exit 1
fi

step "4. Keying a 64 MiB FAT stick (a disk image standing in for /dev/sdX)"
truncate -s 64M stick.img
mkfs.vfat -i 1A2B3C4D -n KOSODATE stick.img >/dev/null
expires=$(date -d '+90 days' +%Y-%m-%d)
"$admin" stick key --key keys/city.key --policy policy.signed \
  --image stick.img --vid 0781 --pid 5567 --serial 4C530001230101117125 \
  --job kosodate-2026-01 --holder "山田 花子" --expires "$expires"
"$admin" stick verify --pub keys/city.pub --policy policy.signed \
  --image stick.img --vid 0781 --pid 5567 --serial 4C530001230101117125

step "5. The same key file copied to another stick: refused, naming the field"
cp stick.img clone.img
if LANG=ja_JP.UTF-8 "$admin" stick verify --pub keys/city.pub --policy policy.signed \
  --image clone.img --vid 0781 --pid 5567 --serial 4C530001230101117999; then
  echo "demo: a cloned key was accepted" >&2; exit 1
fi

step "6. After its expiry date the stick is refused"
if "$admin" stick verify --pub keys/city.pub --policy policy.signed \
  --image stick.img --vid 0781 --pid 5567 --serial 4C530001230101117125 \
  --now "$(date -d '+120 days' +%Y-%m-%dT09:00:00+09:00)"; then
  echo "demo: an expired key was accepted" >&2; exit 1
fi

step "7. The stick is lost: the IT desk revokes it and signs policy version 2"
stick_id=$("$admin" stick verify --pub keys/city.pub --policy policy.signed \
  --image stick.img --vid 0781 --pid 5567 --serial 4C530001230101117125 |
  sed -n 's/^stick_id: //p')
"$admin" stick revoke --policy-in policy.json --stick-id "$stick_id" \
  --reason "紛失" --key keys/city.key --out policy.signed
if "$admin" stick verify --pub keys/city.pub --policy policy.signed \
  --image stick.img --vid 0781 --pid 5567 --serial 4C530001230101117125; then
  echo "demo: a revoked stick was accepted" >&2; exit 1
fi

step "Done. Files are in $demo; try: LANG=ja_JP.UTF-8 $admin --help"
