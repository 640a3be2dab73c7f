#!/usr/bin/env bash
# Screenshot of the real application on a virtual display (Xvfb), in a given language, with a fresh profile.
#   tests/scripts/capture_screenshots.sh BUILD_DIR OUT.png [LANG] [MODEL_DIR]
# e.g. tests/scripts/capture_screenshots.sh build/ui /tmp/wan-studio-zh.png zh_CN.UTF-8 ../shared/fixtures/wan-tiny-t2v
set -euo pipefail
build="$1"
out="$2"
lang="${3:-en_US.UTF-8}"
model="${4:-}"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
mkdir -p "$profile/config/Wan Studio"
if [ -n "$model" ]; then
    printf '[model]\ndir=%s\n' "$(realpath "$model")" > "$profile/config/Wan Studio/Wan Studio.conf"
fi
export XDG_CONFIG_HOME="$profile/config" XDG_DATA_HOME="$profile/data" LANG="$lang" LANGUAGE="${lang%%.*}"
xvfb-run -a -s "-screen 0 1400x900x24" bash -c '
    "$0/app/wan-studio/wan-studio" & app=$!
    sleep 6
    ffmpeg -loglevel error -y -f x11grab -video_size 1400x900 -i "$DISPLAY" -frames:v 1 "$1"
    kill $app; wait $app || true
' "$(realpath "$build")" "$out"
echo "saved $out"
