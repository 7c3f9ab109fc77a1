#!/usr/bin/env bash
# Scenario D1 (issue 18): BOARDS boards x MEMBERS members drawing on /draw at RATE samples/s each, on
# one Payara Micro 7 (127.0.0.1 only, a free port unless --port), measuring sample-to-peer latency
# (target p99 <= 30 ms). Prints the bench table and JSON line, then stops the server.
#
#   mvn -B -o package -DskipTests && src/bench/draw.sh                  # D1 as stated: 50 x 10 at 60/s, 20 s
#   src/bench/draw.sh --boards 5 --duration 10s                         # a smoke run
#
# What the members do: each draws without pause, strokes of --stroke-length samples (60: one second
# at 60/s; BEGIN, one POINTS message per sample as draw.html sends one per display frame, END), and
# answers the server's snapshot requests with a blank board (so the log is compacted every ~150
# strokes and duplex.draw.max-strokes is never reached however long the run). Per member: 60
# samples/s against duplex.draw.samples-per-second 240; per board: 10 members against max-members
# 32; 50 boards against max-boards 1000; a board holds at most ~250 strokes (~200 KB) against
# max-board-bytes 16 MiB.
#
# Server options used: duplex.limits.max-sessions-per-address=0 (every member comes from
# 127.0.0.1; the default 1000 already admits D1's 500, so this only matters for larger runs).
# Everything else as shipped. DUPLEX_JVM_ARGS (e.g. "-Xmx1g") goes to the server's JVM.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BOARDS=50
MEMBERS=10
RATE=60
STROKE=60
DURATION=20s
WARMUP=5s
PORT=""
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
while [ $# -gt 0 ]; do
  case "$1" in
    --boards) BOARDS=$2; shift 2 ;;
    --members) MEMBERS=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --stroke-length) STROKE=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for f in target/payara-micro.jar target/duplex.war target/duplex-bench.jar; do
  [ -f "$ROOT/$f" ] || { echo "$f is missing: mvn -B -o package -DskipTests" >&2; exit 2; }
done
if [ -z "$PORT" ]; then
  PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
OUT=$(mktemp -d)
mkdir -p "$OUT/tmp"
# shellcheck disable=SC2086
# one start-up thread: Payara 7 deadlocked in HK2 about once in thirty starts (docs/SERVERS.md); its
# unpacked runtime (163 MiB) in the temporary folder removed on exit, not in /tmp (docs/STACK-NOTES.md)
"$JAVA" ${DUPLEX_JVM_ARGS:-} -Dorg.glassfish.startupThreadPolicy=USE_NO_THREADS -Djava.io.tmpdir="$OUT/tmp" \
  -Dduplex.limits.max-sessions-per-address=0 \
  -jar "$ROOT/target/payara-micro.jar" --deploy "$ROOT/target/duplex.war" --contextroot / --port "$PORT" \
  --nohazelcast --disablephonehome --rootdir "$OUT/root" --prebootcommandfile "$ROOT/src/test/resources/preboot.txt" \
  >"$OUT/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$OUT"' EXIT
for _ in $(seq 1 180); do
  curl -fs --max-time 3 "http://127.0.0.1:$PORT/api/status" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "the server stopped; its log:" >&2; tail -50 "$OUT/server.log" >&2; exit 1; }
  sleep 1
done
echo "== D1: $BOARDS boards x $MEMBERS members at $RATE samples/s (server pid $server, port $PORT)"
status=0
"$JAVA" -jar "$ROOT/target/duplex-bench.jar" draw --url "ws://127.0.0.1:$PORT/draw" --boards "$BOARDS" \
  --members "$MEMBERS" --rate "$RATE" --stroke-length "$STROKE" --duration "$DURATION" --warmup "$WARMUP" \
  --server-pid "$server" --label case=D1 || status=$?
grep -c SEVERE "$OUT/server.log" | sed 's/^/server log SEVERE records: /' || true
exit $status
