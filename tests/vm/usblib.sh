# shellcheck shell=dash
# usblib.sh: functions for the USB scenarios (/lib/usblib.sh in the guest,
# packed by run.sh with the fixtures of prepare-usb.sh). Needs vmlib.sh.

FIXTURES=$(cat /etc/piiguard-vm/fixtures 2>/dev/null)
STATE=/var/lib/piiguard

# daemon_start: starts piiguardd as in production (policy, city key, state
# directory, and the unit's Nice=-20: installer/piiguardd.service) and
# returns once it serves its socket (at most 60 s).
daemon_start() {
  mkdir -p /run/piiguard "$STATE"
  : >/tmp/piiguardd.log
  piiguardd --foreground --state-dir "$STATE" --policy /etc/piiguard/policy.signed \
    --city-pub /etc/piiguard/city.pub --sync-user nobody >>/tmp/piiguardd.log 2>&1 &
  DAEMON_PID=$!
  # busybox has no nice applet; at once, before the daemon starts threads
  # or children (they inherit it).
  renice -n -20 -p "$DAEMON_PID" >/dev/null
  wait_for 60 grep -q "piiguardd: serving" /tmp/piiguardd.log
}

# stick_status DEV: the daemon's status entry of disk DEV (one JSON object
# per line, `"key": value`), empty if none. Asked on the socket by
# guest/ipcstatus.c: `piiguard status`, an ASan-built program under TCG,
# takes seconds to start, and loops of it starve the daemon.
stick_status() {
  ipcstatus -p 2>/dev/null | sed 's/":/": /g; s/[{}]/\n/g' |
    grep "\"device\": \"$1\""
}

# stick_known DEV: the daemon has decided about DEV (not still checking
# its key or closing its mounts).
stick_known() {
  case "$(stick_state "$1")" in
  "" | checking | closing) return 1 ;;
  esac
}

# stick_state DEV: writable | read_only | waiting_for_session.
stick_state() {
  stick_status "$1" | sed -n 's/.*"state": "\([a-z_]*\)".*/\1/p'
}

# stick_is DEV STATE, stick_reason_is DEV REASON: for wait_for, which runs
# its command in this shell. (`wait_for N sh -c "...stick_state..."` never
# succeeds: a child shell has none of these functions, so it waited its
# whole limit every time.)
stick_is() {
  [ "$(stick_state "$1")" = "$2" ]
}
stick_reason_is() {
  [ "$(stick_reason "$1")" = "$2" ]
}

# stick_reason DEV: the verdict ("no key file", "identity mismatch (serial)").
stick_reason() {
  stick_status "$1" | sed -n 's/.*"reason": "\([^"]*\)".*/\1/p'
}

# plug_disk SPEC: plugs a stick and waits for its disk; sets DISK.
plug_disk() {
  DISK=""
  host plug "$1" || return 1
  uevent_expect "add block disk sd* *" 30 || return 1
  DISK=$(echo "$UEVENT_LINE" | cut -d' ' -f4)
  wait_for 30 stick_known "$DISK"
}

# exception_pc: this PC as the offline exception codes need it (issue 17):
# its key K_pc root-only, and enrolled as hidamari-pc-01, one of the example
# policy's consignee PCs (what the office gives at enrolment).
exception_pc() {
  chmod 600 /etc/piiguard/exception.key
  mkdir -p "$STATE"
  printf '{"office_pin":"%s","office_url":"https://office.invalid","pc":"hidamari-pc-01"}' \
    "$(printf '%064d' 0)" >"$STATE/office.json"
}

# desk CHALLENGE [PC]: the response the IT desk reads back for CHALLENGE
# (person 0 of the policy's list: the consignee's responsible person), with
# the desk's master and the policy prepare-usb.sh packed.
desk() {
  piiguard-admin exception respond --master /etc/piiguard-vm/exceptions.master \
    --pc "${2:-hidamari-pc-01}" --challenge "$1" --person 0 \
    --policy /etc/piiguard/policy.signed --pub /etc/piiguard/city.pub \
    --reason "vm tier" --ledger /tmp/piiguard-desk.ledger |
    sed -n 's/^response: \([0-9-]*\).*/\1/p'
}

# uptime_ms: milliseconds since boot (for timing from inside the guest).
uptime_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# now_ms: the same into NOW_MS, without starting a process (for loops that
# must not load the guest's only CPU). /proc/uptime has 10 ms steps.
now_ms() {
  read -r up _ </proc/uptime
  cs=${up#*.}
  cs=${cs#0}
  NOW_MS=$((${up%.*} * 1000 + cs * 10))
}

# status_ms: how long piiguardd takes to answer a `status` request on its
# socket, in ms (guest/ipcstatus.c; `piiguard status` itself adds the start
# of an ASan-built program under TCG, seconds); fails on no answer in 5 s.
status_ms() {
  out=$(ipcstatus /run/piiguard/agent.sock 5000) || return 1
  echo "${out%% *}"
}

# journal_has TYPE TEXT: an entry of TYPE whose line holds TEXT.
journal_has() {
  piiguard journal show --json --db "$STATE/journal.db" --type "$1" | grep -q "$2"
}

# race NAME [UID]: plugs stick NAME with usbrace writing (as UID); appends
# its line (usbrace: guest/usbrace.c) to /tmp/race.log; unplugs it.
race() {
  rm -f /tmp/race.fifo && mkfifo /tmp/race.fifo
  usbrace 400 $2 >/tmp/race.fifo &
  exec 8</tmp/race.fifo
  read -r ready <&8
  host plug "$1,serial=$1,fs=fat" || return 1
  read -r line <&8
  exec 8<&-
  echo "$line" | tee -a /tmp/race.log
  host unplug "$1"
}
# med FIELD FILE: median and worst of FIELD= values.
med() {
  sed -n "s/.* $1=\([-0-9]*\).*/\1/p" "$2" | sort -n |
    awk '{v[NR]=$1} END {if (NR) printf "median %d worst %d (n=%d)", v[int((NR+1)/2)], v[NR], NR}'
}
