#!/usr/bin/env bash
# The connection-flood attack of issue 16 (item 5) against Duplex as `mvn -Prun` serves it: Payara
# Micro 7 (target/payara-micro.jar, on Java 21+), -Xmx1g, one start-up thread, the pre-boot
# hardening of src/main/deploy/preboot.txt (unbounded worker queue among it) with the listeners on
# 127.0.0.1, no clustering, every limit as shipped; the server alone under `ulimit -n 20000`.
# Then `duplex-bench flood`: 25 000 /echo handshakes from 40 loopback addresses (127.0.0.2-41),
# 2 000 waiting for their answer at a time, a canary echoing every 100 ms on its own connection;
# the outcomes (sessions, 503, 1013, timeouts), the canary's losses, the server's descriptors,
# threads and heap before, at peak and after, and the SEVERE records of its log. Bounded: no
# handshake begins after --duration, none waits longer than --answer-timeout; the server is stopped
# (by its pid) at the end. One run loads two cores fully for about two minutes.
#
#   mvn -B -o -DskipTests package && src/bench/flood.sh
#   src/bench/flood.sh --nofile 20000 --heap 1g -- --connections 25000 --concurrency 2000 --duration 90s
#
# Options before `--` are the script's: --port P (default: a free one), --nofile N (20000), --heap
# SIZE (1g), --out DIR (target/bench-results/flood-TIMESTAMP), --jvm-args "…" (more server JVM
# options, e.g. -Dduplex.limits.max-sessions=5000). Everything after `--` goes to duplex-bench flood.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=""
PORT=""
NOFILE=20000
HEAP=1g
JVM_ARGS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT=$2; shift ;;
    --nofile) NOFILE=$2; shift ;;
    --heap) HEAP=$2; shift ;;
    --out) OUT=$2; shift ;;
    --jvm-args) JVM_ARGS=$2; shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
OUT=${OUT:-$ROOT/target/bench-results/flood-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
# shellcheck source=src/bench/lib.sh
. "$ROOT/src/bench/lib.sh"
require_build
PORT=${PORT:-$(free_port)}
JAVA=${JAVA:-$JDK25/bin/java}
[ -x "$JAVA" ] || JAVA=$(command -v java)

# The pre-boot file mvn -Prun writes (dev.duplex.run.Serve): the listeners on loopback, then the hardening.
{
  echo "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1"
  echo "set configs.config.server-config.network-config.network-listeners.network-listener.https-listener.address=127.0.0.1"
  grep -v '^[[:space:]]*$' "$ROOT/src/main/deploy/preboot.txt"
} >"$OUT/preboot.txt"

trap stop_servers EXIT
describe_machine >"$OUT/machine.txt"
log "Payara Micro 7 on 127.0.0.1:$PORT with ulimit -n $NOFILE and -Xmx$HEAP; log $OUT/server.log"
# shellcheck disable=SC2086
bash -c 'ulimit -n "$0" && exec "$@"' "$NOFILE" "$JAVA" "$(payara_tmpdir flood)" -Xmx"$HEAP" -Dorg.glassfish.startupThreadPolicy=USE_NO_THREADS \
  -Xlog:gc:file="$OUT/gc.log" $JVM_ARGS -jar "$PAYARA_JAR" --deploy "$DUPLEX_WAR" --contextroot / --port "$PORT" \
  --nohazelcast --disablephonehome --rootdir "$OUT/root" --prebootcommandfile "$OUT/preboot.txt" >"$OUT/server.log" 2>&1 &
SERVER=$!
STARTED_PIDS+=("$SERVER")
wait_for_http "http://127.0.0.1:$PORT/" 400 || { tail -30 "$OUT/server.log" >&2; exit 1; }
log "serving (pid $SERVER): $(curl -s "http://127.0.0.1:$PORT/api/status" | python3 -c \
  'import json,sys; l=json.load(sys.stdin)["limits"]; print("sessions at most", l["maxSessionsReason"])' 2>/dev/null || echo '?')"

raise_nofile
status=0
java -jar "$BENCH_JAR" flood --url "ws://127.0.0.1:$PORT/echo" --server-pid "$SERVER" --server-log "$OUT/server.log" \
  --gc-log "$OUT/gc.log" "$@" >"$OUT/flood.txt" 2> >(tee "$OUT/progress.txt" >&2) || status=$?
cat "$OUT/flood.txt"
curl -s "http://127.0.0.1:$PORT/api/status" >"$OUT/status-after.json" || true
log "results in $OUT (exit status $status)"
exit "$status"
