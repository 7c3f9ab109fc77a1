#!/usr/bin/env bash
# Scenario G1 (issue 18): ROOMS rooms x 8 bot players on /game at 30 Hz, on one Payara Micro 7
# (127.0.0.1 only), once with delta-compressed snapshots and once with full ones (a fresh server
# each). Prints the bench table and JSON line of each run.
#
#   mvn -B -o package -DskipTests && src/bench/game.sh                   # 100 rooms, as G1 states it
#   src/bench/game.sh --rooms 25 --duration 20s                          # a smaller box
#
# Server options used: duplex.limits.max-sessions-per-address=0 (all players come from 127.0.0.1);
# duplex.game.delta=true|false. Everything else as shipped.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROOMS=100
DURATION=20s
WARMUP=5s
PORT=8590
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
while [ $# -gt 0 ]; do
  case "$1" in
    --rooms) ROOMS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
OUT=$(mktemp -d)
# Payara Micro's unpacked runtime (payaramicro-rt*tmp, 163 MiB) goes under target/, not /tmp, and is
# removed after each run (a killed instance leaves it; docs/STACK-NOTES.md, "Payara Micro's runtime folder")
TMP_ROOT="$ROOT/target/payara-tmp-bench/game"
for delta in true false; do
  rm -rf "$TMP_ROOT" && mkdir -p "$TMP_ROOT"
  "$JAVA" -Djava.io.tmpdir="$TMP_ROOT" -Dduplex.limits.max-sessions-per-address=0 -Dduplex.game.delta=$delta \
    -jar "$ROOT/target/payara-micro.jar" --deploy "$ROOT/target/duplex.war" --contextroot / --port "$PORT" \
    --nohazelcast --disablephonehome --prebootcommandfile "$ROOT/src/test/resources/preboot.txt" \
    >"$OUT/server-$delta.log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  for _ in $(seq 1 180); do
    curl -fs "http://127.0.0.1:$PORT/api/status" >/dev/null 2>&1 && break
    sleep 1
  done
  echo "== delta snapshots: $delta (server pid $server)"
  "$JAVA" -jar "$ROOT/target/duplex-bench.jar" game --url "ws://127.0.0.1:$PORT/game" --rooms "$ROOMS" \
    --duration "$DURATION" --warmup "$WARMUP" --server-pid "$server" --label delta=$delta || true
  kill "$server"; wait "$server" 2>/dev/null || true
done
rm -rf "$OUT" "$TMP_ROOT"
