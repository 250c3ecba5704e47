#!/usr/bin/env bash
# Builds piiguard's Debian packages (docs/install.md) with Debian's own
# tooling and leaves them in dist/:
#   piiguard_VERSION_ARCH.deb         the PC agent
#   piiguard-admin_VERSION_ARCH.deb   the IT desk's tool
#   piiguard-office_VERSION_ARCH.deb  the privacy office server
# Installs its build dependencies from Debian first (as root; debian/control
# lists them). The source is copied to build-deb/src (tracked and untracked
# files, not ignored ones), so the working tree and its parent folder stay
# clean; dpkg-buildpackage -us -uc -b runs there.
#
# DEB_BUILD_OPTIONS is honoured (parallel=N defaults to the number of CPUs;
# noddebs unless you ask for debug symbol packages with DEB_BUILD_OPTIONS
# set to something without it). CMAKE_CXX_COMPILER_LAUNCHER=ccache is
# passed through with ccache's usual cache.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/build-deb
dist=$root/dist

say() { printf 'build-deb: %s\n' "$*"; }
die() { printf 'build-deb: %s\n' "$*" >&2; exit 1; }

# dpkg-checkbuilddeps (dpkg-dev) reads debian/control; apt-get build-dep on
# a source folder installs what it lists.
apt_install() {
  [[ $(id -u) -eq 0 ]] || die "missing: $*; run as root to install them"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  fi
}
if ! command -v dpkg-buildpackage >/dev/null || ! command -v dpkg-checkbuilddeps >/dev/null; then
  apt_install dpkg-dev
fi
if ! missing=$(dpkg-checkbuilddeps 2>&1); then
  say "installing build dependencies (${missing#*: })"
  [[ $(id -u) -eq 0 ]] || die "$missing; run as root to install them"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get build-dep -y -qq --no-install-recommends "$root" >/dev/null 2>&1; then
    apt-get update -qq
    apt-get build-dep -y -qq --no-install-recommends "$root" >/dev/null
  fi
  dpkg-checkbuilddeps
fi

# The source to build: what git tracks plus new files, never build output.
rm -rf "$work"
mkdir -p "$work/src"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$root" && git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' file; do
      [[ -e $file || -L $file ]] && printf '%s\0' "$file"  # not deleted
    done | xargs -0 cp --parents -a -t "$work/src" --)
else
  tar -C "$root" --exclude=./build\* --exclude=./dist --exclude=./demo -cf - . |
    tar -C "$work/src" -xf -
fi

options=${DEB_BUILD_OPTIONS-noddebs}
[[ $options == *parallel=* ]] || options="$options parallel=$(nproc)"
export DEB_BUILD_OPTIONS=${options# }
if [[ ${CMAKE_CXX_COMPILER_LAUNCHER:-} == *ccache* ]] && command -v ccache >/dev/null; then
  # debhelper gives the build its own HOME: keep ccache's real cache.
  CCACHE_DIR=${CCACHE_DIR:-$(ccache -k cache_dir)}
  export CCACHE_DIR
fi

say "dpkg-buildpackage -us -uc -b (DEB_BUILD_OPTIONS=$DEB_BUILD_OPTIONS)"
start=$SECONDS
(cd "$work/src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 || {
  tail -40 "$work/build.log" >&2
  die "dpkg-buildpackage failed (the whole log: $work/build.log)"
}

mkdir -p "$dist"
rm -f "$dist"/*.deb "$dist"/*.ddeb
shopt -s nullglob
built=("$work"/*.deb "$work"/*.ddeb)
((${#built[@]} > 0)) || die "no .deb files in $work"
cp -a "${built[@]}" "$dist"/
say "built in $((SECONDS - start)) s:"
for deb in "$dist"/*.deb "$dist"/*.ddeb; do
  printf '  %s\n' "${deb#"$root"/}"
done
