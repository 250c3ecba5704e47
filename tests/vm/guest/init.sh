#!/bin/busybox sh
# shellcheck shell=dash
# /init of the VM tier's guest: mounts the kernel file systems, loads the
# modules in /lib/modules/load-order, runs /scenario.sh (added by vm.py in an
# appended cpio), prints "@@END <exit status>", then the kernel log, and powers
# off. If anything here dies, the kernel panics and qemu (-no-reboot, panic=-1)
# exits; the host driver reports the missing @@END.
/bin/busybox --install -s
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /root /var/log
# Kernel messages would cut through the @@ lines on the console: keep only
# emergencies there; the whole log is printed after the scenario.
echo 1 >/proc/sys/kernel/printk
# The host answers @@WAIT on this console; its replies must not echo back.
stty -echo 2>/dev/null

# usb-storage waits delay_use seconds (default 1) before scanning a new stick;
# 0 makes each plug about a second faster. The product must not depend on it.
while read -r ko; do
  args=""
  [ "$ko" = usb-storage.ko ] && args=delay_use=0
  # Like modprobe: MODULE.PARAM=VALUE words of the kernel command line
  # (e.g. usbcore.authorized_default=0 from installer/grub-piiguard.cfg).
  mod=$(echo "${ko%.ko}" | tr - _)
  for word in $(cat /proc/cmdline); do
    case $word in "$mod".*=*) args="$args ${word#"$mod".}" ;; esac
  done
  insmod "/lib/modules/$ko" $args 2>/dev/null || echo "$ko" >>/tmp/insmod-failed
done </lib/modules/load-order
# On the qemu64 CPU, the PCLMUL and SSE4.2 variants fail; generic ones load.
echo "@@BOOTED uptime=$(cut -d' ' -f1 /proc/uptime) kernel=$(uname -r)" \
  "insmod-failed=$(tr '\n' ' ' </tmp/insmod-failed 2>/dev/null)"

if [ -f /scenario.sh ]; then
  sh /scenario.sh </dev/console >/dev/console 2>&1
  rc=$?
else
  echo "init: no /scenario.sh"
  rc=127
fi
echo "@@END $rc"
echo "----- kernel log -----"
dmesg
sync
poweroff -f
