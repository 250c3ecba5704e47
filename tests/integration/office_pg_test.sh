#!/bin/bash
# Office tier against a real PostgreSQL 15: starts a private cluster (as the
# postgres user, in a temporary directory, unix socket only, free port), runs
# the PostgreSQL variants of the office unit tests with PIIGUARD_TEST_PG set,
# then two `piiguard-office serve` processes sharing the database receive
# batches from many PCs concurrently, and the result is checked. Stops the
# cluster at the end. Exit 77 (skip) with the reason when it cannot run.
#
# usage: office_pg_test.sh OFFICE_TEST_BINARY PIIGUARD_OFFICE LOADGEN
set -euo pipefail

office_test=${1:?office_test binary}
office=${2:?piiguard-office binary}
loadgen=${3:?office_loadgen binary}
pg_bin=/usr/lib/postgresql/15/bin

if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: office_pg_test needs root (runs PostgreSQL as the postgres user)"
  exit 77
fi
if [[ ! -x $pg_bin/initdb ]] || ! id postgres >/dev/null 2>&1; then
  echo "SKIP: PostgreSQL 15 is not installed ($pg_bin/initdb, user postgres)"
  exit 77
fi

work=$(mktemp -d /tmp/piiguard-office-pg.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -f $work/pg/postmaster.pid ]]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop \
      >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A free TCP port is not needed (unix socket only), but the socket name
# carries the port: pick one nobody listens on.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir "$work/pg" "$work/sock"
touch "$work/pg.log"
chown postgres "$work/pg" "$work/sock" "$work/pg.log"
runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg" -A trust -U postgres \
  --no-sync >"$work/initdb.log" 2>&1 || {
  cat "$work/initdb.log"
  echo "FAIL: initdb"
  exit 1
}
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -w -l "$work/pg.log" \
  -o "-k $work/sock -p $port -c listen_addresses='' -c max_connections=200 -c fsync=on" \
  start >/dev/null || {
  cat "$work/pg.log"
  echo "FAIL: pg_ctl start"
  exit 1
}
conninfo="host=$work/sock port=$port user=postgres dbname=postgres"
echo "postgresql: $conninfo"

echo "== unit tests of the store and ingest on PostgreSQL"
PIIGUARD_TEST_PG=$conninfo "$office_test" --gtest_filter='*Postgres*' \
  --gtest_brief=1

echo "== two serve processes sharing one database"
city=$work/city
mkdir "$city"
python3 - "$city" <<'EOF'
import subprocess, sys
# The city key: an Ed25519 pair in PEM (openssl).
d = sys.argv[1]
subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", d + "/city.key"], check=True)
subprocess.run(["openssl", "pkey", "-in", d + "/city.key", "-pubout", "-out", d + "/city.pub"], check=True)
EOF
"$office" init --dir "$work/office" --city-pub "$city/city.pub" \
  --name localhost >"$work/init.out"
pg_office="$conninfo"
# Each server's stdout is a FIFO: its first line "listening on HOST:PORT" is
# the readiness signal (no polling).
start_server() {
  local name=$1 fd
  mkfifo "$work/$name.fifo"
  "$office" serve --dir "$work/office" --pg "$pg_office" --pg-connections 8 \
    --listen 127.0.0.1:0 >"$work/$name.fifo" 2>"$work/$name.err" &
  pids+=($!)
  exec {fd}<"$work/$name.fifo"
  local line=""
  if ! read -r -t 60 -u "$fd" line; then
    cat "$work/$name.err"
    echo "FAIL: server $name did not start" >&2
    exit 1
  fi
  ports+=("${line##*:}")
}
ports=()
start_server a
start_server b
echo "servers on ${ports[0]} and ${ports[1]}"

# 32 PCs enrol (alternating servers), then push 6 batches of 100 events
# each, alternating between the two servers (a PC's consecutive batches go
# to different servers), 32 client threads at once; the
# database is checked afterwards (every PC acknowledged at its last entry,
# every event stored, no incident). This checks correctness under
# concurrency, not speed: office_ingest_bench measures throughput
# (docs/BENCHMARKS.md). 100,000 events here took 133 s of CI's 45 minutes
# under ASan; 19,200 keep every client busy on both servers.
"$loadgen" --dir "$work/office" --city-key "$city/city.key" \
  --ports "${ports[0]},${ports[1]}" --pcs 32 --batches 6 --batch-size 100 \
  --clients 32 --check-pg "$pg_office"
for name in a b; do
  accepted=$(grep -c "ingest: .*: accepted" "$work/$name.err" || true)
  echo "server $name accepted $accepted batches"
  if [[ $accepted -eq 0 ]]; then
    echo "FAIL: server $name received no batch"
    exit 1
  fi
  if grep "refused" "$work/$name.err"; then
    echo "FAIL: server $name refused batches"
    exit 1
  fi
done
echo "PASS: office_pg_test"
