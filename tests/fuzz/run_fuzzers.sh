#!/usr/bin/env bash
# Runs every libFuzzer target of a PIIGUARD_FUZZ=ON build for a fixed time.
#
# Usage: run_fuzzers.sh BUILD_DIR SECONDS_PER_TARGET
#
# FUZZ_JOBS targets run at once (default: the number of cores).
#
# Each fuzzer starts from a temporary copy of tests/fuzz/corpus/<name>/ (the
# repository's seeds are never modified). Crash reproducers and logs go to
# BUILD_DIR/fuzz-artifacts/. Exits non-zero if any target failed.
set -euo pipefail

usage() {
  echo "usage: $0 BUILD_DIR SECONDS_PER_TARGET" >&2
  exit 2
}

[[ $# -eq 2 ]] || usage
build_dir=$1
seconds=$2
[[ $seconds =~ ^[1-9][0-9]*$ ]] || usage

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
corpus_root="$script_dir/corpus"
fuzz_dir="$build_dir/tests/fuzz"
artifacts="$build_dir/fuzz-artifacts"

if [[ ! -d $fuzz_dir ]]; then
  echo "fuzz: no $fuzz_dir (configure with -DPIIGUARD_FUZZ=ON)" >&2
  exit 2
fi
mkdir -p "$artifacts"
artifacts=$(cd "$artifacts" && pwd)

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

passed=0
failed=0
found=0
# run_one BINARY: one target for $seconds; writes its exit status and run
# count to $work/NAME.result.
run_one() {
  local binary=$1 name corpus log status=0
  name=$(basename "$binary")
  corpus="$work/$name"
  mkdir -p "$corpus"
  if [[ -d $corpus_root/$name ]]; then
    cp -R "$corpus_root/$name/." "$corpus/"
  fi
  log="$artifacts/$name.log"
  "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$name-" \
    "$corpus" >"$log" 2>&1 || status=$?
  echo "$status $(sed -n 's/^stat::number_of_executed_units: *\([0-9][0-9]*\).*/\1/p' \
                   "$log" | tail -n 1)" >"$work/$name.result"
}

# FUZZ_JOBS targets at a time (default: one per core); each is one process.
max_jobs=${FUZZ_JOBS:-$(nproc)}
names=()
for binary in "$fuzz_dir"/*_fuzzer; do
  [[ -f $binary && -x $binary ]] || continue
  found=$((found + 1))
  names+=("$(basename "$binary")")
  while (($(jobs -rp | wc -l) >= max_jobs)); do wait -n || true; done
  run_one "$binary" &
done
wait

for name in "${names[@]}"; do
  read -r status runs <"$work/$name.result" || status=1
  if [[ $status -eq 0 && -n ${runs:-} ]]; then
    echo "fuzz: $name: OK ($runs runs)"
    passed=$((passed + 1))
  else
    echo "fuzz: $name: FAILED"
    echo "fuzz: $name: exit $status, log $artifacts/$name.log" >&2
    failed=$((failed + 1))
  fi
done

if [[ $found -eq 0 ]]; then
  echo "fuzz: no fuzzer binaries in $fuzz_dir" >&2
  failed=1
fi
echo "fuzz: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
