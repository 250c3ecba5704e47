#!/bin/sh
# radio_keyed: the interlock on the real kernel (issue 6 with issue 5's
# enforcer and fixtures): inserting a keyed stick starts a session, the
# stick becomes writable only after the session's radios are confirmed
# blocked (journal order), and removing it ends the session and restores the
# radios (keyed_sticks.session_ends_on_removal in the fixtures' policy).
# shellcheck shell=dash disable=SC3045,SC1091  # busybox ash; libs are in the guest
# vm: --timeout 200
. /lib/vmlib.sh
. /lib/usblib.sh

plan 6
softs() { cat /sys/class/rfkill/rfkill*/soft | tr -d '\n'; }
seq_of() {
  piiguard journal show --db "$STATE/journal.db" 2>/dev/null |
    awk -v t="$1" '$5 == t { print $1; exit }'
}
uevents_start
check daemon_started "piiguardd serving, radios soft=$(softs)" daemon_start
check radios_before "no session yet: soft=$(softs)" test "$(softs)" = 00

plug_disk keyed,serial=KEYED001,image="$FIXTURES/keyed.img"
wait_for 20 stick_is "$DISK" writable
started=$(piiguard journal show --db "$STATE/journal.db" --type session.started 2>/dev/null | tail -1)
check session_by_stick "$(echo "$started" | cut -c1-160)" \
  sh -c "echo '$started' | grep -q '\"origin\":\"stick\"'"
check writable_with_radios_blocked "stick $(stick_state "$DISK"), soft=$(softs)" \
  test "$(stick_state "$DISK")" = writable -a "$(softs)" = 11
confirmed=$(seq_of radio.confirmed)
writable=$(seq_of usb.stick.writable)
check writable_after_confirmed "radio.confirmed seq ${confirmed:-none} < usb.stick.writable seq ${writable:-none}" \
  test -n "$confirmed" -a -n "$writable" -a "${confirmed:-0}" -lt "${writable:-0}"

host unplug keyed
wait_for 10 sh -c "[ \"\$(cat /sys/class/rfkill/rfkill*/soft | tr -d '\n')\" = 00 ]"
check removal_ends_session "after unplug soft=$(softs), $(piiguard journal show --db "$STATE/journal.db" --type session.ended 2>/dev/null | tail -1 | cut -c1-160)" \
  sh -c "test $(softs) = 00 && piiguard journal show --db $STATE/journal.db --type session.ended | grep -q 'stick removed'"
uevents_stop
