#!/usr/bin/env bash
# The accessibility browser test injects axe-core (from npm, pinned by src/test/axe/package-lock.json)
# into every page. Install it with npm ci when it is missing or older than the lock file.
set -euo pipefail
dir="$(cd "$(dirname "$0")/../axe" && pwd)"
axe="$dir/node_modules/axe-core/axe.min.js"
if [ -f "$axe" ] && [ "$axe" -nt "$dir/package-lock.json" ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "The accessibility browser test needs npm to fetch axe-core (Debian: apt-get install npm)" >&2
  exit 1
fi
echo "Installing axe-core for the accessibility browser test (npm ci in $dir)"
cd "$dir"
npm ci --no-audit --no-fund --loglevel=error
touch "$axe"
