#!/usr/bin/env bash
# Side-by-side WebSocket comparison: Duplex on Payara Micro against reference echo servers built
# from well-known libraries (Node ws, Jetty 12, Netty, raw TCP echo), all on 127.0.0.1, driven by
# the same client (duplex-bench) in interleaved rounds. Prints the table of medians with each
# server's ratio to the best and its CPU seconds per million messages.
#
#   mvn -B -DskipTests package && src/bench/compare.sh            # full run, about 30 minutes
#   src/bench/compare.sh --quick                                  # about 7 minutes, noisier
#   src/bench/compare.sh --quick --rounds 1                       # a 3-minute smoke test
#   src/bench/compare.sh --cases "S1 S2" --servers "duplex netty" --rounds 3
#   src/bench/compare.sh --servers "payara7 payara6 wildfly glassfish liberty" --cases "S1 S3" \
#     --rounds 2 --warmup 2 --duration 8 --base-port 23480   # the WAR on the five servers (SERVERS.md)
#
# Cases (docs/PERFORMANCE.md): S1 64 connections, 32 B text, closed loop window 1; S2 the same
# with window 32; S3 4 connections, 1 MiB binary, window 1; S4 1000 connections, open loop at
# 20 000 msgs/s; F1 1 publisher to 1000 chat members at 100 msgs/s (Duplex only, when the WAR has
# /chat); H1 10 000 idle connections held, memory per connection.
#
# Servers: duplex (target/payara-micro.jar with the WAR), the reference servers jetty, netty, node and
# tcp, and the same unchanged WAR on the five application servers of docs/SERVERS.md: payara7
# (Payara Micro 7.2026.11, Java 25), payara6 (Payara Micro 6.2025.10), wildfly (WildFly 39.0.1),
# glassfish (GlassFish 8.0.0, Java 25) and liberty (Open Liberty 26.0.0.3), each from ~/.m2, with
# -Xmx1g, loopback only, in a fresh state directory under the results folder (src/bench/lib.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=3
WARMUP=5
DURATION=15
HOLD=10
H1_CONNECTIONS=10000
F1_MEMBERS=1000
BASE_PORT=8480
SERVERS="duplex jetty netty node tcp"
CASES="S1 S2 S3 S4 F1 H1"
OUT=""

usage() { sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; cat <<'USAGE'

Options: --quick (1 s warm-up, 2 s runs, H1 with 1000 connections), --rounds N, --warmup S,
  --duration S, --hold S, --h1-connections N, --f1-members N, --servers "duplex jetty netty node tcp",
  --cases "S1 S2 S3 S4 F1 H1", --base-port P (default 8480: duplex P, jetty P+2, netty P+3,
  node P+4, tcp P+5, payara7 P+6, payara6 P+7, wildfly P+8 (its other ports at the same offset
  from WildFly's defaults), glassfish P+9, liberty P+10, payara7b P+11, payara6b P+12), --out DIR (default
  target/bench-results/TIMESTAMP), --war-b PATH (the WAR that payara7b runs on Payara Micro 7 and payara6b on Payara Micro 6:
  `--servers "payara7 payara7b" --war-b before.war` measures two builds side by side, interleaved).
Environment: DUPLEX_JVM_ARGS (JVM options for Payara Micro), DUPLEX_WAR (another WAR).
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) WARMUP=1; DURATION=2; HOLD=2; H1_CONNECTIONS=1000 ;;
    --rounds) ROUNDS=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --hold) HOLD=$2; shift ;;
    --h1-connections) H1_CONNECTIONS=$2; shift ;;
    --f1-members) F1_MEMBERS=$2; shift ;;
    --servers) SERVERS=$2; shift ;;
    --cases) CASES=$2; shift ;;
    --base-port) BASE_PORT=$2; shift ;;
    --out) OUT=$2; shift ;;
    --war-b) DUPLEX_WAR_B=$(readlink -f "$2"); export DUPLEX_WAR_B; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

OUT=${OUT:-$ROOT/target/bench-results/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
# shellcheck source=src/bench/lib.sh
. "$ROOT/src/bench/lib.sh"
require_build
raise_nofile
trap stop_servers EXIT
trap 'exit 130' INT TERM

port_of() {
  case "$1" in
    duplex) echo "$BASE_PORT" ;; jetty) echo $((BASE_PORT + 2)) ;; netty) echo $((BASE_PORT + 3)) ;;
    node) echo $((BASE_PORT + 4)) ;; tcp) echo $((BASE_PORT + 5)) ;;
    payara7) echo $((BASE_PORT + 6)) ;; payara7b) echo $((BASE_PORT + 11)) ;; payara6b) echo $((BASE_PORT + 12)) ;; payara6) echo $((BASE_PORT + 7)) ;; wildfly) echo $((BASE_PORT + 8)) ;;
    glassfish) echo $((BASE_PORT + 9)) ;; liberty) echo $((BASE_PORT + 10)) ;;
  esac
}
url_of() {
  if [ "$1" = tcp ]; then echo "tcp://127.0.0.1:$(port_of tcp)"; else echo "ws://127.0.0.1:$(port_of "$1")/echo"; fi
}

describe_machine | tee "$OUT/machine.txt" >&2
{
  echo "command: src/bench/compare.sh --rounds $ROUNDS --warmup $WARMUP --duration $DURATION --hold $HOLD" \
    "--h1-connections $H1_CONNECTIONS --f1-members $F1_MEMBERS --servers \"$SERVERS\" --cases \"$CASES\""
  echo "duplex jvm args: ${DUPLEX_JVM_ARGS:-(none)}"
  echo "application servers (payara7 payara6 wildfly glassfish liberty): $SERVER_HEAP; Payara Micro" \
    "$PAYARA7_VERSION and GlassFish $GLASSFISH_VERSION on $("$JDK25/bin/java" -version 2>&1 | sed -n 2p)," \
    "the others on the default java"
} >>"$OUT/machine.txt"

for server in $SERVERS; do
  start_server "$server" "$(port_of "$server")"
done

HAS_CHAT=0
if [[ " $SERVERS " == *" duplex "* ]] && [[ " $CASES " == *" F1 "* ]]; then
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
    -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \
    -H 'Sec-WebSocket-Protocol: chat' "http://127.0.0.1:$BASE_PORT/chat" || true)
  if [ "$code" = 101 ]; then HAS_CHAT=1; else log "F1 skipped: this WAR has no /chat endpoint (HTTP $code)"; fi
fi

# run_case CASE SERVER ROUND: one bench run, its JSON line appended to results.jsonl.
run_case() {
  local case=$1 server=$2 round=$3 pidvar="PID_$2" args
  local url; url=$(url_of "$server")
  case "$case" in
    S1) args=(echo --url "$url" --connections 64 --size 32 --window 1) ;;
    S2) args=(echo --url "$url" --connections 64 --size 32 --window 32) ;;
    S3) args=(echo --url "$url" --connections 4 --size 1MiB --binary --window 1) ;;
    S4) args=(echo --url "$url" --connections 1000 --rate 20000) ;;
    F1) [ "$server" = duplex ] && [ "$HAS_CHAT" = 1 ] || return 0
        args=(fanout --url "ws://127.0.0.1:$BASE_PORT/chat" --members "$F1_MEMBERS" --publishers 1 --rate 100) ;;
    H1) [ "$server" != tcp ] || return 0
        args=(connect --mode hold --url "$url" --connections "$H1_CONNECTIONS" --concurrency 200 --duration "${HOLD}s")
        [ "$server" = node ] && args+=(--metrics-url "http://127.0.0.1:$(port_of node)/metrics") ;;
    *) log "unknown case $case"; return 0 ;;
  esac
  if [ "$case" != H1 ]; then args+=(--warmup "${WARMUP}s" --duration "${DURATION}s"); fi
  args+=(--label "case=$case" --label "server=$server" --label "round=$round")
  ensure_alive "$server" "$(port_of "$server")" || return 0
  pidvar="PID_$server"
  args+=(--server-pid "${!pidvar}")
  log "round $round: $case on $server"
  local limit=$((WARMUP + DURATION + HOLD + 300))
  timeout "$limit" java -jar "$BENCH_JAR" "${args[@]}" >"$OUT/last.out" 2>>"$OUT/progress.log" || true
  cat "$OUT/last.out" >>"$OUT/runs.txt"
  grep '^{' "$OUT/last.out" >>"$OUT/results.jsonl" || log "no result from $case on $server (see $OUT/progress.log)"
}

read -r -a server_list <<<"$SERVERS"
n=${#server_list[@]}
for round in $(seq 1 "$ROUNDS"); do
  for case in $CASES; do
    # Interleaved, and the order rotates every round so no server always runs first.
    for i in $(seq 0 $((n - 1))); do
      run_case "$case" "${server_list[$(((i + round - 1) % n))]}" "$round"
    done
  done
done

java -jar "$BENCH_JAR" summary "$OUT/results.jsonl" --markdown >"$OUT/table.md"
echo
java -jar "$BENCH_JAR" summary "$OUT/results.jsonl" | tee "$OUT/table.txt"
echo
log "results: $OUT (results.jsonl, table.md, runs.txt, machine.txt, server logs)"
