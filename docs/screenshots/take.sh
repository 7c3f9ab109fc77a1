#!/bin/sh
# Screenshots of every page at a phone size (390x844) and a laptop size (1280x800), taken in
# headless Chromium from a running Duplex, with the same layout check as PagesBrowserIT (the
# problems it finds are printed; the exit status is 1 when there are any).
#   mvn -Prun &                                  # a server on http://localhost:8080/
#   docs/screenshots/take.sh [base-url] [out-dir]
# defaults: http://localhost:8080/ and docs/screenshots/after. Needs Chromium and chromedriver
# (see the README's Tests section). The BEFORE shots of issue 11 were taken with the same sizes.
set -eu
cd "$(dirname "$0")/../.."
BASE=${1:-http://localhost:8080/}
OUT=${2:-docs/screenshots/after}
mvn -B -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" dev.duplex.testing.PageLayout "$BASE" "$OUT"
