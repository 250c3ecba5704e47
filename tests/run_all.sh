#!/usr/bin/env bash
# The README's second command: installs what the tests need and runs every
# test tier. `.ci/run` calls it. Each tier prints one result line; a tier
# that cannot run here says why and counts as skipped, never as passed.
#
# Tiers: format (clang-format), unit+integration (ASan+UBSan build, ctest:
# gtest cases, the integration scripts, the office against a real PostgreSQL
# and the review pages in headless Chromium), package (installer/build-deb.sh,
# lintian, systemd-analyze verify on the units), vm (a real Debian kernel under
# QEMU/TCG, tests/vm/), system (the .deb files on a real Debian 12 with
# systemd as PID 1, tests/system/), fuzz (the unit build's libFuzzer targets,
# FUZZ_SECONDS per target), tidy (clang-tidy, in the background throughout).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=$(nproc)
fuzz_seconds=${FUZZ_SECONDS:-15}
passed=0
failed=0
skipped=0
declare -a results=()
tier_start=$SECONDS  # each tier's line says how long it took (CI's budget)

# tier NAME STATUS DETAIL [PASSED FAILED]: records a tier's result; the
# counts are of the checks inside it (tests, fuzz targets; 1 for a lint).
tier() {
  local p=${4:-} f=${5:-} took=${tier_took:-$((SECONDS - tier_start))}
  [[ -n ${tier_took:-} ]] || tier_start=$SECONDS
  results+=("tier $1: $2 $3 [${took} s]")
  printf '\n### tier %s: %s %s [%s s]\n' "$1" "$2" "$3" "$took"
  case $2 in
    PASS) passed=$((passed + ${p:-1})); failed=$((failed + ${f:-0})) ;;
    FAIL) passed=$((passed + ${p:-0})); failed=$((failed + ${f:-1})) ;;
    SKIP) skipped=$((skipped + 1)) ;;
  esac
}

if ! ./installer/install-deps.sh --test; then
  echo "run_all: could not install the test dependencies" >&2
  echo "summary: 0 passed, 1 failed"
  exit 1
fi

echo "run_all: test dependencies ready after $SECONDS s"
# The system tier's guest image (mmdebstrap: mostly downloads and dpkg,
# about 10 minutes here) is built in the background from now on, beside
# the unit tier's compiler; tests/system/run.sh finds it made, or makes it
# and says why.
nice -n 10 tests/system/setup.sh --base >/tmp/piiguard-system-setup.log 2>&1 &
setup_pid=$!
tier_start=$SECONDS
sources=$(git ls-files '*.cc' '*.h' 2>/dev/null || find common policy tests -name '*.cc' -o -name '*.h')

# --- format
if clang-format --dry-run -Werror $sources 2>/tmp/piiguard-format.log; then
  tier format PASS "($(wc -w <<<"$sources") files)"
else
  head -40 /tmp/piiguard-format.log
  tier format FAIL "(clang-format differs; run clang-format -i)"
fi

# --- unit and integration, under AddressSanitizer and UBSan. With clang the
# same build also carries libFuzzer's instrumentation and the fuzz targets
# (PIIGUARD_FUZZ=ON), so the fuzz tier below needs no second build; clang
# also compiles it a third faster than gcc. gcc's warnings are still checked
# by the package tier (the release build is gcc's).
unit_flags=(-DCMAKE_BUILD_TYPE=Debug -DPIIGUARD_SANITIZE=ON)
unit_compiler=c++
if command -v clang++ >/dev/null; then
  unit_flags+=(-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DPIIGUARD_FUZZ=ON)
  unit_compiler=clang++
  # lld links the ASan programs (a hundred test and fuzz binaries) about 3.7
  # times faster than ld.bfd: a few minutes of CI's budget. Set either way,
  # so a build folder configured with it links again without it.
  linker=""
  command -v ld.lld >/dev/null && linker=-fuse-ld=lld
  for kind in EXE SHARED MODULE; do
    unit_flags+=("-DCMAKE_${kind}_LINKER_FLAGS=$linker")
  done
fi
# A build folder configured with the other compiler starts afresh.
unit_fresh=()
if [[ -f build-asan/CMakeCache.txt ]] &&
   ! grep -q "^CMAKE_CXX_COMPILER:[A-Z]*=.*/${unit_compiler}\$" build-asan/CMakeCache.txt; then
  unit_fresh=(--fresh)
fi
unit_configured=0
cmake "${unit_fresh[@]}" -S . -B build-asan -G Ninja "${unit_flags[@]}" >/dev/null && unit_configured=1

# --- clang-tidy on the project's own sources, in the background from here
# on at the lowest CPU priority: it needs only the compile commands and the
# headers the build generates, and it takes the cores the other tiers leave
# idle (the integration scripts' waits, QEMU's one vCPU, lintian). The rule
# set is .clang-tidy's, whichever version runs. clang-tidy-22
# (bookworm-security) when installed: it no longer runs its matchers inside
# system headers. Debian 12's own clang-tidy 14 does, and that is three
# quarters of its time; tests/tidy/skip_system_headers.cc, preloaded into
# it, keeps them to our own files the same way (it cuts the tier's CPU time
# about 4x; docs/BENCHMARKS.md). When the preload cannot be built (no
# libclang-14-dev headers) or is not in effect, clang-tidy 14 runs as it is
# and the tier's line says so. Its result is collected at the end; run_tidy
# writes "STATUS|DETAIL|SECONDS" to $tidy_result.
tidy_result=/tmp/piiguard-tidy.result
# tidy_preload TIDY: builds tests/tidy/skip_system_headers.cc for this
# clang-tidy into build-asan/tidy/ and checks on a scratch file that it takes
# effect; prints the library's path, or nothing (the reason goes to the log).
tidy_preload() {
  local prefix so=$root/build-asan/tidy/skip_system_headers.so probe report
  prefix=$(dirname "$(dirname "$(readlink -f "$1")")")
  if [[ ! -f $prefix/include/clang/Frontend/MultiplexConsumer.h ]]; then
    echo "run_tidy: no clang headers in $prefix/include (libclang-14-dev)" >&2
    return
  fi
  mkdir -p "$(dirname "$so")"
  if ! nice -n 19 "$(command -v clang++ || command -v c++)" -std=c++17 -shared -fPIC -O2 \
         -I"$prefix/include" tests/tidy/skip_system_headers.cc -o "$so" -ldl >&2; then
    echo "run_tidy: tests/tidy/skip_system_headers.cc did not build" >&2
    return
  fi
  probe=$(mktemp -d)
  printf '#include <vector>\nint Probe() { return 0; }\n' >"$probe/probe.cc"
  report=$(env PIIGUARD_TIDY_SCOPE_REPORT=1 LD_PRELOAD="$so" "$1" --checks='-*,modernize-use-nullptr' \
    "$probe/probe.cc" -- -std=c++20 2>&1)
  if grep -q '^skip_system_headers: [0-9]* of [0-9]* ' <<<"$report"; then
    echo "$so"
  else
    echo "run_tidy: the preload is not in effect in $1" >&2
  fi
  rm -rf "$probe"
}
run_tidy() {
  local t0=$SECONDS tidy
  tidy=$(command -v clang-tidy-22 || command -v clang-tidy) || {
    echo "SKIP|(clang-tidy is not installed)|0" >"$tidy_result"
    return
  }
  # Non-test sources, as DEVELOPERS.md says: gtest files and everything
  # under tests/ (fuzz targets, benchmarks, test helpers) are left out.
  # The static analyzer's checks (clang-analyzer-*) nearly double the
  # tier's time: CI leaves them out unless TIDY_ANALYZER=1 (DEVELOPERS.md).
  local tidy_checks=() tidy_files run=() how so
  [[ ${TIDY_ANALYZER:-0} == 1 ]] || tidy_checks=(--checks=-clang-analyzer-*)
  tidy_files=$(grep -E '\.cc$' <<<"$sources" | grep -v '^tests/' | grep -v '_test\.cc$')
  how=$(basename "$tidy")
  if [[ $how != clang-tidy-22 ]]; then
    so=$(tidy_preload "$tidy" 2>/tmp/piiguard-tidy-preload.log)
    if [[ -n $so ]]; then
      run=(env LD_PRELOAD="$so")
      how+=", system headers skipped"
    else
      how+=", system headers matched: $(tail -1 /tmp/piiguard-tidy-preload.log | sed 's/^run_tidy: //')"
    fi
  fi
  if printf '%s\n' $tidy_files | nice -n 19 xargs -P "${TIDY_JOBS:-$jobs}" -n 4 "${run[@]}" "$tidy" -p build-asan --quiet \
       "${tidy_checks[@]}" >/tmp/piiguard-tidy.log 2>&1; then
    echo "PASS|($(wc -w <<<"$tidy_files") files, $how)|$((SECONDS - t0))" >"$tidy_result"
  else
    echo "FAIL|(clang-tidy findings above; $how)|$((SECONDS - t0))" >"$tidy_result"
  fi
}
rm -f "$tidy_result"
if [[ -f build-asan/compile_commands.json && $unit_configured == 1 ]]; then
  # The headers the build generates (the review pages' templates, the BPF
  # object) first, a few seconds: clang-tidy must not get ahead of the unit
  # build to a file that includes one.
  # shellcheck disable=SC2046 # one argument per header
  ninja -C build-asan -j"$jobs" $(ninja -C build-asan -t targets all |
    sed -n 's/^\([^/][^:]*\.h\): CUSTOM_COMMAND$/\1/p') >/dev/null
  run_tidy &
  tidy_pid=$!
else
  tier tidy FAIL "(no build-asan/compile_commands.json: the unit tier's configure failed)"
fi

if [[ $unit_configured == 1 ]] && ninja -C build-asan -j"$jobs"; then
  log=build-asan/ctest.log
  # A gtest binary is one ctest test; its cases are counted from the XML
  # report it writes (cmake/piiguard.cmake), so none left from a removed
  # binary or an earlier run may stay.
  rm -rf build-asan/gtest-results
  (cd build-asan && ctest -j"$jobs" --output-on-failure) | tee "$log"
  rc=${PIPESTATUS[0]}
  read -r p f s < <(python3 tests/ctest_counts.py "$log" build-asan/gtest-results 2>>"$log")
  skipped=$((skipped + s))
  if [[ $rc -eq 0 ]]; then
    tier unit PASS "($p tests; $s skipped, each with its reason in the log)" "$p" 0
  else
    tier unit FAIL "($f of $((p + f)) tests failed)" "$p" "$((f > 0 ? f : 1))"
  fi
else
  tier unit FAIL "(build failed)"
fi

# --- package: the Debian packages (docs/install.md) as CI builds them, lintian
# on them, systemd-analyze verify on the units they ship (unpacked into a
# scratch root beside the host's own units, so ExecStart= paths resolve), and
# the agent's maintainer scripts (tests/package/).
pkg_log=/tmp/piiguard-package.log
pkg_launcher=()
command -v ccache >/dev/null && pkg_launcher=(env CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache)
if "${pkg_launcher[@]}" ./installer/build-deb.sh >"$pkg_log" 2>&1; then
  pkg_root=$(mktemp -d)
  for deb in dist/*.deb; do dpkg-deb -x "$deb" "$pkg_root"; done
  mkdir -p "$pkg_root/lib/systemd/system"
  cp -an /lib/systemd/system/. "$pkg_root/lib/systemd/system/"
  units=$(for deb in dist/*.deb; do dpkg-deb -c "$deb"; done |
    sed -n 's|.*\./lib/systemd/system/\([^/]*\.service\)$|\1|p')
  # What our units run from other packages (ExecReload's /bin/kill, procps
  # in debian/control's Depends): the host's copy, so that verify judges our
  # files and finds every declared dependency's.
  for unit in $units; do
    sed -n 's/^Exec[A-Za-z]*=[-@:+!]*\(\/[^ ]*\).*/\1/p' "$pkg_root/lib/systemd/system/$unit"
  done | sort -u | while read -r exe; do
    [[ -e $pkg_root$exe || ! -e $exe ]] || cp --parents -L "$exe" "$pkg_root"
  done
  pkg_problems=()
  lintian --fail-on error dist/*.deb >>"$pkg_log" 2>&1 ||
    pkg_problems+=("lintian reported errors")
  # shellcheck disable=SC2086 # one argument per unit
  systemd-analyze verify --man=no --root="$pkg_root" $units >>"$pkg_log" 2>&1 ||
    pkg_problems+=("systemd-analyze verify failed")
  # The maintenance account's sudo rule as packaged: 0440 and valid to sudo.
  sudoers=$pkg_root/etc/sudoers.d/piiguard-maint
  if [[ $(stat -c %a "$sudoers" 2>/dev/null) != 440 ]] ||
     ! visudo -cf "$sudoers" >>"$pkg_log" 2>&1; then
    pkg_problems+=("the sudoers rule is not 0440 or visudo -cf refuses it")
  fi
  rm -rf "$pkg_root"
  # The maintainer scripts through install, upgrade, remove and purge, in a
  # private mount namespace (nothing on this machine changes).
  tests/package/maintainer_scripts_test.sh dist/piiguard_*.deb >>"$pkg_log" 2>&1
  case $? in
    0) ;;
    77) pkg_problems+=("maintainer scripts not run: $(grep -m1 SKIP "$pkg_log")") ;;
    *) pkg_problems+=("maintainer scripts failed") ;;
  esac
  if ((${#pkg_problems[@]} == 0)); then
    tier package PASS "($(ls dist/*.deb | wc -l) packages, lintian and $(wc -w <<<"$units") units clean, $(sed -n 's/^maintainer_scripts: \([0-9]*\) passed.*/\1/p' "$pkg_log") maintainer-script checks)"
  else
    grep -E '^(E|W): |\.service|^FAIL|^maintainer_scripts' "$pkg_log" | head -40
    tier package FAIL "(${pkg_problems[*]}; log $pkg_log)"
  fi
else
  tail -40 "$pkg_log"
  tier package FAIL "(installer/build-deb.sh failed; log $pkg_log)"
fi

# --- vm: a real Debian kernel under QEMU (TCG), sticks hot-plugged over QMP
vm_log=/tmp/piiguard-vm.log
# The ASan build of the unit tier: its programs are packed into the guest.
tests/vm/run.sh build-asan 2>&1 | tee "$vm_log"
rc=${PIPESTATUS[0]}
read -r vp vf < <(sed -n 's/^vm: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$vm_log" | tail -1)
if [[ $rc -eq 77 ]]; then
  tier vm SKIP "($(grep -m1 'SKIP' "$vm_log" | sed 's/^vm: SKIP: //'))"
elif [[ $rc -eq 0 && ${vp:-0} -gt 0 ]]; then
  tier vm PASS "($vp checks)" "$vp" 0
else
  tier vm FAIL "(console logs in tests/vm/.cache/runs)" "${vp:-0}" "$(( ${vf:-0} > 0 ? vf : 1 ))"
fi

# --- fuzz: every parser's libFuzzer target, briefly, from the unit tier's
# build (clang, PIIGUARD_FUZZ=ON; at -O0, so fewer runs per second than a
# dedicated RelWithDebInfo fuzz build, DEVELOPERS.md). One target at a time
# in the background beside the system tier, whose QEMU takes one core; its
# result is collected after that tier. run_fuzz writes "STATUS|DETAIL|P|F|
# SECONDS" to $fuzz_result.
fuzz_result=/tmp/piiguard-fuzz.result
run_fuzz() {
  local t0=$SECONDS rc fp ff
  FUZZ_JOBS=${FUZZ_JOBS:-1} tests/fuzz/run_fuzzers.sh build-asan "$fuzz_seconds" \
    >build-asan/fuzz.log 2>&1
  rc=$?
  fp=$(grep -cE '^fuzz: .*: OK' build-asan/fuzz.log)
  ff=$(grep -cE '^fuzz: .*: FAILED' build-asan/fuzz.log)
  if [[ $rc -eq 0 && $fp -gt 0 ]]; then
    echo "PASS|($fp targets, ${fuzz_seconds}s each)|$fp|0|$((SECONDS - t0))" >"$fuzz_result"
  else
    echo "FAIL|(artifacts in build-asan/fuzz-artifacts)|$fp|$((ff > 0 ? ff : 1))|$((SECONDS - t0))" >"$fuzz_result"
  fi
}
rm -f "$fuzz_result"
fuzz_pid=
if [[ $unit_compiler != clang++ ]]; then
  tier fuzz SKIP "(clang++ is not installed)"
elif fuzzers=$(ninja -C build-asan -t targets all | sed -n 's/^\([a-z0-9_]*_fuzzer\): .*/\1/p') &&
     [[ -n $fuzzers ]] && ninja -C build-asan -j"$jobs" $fuzzers >/dev/null; then
  run_fuzz &
  fuzz_pid=$!
else
  tier fuzz FAIL "(the fuzz targets did not build)"
fi

# --- system: the .deb files installed with apt on a real Debian 12 guest with
# systemd as PID 1 (tests/system/): install, reboot into the kernel command
# line, configure and enrol, a PC's day, the office's pages in Chromium,
# remove and purge.
sys_log=/tmp/piiguard-system.log
[[ -n ${setup_pid:-} ]] && wait "$setup_pid"
if compgen -G "dist/piiguard_*.deb" >/dev/null; then
  tests/system/run.sh dist 2>&1 | tee "$sys_log"
  rc=${PIPESTATUS[0]}
else
  echo "system: no dist/piiguard_*.deb (the package tier failed)" | tee "$sys_log"
  rc=1
fi
read -r sp sf < <(sed -n 's/^system: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$sys_log" | tail -1)
if [[ $rc -eq 77 ]]; then
  tier system SKIP "($(grep -m1 'SKIP' "$sys_log" | sed 's/^system: SKIP: //'))"
elif [[ $rc -eq 0 && ${sp:-0} -gt 0 ]]; then
  tier system PASS "($sp checks)" "$sp" 0
else
  tier system FAIL "(console and guest logs in tests/system/.cache/run/vm)" "${sp:-0}" "$(( ${sf:-0} > 0 ? sf : 1 ))"
fi

# --- fuzz, collected: it ran beside the system tier (above).
if [[ -n $fuzz_pid ]]; then
  wait "$fuzz_pid"
  grep -E '^fuzz: ' build-asan/fuzz.log
  if ! IFS='|' read -r fz_status fz_detail fz_p fz_f fz_secs <"$fuzz_result"; then
    fz_status=FAIL fz_detail="(the fuzz run did not finish; log build-asan/fuzz.log)" fz_p=0 fz_f=1 fz_secs=0
  fi
  tier_took=$fz_secs tier fuzz "$fz_status" "$fz_detail (beside the system tier)" "$fz_p" "$fz_f"
  unset tier_took
fi

# --- tidy, collected: it ran in the background (above).
if [[ -n ${tidy_pid:-} ]]; then
  wait "$tidy_pid"
  if ! IFS='|' read -r tidy_status tidy_detail tidy_secs <"$tidy_result"; then
    tidy_status=FAIL tidy_detail="(clang-tidy did not finish; log /tmp/piiguard-tidy.log)" tidy_secs=0
  fi
  [[ $tidy_status == FAIL ]] && grep -E 'error:|warning:' /tmp/piiguard-tidy.log | sort -u | head -60
  tier_took=$tidy_secs tier tidy "$tidy_status" "$tidy_detail (in the background)"
  unset tier_took
fi

printf '\n'
printf '%s\n' "${results[@]}"
echo "summary: $passed passed, $failed failed, $skipped skipped ($SECONDS s in all)"
[[ $failed -eq 0 ]]
