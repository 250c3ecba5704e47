#!/bin/sh
# mmdebstrap's customize hook for the system tier's guest (setup.sh): turns
# the root file system in $1 into a PC that boots from its own disk, has a
# staff account, and runs the tier's scenario from a second disk labelled
# "payload" on every boot. Nothing of piiguard is installed here.
set -eu
root=$1

echo pc-01 >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tpc-01\n' >"$root/etc/hosts"
cat >"$root/etc/fstab" <<'EOF'
LABEL=pcroot / ext4 defaults,errors=remount-ro 0 1
LABEL=payload /payload ext4 nofail,x-systemd.device-timeout=300s 0 2
EOF
mkdir -p "$root/payload"

# GRUB on the serial console, no menu delay. update-grub (run by piiguard's
# postinst in the guest) reads these and the snippets in /etc/default/grub.d.
mkdir -p "$root/etc/default/grub.d"
cat >"$root/etc/default/grub.d/00-systest.cfg" <<'EOF'
GRUB_TIMEOUT=0
GRUB_TERMINAL=serial
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
GRUB_CMDLINE_LINUX="console=ttyS0,115200 net.ifnames=0 systemd.show_status=0"
GRUB_DISABLE_OS_PROBER=true
EOF
# The first grub.cfg by hand (grub-probe cannot see the disk in a chroot);
# update-grub replaces it on the guest.
kv=$(basename "$(ls "$root"/boot/vmlinuz-* | head -1)" | sed 's/^vmlinuz-//')
mkdir -p "$root/boot/grub"
cat >"$root/boot/grub/grub.cfg" <<EOF
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
menuentry 'Debian GNU/Linux' {
  insmod part_msdos
  insmod ext2
  search --no-floppy --label --set=root pcroot
  linux /boot/vmlinuz-$kv root=LABEL=pcroot ro console=ttyS0,115200 net.ifnames=0 systemd.show_status=0 quiet
  initrd /boot/initrd.img-$kv
}
EOF

# GRUB's modules and core image, as grub-install would place them on a BIOS
# PC (setup.sh writes boot.img and core.img to the disk's first sectors).
mkdir -p "$root/boot/grub/i386-pc"
cp "$root"/usr/lib/grub/i386-pc/*.mod "$root"/usr/lib/grub/i386-pc/*.lst \
  "$root/boot/grub/i386-pc/"
chroot "$root" grub-mkimage -O i386-pc -o /boot/grub/i386-pc/core.img \
  -p '(hd0,msdos1)/boot/grub' biosdisk part_msdos ext2

# A staff member's account (logs in, saves files, reports near misses).
chroot "$root" useradd -m -u 1000 -s /bin/bash -c "Sato Hanako" sato

# The scenario runner: on every boot, once the PC reached multi-user, runs
# /payload/run.sh with the serial console as its terminal (the host driver
# answers its @@WAIT lines there).
cat >"$root/etc/systemd/system/systest.service" <<'EOF'
[Unit]
Description=piiguard system tier: the scenario on /payload
After=multi-user.target
RequiresMountsFor=/payload
ConditionPathExists=/payload/run.sh

[Service]
Type=oneshot
ExecStart=/bin/bash /payload/run.sh
StandardInput=tty
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
TTYReset=no
TTYVHangup=no
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
EOF
ln -s /etc/systemd/system/systest.service \
  "$root/etc/systemd/system/multi-user.target.wants/systest.service"
# The runner owns ttyS0; timers that would compete for the CPU under TCG
# are off.
for unit in serial-getty@ttyS0.service apt-daily.timer apt-daily-upgrade.timer \
  man-db.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer; do
  ln -sf /dev/null "$root/etc/systemd/system/$unit"
done
# No archive is reachable from the guest: apt must only install local files.
rm -f "$root"/etc/apt/sources.list "$root"/etc/apt/sources.list.d/*
