#!/usr/bin/env bash
# The USB benchmark of docs/BENCHMARKS.md ("USB"), in the VM tier's VM:
#
#   tests/vm/bench/usb.sh BUILD_DIR      (as root; an optimized build, e.g.
#                                         RelWithDebInfo, for the figures)
#
# Fetches Debian's usbguard package and the libraries it needs that the host
# lacks (apt-get download + dpkg -x into tests/vm/.cache/usbguard; nothing is
# installed), packs them into the guest, and runs scenarios/usb_bench.sh:
# piiguardd against a writer racing the plug, the reference shell loop, and
# usbguard-daemon deciding the same sticks. USB_BENCH_STICKS sets how many
# sticks each part plugs (default 8).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: bench/usb.sh BUILD_DIR}
ug=$here/.cache/usbguard
if [[ ! -x $ug/root/usr/sbin/usbguard-daemon ]]; then
  rm -rf "$ug" && mkdir -p "$ug" && cd "$ug"
  apt-get download usbguard libusbguard1 libqb100 libumockdev0 libpcap0.8 >/dev/null
  for d in *.deb; do dpkg -x "$d" root; done
  cd - >/dev/null
fi
conf=$ug/usbguard-daemon.conf
cat >"$conf" <<CONF
RuleFile=/etc/usbguard/rules.conf
ImplicitPolicyTarget=block
PresentDevicePolicy=apply-policy
PresentControllerPolicy=keep
InsertedDevicePolicy=apply-policy
AuthorizedDefault=none
RestoreControllerDeviceState=false
DeviceManagerBackend=uevent
IPCAllowedUsers=root
DeviceRulesWithPort=false
AuditBackend=FileAudit
AuditFilePath=/tmp/usbguard-audit.log
CONF
# The same decision piiguardd takes for these sticks: mass storage allowed.
printf 'allow with-interface equals { 08:*:* }\nallow with-interface equals { 09:00:* }\n' >"$ug/rules.conf"
export LD_LIBRARY_PATH=$ug/root/usr/lib/x86_64-linux-gnu
export VM_EXTRA_FILES="$ug/root/usr/sbin/usbguard-daemon:/usr/sbin/usbguard-daemon $conf:/etc/usbguard/usbguard-daemon.conf $ug/rules.conf:/etc/usbguard/rules.conf"
echo "$LD_LIBRARY_PATH" >"$ug/ld-path"
export VM_EXTRA_FILES="$VM_EXTRA_FILES $ug/ld-path:/etc/usbguard/ld-path"
VM_SCENARIOS=usb_bench exec "$here/run.sh" "$build"
