#!/usr/bin/env bash
# The VM tier's entry point (for tests/run_all.sh):
#
#   tests/vm/run.sh [BUILD_DIR]
#
# Sets up (setup.sh), packs BUILD_DIR's piiguard programs with their libraries
# (pack-binaries.sh) when BUILD_DIR is given, then boots one VM per scenario in
# tests/vm/scenarios/ (VM_JOBS at a time, default the number of CPUs; each VM
# has one vCPU), prints each scenario's lines and ends with
#   vm: N passed, N failed
# Exit status: 0 all passed, 1 a failure, 77 skipped (the reason is printed:
# not root, or QEMU not installable). No /dev/kvm is not a reason: TCG is used.
#
# VM_SCENARIOS="smoke other" runs only those (the *_bench scenarios run only
# when named); VM_TIMEOUT overrides each scenario's hard timeout (seconds).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-}
jobs=${VM_JOBS:-$(nproc)}

if [[ $(id -u) != 0 ]]; then
  echo "vm: SKIP: needs root (installs Debian packages, runs depmod)"
  exit 77
fi
"$here/setup.sh"
rc=$?
if [[ $rc == 77 ]]; then
  echo "vm: SKIP: setup could not run here (reason above)"
  exit 77
elif [[ $rc != 0 ]]; then
  echo "vm: setup.sh failed with $rc"
  echo "vm: 0 passed, 1 failed"
  exit 1
fi

if [[ -n $build ]]; then
  out=$(cd "$build" && pwd)/vm-runs
else
  out=$here/.cache/runs
fi
mkdir -p "$out"

extra=()
if [[ -n $build ]]; then
  # The agent's programs only (piiguardd starts piiguard-sync and
  # piiguard-examiner from its own directory; the office server stays on
  # the host); an ASan build's are large, hence the guest's memory below.
  mapfile -t bins < <(find "$build" -maxdepth 4 -type f -perm -u+x \
    \( -name piiguardd -o -name piiguard-sync -o -name piiguard-examiner -o -name piiguard -o -name piiguard-admin \) | sort)
  if [[ ${#bins[@]} -gt 0 ]]; then
    # The USB scenarios' fixtures (keys, policy, keyed images), made with
    # this build's piiguard-admin, and their guest files.
    if "$here/prepare-usb.sh" "$build" "$out/fixtures" >"$out/prepare-usb.log" 2>&1; then
      while IFS= read -r f; do
        bins+=("$out/fixtures/guest/$f:/$f")
      done < <(cd "$out/fixtures/guest" && find . -type f | sed 's|^\./||')
      bins+=("$here/usblib.sh:/lib/usblib.sh")
    else
      echo "vm: prepare-usb.sh failed (the USB scenarios will fail):"
      cat "$out/prepare-usb.log"
    fi
    # VM_EXTRA_FILES="SRC:DEST ...": more files for the guest (the USB
    # benchmark packs Debian's usbguard this way, tests/vm/bench/usb.sh).
    for f in ${VM_EXTRA_FILES:-}; do bins+=("$f"); done
    "$here/pack-binaries.sh" "$out/binaries.cpio.gz" "${bins[@]}" || {
      echo "vm: could not pack ${bins[*]}"
      echo "vm: 0 passed, 1 failed"
      exit 1
    }
    extra+=(--cpio "$out/binaries.cpio.gz" --mem "${VM_MEM:-1280}")
  else
    echo "vm: no piiguard programs in $build; scenarios run without them"
  fi
fi

scenarios=()
if [[ -n ${VM_SCENARIOS:-} ]]; then
  for s in $VM_SCENARIOS; do scenarios+=("$here/scenarios/${s%.sh}.sh"); done
else
  # Benchmarks (*_bench) are programs, not tests: they run when named in
  # VM_SCENARIOS (tests/vm/bench/usb.sh, docs/BENCHMARKS.md).
  for s in "$here"/scenarios/*.sh; do
    [[ $s == *_bench.sh ]] || scenarios+=("$s")
  done
fi
[[ -n ${VM_TIMEOUT:-} ]] && extra+=(--timeout "$VM_TIMEOUT")

# One VM per scenario, at most $jobs at once; each writes NAME.out.
start=$(date +%s)
running=0
for s in "${scenarios[@]}"; do
  name=$(basename "$s" .sh)
  if [[ ! -f $s ]]; then
    echo "vm: $name: FAIL no scenario $s"
    echo "vm: 0 passed, 1 failed" >"$out/$name.out"
    continue
  fi
  if [[ $running -ge $jobs ]]; then
    wait -n
    running=$((running - 1))
  fi
  python3 "$here/vm.py" "${extra[@]}" --out "$out/$name" "$s" >"$out/$name.out" 2>&1 &
  running=$((running + 1))
done
wait

passed=0
failed=0
for s in "${scenarios[@]}"; do
  name=$(basename "$s" .sh)
  grep -v '^vm: [0-9]* passed, [0-9]* failed$' "$out/$name.out"
  line=$(grep -E '^vm: [0-9]+ passed, [0-9]+ failed$' "$out/$name.out" | tail -1)
  if [[ -z $line ]]; then
    echo "vm: $name: FAIL the driver printed no result (see $out/$name.out)"
    failed=$((failed + 1))
    continue
  fi
  read -r p f < <(sed -E 's/^vm: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/' <<<"$line")
  passed=$((passed + p))
  failed=$((failed + f))
done
echo "vm: ${#scenarios[@]} scenarios in $(($(date +%s) - start)) s, logs in $out"
echo "vm: $passed passed, $failed failed"
[[ $failed == 0 ]]
