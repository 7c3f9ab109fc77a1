#!/usr/bin/env bash
# Scenario G1 (issue 18): ROOMS rooms x 8 bot players on /game at 30 Hz, on Payara Micro 7
# (127.0.0.1 only), once with delta-compressed snapshots and once with full ones (fresh servers
# each). With --instances 2 it is the cross-instance G1: two instances clustered over Hazelcast
# on loopback (explicit TCP/IP members), every room's players split between them, so that half of
# each room's players are relayed to the instance that runs the room. Prints the bench table and
# JSON line of each run.
#
#   mvn -B -o package -DskipTests && src/bench/game.sh                   # 100 rooms, as G1 states it
#   src/bench/game.sh --rooms 25 --duration 20s                          # a smaller box
#   src/bench/game.sh --instances 2 --deltas true                        # cross-instance G1
#
# Server options used: duplex.limits.max-sessions-per-address=0 (all players come from 127.0.0.1);
# duplex.game.delta=true|false. Everything else as shipped.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROOMS=100
DURATION=20s
WARMUP=5s
PORT=8590
CLUSTER_PORT=7980
INSTANCES=1
DELTAS="true false"
OUT=""
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
while [ $# -gt 0 ]; do
  case "$1" in
    --rooms) ROOMS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --cluster-port) CLUSTER_PORT=$2; shift 2 ;;
    --instances) INSTANCES=$2; shift 2 ;;
    --deltas) DELTAS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case "$INSTANCES" in 1|2) ;; *) echo "--instances is 1 or 2" >&2; exit 2 ;; esac
OUT=${OUT:-$ROOT/target/bench-results/game-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
# shellcheck source=src/bench/lib.sh
. "$ROOT/src/bench/lib.sh"
require_build
raise_nofile
trap stop_servers EXIT
trap 'exit 130' INT TERM

for delta in $DELTAS; do
  cluster=""
  if [ "$INSTANCES" = 2 ]; then cluster="duplex-bench-g1-$$"; fi
  start_member g1a "$PORT" "$cluster" -Dduplex.game.delta="$delta"
  urls="ws://127.0.0.1:$PORT/game"
  pids=$PID_g1a
  if [ "$INSTANCES" = 2 ]; then
    start_member g1b $((PORT + 1)) "$cluster" -Dduplex.game.delta="$delta"
    urls="$urls,ws://127.0.0.1:$((PORT + 1))/game"
    pids="$pids,$PID_g1b"
    # both members must see each other before the rooms are made, else each runs its own
    for _ in $(seq 1 120); do
      curl -fs "http://127.0.0.1:$PORT/api/status" | grep -q '"instances":2' && break
      sleep 1
    done
  fi
  echo "== delta snapshots: $delta, $INSTANCES instance(s) (server pids $pids)"
  "$JAVA" -jar "$BENCH_JAR" game --url "$urls" --rooms "$ROOMS" --duration "$DURATION" --warmup "$WARMUP" \
    --server-pid "$pids" --label "delta=$delta,instances=$INSTANCES" | tee -a "$OUT/results.txt" || true
  stop_servers
done
