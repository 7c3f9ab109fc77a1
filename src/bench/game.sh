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

# start_instance NAME PORT DELTA: one Payara Micro 7 on loopback; clustered when INSTANCES is 2.
start_instance() {
  local name=$1 port=$2 delta=$3 pid
  local cluster=(--nohazelcast)
  if [ "$INSTANCES" = 2 ]; then
    cluster=(--clustermode "tcpip:127.0.0.1:$CLUSTER_PORT" --startport "$CLUSTER_PORT"
      --clustername "duplex-bench-g1-$$" --interfaces 127.0.0.1)
  fi
  mkdir -p "$OUT/root-$name"
  # one start-up thread: Payara 7 deadlocked in HK2 about once in thirty starts (docs/SERVERS.md);
  # its unpacked runtime under target/, removed by stop_servers (docs/STACK-NOTES.md)
  "$JAVA" "$(payara_tmpdir "$name")" -Dorg.glassfish.startupThreadPolicy=USE_NO_THREADS \
    -Dhazelcast.socket.bind.any=false -Dduplex.limits.max-sessions-per-address=0 -Dduplex.game.delta="$delta" \
    -jar "$PAYARA_JAR" --deploy "$DUPLEX_WAR" --contextroot / --port "$port" --name "$name" \
    --rootdir "$OUT/root-$name" "${cluster[@]}" --disablephonehome \
    --prebootcommandfile "$ROOT/src/test/resources/preboot.txt" >"$OUT/server-$name.log" 2>&1 &
  pid=$!
  STARTED_PIDS+=("$pid")
  printf -v "PID_$name" '%s' "$pid"
  if ! wait_for_http "http://127.0.0.1:$port/api/status" 300 || ! kill -0 "$pid" 2>/dev/null; then
    log "$name did not start; see $OUT/server-$name.log"
    tail -20 "$OUT/server-$name.log" >&2 || true
    return 1
  fi
  log "$name ready on 127.0.0.1:$port (pid $pid)"
}

for delta in $DELTAS; do
  start_instance g1a "$PORT" "$delta"
  urls="ws://127.0.0.1:$PORT/game"
  pids=$PID_g1a
  if [ "$INSTANCES" = 2 ]; then
    start_instance g1b $((PORT + 1)) "$delta"
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
  rm -rf "$OUT"/root-*   # the instances' domain folders: 163 MiB each, nothing in them the results need
done
