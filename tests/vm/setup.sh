#!/usr/bin/env bash
# Sets up the VM test tier (idempotent, as root): Debian's QEMU and a static
# busybox, the current Debian kernel image extracted (never installed), and a
# busybox initramfs holding the modules and the static guest helpers.
#
# Everything it builds goes to tests/vm/.cache/KERNEL_VERSION/ (ignored by git);
# tests/vm/.cache/current names the version in use. A second run only checks:
# the kernel is re-extracted when linux-image-amd64 points to a new version, the
# initramfs is rebuilt when its inputs (guest/, init.sh, this script) change.
#
# The cache holds vmlinuz, vmlinux (when it can be extracted), the modules
# and initramfs.cpio; about 65 MB. Folders of older kernels are removed.
#
# Exit status: 0 ready, 77 cannot run here (reason on stderr), 1 failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=$here/.cache
# The modules the guest loads, with their dependencies (modprobe --show-depends).
modules="xhci-pci ehci-pci usb-storage uas sd_mod ext4 crc32c_generic vfat \
nls_cp437 nls_utf8 nls_iso8859-1 nls_ascii mac80211_hwsim loop dummy"
packages="qemu-system-x86 busybox-static kmod cpio"

say() { printf 'vm setup: %s\n' "$*" >&2; }
skip() { say "SKIP: $*"; exit 77; }

[[ $(id -u) == 0 ]] || skip "needs root (apt-get, depmod)"

# --- 1. Debian packages
missing=()
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
    missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update >/dev/null 2>&1 || true
    apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null ||
      skip "could not install ${missing[*]} from Debian's packages"
  fi
fi
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is missing"

# --- 2. The kernel: the image package linux-image-amd64 depends on today.
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
  awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
if [[ -z $kpkg ]]; then
  apt-get update >/dev/null 2>&1 || true
  kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
    awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
fi
[[ -n $kpkg ]] || skip "apt-cache knows no linux-image-amd64 (no Debian archive?)"
kv=${kpkg#linux-image-}
kv=${kv%-unsigned}
dir=$cache/$kv
mkdir -p "$dir"

if [[ ! -s $dir/vmlinuz || $(cat "$dir/modules/modules.dep" 2>/dev/null) != "$kpkg $modules" ]]; then
  say "fetching $kpkg (extracted, not installed)"
  work=$(mktemp -d "$cache/extract.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download "$kpkg" >/dev/null 2>&1) || {
    apt-get update >/dev/null 2>&1 || true
    (cd "$work" && apt-get download "$kpkg" >/dev/null)
  }
  dpkg-deb -x "$work"/*.deb "$work/root"
  moddir=$(find "$work/root" -maxdepth 4 -type d -path "*/lib/modules/$kv" | head -1)
  [[ -n $moddir ]] || { say "no lib/modules/$kv in $kpkg"; exit 1; }
  # depmod -b wants BASE/lib/modules/KV; the .deb ships no modules.dep.
  base=${moddir%/lib/modules/"$kv"}
  depmod -b "$base" "$kv"
  # Keep only the kernel and the modules needed, flat, in load order.
  rm -rf "$dir/modules" && mkdir -p "$dir/modules"
  : >"$dir/modules/load-order"
  for m in $modules; do
    modprobe -d "$base" -S "$kv" --show-depends "$m" |
      awk '$1 == "insmod" { print $2 }'
  done | awk '!seen[$0]++' | while read -r ko; do
    name=$(basename "$ko")
    case $name in
      *.ko.xz) xz -dc "$ko" >"$dir/modules/${name%.xz}"; name=${name%.xz} ;;
      *.ko.zst) zstd -qdc "$ko" >"$dir/modules/${name%.zst}"; name=${name%.zst} ;;
      *) cp "$ko" "$dir/modules/$name" ;;
    esac
    echo "$name" >>"$dir/modules/load-order"
  done
  echo "$kpkg $modules" >"$dir/modules/modules.dep"  # marks the subset complete
  cp "$(find "$work/root" -path "*/boot/vmlinuz-$kv" | head -1)" "$dir/vmlinuz.tmp"
  mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
  rm -rf "$work"
  trap - EXIT
fi

# --- 2b. The uncompressed kernel (ELF with a PVH entry note): qemu loads it
# directly, which skips the bzImage's self-decompression, several seconds
# under TCG. Without a PVH note (or if extraction fails) vm.py boots vmlinuz.
if [[ ! -s $dir/vmlinux && ! -e $dir/vmlinux.none ]]; then
  rm -f "$dir/vmlinux.tmp"
  for fmt in 'xz:\xfd7zXZ\x00' 'gzip:\x1f\x8b\x08' 'zstd:\x28\xb5\x2f\xfd'; do
    off=$(LC_ALL=C grep -obUaP "${fmt#*:}" "$dir/vmlinuz" | head -1 | cut -d: -f1)
    [[ -n $off ]] || continue
    # The payload is followed by other data: the decompressor complains.
    tail -c +$((off + 1)) "$dir/vmlinuz" | "${fmt%%:*}" -dc >"$dir/vmlinux.tmp" 2>/dev/null || true
    # Note 0x12 is XEN_ELFNOTE_PHYS32_ENTRY, the PVH entry point.
    notes=$(readelf -n "$dir/vmlinux.tmp" 2>/dev/null || true)
    if [[ $notes == *"Unknown note type: (0x00000012)"* ]]; then
      mv "$dir/vmlinux.tmp" "$dir/vmlinux"
      break
    fi
  done
  rm -f "$dir/vmlinux.tmp"
  [[ -s $dir/vmlinux ]] || touch "$dir/vmlinux.none"
fi

# --- 3. The base initramfs: busybox, /init, the modules, the static helpers.
inputs_hash=$(cat "$here"/guest/*.c "$here"/guest/*.sh "$0" "$dir/modules/load-order" \
  /bin/busybox | sha256sum | cut -c1-16)
if [[ ! -s $dir/initramfs.cpio || $(cat "$dir/initramfs.hash" 2>/dev/null) != "$inputs_hash" ]]; then
  say "building the initramfs for $kv"
  work=$(mktemp -d "$cache/initramfs.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  root=$work/root
  mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,mnt,run,etc,lib/modules,usr/bin,usr/sbin}
  cp /bin/busybox "$root/bin/busybox"
  cp "$dir"/modules/*.ko "$dir/modules/load-order" "$root/lib/modules/"
  # Without their appended signatures the modules load about 2-3 s faster
  # under TCG (no RSA/SHA-256 check); the kernel only notes an "E" taint.
  strip --strip-debug "$root"/lib/modules/*.ko
  install -m 0755 "$here/guest/init.sh" "$root/init"
  install -m 0644 "$here/guest/vmlib.sh" "$root/lib/vmlib.sh"
  for src in "$here"/guest/*.c; do
    gcc -static -Os -s -Wall -Wextra -Werror -std=c11 -D_GNU_SOURCE \
      -o "$root/bin/$(basename "$src" .c)" "$src"
  done
  # The console init's stdio opens before devtmpfs is mounted.
  mknod -m 600 "$root/dev/console" c 5 1
  # Uncompressed: the guest unpacks it about 1.5 s faster under TCG. Appended
  # cpios (gzip'd or not) follow it.
  (cd "$root" && find . -print0 | cpio --null -o -H newc --owner 0:0 --quiet) \
    >"$work/initramfs.cpio"
  mv "$work/initramfs.cpio" "$dir/initramfs.cpio"
  echo "$inputs_hash" >"$dir/initramfs.hash"
  rm -rf "$work"
  trap - EXIT
fi
ln -sfn "$kv" "$cache/current"
# An older kernel's folder is no longer needed once linux-image-amd64 moved on.
for old in "$cache"/*/; do
  old=${old%/}
  [[ -L $old || ! -f $old/vmlinuz || ${old##*/} == "$kv" ]] || rm -rf "$old"
done
say "ready: $kv ($(du -sh "$dir" | cut -f1) in ${dir#"$here"/})"
