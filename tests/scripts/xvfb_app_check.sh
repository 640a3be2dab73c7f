#!/usr/bin/env bash
# The real application in a real window on a virtual X display (Xvfb), driven through the keyboard as a
# user would: a fresh profile, the welcome dialog's "Use the built-in demo model" (Return), "Add to queue"
# (Ctrl+Return) on the prefilled example prompt, the job runs, the app quits (Ctrl+Q) and the finished video
# and the saved queue are checked. A screenshot of the window with its result is kept.
#   tests/scripts/xvfb_app_check.sh BUILD_DIR SCREENSHOT.png
set -euo pipefail
build="$(realpath "$1")"
shot="$2"
mkdir -p "$(dirname "$shot")"
for tool in xvfb-run xdotool ffmpeg ffprobe; do
    command -v "$tool" > /dev/null || { echo "FAIL: $tool is missing (bash installer/bootstrap.sh installs it)"; exit 1; }
done
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
mkdir -p "$profile/home" "$profile/config" "$profile/data" "$profile/runtime"
chmod 700 "$profile/runtime"
export HOME="$profile/home" XDG_CONFIG_HOME="$profile/config" XDG_DATA_HOME="$profile/data" \
    XDG_RUNTIME_DIR="$profile/runtime" LANG=en_US.UTF-8 LANGUAGE=en QT_QPA_PLATFORM=xcb
unset WAN_STUDIO_MODEL_DIR DBUS_SESSION_BUS_ADDRESS

xvfb-run -a -s "-screen 0 1400x900x24" bash -c '
set -euo pipefail
build="$1"; shot="$2"; log="$3"
"$build/app/wan-studio/wan-studio" > "$log" 2>&1 & app=$!
fail() { echo "FAIL: $*"; kill "$app" 2> /dev/null || true; tail -n 30 "$log"; exit 1; }
# Waits up to $1 s for a window named $2; prints its id.
window() {
    local id=""
    for _ in $(seq 1 $(( $1 * 5 ))); do
        id="$(xdotool search --onlyvisible --name "$2" 2> /dev/null | tail -n 1 || true)"
        [ -n "$id" ] && { echo "$id"; return 0; }
        kill -0 "$app" 2> /dev/null || return 1
        sleep 0.2
    done
    return 1
}
welcome="$(window 60 "^Welcome to Wan Studio$")" || fail "no welcome dialog on a fresh profile"
sleep 0.5
xdotool windowfocus --sync "$welcome" key Return
main="$(window 20 "^Wan Studio$")" || fail "no main window"
for _ in $(seq 1 50); do
    xdotool search --onlyvisible --name "^Welcome to Wan Studio$" > /dev/null 2>&1 || break
    sleep 0.2
done
xdotool search --onlyvisible --name "^Welcome to Wan Studio$" > /dev/null 2>&1 && fail "the welcome dialog did not close on Return"
sleep 0.5
xdotool windowfocus --sync "$main" key ctrl+Return
videos="$HOME/Videos"
video=""
for _ in $(seq 1 300); do
    video="$(find "$videos" -name "*.mp4" ! -name "*.partial*" 2> /dev/null | head -n 1)"
    [ -n "$video" ] && break
    kill -0 "$app" 2> /dev/null || fail "the app ended while the job ran"
    sleep 0.2
done
[ -n "$video" ] || fail "no video under $videos 60 s after Ctrl+Return"
sleep 2
ffmpeg -loglevel error -y -f x11grab -video_size 1400x900 -i "$DISPLAY" -frames:v 1 "$shot"
xdotool windowfocus --sync "$main" key ctrl+q
for _ in $(seq 1 100); do kill -0 "$app" 2> /dev/null || break; sleep 0.1; done
kill -0 "$app" 2> /dev/null && fail "the app did not quit on Ctrl+Q"
wait "$app" || fail "the app exited with status $?"
echo "$video"
' xvfb_app "$build" "$shot" "$profile/app.log" > "$profile/result" || { cat "$profile/result"; exit 1; }

video="$(tail -n 1 "$profile/result")"
echo "video: ${video#"$profile/"}"
probe="$(ffprobe -v error -select_streams v:0 -count_frames \
    -show_entries stream=codec_name,width,height,nb_read_frames,r_frame_rate -of csv=p=0 "$video")"
echo "stream: $probe"
[ "$probe" = "h264,64,64,16/1,9" ] || { echo "FAIL: expected h264,64,64,16/1,9 (the demo model's clip)"; exit 1; }
queue="$(find "$XDG_DATA_HOME" -name queue.json | head -n 1)"
[ -n "$queue" ] || { echo "FAIL: no queue.json saved"; exit 1; }
python3 - "$queue" "$video" << 'EOF'
import json, os, sys
jobs = json.load(open(sys.argv[1]))
jobs = jobs.get("jobs", jobs) if isinstance(jobs, dict) else jobs
done = [j for j in jobs if j.get("state") == "done"]
assert len(done) == 1, f"expected one finished job in queue.json, found states {[j.get('state') for j in jobs]}"
out = done[0].get("output") or done[0].get("output_path") or ""
assert os.path.samefile(out, sys.argv[2]), f"queue.json names {out}, not the video on disk"
print("queue.json: one finished job naming the video")
EOF
[ -s "$shot" ] || { echo "FAIL: no screenshot"; exit 1; }
echo "PASS (screenshot $shot)"
