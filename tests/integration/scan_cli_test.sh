#!/bin/bash
# piiguard scan as staff and the IT desk run it (docs/scan-report.md): a tree
# with a roster CSV, a non-roster, a symlink to the roster, a FIFO, a 10 GiB
# sparse file and a file its owner alone may read; exit codes, counts,
# --json, unsigned without the daemon (署名なし), signed by a real piiguardd
# (enrolled through its office.json) and verified, a changed report refused.
# Usage: scan_cli_test.sh PIIGUARD PIIGUARDD
set -u
cli=$1
daemon_bin=$2
if [[ $(id -u) -ne 0 ]]; then
  echo "scan_cli_test: SKIP: needs root (the daemon, and a scan by another user)"
  exit 77
fi
command -v setpriv >/dev/null || { echo "scan_cli_test: SKIP: setpriv missing"; exit 77; }
command -v python3 >/dev/null || { echo "scan_cli_test: SKIP: python3 missing"; exit 77; }

work=$(mktemp -d /tmp/scan_cli.XXXXXX)
chmod 0755 "$work"
daemon_pid=
cleanup() {
  [[ -n "$daemon_pid" ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "scan_cli_test: FAIL: $*"; [[ -f "$work/out" ]] && cat "$work/out"; exit 1; }
ok() { echo "scan_cli_test: ok: $*"; }
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval('d'+sys.argv[2]))" "$@"; }

tree="$work/tree"
mkdir -p "$tree/docs"
python3 - "$tree" <<'PY'
import sys
t = sys.argv[1]
rows = ["氏名,フリガナ,住所,電話番号,生年月日",
        "山田 太郎,ヤマダ タロウ,東京都東村山市本町1-2-3,090-1234-5678,1985/04/12",
        "佐藤 花子,サトウ ハナコ,東京都東村山市久米川町2-3-4,042-345-6789,昭和55年3月1日",
        "勅使河原 蓮,テシガワラ レン,埼玉県所沢市東町5-6,080-2345-6789,1990-12-31",
        "小鳥遊 美咲,タカナシ ミサキ,東京都清瀬市元町1丁目2番3号,070-3456-7890,H2.3.4",
        "鈴木一郎,スズキ イチロウ,東京都小平市学園東町3-4-5,0422-12-3456,1972年8月15日",
        "五十嵐 翔,イガラシ ショウ,神奈川県川崎市中原区小杉町1-2,090-9876-5432,1968/01/20"]
open(t + "/docs/会員名簿.csv", "w").write("\n".join(rows) + "\n")
open(t + "/price.txt", "w").write("令和6年度 使用料一覧\n会議室A 1時間 500円\n会議室B 1時間 800円\n")
PY
ln -s docs/会員名簿.csv "$tree/link.csv"
mkfifo "$tree/pipe"
truncate -s 10G "$tree/sparse.img"
printf 'secret\n' >"$tree/private.txt"
chmod 0600 "$tree/private.txt"
chmod -R a+rX "$tree"
chmod 0600 "$tree/private.txt"

state="$work/state"
mkdir -p "$state"
sock="$work/agent.sock"

# --- no daemon: unsigned, the reason on screen.
"$cli" scan "$tree" --out "$work/r0.json" --socket "$sock" --state-dir "$state" >"$work/out" 2>&1
rc=$?
[[ $rc -eq 1 ]] || fail "a roster found exits 1 (got $rc)"
grep -q "Looks like a roster: $tree/docs/会員名簿.csv (6 people)" "$work/out" || fail "the roster is named"
grep -q "Unsigned: piiguardd not reachable" "$work/out" || fail "unsigned, with why"
LANG=ja_JP.UTF-8 "$cli" scan "$tree" --out "$work/r0.json" --socket "$sock" --state-dir "$state" >"$work/out" 2>&1
grep -q "署名なし" "$work/out" || fail "署名なし in Japanese"
[[ $(field "$work/r0.json" '["body"]["counts"]["files"]') == 4 ]] || fail "four files read (roster, price list, sparse, private)"
[[ $(field "$work/r0.json" '["body"]["counts"]["symlinks"]') == 1 ]] || fail "one symlink, not followed"
[[ $(field "$work/r0.json" '["body"]["counts"]["special"]') == 1 ]] || fail "one FIFO"
[[ $(field "$work/r0.json" '["body"]["counts"]["rosters"]') == 1 ]] || fail "one roster (the link is not a second)"
[[ $(field "$work/r0.json" '["body"]["counts"]["bytes"]') -lt 1048576 ]] || fail "the sparse file cost its data only"
[[ $(stat -c %a "$work/r0.json") == 600 ]] || fail "the report is 0600"
ok "unsigned scan: counts, roster, 署名なし, sparse file"

# --- a clean tree as root: exit 0.
mkdir -p "$work/clean"
cp "$tree/price.txt" "$work/clean/"
"$cli" scan "$work/clean" --out "$work/clean.json" --socket "$sock" --state-dir "$state" >"$work/out" 2>&1
rc=$?
[[ $rc -eq 0 ]] || fail "a clean tree exits 0 (got $rc)"
grep -q "No roster found" "$work/out" || fail "clean said"
ok "clean tree exits 0"

# --- another user: the private file is not examined, with its reason.
mkdir -m 1777 "$work/shared"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
  "$cli" scan "$tree" --json --out "$work/shared/r1.json" --socket "$sock" --state-dir "$state" >"$work/r1.stdout" 2>"$work/out"
rc=$?
[[ $rc -eq 1 ]] || fail "not examined exits 1 (got $rc)"
python3 - "$work/r1.stdout" "$tree" <<'PY' || fail "--json output"
import json, sys
d = json.load(open(sys.argv[1]))
b = d["body"]
assert d["signed"] is False and d["unsigned"], d
assert b["uid"] != 0 and b["clean"] is False, b
assert b["counts"]["not_examined"] == 1, b["counts"]
assert b["not_examined"] == [{"path": sys.argv[2] + "/private.txt", "reason": "Permission denied"}], b["not_examined"]
PY
[[ ! -s "$work/out" ]] || fail "no progress line when stderr is not a terminal"
ok "another user: unreadable file listed with its reason; --json"

# --- the daemon, enrolled by its office.json: a signed report.
printf '{"office_pin":"%s","office_url":"https://office.invalid:8443","pc":"hidamari-pc-01"}\n' \
  "$(printf 'a%.0s' {1..64})" >"$state/office.json"
mkfifo "$work/daemon.out"
"$daemon_bin" --foreground --state-dir "$state" --socket "$sock" --sync-user nobody \
  --sync-interval 3600 >"$work/daemon.out" 2>&1 &
daemon_pid=$!
exec 4<"$work/daemon.out"
started=
while [[ -z "$started" ]] && IFS= read -r -t 60 -u 4 line; do
  echo "$line" >>"$work/daemon.log"
  [[ "$line" == "piiguardd: serving"* ]] && started=1
done
cat <&4 >>"$work/daemon.log" &
exec 4<&-
[[ -n "$started" ]] || { cat "$work/daemon.log"; fail "the daemon did not start"; }

"$cli" scan "$tree" --out "$work/signed.json" --socket "$sock" --state-dir "$state" >"$work/out" 2>&1
rc=$?
[[ $rc -eq 1 ]] || fail "signed scan with a roster exits 1 (got $rc)"
grep -q "The report is signed with this PC's device key" "$work/out" || fail "signed"
[[ $(field "$work/signed.json" '["body"]["pc"]') == hidamari-pc-01 ]] || fail "the report names the PC"
"$cli" scan verify "$work/signed.json" --state-dir "$state" >"$work/out" 2>&1 || fail "the signed report verifies"
grep -q "PC hidamari-pc-01" "$work/out" || fail "verify names the PC"
grep -q "not clean (1 rosters, 0 not examined)" "$work/out" || fail "verify says not clean"
"$cli" scan verify "$work/signed.json" --pub "$state/device.pub" >/dev/null 2>&1 || fail "verify with --pub"
ok "signed by the daemon, verified"

# A changed report: one finding removed and the counts adjusted, or a byte.
python3 - "$work/signed.json" "$work/forged.json" <<'PY'
import json, sys
d = json.loads(open(sys.argv[1]).read())
b = d["body"]
b["findings"] = []
b["counts"]["rosters"] = 0
open(sys.argv[2], "w").write(json.dumps(d, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n")
PY
"$cli" scan verify "$work/forged.json" --state-dir "$state" >"$work/out" 2>&1
rc=$?
[[ $rc -eq 1 ]] || fail "a report with its finding removed is refused (got $rc)"
grep -q "cannot be verified" "$work/out" || fail "refusal said"
sed 's/hidamari-pc-01/hidamari-pc-02/' "$work/signed.json" >"$work/forged2.json"
"$cli" scan verify "$work/forged2.json" --state-dir "$state" >/dev/null 2>&1 && fail "another PC id is refused"
"$cli" scan verify "$work/r0.json" --state-dir "$state" >/dev/null 2>&1 && fail "an unsigned report does not verify"
ok "changed and unsigned reports refused"

# The journal has scan.completed, without paths.
"$cli" journal show --json --db "$state/journal.db" --type scan >"$work/journal.json" 2>"$work/out" || fail "journal show"
grep -q "scan.completed" "$work/journal.json" || fail "scan.completed journaled"
grep -q "会員名簿" "$work/journal.json" && fail "no path in the journal"
ok "scan.completed journaled without paths"
echo "scan_cli_test: PASS"
