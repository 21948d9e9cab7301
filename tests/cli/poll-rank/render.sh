#!/bin/sh
# render.sh SVG PNG WIDTH HEIGHT: headless Chromium draws SVG into PNG at
# that window size (TESTING.md's flags; the dbus line on stderr is not
# ours, so stderr goes to a log that is shown only on failure).
set -u
log=$(mktemp)
prof=$(mktemp -d)
timeout 120 chromium --headless --no-sandbox --disable-gpu \
	--disable-background-networking --disable-component-update \
	--disable-sync --no-first-run --user-data-dir="$prof" \
	--screenshot="$2" --window-size="$3,$4" "file://$1" >"$log" 2>&1
st=$?
[ $st = 0 ] && [ -s "$2" ] || { echo "chromium failed ($st):"; cat "$log"; }
rm -rf "$log" "$prof"
