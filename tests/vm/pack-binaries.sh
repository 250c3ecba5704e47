#!/usr/bin/env bash
# Packs host programs for the VM tier's guest into a gzip'd cpio that vm.py
# appends to the base initramfs (vm.py --cpio OUT.cpio.gz):
#
#   tests/vm/pack-binaries.sh OUT.cpio.gz FILE[:GUEST_PATH]...
#
# Each FILE goes to GUEST_PATH (default /usr/bin/NAME). For a dynamically
# linked program, the libraries `ldd` lists and its ELF interpreter go to the
# same paths as on the host, so the project's normal build output (even an
# ASan build) runs unchanged in the guest. Other files (policies, keys) are
# copied as they are. Debug sections of the FILEs are stripped from the copies
# unless PACK_KEEP_DEBUG=1.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 OUT.cpio.gz FILE[:GUEST_PATH]..." >&2
  exit 2
fi
out=$1
shift
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# put SRC DEST: copies SRC (following links) to DEST in the staging tree.
put() {
  mkdir -p "$stage$(dirname "$2")"
  cp -L --preserve=mode "$1" "$stage$2"
}

for spec in "$@"; do
  src=${spec%%:*}
  dest=/usr/bin/$(basename "$src")
  [[ $spec == *:* ]] && dest=${spec#*:}
  [[ -f $src ]] || { echo "pack-binaries: no file $src" >&2; exit 1; }
  put "$src" "$dest"
  # Debug sections only slow the guest's unpacking (PACK_KEEP_DEBUG=1 keeps them).
  if [[ -z ${PACK_KEEP_DEBUG:-} ]] && head -c4 "$src" | grep -q 'ELF'; then
    strip --strip-debug "$stage$dest" 2>/dev/null || true
  fi
  # ldd prints "name => /path (addr)" and "/lib64/ld-linux-x86-64.so.2 (addr)";
  # it fails on files that are not dynamic executables, which then need none.
  if libs=$(ldd "$src" 2>/dev/null); then
    while read -r lib; do
      [[ -f $lib ]] && put "$lib" "$lib"
    done < <(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$libs")
  fi
done

(cd "$stage" && find . -mindepth 1 -print0 | cpio --null -o -H newc --owner 0:0 --quiet) |
  gzip -6 >"$out.tmp"
mv "$out.tmp" "$out"
echo "pack-binaries: $out: $# files, $(find "$stage" -type f | wc -l) with libraries," \
  "$(du -h "$out" | cut -f1)"
