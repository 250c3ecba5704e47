#!/usr/bin/env bash
# The README's first command: installs what is needed, builds piiguard, and
# runs the IT desk's workflow on a demo city: a city key, a signed policy,
# a keyed USB stick (as a disk image), and the refusals a PC would give.
# Then the privacy office server and one enrolled PC: the agent daemon
# journals a near miss, syncs it over mutual TLS, and the office's review
# pages show it; a roster saved on the PC's disk is moved into the
# quarantine, which only the office's key opens. The office and the daemon keep running when it ends (it
# says how to stop them). Everything it makes is under ./demo (delete it to
# start again).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

./installer/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPIIGUARD_TESTS=OFF >/dev/null
ninja -C build piiguard-admin piiguard piiguardd piiguard-sync piiguard-office
admin=$root/build/policy/admin/piiguard-admin
cli=$root/build/agent/cli/piiguard
daemon=$root/build/agent/daemon/piiguardd
office=$root/build/office/piiguard-office

demo=$root/demo
# A previous demo's office and daemon.
for pidfile in "$demo"/office.pid "$demo"/agent.pid; do
  [[ -f $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null || true
done
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
# The privacy office's quarantine key: rosters the PC moves are encrypted to it.
qkey=$("$office" quarantine key --dir office | sed -n 's/^ *"quarantine_key": "\([^"]*\)".*/\1/p')
sed -e "s/\"valid_from\": \"[^\"]*\"/\"valid_from\": \"$from\"/" \
    -e "s/\"valid_until\": \"[^\"]*\"/\"valid_until\": \"$until\"/" \
    -e "s|\"quarantine_key\": \"[^\"]*\"|\"quarantine_key\": \"$qkey\"|" \
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

step "8. The privacy office server: its CA and TLS key, the signed policy, a reviewer"
"$office" init --dir office --city-pub keys/city.pub --name localhost --ip 127.0.0.1 | tee office-init.log
pin=$(sed -n 's/^pin: //p' office-init.log)
"$office" policy publish --dir office --db office/office.db policy.signed
printf 'demo-password-%s\n' "$(date +%s)" >reviewer.password
"$office" user add --dir office --db office/office.db reviewer <reviewer.password
mkfifo office.out
"$office" serve --dir office --db office/office.db --listen 127.0.0.1:0 >office.out 2>office.log &
echo $! >office.pid
read -r line <office.out
port=${line##*:}
[[ $line == "listening on 127.0.0.1:"* ]] || { echo "demo: the office did not start: $line" >&2; exit 1; }
(cat office.out >>office.log &)
url="https://127.0.0.1:$port"
echo "office: $url (pin $pin)"

step "9. The IT desk enrols this PC with a one-time token; the agent daemon starts"
"$admin" enrol --key keys/city.key --pc hidamari-pc-01 --consignee npo-hidamari \
  --office-url "$url" --office-pin "$pin" --out enrol.token
"$cli" enrol --token enrol.token --state-dir agent --socket agent.sock
mkfifo agent.out
# The roster guard watches only the demo's desk folder, not this machine's
# disks (a real PC runs without --roster-watch). piiguardd starts the sync
# process (piiguard-sync) as `nobody` and hands it what it needs: it reads
# nothing under ./demo, so this works from any folder, root's home included.
mkdir -p desk
"$daemon" --foreground --state-dir agent --socket agent.sock --sync-user nobody \
  --policy policy.signed --city-pub keys/city.pub --sync-interval 60 \
  --roster-watch "$demo/desk" >agent.out 2>&1 &
echo $! >agent.pid
while IFS= read -r line; do
  echo "$line" >>agent.log
  [[ $line == "piiguardd: serving"* ]] && break
done <agent.out
(cat agent.out >>agent.log &)

step "10. Staff (not root) report a near miss (ヒヤリ・ハット); it reaches the office"
LANG=ja_JP.UTF-8 setpriv --reuid=nobody --regid=nogroup --clear-groups \
  "$cli" report near-miss "名簿を印刷したまま席を離れた" --socket agent.sock
for ((i = 0; i < 300; i++)); do
  pending=$("$cli" status --json --socket agent.sock | sed -n 's/^ *"pending": *\([0-9]*\).*/\1/p')
  [[ $pending == 0 ]] && break
  sleep 0.1  # polling the agent's status from a script
done
LANG=ja_JP.UTF-8 "$cli" status --socket agent.sock
"$cli" journal verify --db agent/journal.db --pub agent/device.pub
if [[ $pending != 0 ]]; then
  # `piiguard status` above says why (the sync part); the agent's log too.
  echo "demo: the journal did not reach the office; the agent's log:" >&2
  grep "sync" agent.log >&2 || true
  exit 1
fi

step "11. Staff (not root) save a roster on the PC's disk; it is moved off it"
# A clearly fictitious roster: names, addresses, phone numbers.
cat >roster.csv <<'CSV'
氏名,フリガナ,住所,電話番号
架空 一郎,カクウ イチロウ,東京都架空市本町1-1-1,090-0000-0001
架空 二郎,カクウ ジロウ,東京都架空市本町1-1-2,090-0000-0002
架空 三郎,カクウ サブロウ,東京都架空市本町1-1-3,090-0000-0003
架空 四郎,カクウ シロウ,東京都架空市本町1-1-4,090-0000-0004
架空 花子,カクウ ハナコ,東京都架空市本町1-1-5,090-0000-0005
架空 桜子,カクウ サクラコ,東京都架空市本町1-1-6,090-0000-0006
CSV
chown nobody:nogroup desk
# From inside desk: the staff member needs no right on the folders above it.
(cd desk && setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c 'cat >参加者名簿.csv') <roster.csv
for ((i = 0; i < 300; i++)); do
  "$cli" journal show --db agent/journal.db --type roster.moved | grep -q 参加者名簿 && break
  sleep 0.1  # the roster guard's move is journaled; nothing to wait on from here
done
"$cli" journal show --db agent/journal.db --type roster.moved | tail -n 1
[[ ! -e desk/参加者名簿.csv ]] || { echo "demo: the roster is still in desk" >&2; exit 1; }
ls -l agent/quarantine
"$office" quarantine open --dir office --in "agent/quarantine/参加者名簿.csv.piiguard-quarantine" --out opened.csv
cmp -s roster.csv opened.csv || { echo "demo: the opened roster differs" >&2; exit 1; }
head -n 3 opened.csv

step "Done. Files are in $demo"
cat <<EOF
The review pages: $url/  (user: reviewer, password: $(cat reviewer.password);
the certificate is the office's own CA: $demo/office/ca.crt)
The PC's journal:   $cli journal show --db $demo/agent/journal.db
Stop both:          kill \$(cat $demo/office.pid) \$(cat $demo/agent.pid)
Try also:           LANG=ja_JP.UTF-8 $admin --help
EOF
