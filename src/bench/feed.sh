#!/usr/bin/env bash
# Scenario F2 (issue 12): live feed fan-out. Starts Duplex on Payara Micro (127.0.0.1 only) with the
# market simulator at the chosen size and rate, then runs `duplex-bench feed` once per subprotocol
# (a fresh server each), each run in two phases: everybody reads, then --stalled of the subscribers
# stop reading. With --cluster it also runs the cross-instance variant: two clustered instances,
# the market on the first, every subscriber on the second. Prints the table of results.
#
#   mvn -B -DskipTests package && src/bench/feed.sh                      # F2 as the issue states it
#   src/bench/feed.sh --subscribers 1000 --rate 5000                     # what one client box sustains
#   src/bench/feed.sh --quick --subprotocols feed.bin                    # a 1-minute smoke test
#   src/bench/feed.sh --cluster --subscribers 1000                       # adds the two-instance run
#
# Server options used (everything else as shipped): duplex.feed.market.symbols=S,
# duplex.feed.market.rate=R, duplex.feed.weather.enabled=false, and
# duplex.limits.max-sessions-per-address=0 (all subscribers come from 127.0.0.1).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SUBSCRIBERS=5000
ITEMS=20
SYMBOLS=200
RATE=5000
STALLED=10%
WARMUP=5
DURATION=15
SETTLE=5
SUBPROTOCOLS="feed.json feed.bin"
SINGLE=1
CLUSTER=0
BASE_PORT=8580
CLUSTER_PORT=7970
OUT=""

usage() { sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; cat <<'USAGE'

Options: --subscribers N (5000), --items K per subscriber (20), --symbols S (200), --rate R market
  updates/s in total (5000), --stalled SHARE (10%; 0 for one phase), --warmup S (5), --duration S (15,
  per phase), --settle S (5: after stalling, before phase B is measured), --subprotocols "feed.json feed.bin",
  --cluster (also the two-instance run), --cluster-only, --quick (2 s warm-up, 5 s phases),
  --base-port P (8580; the cluster uses P+1 and P+2), --cluster-port C (7970: Hazelcast's start port),
  --out DIR (default target/bench-results/feed-TIMESTAMP).
Environment: DUPLEX_JVM_ARGS (more JVM options for Payara Micro), DUPLEX_WAR (another WAR).
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --subscribers) SUBSCRIBERS=$2; shift ;;
    --items) ITEMS=$2; shift ;;
    --symbols) SYMBOLS=$2; shift ;;
    --rate) RATE=$2; shift ;;
    --stalled) STALLED=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --settle) SETTLE=$2; shift ;;
    --subprotocols) SUBPROTOCOLS=$2; shift ;;
    --cluster) CLUSTER=1 ;;
    --cluster-only) CLUSTER=1; SINGLE=0 ;;
    --quick) WARMUP=2; DURATION=5; SETTLE=3 ;;
    --base-port) BASE_PORT=$2; shift ;;
    --cluster-port) CLUSTER_PORT=$2; shift ;;
    --out) OUT=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

OUT=${OUT:-$ROOT/target/bench-results/feed-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
# shellcheck source=src/bench/lib.sh
. "$ROOT/src/bench/lib.sh"
require_build
raise_nofile
trap stop_servers EXIT
trap 'exit 130' INT TERM

FEED_OPTS="-Dduplex.feed.market.symbols=$SYMBOLS -Dduplex.feed.market.rate=$RATE -Dduplex.feed.weather.enabled=false"
RESULTS="$OUT/results.jsonl"
describe_machine | tee "$OUT/machine.txt" >&2

# run_feed LABEL PID URL [CHECK_URL] SUBPROTOCOL: one scenario run, its JSON line appended to RESULTS.
run_feed() {
  local label=$1 pid=$2 url=$3 check=$4 subprotocol=$5
  log "F2 $label $subprotocol: $SUBSCRIBERS x $ITEMS of $SYMBOLS at $RATE/s, $STALLED stalled"
  set +e
  java -jar "$BENCH_JAR" feed --url "$url" --check-url "$check" --subprotocol "$subprotocol" \
    --subscribers "$SUBSCRIBERS" --items "$ITEMS" --rate "$RATE" --stalled "$STALLED" \
    --warmup "${WARMUP}s" --duration "${DURATION}s" --stall-settle "${SETTLE}s" --server-pid "$pid" \
    --label "case=$label" >"$OUT/$label-$subprotocol.txt" 2>"$OUT/$label-$subprotocol.log"
  local rc=$?
  set -e
  cat "$OUT/$label-$subprotocol.txt"
  tail -n 1 "$OUT/$label-$subprotocol.txt" | grep '^{' >>"$RESULTS" || log "no result line (exit $rc); see $OUT/$label-$subprotocol.log"
  [ "$rc" = 0 ] || log "F2 $label $subprotocol exited $rc (1: something lost, mismatched or failed)"
}

if [ "$SINGLE" = 1 ]; then
  for subprotocol in $SUBPROTOCOLS; do
    DUPLEX_JVM_ARGS="$FEED_OPTS ${DUPLEX_JVM_ARGS:-}" start_server duplex "$BASE_PORT"
    # shellcheck disable=SC2154
    run_feed single "$PID_duplex" "ws://127.0.0.1:$BASE_PORT/feed" "ws://127.0.0.1:$BASE_PORT/feed" "$subprotocol"
    stop_servers
  done
fi

if [ "$CLUSTER" = 1 ]; then
  for subprotocol in $SUBPROTOCOLS; do
    # The first member starts alone and takes the market; the second joins it and serves every subscriber.
    # shellcheck disable=SC2086
    start_member f2a $((BASE_PORT + 1)) duplex-bench-f2 $FEED_OPTS
    # shellcheck disable=SC2086
    start_member f2b $((BASE_PORT + 2)) duplex-bench-f2 $FEED_OPTS
    # shellcheck disable=SC2154
    run_feed cluster "$PID_f2b" "ws://127.0.0.1:$((BASE_PORT + 2))/feed" "ws://127.0.0.1:$((BASE_PORT + 2))/feed" \
      "$subprotocol"
    stop_servers
  done
fi

log "results: $RESULTS"
jq -r '[.case, .subprotocol, .subscribers, .items_per_subscriber, .server_rate, .market_rate_measured,
        .readers_p50_ms, .readers_p99_ms, .stalled_readers_p50_ms, .stalled_readers_p99_ms, .deliveries_per_s,
        .stalled_deliveries_per_s, .bytes_per_delivery, .server_cpu_s_per_M_deliveries, .server_cores, .client_cores,
        .heap_before_stall_bytes, .heap_during_stall_bytes, .heap_still_stalled_bytes, .heap_after_bytes,
        .lost, .mismatches, .errors, .load_average_before]
       | map(if . == null or . == -1 then "-" elif type == "number" then (. * 10 | round / 10) else . end)
       | map(tostring) | @tsv' "$RESULTS" \
  | (printf 'case\tproto\tN\tK\tR\tR_seen\tp50\tp99\tp50_B\tp99_B\tdeliv/s\tdeliv/s_B\tB/deliv\tcpu_s/M\tsrv_cores\tcli_cores\theap_A\theap_B\theap_B2\theap_end\tlost\tbad\terr\tload\n'; cat) \
  | column -t -s $'\t'
echo "(B = phase B, the stalled share not reading; heaps: before the stall, during it, still stalled after the check, after all left)"
