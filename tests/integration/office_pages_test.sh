#!/usr/bin/env bash
# The review pages in a real browser: a real `piiguard-office serve` (HTTPS
# with the office's own CA), data that went through the real journal and
# ingest paths (office_seed), and Debian's Chromium, headless, driven by
# playwright-core (tests/browser/review_pages.mjs). Saves a screenshot of
# every page to OUT_DIR.
# Usage: office_pages_test.sh PIIGUARD_OFFICE PIIGUARD_ADMIN OFFICE_SEED SOURCE_DIR OUT_DIR
# Exit 0 passed, 1 failed, 77 skipped (no chromium, node or npm).
set -uo pipefail
office=$(realpath "$1")
admin=$(realpath "$2")
seed=$(realpath "$3")
src=$(realpath "$4")
out=$5

for tool in /usr/bin/chromium node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "office_pages_test: SKIP: $tool is not installed (installer/install-deps.sh --test)"
    exit 77
  fi
done

mkdir -p "$out"
out=$(realpath "$out")
rm -f "$out"/*.png "$out"/*.csv
work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "office_pages_test: FAIL: $*"
  exit 1
}
run() {
  "$@" >"$work/cmd.log" 2>&1 || { cat "$work/cmd.log"; fail "$*"; }
}

# The city: its key and a signed policy whose register and consignees the
# pages show.
run "$admin" key new --out "$work/keys" --name city
from=$(date -d yesterday +%Y-%m-%dT00:00:00+09:00)
until=$(date -d '+1 year' +%Y-%m-%dT23:59:59+09:00)
python3 - "$src/docs/examples/policy.example.json" "$work/policy.json" "$from" "$until" <<'PY' || fail "policy.json"
import json, sys
policy = json.load(open(sys.argv[1], encoding="utf-8"))
policy["valid_from"], policy["valid_until"] = sys.argv[3], sys.argv[4]
policy["register"].append({
    "id": "kaigo-2026-03", "name": "介護予防教室 名簿",
    "purpose": "介護予防教室の参加者への連絡", "data_items": ["氏名", "電話番号"],
    "section": "高齢介護課", "since": "2015-04-01", "retention": "P3Y",
    "consignee": "sun-kaigo"})
policy["consignees"][0]["pcs"] = ["hidamari-pc-01", "hidamari-pc-02"]
policy["consignees"].append({
    "id": "sun-kaigo", "name": "サン介護サービス",
    "responsible": {"name": "鈴木 一郎", "contact": "042-111-1111"},
    "deputies": [], "pcs": ["sun-pc-01", "sun-pc-02"]})
json.dump(policy, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=2)
PY
run "$admin" policy sign --key "$work/keys/city.key" --in "$work/policy.json" --out "$work/policy.signed"

# The office: CA, server certificate, a user, the policy, the journals.
dir="$work/office"
db="$work/office.db"
run "$office" init --dir "$dir" --city-pub "$work/keys/city.pub" --name localhost
password='hinode-2026-privacy'
printf '%s\n' "$password" | "$office" user add tanaka --may-issue-exceptions --dir "$dir" --db "$db" >"$work/cmd.log" 2>&1 \
  || { cat "$work/cmd.log"; fail "user add"; }
run "$office" policy publish --dir "$dir" --db "$db" "$work/policy.signed"
run "$seed" --db "$db" --work "$work/pcs" --expect "$work/expect.json" \
  --admin "$admin" --city-key "$work/keys/city.key"

# The IT desk's ledger export (written by the real piiguard-admin in the
# seed) through the real import: stored once; a second import changes
# nothing; a copy altered after signing is refused and stores nothing.
issued=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["issued_export"])' "$work/expect.json")
run "$office" import-issued "$issued" --dir "$dir" --db "$db"
grep -q '2 stored, 0 already stored' "$work/cmd.log" || { cat "$work/cmd.log"; fail "import-issued: first import"; }
run "$office" import-issued "$issued" --dir "$dir" --db "$db"
grep -q 'was imported before' "$work/cmd.log" || { cat "$work/cmd.log"; fail "import-issued: a re-import"; }
sed 's/講座の会場/講座の別会場/' "$issued" >"$work/altered.export"
"$office" import-issued "$work/altered.export" --dir "$dir" --db "$db" >"$work/cmd.log" 2>&1
rc=$?
[[ $rc -eq 1 ]] && grep -q 'refused; nothing was stored' "$work/cmd.log" \
  || { cat "$work/cmd.log"; fail "import-issued: an altered file (exit $rc)"; }
count=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM exception_issued").fetchone()[0])' "$db")
[[ $count -eq 2 ]] || fail "import-issued: $count records stored, want 2"

# A signed exception file from the desk (the real piiguard-admin), queued with
# `exception publish`, with a reason a browser must show as text: the queue
# page lists it and tanaka (permitted) withdraws it there; the issue form says
# no signer is configured (serve runs with --signer-socket "").
run "$admin" exception issue --pc hidamari-pc-01 --scope radios --minutes 30 \
  --policy "$work/policy.signed" --pub "$work/keys/city.pub" --person 0 --days 1 \
  --reason '<script>alert("queue")</script>講座の会場で' \
  --key "$work/keys/city.key" --out "$work/radios.exception"
run "$office" exception publish --dir "$dir" --db "$db" "$work/radios.exception"
python3 - "$db" "$work/expect.json" <<'PY' || fail "the queued exception file"
import json, sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT id, issued_by FROM exception_files").fetchall()
assert len(rows) == 1 and rows[0][1] == "(command line)", rows
expect = json.load(open(sys.argv[2], encoding="utf-8"))
expect["queued_exception_id"] = rows[0][0]
json.dump(expect, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY

# The server says where it listens ("listening on HOST:PORT"): read its
# output from a pipe (no polling) until that line, then keep draining the
# pipe into the log.
mkfifo "$work/serve.out"
"$office" serve --dir "$dir" --db "$db" --listen 127.0.0.1:0 --signer-socket "" >"$work/serve.out" 2>&1 &
server_pid=$!
exec 3<"$work/serve.out"
: >"$work/serve.log"
port=
while [[ -z "$port" ]] && IFS= read -r -t 60 -u 3 line; do
  echo "$line" >>"$work/serve.log"
  port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' <<<"$line")
done
cat <&3 >>"$work/serve.log" &
[[ -n "$port" ]] || { cat "$work/serve.log"; fail "the server did not say where it listens"; }

# playwright-core from the lock file, installed beside the output, never a
# browser download.
browser="$out/browser"
mkdir -p "$browser"
cp "$src/tests/browser/package.json" "$src/tests/browser/package-lock.json" \
   "$src/tests/browser/review_pages.mjs" "$browser/"
(cd "$browser" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) \
  >"$work/npm.log" 2>&1 || { cat "$work/npm.log"; fail "npm ci"; }

node "$browser/review_pages.mjs" "https://localhost:$port" tanaka "$password" \
  "$out" "$work/expect.json"
rc=$?
echo "office_pages_test: screenshots in $out"
if [[ $rc -ne 0 ]]; then
  echo "--- server log"
  tail -n 50 "$work/serve.log"
  fail "browser checks"
fi
echo "office_pages_test: PASS"
