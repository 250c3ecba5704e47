#!/usr/bin/env bash
# The system tier's entry point (for tests/run_all.sh): the project's .deb
# files installed with apt on a real Debian 12 guest with systemd as PID 1,
# then the PC's life as a city lives it (tests/system/scenario.sh).
#
#   tests/system/run.sh [DIST_DIR]      (default dist/, from installer/build-deb.sh)
#
# On the host, as the IT desk and the privacy office would on their own
# machines, with the programs of the same .deb files (extracted, never
# installed here): the city's key and a signed policy, the office server's
# state (`piiguard-office init`, its quarantine key, a reviewer), a stick
# keyed for the guest's emulated USB stick, and an enrolment token. The
# guest then installs, reboots, is configured and enrolled, is used, and
# removes piiguard again; its office's review pages are checked from here in
# headless Chromium. Ends with "system: N passed, N failed".
# Exit status: 0 all passed, 1 a failure, 77 skipped (reason printed).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
dist=$(cd "${1:-$top/dist}" 2>/dev/null && pwd) || dist=""
say() { printf 'system: %s\n' "$*"; }
result() { say "$1 passed, $2 failed"; }

if [[ $(id -u) != 0 ]]; then
  say "SKIP: needs root (mmdebstrap, a loop device, QEMU)"
  exit 77
fi
if [[ -z $dist ]] || ! compgen -G "$dist/piiguard_*.deb" >/dev/null; then
  say "no piiguard .deb files in ${1:-dist/} (run installer/build-deb.sh)"
  result 0 1
  exit 1
fi
for tool in /usr/bin/chromium node npm; do
  command -v "$tool" >/dev/null || { say "SKIP: $tool is missing (run_all.sh installs it)"; exit 77; }
done
image=$("$here/setup.sh" "$dist")
rc=$?
if [[ $rc == 77 ]]; then
  say "SKIP: setup could not run here (reason above)"
  exit 77
elif [[ $rc != 0 || ! -s $image ]]; then
  say "setup.sh failed with $rc"
  result 0 1
  exit 1
fi

out=$here/.cache/run
rm -rf "$out"
mkdir -p "$out/payload/fixtures" "$out/payload/dist" "$out/payload/lib" "$out/tools"
payload=$out/payload
fx=$payload/fixtures

# --- The IT desk's and the office's tools, from the packages themselves.
for deb in "$dist"/piiguard-admin_*.deb "$dist"/piiguard-office_*.deb; do
  dpkg-deb -x "$deb" "$out/tools"
done
admin=$out/tools/usr/bin/piiguard-admin
office=$out/tools/usr/bin/piiguard-office
[[ -x $admin && -x $office ]] || { say "no piiguard-admin or piiguard-office in $dist"; result 0 1; exit 1; }

fixtures() {
  set -e
  cd "$out"
  "$admin" key new --out keys --name city >/dev/null
  "$office" init --dir office --city-pub keys/city.pub --name localhost --ip 127.0.0.1 >office-init.txt
  pin=$(sed -n 's/^pin: //p' office-init.txt)
  "$office" quarantine key --dir office >quarantine-key.txt
  qkey=$(grep -o '"quarantine_key": *"[^"]*"' quarantine-key.txt | sed 's/.*: *"//; s/"$//')
  [[ -n $pin && -n $qkey ]]
  from=$(date -d yesterday +%Y-%m-%dT00:00:00+09:00)
  until=$(date -d '+1 year' +%Y-%m-%dT23:59:59+09:00)
  # The example policy for this year, the office's quarantine key, and the
  # guest PC among the consignee's PCs.
  sed -e "s/\"valid_from\": \"[^\"]*\"/\"valid_from\": \"$from\"/" \
      -e "s/\"valid_until\": \"[^\"]*\"/\"valid_until\": \"$until\"/" \
      -e "s|\"quarantine_key\": \"[^\"]*\"|\"quarantine_key\": \"$qkey\"|" \
      -e "s/\"hidamari-pc-01\"/\"pc-01\"/" \
      "$top/docs/examples/policy.example.json" >policy.json
  # The office's exception signer key, made as the office's administrator
  # makes it (`signer init`; the guest installs it as the signer's), and
  # listed in the policy as an `exception`-role key as the IT desk lists it
  # (docs/office-signer.md): the pages' files then verify on the PC.
  "$office" signer init --dir signer >signer-init.txt
  entry=$(grep -m1 '^ *{"name"' signer-init.txt | sed 's/^ *//')
  [[ -n $entry ]]
  python3 -c 'import json,sys; p=json.load(open("policy.json")); p["keys"].append(json.loads(sys.argv[1])); json.dump(p, open("policy.json","w"), ensure_ascii=False, indent=1)' "$entry"
  "$admin" policy sign --key keys/city.key --in policy.json --out policy.signed >/dev/null
  "$office" policy publish --dir office --db office/office.db policy.signed >/dev/null
  password="system-tier-$(head -c 9 /dev/urandom | base64 | tr '+/' 'xy')"
  echo "$password" | "$office" user add --dir office --db office/office.db \
    --may-issue-exceptions reviewer >/dev/null
  # The stick the IT desk keys for this PC: QEMU's usb-storage is 46f4:0001.
  truncate -s 64M "$fx/keyed.img"
  mkfs.vfat -i 5C5E0001 -n KOSODATE "$fx/keyed.img" >/dev/null
  "$admin" stick key --key keys/city.key --policy policy.signed --image "$fx/keyed.img" \
    --vid 46f4 --pid 0001 --serial SYSKEY01 --job kosodate-2026-01 \
    --holder "佐藤 花子" --expires "$(date -d '+90 days' +%Y-%m-%d)" >/dev/null
  "$admin" enrol --key keys/city.key --pc pc-01 --consignee npo-hidamari \
    --office-url https://127.0.0.1:8443 --office-pin "$pin" --out "$fx/enrol.token" >/dev/null
  # Offline exception codes: the desk's master stays on the host (the
  # desk answers the guest's request codes, system.py `respond`); the PC's
  # key goes to the guest as the IT desk installs it at enrolment.
  "$admin" exception init-key --out keys/exceptions.master >/dev/null
  "$admin" exception pc-key --master keys/exceptions.master --pc pc-01 \
    --out "$fx/exception.key" >/dev/null
  cp keys/city.pub policy.signed "$fx/"
  cp -a office "$fx/office"
  cp -a signer "$fx/signer"
  cp "$here/fixtures/roster.csv" "$fx/"
  near_miss="参加者名簿を印刷したまま会議室に置き忘れそうになった（システム試験 $(date +%s)）"
  echo "$near_miss" >"$fx/near_miss.txt"
  # What the review pages must show, from what the guest's agent sends.
  python3 - "$password" "$near_miss" >"$fx/expect.json" <<'EOF'
import json, sys
password, near_miss = sys.argv[1:3]
print(json.dumps({
  "user": "reviewer", "password": password,
  "checks": [
    {"name": "overview_near_miss_count", "path": "/", "regex": "ヒヤリ・ハット[^0-9]*[1-9][0-9]* 件"},
    {"name": "overview_not_zero", "path": "/", "absent": "ヒヤリ・ハット: 0 件"},
    {"name": "near_miss_text", "path": "/near-misses", "contains": near_miss},
    {"name": "pc_listed", "path": "/pcs", "contains": "pc-01"},
    # The labels the office gives the types the guest's agent wrote
    # (usb.write_attempt, roster.moved; common/messages.cc).
    {"name": "violation_write_attempt", "path": "/violations?pc=pc-01&type=usb.",
     "contains": "読み取り専用のUSBメモリへの書き込みの試み"},
    {"name": "roster_moved", "path": "/violations?pc=pc-01&type=roster.",
     "contains": "名簿をPCから移動"},
  ]}, ensure_ascii=False))
EOF
}
if ! (fixtures) >"$out/fixtures.log" 2>&1; then
  cat "$out/fixtures.log"
  say "could not make the fixtures with the packaged tools"
  result 0 1
  exit 1
fi

cp "$dist"/*.deb "$payload/dist/"
cp "$here/scenario.sh" "$payload/run.sh"
cp "$top/tests/vm/guest/vmlib.sh" "$payload/lib/vmlib.sh"
# The browser side: playwright-core from npm (never a browser download).
(cd "$top/tests/browser" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund \
  --loglevel=error) >"$out/npm.log" 2>&1 || { cat "$out/npm.log"; say "npm ci failed"; result 0 1; exit 1; }

start=$(date +%s)
python3 "$here/system.py" --image "$image" --payload "$payload" --out "$out/vm" \
  --admin "$admin" --desk-master "$out/keys/exceptions.master" \
  --desk-policy "$out/policy.signed" --desk-pub "$out/keys/city.pub" --desk-pc pc-01 \
  --timeout "${SYSTEM_TIMEOUT:-1200}" | tee "$out/system.log"
line=$(grep -E '^vm: [0-9]+ passed, [0-9]+ failed$' "$out/system.log" | tail -1)
read -r p f < <(sed -E 's/^vm: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/' <<<"${line:-vm: 0 passed, 1 failed}")
say "$(($(date +%s) - start)) s in the guest; logs in $out/vm (console.log, guest/)"
result "$p" "$f"
[[ $f == 0 && $p -gt 0 ]]
