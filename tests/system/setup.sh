#!/usr/bin/env bash
# Builds the system tier's guest disk (idempotent, as root): a real Debian 12
# userspace with systemd as PID 1, booted by GRUB from an MBR disk, with
# NetworkManager, polkit, udev and the packages piiguard's .deb files depend
# on, but not piiguard itself (the tier installs it with apt, as a city does).
#
#   tests/system/setup.sh [DIST_DIR | --base]
#
# The image holds the packages listed below, the .deb files' own
# dependencies among them, so that `apt-get install ./*.deb` works in the
# guest without a network; DIST_DIR (default dist/) holds the .deb files, and
# a Depends or Recommends of theirs missing from the list is added (and said:
# add it to the list). With --base the image is built from the list alone,
# before any .deb exists (tests/run_all.sh does so in the background while
# the unit tier builds). Everything goes to tests/system/.cache/ (ignored by
# git): base-ID.img (raw, sparse, 4 GiB), where ID hashes the package list
# and this script, so a second run only checks. About 3 minutes on a fresh
# idle machine (mmdebstrap from Debian's archive; 10 under load), nothing on
# a second run.
#
# GRUB is put on the disk as grub-install would on a BIOS PC, without a loop
# device (machines like CI's have no partition scanning): boot.img's code
# in the MBR, core.img (made by the guest's own grub-mkimage) in the sectors
# after it, the modules in /boot/grub/i386-pc. Exit status: 0 ready (prints
# the image's path on stdout), 77 cannot run here (the reason on stderr), 1
# failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
dist=${1:-$top/dist}
[[ $dist == --base ]] && dist=""
cache=$here/.cache
say() { printf 'system setup: %s\n' "$*" >&2; }
skip() { say "SKIP: $*"; exit 77; }

[[ $(id -u) == 0 ]] || skip "needs root (mmdebstrap installs packages into a chroot)"

# --- 1. Host tools from Debian's packages
need="mmdebstrap qemu-system-x86 qemu-utils e2fsprogs fdisk"
missing=()
for p in $need; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
      skip "could not install ${missing[*]} from Debian's packages"
  }
fi

# --- 2. What the guest holds. The PC's own software: systemd, udev, the
# kernel and GRUB, NetworkManager and polkit (piiguard denies radios through
# them), logind sessions for staff; tools the scenarios use; and what the
# .deb files depend on.
packages=(
  systemd-sysv udev dbus libpam-systemd polkitd network-manager
  linux-image-amd64 initramfs-tools kmod grub-pc
  iproute2 util-linux dosfstools mtools e2fsprogs nftables rfkill usbutils
  procps sqlite3 curl libnotify-bin ca-certificates
  # The maintenance window: sudo for the maintenance account, PAM's
  # pam-auth-update and pam_exec.
  sudo libpam-runtime libpam-modules
  # What piiguard's .deb files depend on (dpkg-deb -f dist/*.deb Depends).
  libblkid1 libc6 libgcc-s1 libssl3 libstdc++6 libcpp-httplib0.11
  libpqxx-6.4 libsqlite3-0 libexpat1 libhyperscan5 libicu72 libseccomp2 libbpf1
  libctemplate3
  libsystemd0 libzip4 zlib1g polkitd systemd
)
if [[ -z $dist ]]; then
  :  # --base: the list alone
elif compgen -G "$dist/*.deb" >/dev/null; then
  for deb in "$dist"/*.deb; do
    # "a (>= 1), b | c, d" -> a b d: the first of each alternative, not ours.
    # (dpkg-deb names each field when asked for two: "Depends: a, b".)
    dpkg-deb -f "$deb" Depends Recommends | sed -E 's/^(Depends|Recommends): //' |
      tr ',' '\n' | sed -E 's/\|.*//; s/\(.*\)//; s/:any//' |
      awk '{ $1 = $1 } /^[a-z0-9]/ && $1 !~ /^piiguard/ { print $1 }'
  done | sort -u >"$cache.deps.tmp" 2>/dev/null || true
else
  say "no .deb files in $dist: the image gets only the base packages"
fi
mkdir -p "$cache"
deps=()
[[ -f $cache.deps.tmp ]] && mapfile -t deps <"$cache.deps.tmp" && rm -f "$cache.deps.tmp"
mapfile -t all < <(printf '%s\n' "${packages[@]}" "${deps[@]}" | sort -u)
mapfile -t extra < <(comm -13 <(printf '%s\n' "${packages[@]}" | sort -u) \
  <(printf '%s\n' "${deps[@]}" | sed '/^$/d' | sort -u))
((${#extra[@]} == 0)) ||
  say "the .deb files need ${extra[*]}, not in setup.sh's list: added (add them to the list)"
id=$( (printf '%s\n' "${all[@]}"; cat "$0") | sha256sum | cut -c1-12)
image=$cache/base-$id.img
if [[ -s $image ]]; then
  say "ready: $image"
  echo "$image"
  exit 0
fi

# --- 3. The root file system (mmdebstrap, with the host's apt sources).
say "building the guest image ($(IFS=,; echo "${#all[@]}") packages)"
work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
sources=/etc/apt/sources.list.d/debian.sources
[[ -f $sources ]] || sources=/etc/apt/sources.list
[[ -f $sources ]] || skip "no apt sources on this machine"
# The initramfs is made once, at the end, with the few modules a virtio
# guest needs: making it with MODULES=most at every kernel and trigger step
# costs minutes under load.
mkdir -p "$work/initramfs-conf"
echo 'MODULES=list' >"$work/initramfs-conf/systest.conf"
printf '%s\n' virtio_pci virtio_blk virtio_net ext4 crc32c_generic >"$work/initramfs-modules"
mmdebstrap --variant=minbase --include="$(IFS=,; echo "${all[*]}")" \
  --essential-hook="chroot \"\$1\" dpkg-divert --quiet --local --rename --add /usr/sbin/update-initramfs && ln -s /bin/true \"\$1/usr/sbin/update-initramfs\"" \
  --customize-hook="rm \"\$1/usr/sbin/update-initramfs\" && chroot \"\$1\" dpkg-divert --quiet --local --rename --remove /usr/sbin/update-initramfs" \
  --customize-hook="cp $work/initramfs-conf/systest.conf \"\$1/etc/initramfs-tools/conf.d/\" && cat $work/initramfs-modules >>\"\$1/etc/initramfs-tools/modules\" && chroot \"\$1\" update-initramfs -c -k all" \
  --customize-hook="$here/guest/customize.sh \"\$1\"" \
  bookworm "$work/root" - <"$sources" >"$work/mmdebstrap.log" 2>&1 || {
  tail -30 "$work/mmdebstrap.log" >&2
  say "mmdebstrap failed"
  exit 1
}

# --- 4. The disk: one MBR partition from 1 MiB (room for GRUB's core image),
# ext4 labelled pcroot, filled from the root file system; then GRUB's boot
# code (the first 440 bytes of boot.img: the partition table stays) and
# core.img from sector 1, where boot.img and core.img's own block list look
# for it by default.
size=4G
truncate -s "$size" "$work/disk.img"
echo 'start=2048, type=83, bootable' | sfdisk -q "$work/disk.img"
bytes=$(($(numfmt --from=iec "$size") - 1048576))
mkfs.ext4 -q -F -L pcroot -E offset=1048576 -d "$work/root" "$work/disk.img" "$((bytes / 1024))k"
dd if="$work/root/usr/lib/grub/i386-pc/boot.img" of="$work/disk.img" bs=440 count=1 \
  conv=notrunc status=none
core=$work/root/boot/grub/i386-pc/core.img
(($(stat -c %s "$core") <= 2047 * 512)) || { say "core.img does not fit before the partition"; exit 1; }
dd if="$core" of="$work/disk.img" bs=512 seek=1 conv=notrunc status=none
rm -f "$cache"/base-*.img
mv "$work/disk.img" "$image"
say "ready: $image ($(du -h "$image" | cut -f1) used)"
echo "$image"
