#!/bin/sh
# Screenshots of every page at a phone size (390x844) and a laptop size (1280x800), taken by
# headless Chromium from a running Duplex (start one with: mvn -Prun -Dduplex.port=8080).
#   docs/screenshots/take.sh [base-url] [out-dir]
# defaults: http://localhost:8080/ and docs/screenshots/after
set -eu
BASE=${1:-http://localhost:8080/}
OUT=${2:-$(dirname "$0")/after}
CHROME=${DUPLEX_CHROME:-/usr/bin/chromium}
mkdir -p "$OUT"
PROFILE=$(mktemp -d)
trap 'rm -rf "$PROFILE"' EXIT
for page in index workbench image chat status; do
  for size in 390,844 1280,800; do
    "$CHROME" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
      --user-data-dir="$PROFILE" --window-size="$size" --virtual-time-budget=4000 \
      --screenshot="$OUT/$page-$(echo "$size" | tr , x).png" "$BASE$page.html" >/dev/null 2>&1
  done
done
ls -l "$OUT"
