#!/usr/bin/env bash
# Signed exception files delivered online (docs/exceptions.md "Online
# delivery"), end to end as root with the real producers: piiguard-admin
# issues the files (its own `exception issue`), a real `piiguard-office
# serve` queues them (`exception publish`) and serves GET /api/v1/exceptions
# over mutual TLS, piiguardd's sandboxed sync process (the agent's sync
# client) fetches them and piiguardd applies them through the exception
# service. Checked: publish refuses what a PC would; the PC's file is
# granted with origin sync and settled at the office; a file for another PC
# is never fetched by this one; a refused file is journaled once and
# settled; more rounds add no entry (no flood).
# Usage: exception_online_test.sh PIIGUARDD PIIGUARD PIIGUARD_ADMIN PIIGUARD_OFFICE SOURCE_DIR
set -uo pipefail
if [[ $(id -u) -ne 0 ]]; then
  echo "exception_online_test: SKIP: needs root (piiguardd drops the sync process to nobody)"
  exit 77
fi
for tool in sqlite3 python3; do
  command -v "$tool" >/dev/null || { echo "exception_online_test: SKIP: $tool missing"; exit 77; }
done
daemon_bin=$(realpath "$1")
cli=$(realpath "$2")
admin=$(realpath "$3")
office=$(realpath "$4")
src=$(realpath "$5")
work=$(mktemp -d /tmp/exception_online.XXXXXX)
chmod 0755 "$work"
mkdir -m 0700 "$work/private"
server_pid=
daemon_pid=
cleanup() {
  [[ -n "$daemon_pid" ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
passed=0
fail() {
  echo "exception_online_test: FAIL: $*"
  echo "--- daemon log"; tail -n 30 "$work/daemon.log" 2>/dev/null
  echo "--- office log"; tail -n 30 "$work/serve.log" 2>/dev/null
  exit 1
}
ok() { passed=$((passed + 1)); echo "ok: $*"; }
run() { "$@" >"$work/cmd.log" 2>&1 || { cat "$work/cmd.log"; fail "$*"; }; }
sql() { sqlite3 "$work/office.db" "$1"; }

# --- the city: key and policy (its person list: 0 山田 花子, 1 佐藤 一郎).
run "$admin" key new --out "$work/keys"
python3 - "$src/docs/examples/policy.example.json" "$work/policy.json" \
  "$(date -d yesterday +%Y-%m-%dT00:00:00+09:00)" "$(date -d '+1 year' +%Y-%m-%dT23:59:59+09:00)" <<'PY' || fail "policy json"
import json, sys
policy = json.load(open(sys.argv[1], encoding="utf-8"))
policy["valid_from"], policy["valid_until"] = sys.argv[3], sys.argv[4]
json.dump(policy, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
run "$admin" policy sign --key "$work/keys/city.key" --in "$work/policy.json" --out "$work/policy.signed"

# --- the office.
dir="$work/office"
"$office" init --dir "$dir" --city-pub "$work/keys/city.pub" --name localhost --ip 127.0.0.1 >"$work/init.log" 2>&1 \
  || { cat "$work/init.log"; fail "office init"; }
pin=$(sed -n 's/^pin: //p' "$work/init.log")
run "$office" policy publish --dir "$dir" --db "$work/office.db" "$work/policy.signed"
rm -f "$work/serve.out"; mkfifo "$work/serve.out"
"$office" serve --dir "$dir" --db "$work/office.db" --listen 127.0.0.1:0 >"$work/serve.out" 2>&1 &
server_pid=$!
exec 3<"$work/serve.out"
port=
while [[ -z "$port" ]] && IFS= read -r -t 60 -u 3 line; do
  echo "$line" >>"$work/serve.log"
  port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' <<<"$line")
done
cat <&3 >>"$work/serve.log" &
exec 3<&-
[[ -n "$port" ]] || fail "the office did not say where it listens"
url="https://127.0.0.1:$port"

# --- two PCs enrolled: pc-01 runs piiguardd, pc-02 only enrols.
state="$work/private/state"
sock="$work/agent.sock"
for pc in 01 02; do
  run "$admin" enrol --key "$work/keys/city.key" --pc "hidamari-pc-$pc" --consignee npo-hidamari \
    --office-url "$url" --office-pin "$pin" --out "$work/token$pc"
done
run "$cli" enrol --token "$work/token01" --state-dir "$state" --socket "$sock"
run "$cli" enrol --token "$work/token02" --state-dir "$work/private/state02" --socket "$work/other.sock"

# --- the desk issues files; the office checks and queues them.
issue() {  # PC OUT [more options]
  local pc=$1 out=$2; shift 2
  run "$admin" exception issue --pc "$pc" --scope radios --minutes 30 --policy "$work/policy.signed" \
    --pub "$work/keys/city.pub" --person 1 --reason "研修会場でのオンライン研修のため" \
    --key "$work/keys/city.key" --out "$out" "$@"
}
file_id() { python3 - "$1" <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
print(json.loads(text[text.index("{"):text.rindex("}") + 1])["id"])
PY
}
publish() { "$office" exception publish --dir "$dir" --db "$work/office.db" "$1" >"$work/cmd.log" 2>&1; }
issue hidamari-pc-01 "$work/mine.exception"
issue hidamari-pc-02 "$work/other.exception"
issue hidamari-pc-03 "$work/unknown.exception"
mine=$(file_id "$work/mine.exception")
other=$(file_id "$work/other.exception")
publish "$work/mine.exception" || { cat "$work/cmd.log"; fail "publish"; }
grep -q "$mine" "$work/cmd.log" || fail "publish did not name the id: $(cat "$work/cmd.log")"
publish "$work/other.exception" || fail "publish for pc-02"
publish "$work/mine.exception"; [[ $? -eq 1 ]] || fail "the same file queued twice"
publish "$work/unknown.exception"; [[ $? -eq 1 ]] || fail "a file for a PC not enrolled was queued"
grep -q "not enrolled" "$work/cmd.log" || fail "unknown PC not named: $(cat "$work/cmd.log")"
run "$admin" key new --out "$work/other-keys"
run "$admin" exception issue --pc hidamari-pc-01 --scope radios --minutes 30 --policy "$work/policy.signed" \
  --pub "$work/keys/city.pub" --person 1 --reason "別の鍵" --key "$work/other-keys/city.key" --out "$work/forged.exception"
publish "$work/forged.exception"; [[ $? -eq 1 ]] || fail "a file of another key was queued"
[[ $(sql "SELECT count(*) FROM exception_files") == 2 ]] || fail "queue: $(sql 'SELECT pc, id FROM exception_files')"
ok "exception publish queues the PCs' files and refuses a duplicate, an unknown PC and another key"

# A file that verifies at the office but that the PC refuses (unknown person:
# signed for a policy the PC does not apply) stands for "refused on the PC".
python3 - "$work/policy.json" "$work/policy-b.json" <<'PY' || fail "policy b"
import json, sys
policy = json.load(open(sys.argv[1], encoding="utf-8"))
policy["consignees"][0]["deputies"][0]["name"] = "高橋 次郎"
json.dump(policy, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
run "$admin" policy sign --key "$work/keys/city.key" --in "$work/policy-b.json" --out "$work/policy-b.signed"
run "$admin" exception issue --pc hidamari-pc-01 --scope radios --minutes 30 --policy "$work/policy-b.signed" \
  --pub "$work/keys/city.pub" --person 1 --reason "名簿外の人" --key "$work/keys/city.key" --out "$work/stranger.exception"
refused=$(file_id "$work/stranger.exception")
publish "$work/stranger.exception" || { cat "$work/cmd.log"; fail "publish the stranger's file"; }

# --- piiguardd with its sync process; a near miss wakes a round.
rm -f "$work/daemon.out"; mkfifo "$work/daemon.out"
"$daemon_bin" --foreground --state-dir "$state" --socket "$sock" --sync-user nobody \
  --policy "$work/policy.signed" --city-pub "$work/keys/city.pub" --sync-interval 3600 \
  --roster-watch "$work" >"$work/daemon.out" 2>&1 &
daemon_pid=$!
exec 4<"$work/daemon.out"
started=
while [[ -z "$started" ]] && IFS= read -r -t 60 -u 4 line; do
  echo "$line" >>"$work/daemon.log"
  [[ "$line" == "piiguardd: serving"* ]] && started=1
done
cat <&4 >>"$work/daemon.log" &
exec 4<&-
[[ -n "$started" ]] || fail "the daemon did not start"
# Waits (bounded) until the office's query $1 answers at least $2.
wait_office() {
  local i
  for ((i = 0; i < 300; i++)); do
    [[ $(sql "$1") -ge $2 ]] && return 0
    sleep 0.1
  done
  fail "the office: '$1' stayed below $2"
}
entries() {  # TYPE ID: pc-01's entries of TYPE naming the file ID
  echo "SELECT count(*) FROM entries WHERE pc='hidamari-pc-01' AND type='$1' AND details LIKE '%\"id\":\"$2\"%'"
}
wait_office "$(entries exception.granted "$mine")" 1
[[ $(sql "$(entries exception.granted "$mine") AND details LIKE '%\"origin\":\"sync\"%' AND details LIKE '%\"via\":\"file\"%'") == 1 ]] \
  || fail "granted without origin sync"
wait_office "SELECT count(*) FROM exception_files WHERE id='$mine' AND settled_ms > 0" 1
ok "the PC's file was fetched, granted (via file, origin sync) and settled at the office"
wait_office "$(entries exception.refused "$refused")" 1
# A person the PC's policy lacks may come with its next policy: the file stays
# queued (it is not settled), and is not journaled again at each round (below).
[[ $(sql "SELECT settled_ms FROM exception_files WHERE id='$refused'") == 0 ]] \
  || fail "a file refused for a reason that may clear was settled"
ok "a file the PC refuses (unknown person) is journaled once and stays queued"

# --- more rounds: nothing is served again, nothing new is journaled.
for i in 1 2 3; do
  run "$cli" report near-miss "ラウンド $i" --socket "$sock"
  wait_office "SELECT count(*) FROM entries WHERE pc='hidamari-pc-01' AND type='near_miss.reported'" "$i"
done
[[ $(sql "SELECT count(*) FROM entries WHERE pc='hidamari-pc-01' AND type IN ('exception.granted', 'exception.refused')") == 2 ]] \
  || fail "exception entries: $(sql "SELECT type, details FROM entries WHERE type LIKE 'exception.%'")"
[[ $(sql "SELECT count(*) FROM entries WHERE details LIKE '%$other%'") == 0 ]] || fail "pc-02's file reached pc-01"
[[ $(sql "SELECT settled_ms FROM exception_files WHERE id='$other'") == 0 ]] || fail "pc-02's file settled"
[[ $(sql "SELECT settled_ms FROM exception_files WHERE id='$refused'") == 0 ]] || fail "the refused file settled"
ok "three more rounds add no exception entry (the refused file, served again, is not journaled again); pc-02's file never reached pc-01 and stays queued"

kill "$daemon_pid"; wait "$daemon_pid"; rc=$?; daemon_pid=
[[ $rc -eq 0 ]] || fail "daemon exit $rc"
run "$cli" journal verify --db "$state/journal.db" --pub "$state/device.pub"
ok "the journal verifies"
echo "exception_online_test: $passed passed, 0 failed"
