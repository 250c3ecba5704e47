#!/bin/sh
# Issue 15 on the real kernel: piiguardd starts its document examiner
# (agent/priv/README.md) as soon as the roster guard is wired; the examiner
# runs as the unprivileged user it was given (here `nobody`: the guest has
# no piiguard-examiner user), with no supplementary group, and reports that
# it entered its sandbox: the seccomp filter and Landlock, on this Debian
# kernel (the host's may have neither). Hyperscan needs SSSE3, which QEMU's
# default CPU model lacks ("Unsupported architecture": the detector cannot
# load there, in the examiner or in piiguardd): this scenario asks for
# `--cpu max`.
# vm: --timeout 420 --cpu max
# shellcheck shell=dash
. /lib/vmlib.sh
. /lib/usblib.sh
plan 4

check daemon_started "piiguardd serving" daemon_start

# The roster part's examiner object, one line, `"key": value`.
examiner_part() {
  ipcstatus -p 2>/dev/null | tr -d '\n' | sed 's/":/": /g' |
    sed -n 's/.*"examiner": {\([^}]*\)}.*/\1/p'
}
# Started, and past its hello (its sandbox entered): its detector loads in
# about a minute in an ASan build under TCG.
examiner_ready() { examiner_part | grep -q '"running": true.*"sandbox": "[^"]'; }
wait_for 240 examiner_ready
check examiner_ready "roster.examiner: $(examiner_part)" examiner_ready
check examiner_sandboxed "sandbox: $(examiner_part | sed -n 's/.*"sandbox": "\([^"]*\)".*/\1/p')" \
  sh -c "echo '$(examiner_part)' | grep -q '\"sandbox\": \"seccomp, Landlock ABI [1-9]'"

# Its process: the program beside piiguardd, its uid and groups.
pid=""
for p in /proc/[0-9]*; do
  case "$(cat "$p/comm" 2>/dev/null)" in piiguard-examin*) pid=${p#/proc/} ;; esac
done
uids=$(sed -n 's/^Uid:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null | tr -s '[:space:]' ' ')
groups=$(sed -n 's/^Groups:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null | tr -d '[:space:]')
check examiner_unprivileged "pid ${pid:-none} Uid: ${uids:-?} Groups: '${groups}'" \
  test -n "$pid" -a "$uids" = "65534 65534 65534 65534 " -a -z "$groups"
# What piiguardd and the examiner said (for the log).
grep -i examiner /tmp/piiguardd.log | tail -5
