#!/usr/bin/env bash
# Integration test of the office's quarantine commands as the privacy office
# uses them: the key made once and pasted into a signed policy, files
# quarantined by a PC (quarantine_writer stands in for the roster guard),
# opened, shown, and refused when altered, cut short or for another key,
# leaving no output behind.
# Usage: quarantine_cli_test.sh PIIGUARD_OFFICE QUARANTINE_WRITER PIIGUARD_ADMIN SOURCE_DIR
set -uo pipefail
office=$(realpath "$1")
writer=$(realpath "$2")
admin=$(realpath "$3")
src=$(realpath "$4")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
passed=0
failed=0

# check NAME EXPECTED_EXIT PATTERN -- COMMAND...: runs COMMAND, checks its exit
# code and that its output (stdout+stderr) matches PATTERN (grep -E).
check() {
  local name=$1 want=$2 pattern=$3
  shift 4
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [[ $rc -eq $want ]] && grep -qE -- "$pattern" <<<"$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s: exit %s (want %s), output:\n%s\n' "$name" "$rc" "$want" "$out"
  fi
}

# expect NAME CONDITION...: a test(1) condition.
expect() {
  local name=$1
  shift
  if test "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s: test %s\n' "$name" "$*"
  fi
}

# The key: made once, 0600, never overwritten.
check "key" 0 '"quarantine_key": "[A-Za-z0-9+/]{43}="' -- "$office" quarantine key --dir off
expect "key file mode" "$(stat -c %a off/quarantine.key)" = 600
key=$("$office" quarantine pub --dir off | sed -n 's/.*"quarantine_key": "\(.*\)"/\1/p')
id=$("$office" quarantine pub --dir off | sed -n 's/^key id: //p')
expect "key id is 16 hex" "$(grep -cE '^[0-9a-f]{16}$' <<<"$id")" = 1
before=$(sha256sum off/quarantine.key)
check "key refuses to overwrite" 2 "exists" -- "$office" quarantine key --dir off
check "key refuses with --state-dir" 2 "exists" -- "$office" quarantine key --state-dir off
expect "key unchanged" "$(sha256sum off/quarantine.key)" = "$before"
check "pub ja" 0 "隔離用の鍵" -- env LANG=ja_JP.UTF-8 "$office" quarantine pub --dir off
check "other office key" 0 "key id" -- "$office" quarantine key --dir other

# The printed line goes into a policy that the IT desk signs.
check "city key" 0 "city.key" -- "$admin" key new --out keys
from=$(date -d '-1 day' +%Y-%m-%dT00:00:00+09:00)
until=$(date -d '+1 year' +%Y-%m-%dT23:59:59+09:00)
sed -e "s/\"valid_from\": \"[^\"]*\"/\"valid_from\": \"$from\"/" \
    -e "s/\"valid_until\": \"[^\"]*\"/\"valid_until\": \"$until\"/" \
    -e "s|\"quarantine_key\": \"[^\"]*\"|\"quarantine_key\": \"$key\"|" \
    "$src/docs/examples/policy.example.json" >policy.json
expect "key pasted" "$(grep -c "$key" policy.json)" = 1
check "policy with the key signs" 0 "version 1" -- "$admin" policy sign --key keys/city.key --in policy.json --out policy.signed
sed "s|\"quarantine_key\": \"[^\"]*\"|\"quarantine_key\": \"${key:1}\"|" policy.json >bad.json
check "policy with a cut key refused" 2 'roster_guard\.quarantine_key' -- "$admin" policy sign --key keys/city.key --in bad.json --out bad.signed

# A PC quarantines a roster and a larger file (several chunks).
printf '氏名,電話番号\n山田 花子,042-000-0000\n佐藤 一郎,042-000-0001\n' >roster.csv
head -c 300000 /dev/urandom >big.bin
check "quarantine roster" 0 "^[0-9]+ [0-9a-f]{64}$" -- "$writer" "$key" roster.csv roster.q /home/yamada/名簿.csv hidamari-pc-01
check "quarantine big" 0 "^[0-9]+ [0-9a-f]{64}$" -- "$writer" "$key" big.bin big.q /home/yamada/big.bin hidamari-pc-01
expect "no plaintext in the quarantine file" "$(grep -c '山田' roster.q)" = 0

mkdir out
check "open" 0 "original path: \"/home/yamada/名簿.csv\"" -- "$office" quarantine open --dir off --in roster.q --out out/roster.csv
expect "opened file matches" "$(cmp -s roster.csv out/roster.csv && echo same)" = same
expect "opened file mode" "$(stat -c %a out/roster.csv)" = 600
check "open big" 0 "size: 300000 bytes" -- "$office" quarantine open --dir off --in big.q --out out/big.bin
expect "opened big file matches" "$(cmp -s big.bin out/big.bin && echo same)" = same
check "open ja" 0 "端末: \"hidamari-pc-01\"" -- env LANG=ja_JP.UTF-8 "$office" quarantine open --dir off --in roster.q --out out/ja.csv
before=$(sha256sum out/roster.csv)
check "open refuses an existing output" 2 "exists" -- "$office" quarantine open --dir off --in roster.q --out out/roster.csv
expect "existing output unchanged" "$(sha256sum out/roster.csv)" = "$before"
check "show" 0 "SHA-256: $(sha256sum roster.csv | cut -c1-64)" -- "$office" quarantine show --dir off --in roster.q
check "show explains" 0 '"rows": 3' -- "$office" quarantine show --dir off --in roster.q

# Refusals leave nothing behind.
count_out() { find out -mindepth 1 | wc -l; }
files=$(count_out)
cp big.q tampered.q
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[100000] ^= 1; open(sys.argv[1], "wb").write(b)' tampered.q
check "tampered refused" 1 "chunk 1: authentication failed" -- "$office" quarantine open --dir off --in tampered.q --out out/tampered.bin
expect "no output for a tampered file" ! -e out/tampered.bin
head -c $((77 + 65552)) big.q >cut.q
check "cut at a chunk boundary refused" 1 "chunk 0: truncated" -- "$office" quarantine open --dir off --in cut.q --out out/cut.bin
head -c 100000 big.q >cut2.q
check "cut inside a chunk refused" 1 "chunk 1: authentication failed" -- "$office" quarantine open --dir off --in cut2.q --out out/cut2.bin
check "another office's key refused" 1 "encrypted to the key $id" -- "$office" quarantine open --dir other --in roster.q --out out/other.csv
check "show tampered refused" 1 "authentication failed" -- "$office" quarantine show --dir off --in tampered.q
check "refusal ja" 1 "何も書き出していません" -- env LANG=ja_JP.UTF-8 "$office" quarantine open --dir off --in tampered.q --out out/t.bin
expect "no output or temporary files after refusals" "$(count_out)" = "$files"
check "not a quarantine file" 2 "not a piiguard quarantine file" -- "$office" quarantine open --dir off --in roster.csv --out out/x
check "no key" 2 "quarantine.key" -- "$office" quarantine open --dir nowhere --in roster.q --out out/y
expect "no output after errors" "$(count_out)" = "$files"

echo "quarantine_cli_test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
