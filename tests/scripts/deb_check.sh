#!/usr/bin/env bash
# Builds the DEB package, installs it with apt into a fresh Debian 12 root made by debootstrap, and runs the
# installed programs there: `wan-generate --version --json`, `wan-generate --inspect` on a fixture folder, the
# built-in demo model's inspection and a video made with it, `wan-studio --version`, the desktop, AppStream and
# icon files, and no unresolved library.
# Needs root (debootstrap, chroot) and Debian's package mirror; takes about 20-40 minutes, most of it packing
# and unpacking LibTorch (about 5 minutes when ccache already holds the objects). Not part of the CI test command
# (it needs root, debootstrap and several GB): run by hand, results in the issue.
#   sudo bash tests/scripts/deb_check.sh [BUILD_DIR]     (default build-deb: the programs only)
# Environment: WAN_DEB_ROOT (default /var/tmp/wan-deb-root), WAN_DEB_MIRROR (default http://deb.debian.org/debian),
# WAN_DEB_KEEP_ROOT=1 keeps the root afterwards.
set -euo pipefail

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$src/build-deb}"
root="${WAN_DEB_ROOT:-/var/tmp/wan-deb-root}"
mirror="${WAN_DEB_MIRROR:-http://deb.debian.org/debian}"
fixture="${WAN_FIXTURE:-$src/../shared/fixtures/wan-tiny-t2v}"

step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }
fail() {
    echo "deb_check: $*" >&2
    exit 1
}

[ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap and chroot): run it with sudo"
[ -d "$fixture" ] || fail "fixture folder $fixture not found (set WAN_FIXTURE to an official-layout folder)"
for tool in debootstrap chroot; do
    command -v "$tool" > /dev/null || {
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap > /dev/null
        break
    }
done

step "Building the package"
# The programs only (no tests or benchmarks), against the LibTorch the README's commands install.
if [ ! -f "${WAN_TORCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/wan-studio/torch-$(sed -n 's/^torch==//p' \
    "$src/installer/torch-requirements.txt")}/.wan-requirements" ]; then
    fail "LibTorch is not installed yet: run 'bash installer/bootstrap.sh test' (or run) first"
fi
export CCACHE_BASEDIR="$src" CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DWAN_BUILD_TESTS=OFF \
    -DWAN_BUILD_BENCHMARKS=OFF -DWAN_PACKAGE_RUNTIME=ON > /dev/null
cmake --build "$build"
rm -f "$build"/wan-studio_*.deb
(cd "$build" && cpack -G DEB)
deb="$(ls "$build"/wan-studio_*.deb | head -n 1)"
[ -f "$deb" ] || fail "cpack made no package in $build"
echo "package: $deb ($(du -m "$deb" | cut -f1) MiB)"
dpkg-deb --info "$deb" | sed -n '/Depends/p'
echo "installed size: $(dpkg-deb --field "$deb" Installed-Size) KiB"

step "Making a fresh Debian 12 root in $root"
cleanup() {
    for m in proc dev/pts dev sys; do umount -l "$root/$m" 2> /dev/null || true; done
    [ "${WAN_DEB_KEEP_ROOT:-0}" = 1 ] || rm -rf "$root"
}
trap cleanup EXIT
cleanup
debootstrap --variant=minbase bookworm "$root" "$mirror" > "$root.debootstrap.log" 2>&1 ||
    fail "debootstrap failed: see $root.debootstrap.log"
echo "deb $mirror bookworm main" > "$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount -t sysfs sys "$root/sys"

step "apt install ./$(basename "$deb")"
cp "$deb" "$root/tmp/"
chroot "$root" apt-get update -qq
DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -qq --no-install-recommends \
    "./tmp/$(basename "$deb")" > "$root.apt.log" 2>&1 || {
    tail -n 30 "$root.apt.log"
    fail "apt could not install the package"
}
rm -f "$root/tmp/$(basename "$deb")"
mkdir -p "$root/tmp/fixture"
cp -r "$fixture"/. "$root/tmp/fixture/"

step "Running the installed programs"
status=0
run() {
    echo "\$ $*"
    chroot "$root" env -i HOME=/root PATH=/usr/bin:/bin LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen "$@" || {
        echo "  -> exit $?" >&2
        status=1
    }
}
run wan-generate --version --json
run wan-generate --inspect --ckpt_dir /tmp/fixture
run wan-generate --inspect --json --ckpt_dir /usr/share/wan-studio/demo-model
run wan-generate --demo --prompt "a red circle moves to the right on a blue background" --save_file /tmp/demo.mp4
if [ -s "$root/tmp/demo.mp4" ]; then
    echo "demo video: $(stat -c %s "$root/tmp/demo.mp4") bytes"
else
    echo "the demo model made no video" >&2
    status=1
fi
run wan-studio --version
# The app itself starts from a terminal (offscreen: the root has no display) and keeps running until stopped.
echo "\$ wan-studio (offscreen, stopped after 15 s)"
set +e
chroot "$root" env -i HOME=/root PATH=/usr/bin:/bin LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
    timeout 15 wan-studio > "$root.studio.log" 2>&1
code=$?
set -e
if [ $code = 124 ] && grep -q "Wan Studio .* starting" "$root.studio.log"; then
    echo "wan-studio started and ran until stopped: $(grep -c . "$root.studio.log") log lines, no error"
else
    tail -n 20 "$root.studio.log" >&2
    echo "  -> wan-studio exited with $code" >&2
    status=1
fi
for f in /usr/share/applications/wan-studio.desktop /usr/share/metainfo/wan-studio.metainfo.xml \
    /usr/share/icons/hicolor/scalable/apps/wan-studio.svg; do
    [ -f "$root$f" ] && echo "present: $f" || {
        echo "missing: $f" >&2
        status=1
    }
done
if ldd_out="$(chroot "$root" ldd /usr/bin/wan-generate | grep 'not found')"; then
    echo "$ldd_out" >&2
    status=1
fi
echo "size of /usr/lib/wan-studio: $(du -sm "$root/usr/lib/wan-studio" | cut -f1) MiB"
[ $status = 0 ] && echo "deb_check: PASSED" || echo "deb_check: FAILED" >&2
exit $status
