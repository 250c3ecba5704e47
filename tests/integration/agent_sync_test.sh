#!/usr/bin/env bash
# The agent and the office end to end, as root: piiguard-admin makes the
# city key, policies and an enrolment token; piiguard enrol enrols the PC
# with a real `piiguard-office serve` (TLS, pinned); piiguardd runs with its
# sync process (piiguard-sync) dropped to `nobody`, sandboxed, and the state
# directory under a folder `nobody` cannot enter; a near miss reported by a
# non-root user reaches the office's database; an office outage loses
# nothing and is shown in status; unreadable material is logged and shown;
# a SIGKILL of the daemon loses nothing and is journaled as agent.recovered;
# the office's newer policy is pulled and applied; the sync process started
# on its own (--sync socket, as its systemd unit does) works too and other
# uids are refused; without the sync account piiguardd still starts; the
# journal verifies.
# Usage: agent_sync_test.sh PIIGUARDD PIIGUARD PIIGUARD_ADMIN PIIGUARD_OFFICE SOURCE_DIR
set -uo pipefail
if [[ $(id -u) -ne 0 ]]; then
  echo "agent_sync_test: SKIP: needs root (privilege drop, chown of the TLS key)"
  exit 77
fi
for tool in sqlite3 setpriv python3; do
  command -v "$tool" >/dev/null || { echo "agent_sync_test: SKIP: $tool missing"; exit 77; }
done
daemon_bin=$(realpath "$1")
sync_bin=$(dirname "$daemon_bin")/piiguard-sync
cli=$(realpath "$2")
admin=$(realpath "$3")
office=$(realpath "$4")
src=$(realpath "$5")
work=$(mktemp -d /tmp/agent_sync.XXXXXX)
chmod 0755 "$work"
# The state directory sits where the sync user cannot go (like a clone in
# /root): the sync process must not need it.
mkdir -m 0700 "$work/private"
server_pid=
daemon_pid=
sync_pid=
cleanup() {
  [[ -n "$sync_pid" ]] && kill "$sync_pid" 2>/dev/null && wait "$sync_pid" 2>/dev/null
  [[ -n "$daemon_pid" ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
passed=0
failed=0
fail() {
  echo "agent_sync_test: FAIL: $*"
  echo "--- daemon log"; tail -n 30 "$work/daemon.log" 2>/dev/null
  echo "--- office log"; tail -n 30 "$work/serve.log" 2>/dev/null
  exit 1
}
ok() { passed=$((passed + 1)); echo "ok: $*"; }
run() { "$@" >"$work/cmd.log" 2>&1 || { cat "$work/cmd.log"; fail "$*"; }; }
sql() { sqlite3 "$work/office.db" "$1"; }

# --- the city: key, policy version 1 (for the PC) and 2 (on the office).
run "$admin" key new --out "$work/keys"
from=$(date -d yesterday +%Y-%m-%dT00:00:00+09:00)
until=$(date -d '+1 year' +%Y-%m-%dT23:59:59+09:00)
for version in 1 2; do
  python3 - "$src/docs/examples/policy.example.json" "$work/policy$version.json" "$from" "$until" "$version" <<'PY' || fail "policy json"
import json, sys
policy = json.load(open(sys.argv[1], encoding="utf-8"))
policy["valid_from"], policy["valid_until"] = sys.argv[3], sys.argv[4]
policy["version"] = int(sys.argv[5])
json.dump(policy, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
  run "$admin" policy sign --key "$work/keys/city.key" --in "$work/policy$version.json" --out "$work/policy$version.signed"
done

# --- the office.
dir="$work/office"
"$office" init --dir "$dir" --city-pub "$work/keys/city.pub" --name localhost --ip 127.0.0.1 >"$work/init.log" 2>&1 \
  || { cat "$work/init.log"; fail "office init"; }
pin=$(sed -n 's/^pin: //p' "$work/init.log")
[[ ${#pin} -eq 64 ]] || { cat "$work/init.log"; fail "no pin from office init"; }
run "$office" policy publish --dir "$dir" --db "$work/office.db" "$work/policy2.signed"

# Starts the office on $1 (0: any port) and reads "listening on" from a fifo.
start_office() {
  rm -f "$work/serve.out"
  mkfifo "$work/serve.out"
  "$office" serve --dir "$dir" --db "$work/office.db" --listen "127.0.0.1:$1" >"$work/serve.out" 2>&1 &
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
}
stop_office() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null; server_pid=
}
start_office 0
url="https://127.0.0.1:$port"

# --- enrolment: token from the IT desk, enrol as root (daemon not running).
state="$work/private/state"
sock="$work/agent.sock"
run "$admin" enrol --key "$work/keys/city.key" --pc hidamari-pc-01 --consignee npo-hidamari \
  --office-url "$url" --office-pin "$pin" --out "$work/token"
bad_pin=$(printf '%064d' 0 | tr 0 b)
run "$admin" enrol --key "$work/keys/city.key" --pc hidamari-pc-02 --office-url "$url" --office-pin "$bad_pin" --out "$work/token-badpin"
if "$cli" enrol --token "$work/token-badpin" --state-dir "$work/state-bad" --socket "$sock" >"$work/cmd.log" 2>&1; then
  fail "enrolment with a wrong pin succeeded"
fi
grep -q "not the pinned one" "$work/cmd.log" || fail "wrong pin not named: $(cat "$work/cmd.log")"
ok "a wrong office pin is refused before anything is sent, and said so"
[[ $(sql "SELECT count(*) FROM pcs WHERE pc='hidamari-pc-02'") == 0 ]] || fail "pc-02 enrolled"
run "$cli" enrol --token "$work/token" --state-dir "$state" --socket "$sock"
grep -q "hidamari-pc-01" "$work/cmd.log" || fail "enrol message"
[[ $(stat -c '%a %U' "$state/tls") == "700 root" ]] || fail "tls/ mode/owner"
[[ $(stat -c '%a %U' "$state/tls/client.key") == "600 root" ]] || fail "TLS key mode/owner"
[[ $(stat -c '%a %U' "$state/device.key") == "600 root" ]] || fail "device key mode/owner"
[[ $(sql "SELECT count(*) FROM pcs WHERE pc='hidamari-pc-01'") == 1 ]] || fail "pc not stored by the office"
ok "enrolled: device key and TLS key root 0600 in tls/ 0700, PC stored by the office"
if "$cli" enrol --token "$work/token" --state-dir "$work/state-again" --socket "$sock" >"$work/cmd.log" 2>&1; then
  fail "a token enrolled twice"
fi
ok "a token is used once"

# --- the daemon, its output through a fifo; extra arguments go to it.
start_daemon() {
  rm -f "$work/daemon.out"
  mkfifo "$work/daemon.out"
  "$daemon_bin" --foreground --state-dir "$state" --socket "$sock" --sync-user "${sync_user:-nobody}" \
    --policy "$work/policy1.signed" --city-pub "$work/keys/city.pub" --sync-interval 3600 \
    --roster-watch "$work" "$@" >"$work/daemon.out" 2>&1 &
  daemon_pid=$!
  exec 4<"$work/daemon.out"
  local started=
  while [[ -z "$started" ]] && IFS= read -r -t 60 -u 4 line; do
    echo "$line" >>"$work/daemon.log"
    [[ "$line" == "piiguardd: serving"* ]] && started=1
  done
  cat <&4 >>"$work/daemon.log" &
  exec 4<&-
  [[ -n "$started" ]] || fail "the daemon did not start"
}
# Whether python's expression $1 holds for status --json's sync part (s).
sync_status() {
  "$cli" status --json --socket "$sock" >"$work/status.json" 2>/dev/null || return 1
  python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["sync"]; sys.exit(0 if eval(sys.argv[2]) else 1)' \
    "$work/status.json" "$1"
}
# Waits (bounded) until sync_status "$1" holds.
wait_sync() {
  local i
  for ((i = 0; i < 300; i++)); do
    sync_status "$1" && return 0
    sleep 0.1
  done
  fail "sync status never matched $1: $(cat "$work/status.json")"
}
# Waits (bounded) until the office holds $2 entries of type $1.
wait_office() {
  local i
  for ((i = 0; i < 300; i++)); do
    [[ $(sql "SELECT count(*) FROM entries WHERE pc='hidamari-pc-01' AND type='$1'") -ge $2 ]] && return 0
    sleep 0.1
  done
  fail "the office did not receive $2 '$1' entries"
}
start_daemon

# The sync child runs as nobody, not root.
# The daemon starts it from its event loop, after "serving": look for it
# for up to 10 s.
child_uid=
for ((i = 0; i < 100; i++)); do
  child_uid=$(ps -o uid= --ppid "$daemon_pid" | tr -d ' ' | head -n1)
  [[ -n "$child_uid" ]] && break
  sleep 0.1
done
[[ "$child_uid" == "65534" ]] || fail "sync process uid '$child_uid'"
[[ $(ps -o comm= --ppid "$daemon_pid" | head -n1) == "piiguard-sync" ]] || fail "not piiguard-sync"
wait_sync 's["state"] == "running" and s["mode"] == "spawn" and s["sandbox"].startswith("seccomp")'
ok "the sync process runs as nobody under its own sandbox ($(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sync"]["sandbox"])' "$work/status.json"))"

# --- a near miss from a non-root user reaches the office.
text1="名簿の印刷物を机に置いたまま離席しそうになった"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$cli" report near-miss "$text1" --socket "$sock" >"$work/cmd.log" 2>&1 \
  || { cat "$work/cmd.log"; fail "near miss as nobody"; }
LANG=ja_JP.UTF-8 setpriv --reuid=nobody --regid=nogroup --clear-groups "$cli" report near-miss "二件目" --socket "$sock" >"$work/cmd.ja" 2>&1 \
  || fail "near miss in Japanese"
grep -q "ヒヤリ・ハットを記録しました" "$work/cmd.ja" || fail "Japanese confirmation: $(cat "$work/cmd.ja")"
wait_office near_miss.reported 2
[[ $(sql "SELECT count(*) FROM entries WHERE type='near_miss.reported' AND details LIKE '%$text1%' AND details LIKE '%\"user\":\"nobody\"%'") == 1 ]] \
  || fail "near miss text or user not stored"
ok "near misses from a non-root user reached the office with uid and user name"
wait_office enrolment.done 1
wait_office policy.applied 1
[[ $(sql "SELECT count(*) FROM entries WHERE type='policy.applied' AND details LIKE '%\"version\":2%'") -ge 1 ]] \
  || fail "policy 2 not applied"
ok "the office's newer policy was pulled, verified and applied"
if setpriv --reuid=nobody --regid=nogroup --clear-groups "$cli" report near-miss "" --socket "$sock" >/dev/null 2>&1; then
  fail "empty near miss accepted"
fi
ok "an empty near miss is refused"

# --- the office goes away; entries wait; the office returns: delivered.
stop_office
for i in 1 2 3; do
  run "$cli" report near-miss "オフライン中 $i" --socket "$sock"
done
"$cli" status --json --socket "$sock" >"$work/status.json" || fail "status"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if s["pending"] >= 3 and s["enrolled"] else 1)' "$work/status.json" \
  || fail "pending entries not shown: $(cat "$work/status.json")"
ok "offline: entries pending ($(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pending"])' "$work/status.json"))"
wait_sync '"problem" in s and s["problem"]["kind"] == "offline" and not s["problem"]["error"]'
LANG=C "$cli" status --socket "$sock" >"$work/status.txt"
grep -q "the privacy office cannot be reached" "$work/status.txt" || fail "offline not shown: $(cat "$work/status.txt")"
LANG=ja_JP.UTF-8 "$cli" status --socket "$sock" | grep -q "サーバーに接続できません" || fail "offline not shown in Japanese"
[[ $(grep -c "office unreachable" "$work/daemon.log") -eq 1 ]] || fail "offline not logged once as a notice"
grep "piiguardd: sync:" "$work/daemon.log" | grep -v "office unreachable" | grep -q . && fail "offline logged as more than a notice"
ok "offline: shown in status (en/ja), one notice in the log, no error"
start_office "$port"
run "$cli" report near-miss "復旧後" --socket "$sock"   # wakes the sync process
wait_office near_miss.reported 6
wait_sync '"problem" not in s and s["last_ok"] > 0'
grep -q "sync: works again" "$work/daemon.log" || fail "recovery not logged"
ok "after the office's return everything was delivered; recovery logged"

# --- material piiguardd refuses to hand over: logged and shown, then fixed.
chmod 0666 "$state/tls/client.crt"
run "$cli" report near-miss "証明書の権限" --socket "$sock"
wait_sync '"problem" in s and s["problem"]["kind"] == "material" and s["problem"]["error"]'
grep -q "sync: material: .*client.crt: writable by group or others" "$work/daemon.log" || fail "material error not logged"
LANG=C "$cli" status --socket "$sock" | grep -q "the sync settings cannot be read" || fail "material not shown"
chmod 0644 "$state/tls/client.crt"
run "$cli" report near-miss "証明書を直した" --socket "$sock"
wait_office near_miss.reported 8
ok "unreadable material: logged with the file and reason, shown, and sync resumes once fixed"

# --- SIGKILL the daemon; restart; nothing lost; agent.recovered.
kill -9 "$daemon_pid"; wait "$daemon_pid" 2>/dev/null; daemon_pid=
start_daemon
run "$cli" report near-miss "再起動後" --socket "$sock"
wait_office near_miss.reported 9
wait_office agent.recovered 1
ok "after SIGKILL: agent.recovered journaled and delivered, nothing lost"

head=$("$cli" status --json --socket "$sock" | python3 -c 'import json,sys; print(json.load(sys.stdin)["head_seq"])')
[[ $(sql "SELECT max(seq) FROM entries WHERE pc='hidamari-pc-01'") -le $head ]] || fail "office ahead of the PC"
LANG=C "$cli" status --socket "$sock" >"$work/status.txt" || fail "status text"
grep -q "enrolment: hidamari-pc-01" "$work/status.txt" || fail "status text: $(cat "$work/status.txt")"
LANG=ja_JP.UTF-8 "$cli" status --socket "$sock" | grep -q "端末登録: hidamari-pc-01" || fail "status in Japanese"
ok "status in English and Japanese"

kill "$daemon_pid"; wait "$daemon_pid"; rc=$?; daemon_pid=
[[ $rc -eq 0 ]] || fail "daemon exit $rc"

# --- socket mode: piiguard-sync started on its own, as its unit does.
mkdir -m 0755 -p "$work/run"
sync_sock="$work/run/sync.sock"
start_daemon --sync socket --sync-socket "$sync_sock"
wait_sync 's["state"] == "waiting" and s["mode"] == "socket"'
[[ $(stat -c '%a %U %G' "$sync_sock") == "660 root nogroup" ]] || fail "sync socket $(stat -c '%a %U %G' "$sync_sock")"
# Root may open the socket file, but is not the sync user: refused.
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(10); sys.exit(0 if s.recv(1) == b"" else 1)' "$sync_sock" \
  || fail "root's connection not closed"
for ((i = 0; i < 100; i++)); do grep -q "refused a connection" "$work/daemon.log" && break; sleep 0.1; done
grep -q "refused a connection to $sync_sock: uid 0 .* is not the sync user (uid 65534)" "$work/daemon.log" \
  || fail "refusal not logged"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$sync_bin" --connect "$sync_sock" >>"$work/sync.log" 2>&1 &
sync_pid=$!
wait_sync 's["state"] == "running" and s["mode"] == "socket" and s["sandbox"].startswith("seccomp")'
run "$cli" report near-miss "ソケット経由" --socket "$sock"
wait_office near_miss.reported 10
ok "socket mode: only the sync user is served, the round goes through"
kill "$daemon_pid"; wait "$daemon_pid"; daemon_pid=
wait "$sync_pid"; rc=$?; sync_pid=
[[ $rc -eq 0 ]] || fail "piiguard-sync exit $rc when piiguardd stopped"
ok "piiguard-sync ends when piiguardd goes"

# --- no sync account: enforcement starts anyway, status and journal say why.
sync_user=piiguard-no-such-user start_daemon
wait_sync 's["state"] == "unavailable" and "no such user" in s["reason"]'
LANG=C "$cli" status --socket "$sock" | grep -q "sync: unavailable: .*no such user" || fail "unavailable not shown"
kill "$daemon_pid"; wait "$daemon_pid"; daemon_pid=
run "$cli" journal show --db "$state/journal.db" --type sync.unavailable
grep -q "piiguard-no-such-user" "$work/cmd.log" || fail "sync.unavailable not journaled"
ok "without the sync account piiguardd runs, shows and journals why"
run "$cli" journal verify --db "$state/journal.db" --pub "$state/device.pub"
run "$cli" journal show --db "$state/journal.db" --type agent
grep -q "agent.stopped" "$work/cmd.log" || fail "agent.stopped not journaled"
[[ -e "$state/running" ]] && fail "running marker left after a clean stop"
ok "clean stop journaled; the journal verifies"

echo "agent_sync_test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
