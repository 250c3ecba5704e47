#!/bin/sh
# radio_standalone: a policy with radio.standalone (R12) on the real kernel:
# piiguardd takes every non-loopback link down (a dummy link stands for the
# LAN) and blocks the wlan radios at start; a link brought back up is taken
# down again and journaled; staff cannot end a standalone session. The
# policy is signed in the guest with piiguard-admin. nftables (the allowed
# interface's CIDR) is not in the guest: standalone_allow is shown by the
# unit tests on fakes only. Needs run.sh BUILD_DIR.
# shellcheck shell=dash disable=SC3045,SC1091  # busybox ash; vmlib.sh is in the guest
# vm: --timeout 150
. /lib/vmlib.sh

plan 7
state=/var/lib/piiguard
db=$state/journal.db
if [ ! -x /usr/bin/piiguardd ] || [ ! -x /usr/bin/piiguard-admin ]; then
  for c in policy_signed link_down lo_up radios_blocked link_up_undone \
    up_attempt_journaled end_refused; do
    fail "$c" "piiguardd/piiguard-admin not packed (run.sh BUILD_DIR)"
  done
  exit 0
fi
cat >/etc/passwd <<'PW'
root:x:0:0:root:/root:/bin/sh
piiguard-sync:x:999:999::/nonexistent:/bin/false
PW
printf 'root:x:0:\npiiguard-sync:x:999:\n' >/etc/group
mkdir -p "$state" /run/piiguard /tmp/keys

ip link set lo up
ip link add d0 type dummy && ip link set d0 up
link_up() { ip link show "$1" | head -1 | grep -q '[<,]UP[,>]'; }
softs() { cat /sys/class/rfkill/rfkill*/soft | tr -d '\n'; }

cat >/tmp/policy.json <<'JSON'
{"format":"piiguard-policy/1","city":{"code":"132136","name":"東村山市"},
 "version":1,"valid_from":"2026-01-01T00:00:00Z",
 "valid_until":"2030-01-01T00:00:00Z","keys":[],
 "usb":{"unkeyed_storage":"read_only","hid":{"allow":true,"devices":[]},
        "allow_composite_storage_hid":false},
 "keyed_sticks":{"session_ends_on_removal":true,"max_key_validity_days":366},
 "radio":{"block_types":["wlan"],"standalone":true,"standalone_allow":[]},
 "roster_guard":{"enabled":false,"action":"report","exclude_paths":[],
                 "min_rows":5},
 "journal":{"checkpoint_every_events":1000,"checkpoint_every_seconds":300},
 "office":{"sync_interval_seconds":300},
 "register":[],"consignees":[],"revoked_sticks":[]}
JSON
piiguard-admin key new --out /tmp/keys --name city >/tmp/admin.log 2>&1 &&
  piiguard-admin policy sign --key /tmp/keys/city.key --in /tmp/policy.json \
    --out /tmp/policy.signed >>/tmp/admin.log 2>&1
check policy_signed "$(tail -1 /tmp/admin.log)" test -s /tmp/policy.signed

d0_before=$(link_up d0 && echo up || echo down)
piiguardd --foreground --state-dir "$state" --policy /tmp/policy.signed \
  --city-pub /tmp/keys/city.pub >>/tmp/piiguardd.log 2>&1 &
DAEMON=$!
wait_for 20 test -S /run/piiguard/agent.sock
wait_for 5 sh -c "! ip link show d0 | head -1 | grep -q '[<,]UP[,>]'"
check link_down "d0 $d0_before before, after start: $(ip link show d0 | head -1)" \
  sh -c "! ip link show d0 | head -1 | grep -q '[<,]UP[,>]'"
check lo_up "loopback untouched: $(ip link show lo | head -1)" link_up lo
check radios_blocked "soft=$(softs)" test "$(softs)" = 11

ip link set d0 up
wait_for 5 sh -c "! ip link show d0 | head -1 | grep -q '[<,]UP[,>]'"
check link_up_undone "ip link set d0 up; now: $(ip link show d0 | head -1)" \
  sh -c "! ip link show d0 | head -1 | grep -q '[<,]UP[,>]'"
check up_attempt_journaled "$(piiguard journal show --db "$db" 2>/dev/null | grep -E 'link\.' | tail -2 | tr '\n' ';')" \
  sh -c "piiguard journal show --db $db | grep -q link.up_attempt"
out=$(LANG=C piiguard session end 2>&1)
rc=$?
check end_refused "root: exit $rc: $out" sh -c "test $rc != 0 && test $(softs) = 11"
kill "$DAEMON"
