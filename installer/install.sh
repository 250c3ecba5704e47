#!/usr/bin/env bash
# Installs the agent from a build directory: the binaries, the systemd unit,
# the sysusers.d and tmpfiles.d files. Enables and starts nothing: enrolling
# the PC (`piiguard enrol --token FILE`) and `systemctl enable --now
# piiguardd` are the IT desk's steps.
# Usage: installer/install.sh BUILD_DIR [DESTDIR]
set -euo pipefail
build=${1:?usage: install.sh BUILD_DIR [DESTDIR]}
dest=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
for bin in agent/daemon/piiguardd agent/cli/piiguard policy/admin/piiguard-admin; do
  [[ -x "$build/$bin" ]] || { echo "install.sh: $build/$bin not built" >&2; exit 2; }
done
install -D -m 0755 "$build/agent/daemon/piiguardd" "$dest/usr/local/sbin/piiguardd"
install -D -m 0755 "$build/agent/cli/piiguard" "$dest/usr/local/bin/piiguard"
install -D -m 0755 "$build/policy/admin/piiguard-admin" "$dest/usr/local/bin/piiguard-admin"
if [[ -x "$build/office/piiguard-office" ]]; then
  install -D -m 0755 "$build/office/piiguard-office" "$dest/usr/local/bin/piiguard-office"
fi
install -D -m 0644 "$here/piiguardd.service" "$dest/etc/systemd/system/piiguardd.service"
install -D -m 0644 "$here/piiguard.sysusers.conf" "$dest/usr/lib/sysusers.d/piiguard.conf"
install -D -m 0644 "$here/piiguard.tmpfiles.conf" "$dest/usr/lib/tmpfiles.d/piiguard.conf"
install -d -m 0755 "$dest/etc/piiguard"
# Sessions (docs/session.md): console users may not write /dev/rfkill, and
# NetworkManager's radio and networking switches are root's only.
install -D -m 0644 "$here/71-piiguard-rfkill.rules" "$dest/etc/udev/rules.d/71-piiguard-rfkill.rules"
install -D -m 0644 "$here/60-piiguard-usb.rules" "$dest/etc/udev/rules.d/60-piiguard-usb.rules"
install -D -m 0644 "$here/grub-piiguard.cfg" "$dest/etc/default/grub.d/piiguard.cfg"
install -D -m 0644 "$here/50-piiguard-networkmanager.rules" \
  "$dest/etc/polkit-1/rules.d/50-piiguard-networkmanager.rules"
if [[ -z "$dest" ]]; then
  # The user and directories now, without enabling the service.
  command -v systemd-sysusers >/dev/null && systemd-sysusers /usr/lib/sysusers.d/piiguard.conf
  command -v systemd-tmpfiles >/dev/null && systemd-tmpfiles --create /usr/lib/tmpfiles.d/piiguard.conf
fi
echo "installed piiguard into ${dest:-/}; next: put city.pub and policy.signed in /etc/piiguard,"
echo "run 'piiguard enrol --token FILE', then 'systemctl enable --now piiguardd'."
