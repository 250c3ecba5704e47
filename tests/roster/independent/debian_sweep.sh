#!/usr/bin/env bash
# The false-alarm sweep (issue 16): real Japanese text that is not a roster,
# from Debian packages installed for the purpose — manual pages, the Debian
# reference, FAQ and policy, maintainer guides, input-method dictionaries
# full of names (SKK-JISYO.jinmei, naist-jdic, ipadic, anthy, mozc), EDICT,
# translator credits — copied as shipped (gzip included) into a corpus
# roster_eval reads, every file labelled negative.
#
# Usage: debian_sweep.sh OUT_DIR [PACKAGE...]
#   Installs nothing: run `apt-get install` for the packages first (the
#   default list is below). Takes each regular file of the packages'
#   (dpkg -L) under /usr/share that holds Japanese text: at least 20
#   kana or kanji among its first 64 KiB (after gunzip), at most 64 MiB.
#   Writes OUT_DIR/files/PACKAGE/... and OUT_DIR/labels.tsv.
# Exit 0, 2 on usage errors.
set -euo pipefail

DEFAULT_PACKAGES=(manpages-ja debian-reference-ja debian-faq-ja debian-policy-ja
  developers-reference-ja maint-guide-ja aptitude-doc-ja edict scim-tables-ja
  ipadic anthy-common mozc-data naist-jdic skkdic skkdic-extra)

[[ $# -ge 1 ]] || { echo "usage: $0 OUT_DIR [PACKAGE...]" >&2; exit 2; }
out=$1
shift
packages=("$@")
[[ ${#packages[@]} -gt 0 ]] || packages=("${DEFAULT_PACKAGES[@]}")
mkdir -p "$out/files"
labels="$out/labels.tsv"
printf 'path\tlabel\tcategory\tformat\tencoding\tpeople\tnote\n' >"$labels"

# Japanese text: 20 or more kana or kanji in UTF-8, EUC-JP or Shift_JIS
# among the first 64 KiB (python3 decides; it is in every Debian).
is_japanese() {
  python3 - "$1" <<'EOF'
import gzip, sys
path = sys.argv[1]
try:
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        head = f.read(65536)
except OSError:
    sys.exit(1)
if b"\0" in head[:4096]:
    sys.exit(1)
if len(head) == 65536 and b"\n" in head:
    head = head[:head.rindex(b"\n")]  # no character cut at the end
for enc in ("utf-8", "euc_jp", "cp932"):
    try:
        text = head.decode(enc)
    except UnicodeDecodeError:
        continue
    jp = sum(1 for c in text if "\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff")
    sys.exit(0 if jp >= 20 else 1)
sys.exit(1)
EOF
}

total=0
for pkg in "${packages[@]}"; do
  if ! dpkg -s "$pkg" >/dev/null 2>&1; then
    echo "debian_sweep: $pkg: not installed, skipped" >&2
    continue
  fi
  version=$(dpkg-query -W -f='${Version}' "$pkg")
  n=0
  while IFS= read -r file; do
    [[ -f $file && ! -L $file && $file == /usr/share/* ]] || continue
    size=$(stat -c %s "$file")
    ((size > 0 && size <= 64 * 1024 * 1024)) || continue
    is_japanese "$file" || continue
    rel="files/$pkg${file#/usr/share}"
    mkdir -p "$out/$(dirname "$rel")"
    cp "$file" "$out/$rel"
    printf '%s\tnegative\tD-%s\treal\t\t0\t%s %s: %s\n' "$rel" "$pkg" "$pkg" "$version" "$file" >>"$labels"
    n=$((n + 1))
  done < <(dpkg -L "$pkg")
  echo "debian_sweep: $pkg $version: $n files"
  total=$((total + n))
done
echo "debian_sweep: $total files in $out"
