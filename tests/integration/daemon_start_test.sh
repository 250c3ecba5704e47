#!/bin/bash
# piiguardd as a broken install leaves it (issue 13): started from a
# relative state directory, without its runtime directory, city key, policy,
# sync account or enrolment, it starts, enforces (the roster guard judges a
# roster written without any policy) and lists what is missing in
# `piiguard status` and the journal; a corrupt city key is a configuration
# error, not a crash loop. Also: --version, usage errors (exit 2), and
# --release refusing another user than root and a running daemon, then
# giving back what the daemon held. And the local socket's limits
# (docs/ipc.md "Limits") against a real attacker: a non-root uid holding
# 200 connections leaves `piiguard status` as root answering; its near-miss
# flood is refused after the burst with the catalogue's message while
# another uid's near miss is accepted, and the flood is journaled as one
# ipc.suppressed entry.
# Usage: daemon_start_test.sh PIIGUARDD PIIGUARD
set -u
daemon_bin=$(realpath "$1")
cli=$(realpath "$2")
name=daemon_start_test
if [[ $(id -u) -ne 0 ]]; then
  echo "$name: SKIP: needs root (the daemon)"
  exit 77
fi
command -v setpriv >/dev/null || { echo "$name: SKIP: setpriv missing"; exit 77; }
command -v python3 >/dev/null || { echo "$name: SKIP: python3 missing"; exit 77; }
[[ -x /usr/bin/python3 ]] || { echo "$name: SKIP: /usr/bin/python3 missing"; exit 77; }

work=$(mktemp -d /var/tmp/daemon_start.XXXXXX)
chmod 0755 "$work"
daemon_pid=
cleanup() {
  if [[ -n "$daemon_pid" ]]; then
    kill "$daemon_pid" 2>/dev/null
    wait "$daemon_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "$name: FAIL: $*"; [[ -f "$work/daemon.log" ]] && tail -n 20 "$work/daemon.log"; exit 1; }
ok() { echo "$name: ok: $*"; }
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }

# --- the command line.
version=$("$daemon_bin" --version) || fail "--version exits 0"
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || fail "--version printed '$version'"
"$daemon_bin" --no-such-option >/dev/null 2>&1
[[ $? -eq 2 ]] || fail "an unknown option exits 2"
"$daemon_bin" --sync-interval 0 >/dev/null 2>&1
[[ $? -eq 2 ]] || fail "an out-of-range value exits 2"
out=$(as_nobody "$daemon_bin" --release --state-dir "$work/state" 2>&1)
[[ $? -eq 1 && $out == *"must run as root"* ]] || fail "--release as nobody: $out"
as_nobody "$daemon_bin" --record-present-devices --state-dir "$work/state" >/dev/null 2>&1
[[ $? -eq 1 ]] || fail "--record-present-devices as nobody"
[[ ! -e "$work/state" ]] || fail "a refused command made the state directory"
ok "--version $version; usage errors exit 2; --release and --record-present-devices refuse nobody"

# --- a broken install: nothing but the program.
cd "$work" || fail "cd"
mkdir desk
chown nobody:nogroup desk
start_daemon() {
  rm -f "$work/daemon.out"
  mkfifo "$work/daemon.out"
  "$daemon_bin" --state-dir state --socket run/agent.sock \
    --city-pub keys/city.pub --policy etc/policy.signed \
    --sync-user piiguard-no-such-user --roster-watch desk \
    >"$work/daemon.out" 2>&1 &
  daemon_pid=$!
  exec 4<"$work/daemon.out"
  local started= line
  while [[ -z "$started" ]] && IFS= read -r -t 60 -u 4 line; do
    echo "$line" >>"$work/daemon.log"
    [[ "$line" == "piiguardd: serving"* ]] && started=1
  done
  cat <&4 >>"$work/daemon.log" &
  exec 4<&-
  [[ -n "$started" ]] || fail "the daemon did not start"
}
stop_daemon() {
  kill "$daemon_pid"
  wait "$daemon_pid"
  local rc=$?
  daemon_pid=
  [[ $rc -eq 0 ]] || fail "the daemon exited $rc on SIGTERM"
}
problems() {
  "$cli" status --json --socket run/agent.sock |
    python3 -c 'import json,sys; print(" ".join(sorted(p["code"] for p in json.load(sys.stdin)["problems"])))'
}
start_daemon
[[ $(stat -c %a run) == 755 ]] || fail "the runtime directory is 0755"
codes=$(problems) || fail "status"
for code in no_city_key no_policy no_sync_user not_enrolled; do
  [[ " $codes " == *" $code "* ]] || fail "status lists $code (got: $codes)"
done
LANG=C "$cli" status --socket run/agent.sock >"$work/status.txt" 2>&1 || fail "status text"
grep -q "problems of this PC's agent:" "$work/status.txt" || fail "status text: $(cat "$work/status.txt")"
grep -q "the sync account piiguard-no-such-user is missing" "$work/status.txt" || fail "status text names the account"
LANG=ja_JP.UTF-8 "$cli" status --socket run/agent.sock | grep -q "市の公開鍵 .*keys/city.pub がありません" \
  || fail "status in Japanese"
ok "started without key, policy, account, runtime dir, enrolment: $codes"

# --- the roster guard runs without a policy: a roster written by staff is
# judged; with no office key and no keyed stick it stays, reported.
python3 - >"$work/roster.csv" <<'PY'
rows = ["氏名,フリガナ,住所,電話番号"]
for i in range(1, 8):
    rows.append(f"架空 {i}郎,カクウ {i}ロウ,東京都架空市本町1-1-{i},090-0000-000{i}")
print("\n".join(rows))
PY
(cd desk && as_nobody sh -c 'cat >名簿.csv') <"$work/roster.csv"
journal() { "$cli" journal show --json --db state/journal.db "$@"; }
for ((i = 0; i < 100; i++)); do
  journal --type roster.kept | grep -q '名簿.csv' && break
  sleep 0.1  # the guard reports on its own thread; nothing to wait on here
done
journal --type roster.kept >"$work/kept.json"
grep -q '名簿.csv' "$work/kept.json" || fail "no roster.kept: $(journal --type roster)"
grep -q "not an absolute path" "$work/kept.json" && fail "the quarantine path is relative: $(cat "$work/kept.json")"
[[ -f desk/名簿.csv ]] || fail "a roster that could not be moved was removed"
ok "roster judged and kept without a policy ($(tail -n 1 "$work/kept.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["details"].get("reason",""))'))"

# --- the socket's limits: 200 idle connections from nobody, then root.
# The system's python3 (a PATH one may live where nobody cannot read).
coproc FLOOD { as_nobody /usr/bin/python3 -c '
import socket, sys
held = []
for _ in range(200):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    held.append(s)
print("open", len(held), flush=True)
sys.stdin.read()  # held until the test closes our stdin
' run/agent.sock; }
IFS= read -r -t 60 -u "${FLOOD[0]}" opened || fail "the flood did not connect"
[[ $opened == "open 200" ]] || fail "the flood: $opened"
out=$(timeout 60 "$cli" status --json --socket run/agent.sock 2>&1) || fail "status as root during the flood (exit $?): $out"
[[ $out == *'"problems"'* ]] || fail "status as root during the flood: $out"
exec {FLOOD[1]}>&-
wait "$FLOOD_PID"
ok "nobody held 200 connections; piiguard status as root answered"

# --- a near-miss flood from nobody: the burst is accepted, the rest refused
# in plain words; another uid still reports.
# The bucket earns one a minute: a slow machine may see a few more accepted.
accepted=0 refused=0 began=$SECONDS
burst=20  # ipc::SocketLimits::journal_burst
for ((i = 0; i < 2 * burst + 20 && refused < 3; i++)); do
  lang=C want="\`piiguard report near-miss\` was not accepted"
  if ((refused == 2)); then  # the last refusal in Japanese
    lang=ja_JP.UTF-8 want="受け付けられませんでした"
  fi
  if out=$(LANG=$lang as_nobody "$cli" report near-miss --socket run/agent.sock "flood $i" 2>&1); then
    accepted=$((accepted + 1))
  else
    [[ $out == *"$want"* ]] || fail "refusal text ($lang): $out"
    refused=$((refused + 1))
  fi
done
minutes=$(((SECONDS - began) / 60 + 1))
[[ $refused -eq 3 && $accepted -ge $burst && $accepted -le $((burst + minutes)) ]] \
  || fail "near-miss flood: $accepted accepted, $refused refused in $minutes min"
setpriv --reuid=daemon --regid=daemon --clear-groups \
  "$cli" report near-miss --socket run/agent.sock "another user" >/dev/null 2>&1 \
  || fail "another uid's near miss was refused"
journaled=$(journal --type near_miss.reported | grep -c '"uid:65534"')
[[ $journaled -eq $accepted ]] || fail "nobody's near misses journaled: $journaled, accepted $accepted"
ok "near-miss flood: $accepted accepted, $refused refused (en, ja); another uid accepted"

# --- --release while the daemon runs: refused.
out=$("$daemon_bin" --release --state-dir state --socket run/agent.sock 2>&1)
[[ $? -eq 1 && $out == *"piiguardd is running"* ]] || fail "--release while running: $out"
stop_daemon
# Stopping journals the open window: one entry for nobody's whole flood.
journal --type ipc.suppressed >"$work/suppressed.json"
python3 - "$work/suppressed.json" "$refused" <<'PY' || fail "ipc.suppressed: $(cat "$work/suppressed.json")"
import json, sys
entries = [json.loads(line) for line in open(sys.argv[1])]
assert len(entries) == 1, entries
d = entries[0]["details"]
assert entries[0]["subject"] == "uid:65534" and d["uid"] == 65534, d
assert d["counts"]["connection"] == 192, d
assert d["counts"]["near_miss"] == int(sys.argv[2]), d
PY
ok "one ipc.suppressed entry: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["details"]["counts"])' "$work/suppressed.json")"
journal --type agent >"$work/agent.json"
python3 - "$work/agent.json" "$version" <<'PY' || fail "agent entries: $(cat "$work/agent.json")"
import json, sys
entries = [json.loads(line) for line in open(sys.argv[1])]
types = [e["type"] for e in entries]
started = [e for e in entries if e["type"] == "agent.started"][0]["details"]
assert started["version"] == sys.argv[2] and started["kernel"], started
problems = sorted(e["details"]["problem"] for e in entries if e["type"] == "agent.not_configured")
for p in ["no_city_key", "no_policy", "no_sync_user", "not_enrolled", "no_runtime_dir"]:
    assert problems.count(p) == 1, (p, problems)
assert types[-1] == "agent.stopped", types
PY
ok "journaled once each: agent.started (version, kernel), agent.not_configured, agent.stopped"

# --- a corrupt city key: a configuration error, and the daemon serves.
mkdir -p keys
printf -- '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n' >keys/city.pub
start_daemon
codes=$(problems) || fail "status"
[[ " $codes " == *" city_key_invalid "* ]] || fail "status lists city_key_invalid (got: $codes)"
journal --type agent.config_error | grep -q city_key_invalid || fail "agent.config_error journaled"
stop_daemon
ok "a corrupt city key: served, reported ($codes)"

# --- --release with the daemon stopped: given back, journaled, and again.
"$daemon_bin" --release --state-dir state --socket run/agent.sock >"$work/release.txt" 2>&1 \
  || fail "--release: $(cat "$work/release.txt")"
grep -q "root_hubs: ok" "$work/release.txt" || fail "--release steps: $(cat "$work/release.txt")"
journal --type agent.released | grep -q '"details":{"ok":true' || fail "agent.released: $(journal --type agent.released)"
"$daemon_bin" --release --state-dir state --socket run/agent.sock >"$work/release2.txt" 2>&1 \
  || fail "--release again: $(cat "$work/release2.txt")"
[[ $(journal --type agent.released | grep -c '"agent.released"') -eq 2 ]] || fail "two agent.released"
ok "--release: $(tr '\n' ';' <"$work/release.txt")"
echo "$name: PASS"
