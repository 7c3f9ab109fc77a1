#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through chromedriver. Install both when missing
# (as root, from Debian's packages); otherwise say what is needed. Nothing is downloaded at test time.
set -euo pipefail
chrome=${DUPLEX_CHROME:-/usr/bin/chromium}
driver=${DUPLEX_CHROMEDRIVER:-/usr/bin/chromedriver}
if [ -x "$chrome" ] && [ -x "$driver" ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium and chromium-driver for the browser tests"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver \
    || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver; }
  exit 0
fi
echo "The browser tests need Chromium and chromedriver: install them (Debian: apt-get install chromium chromium-driver)" >&2
echo "or point DUPLEX_CHROME and DUPLEX_CHROMEDRIVER at them." >&2
exit 1
