#!/usr/bin/env bash
# Runs every libFuzzer target of a PIIGUARD_FUZZ=ON build for a fixed time.
#
# Usage: run_fuzzers.sh BUILD_DIR SECONDS_PER_TARGET
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
for binary in "$fuzz_dir"/*_fuzzer; do
  [[ -f $binary && -x $binary ]] || continue
  found=$((found + 1))
  name=$(basename "$binary")
  corpus="$work/$name"
  mkdir -p "$corpus"
  if [[ -d $corpus_root/$name ]]; then
    cp -R "$corpus_root/$name/." "$corpus/"
  fi
  log="$artifacts/$name.log"
  status=0
  "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$name-" \
    "$corpus" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9][0-9]*\).*/\1/p' \
           "$log" | tail -n 1)
  if [[ $status -eq 0 && -n $runs ]]; then
    echo "fuzz: $name: OK ($runs runs)"
    passed=$((passed + 1))
  else
    echo "fuzz: $name: FAILED"
    echo "fuzz: $name: exit $status, log $log" >&2
    failed=$((failed + 1))
  fi
done

if [[ $found -eq 0 ]]; then
  echo "fuzz: no fuzzer binaries in $fuzz_dir" >&2
  failed=1
fi
echo "fuzz: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
