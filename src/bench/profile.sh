#!/usr/bin/env bash
# Profiles Duplex's echo hot path on Payara Micro under S1 load (64 connections, 32 B text, closed
# loop, window 1) with Java Flight Recorder, and prints where the CPU samples are.
#
#   mvn -B -DskipTests package && src/bench/profile.sh [--duration 30] [--warmup 10] [--port 8490]
#
# Leaves the recording in target/bench-results/profile-TIMESTAMP/duplex-s1.jfr for `jfr print`,
# `jfr summary` or JDK Mission Control.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=30
WARMUP=10
PORT=8490
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --port) PORT=$2; shift ;;
    --out) OUT=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
OUT=${OUT:-$ROOT/target/bench-results/profile-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
# shellcheck source=src/bench/lib.sh
. "$ROOT/src/bench/lib.sh"
require_build
trap stop_servers EXIT
trap 'exit 130' INT TERM

start_server duplex "$PORT"
URL="ws://127.0.0.1:$PORT/echo"
log "warming up for ${WARMUP}s"
java -jar "$BENCH_JAR" echo --url "$URL" --connections 64 --size 32 --window 1 --warmup 0s \
  --duration "${WARMUP}s" >/dev/null 2>>"$OUT/progress.log" || true
log "recording ${DURATION}s of S1 with JFR (settings=profile)"
jcmd "$PID_duplex" JFR.start name=duplex-s1 settings=profile filename="$OUT/duplex-s1.jfr" >/dev/null
java -jar "$BENCH_JAR" echo --url "$URL" --connections 64 --size 32 --window 1 --warmup 0s \
  --duration "${DURATION}s" --server-pid "$PID_duplex" --label case=S1 --label server=duplex \
  >"$OUT/s1.txt" 2>>"$OUT/progress.log" || true
jcmd "$PID_duplex" JFR.stop name=duplex-s1 >/dev/null
cat "$OUT/s1.txt"
MATCHES=(--match restartIdleTimeoutExecutor --match ManagedScheduledExecutorServiceImpl.schedule
  --match ContextSetupProviderImpl.saveContext --match java.util.ServiceLoader --match ClassLoader.getResources
  --match "TyrusEndpointWrapper.onMessage+restartIdleTimeoutExecutor"
  --match "TyrusRemoteEndpoint+restartIdleTimeoutExecutor"
  --match "TyrusSession.<init>+restartIdleTimeoutExecutor"
  --match "CdiComponentProvider" --match dev.duplex --match "Connections.received" --match "Connections.sent"
  --match "TextAssembler" --match "org.glassfish.tyrus.core.frame" --match "sun.nio.ch.SocketDispatcher"
  --match "java.util.logging")
java -jar "$BENCH_JAR" jfr-top "$OUT/duplex-s1.jfr" --top 30 "${MATCHES[@]}" | tee "$OUT/jfr-top.txt"
log "recording: $OUT/duplex-s1.jfr"
