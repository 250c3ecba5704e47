#!/bin/sh
# Issue 17 on the real kernel, the radios scope, with two mac80211_hwsim wlan
# radios: during a personal-data session an offline exception code allows
# the radios (put back as they were, not re-blocked); a keyed stick comes
# first (the radios are blocked again and confirmed before it is writable,
# allowed again once it is out); at the exception's end they are blocked
# again and an unblock is undone as before. The guest answers its own code
# with piiguard-admin, as the IT desk would on the phone.
# shellcheck shell=dash disable=SC3045,SC1091  # busybox ash; libs are in the guest
# vm: --timeout 300
. /lib/vmlib.sh
. /lib/usblib.sh
plan 10
uevents_start
exception_pc
softs() { cat /sys/class/rfkill/rfkill*/soft | tr -d '\n'; }
softs_are() { [ "$(softs)" = "$1" ]; }
# attempts: how many radio.unblock_attempt entries the journal holds.
attempts() {
  piiguard journal show --json --db "$STATE/journal.db" --type radio.unblock_attempt 2>/dev/null |
    grep -c unblock_attempt
}
# last_seq TYPE: the journal sequence number of the latest entry of TYPE.
last_seq() {
  piiguard journal show --db "$STATE/journal.db" --type "$1" 2>/dev/null |
    tail -1 | awk '{ print $1 }'
}
check daemon_started "piiguardd serving, radios soft=$(softs)" daemon_start

piiguard session start >/dev/null
wait_for 10 softs_are 11
check session_blocks "session on: soft=$(softs)" softs_are 11

CODE=$(LANG=C piiguard exception request --radios --minutes 15 |
  tee /tmp/say.txt | sed -n 's/.*request code: \([0-9-]*\).*/\1/p')
cat /tmp/say.txt
response=$(desk "$CODE")
t0=$(uptime_ms)
LANG=C piiguard exception redeem "$response"
wait_for 20 softs_are 00
echo "radio_exception: redeem typed to radios back on: $(($(uptime_ms) - t0)) ms"
check radios_allowed "soft=$(softs); $(piiguard journal show --db "$STATE/journal.db" --type radio.allowed | tail -1 | cut -c1-160)" \
  sh -c "[ $(softs) = 00 ] && piiguard journal show --db $STATE/journal.db --type radio.allowed | grep -q grant"
# Staff switch one off and on again: allowed, nothing re-blocks it.
echo 1 >/sys/class/rfkill/rfkill0/soft
echo 0 >/sys/class/rfkill/rfkill0/soft
# Two round trips through the daemon's loop, which reads rfkill too.
piiguard status >/dev/null
piiguard status >/dev/null
check unblock_allowed "soft=$(softs), unblock attempts journaled: $(attempts)" \
  test "$(softs)" = 00 -a "$(attempts)" = 0
check status_says_allowed "$(LANG=C piiguard status | grep -i 'radios:')" \
  sh -c "LANG=C piiguard status | grep -qi 'allowed by exception'"

# A keyed stick comes first.
plug_disk keyed,serial=KEYED001,image="$FIXTURES/keyed.img"
STICK=$DISK
wait_for 20 stick_is "$STICK" writable
ended=$(last_seq radio.allowance_ended)
confirmed=$(last_seq radio.confirmed)
writable=$(last_seq usb.stick.writable)
check stick_blocks_radios "stick $(stick_state "$STICK"), soft=$(softs)" \
  test "$(stick_state "$STICK")" = writable -a "$(softs)" = 11
check blocked_before_writable "radio.allowance_ended ${ended:-none} < radio.confirmed ${confirmed:-none} < usb.stick.writable ${writable:-none}" \
  test -n "$ended" -a -n "$confirmed" -a -n "$writable" -a "${ended:-0}" -lt "${confirmed:-0}" -a "${confirmed:-0}" -lt "${writable:-0}"
echo 0 >/sys/class/rfkill/rfkill1/soft 2>/dev/null
wait_for 10 softs_are 11
check stick_in_reblocks "with the stick in, an unblock is undone: soft=$(softs)" softs_are 11
host unplug keyed
wait_for 20 softs_are 00
check allowed_after_stick_out "stick out, grant still running: soft=$(softs)" softs_are 00

# The end (early, by staff; on time is the same path, on a fake clock in
# session_exception_test): blocked again, and an unblock is an attempt.
grant=$(piiguard status --json | tr ',' '\n' | sed -n 's/.*"grant": *"\([0-9]*\)".*/\1/p' | head -1)
LANG=C piiguard exception end "$grant"
wait_for 20 softs_are 11
before=$(attempts)
echo 0 >/sys/class/rfkill/rfkill0/soft
wait_for 10 softs_are 11
check blocked_after_end "grant $grant ended: soft=$(softs), unblock attempts $before before the unblock, $(attempts) after" \
  test "$(softs)" = 11 -a "$(attempts)" -gt "$before"
piiguard journal show --db "$STATE/journal.db" | grep -E 'radio|exception|session' | tail -25
kill "$DAEMON_PID"
uevents_stop
