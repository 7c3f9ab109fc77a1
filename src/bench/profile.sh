#!/usr/bin/env bash
# Profiles the WAR on Payara Micro under one benchmark case's load and prints where the server's
# CPU samples are: by layer (the first frame from the top that is not the JDK's: Duplex, Tyrus,
# Grizzly, Catalina, Weld, Payara), the top frames, and the share of the frames docs/PERFORMANCE.md
# follows. Java Flight Recorder at 1 ms sampling by default; async-profiler on request.
#
#   mvn -B -DskipTests package && src/bench/profile.sh [--case S1|S2|S3|S4] [--server payara7|payara6]
#       [--profiler jfr|async] [--war PATH] [--duration 20] [--warmup 10] [--port 8490]
#
# Cases as in compare.sh: S1 64 connections, 32 B text, window 1; S2 the same, window 32; S3 4
# connections, 1 MiB binary, window 1; S4 1000 connections, open loop at 20 000 msgs/s.
# --profiler jfr (default): JFR.start with method-profiling=max (1 ms), the recording in
# OUT/duplex-CASE.jfr for `jfr print`, `jfr summary` or JDK Mission Control; --profiler async:
# async-profiler 4.2 (fetched once from Maven Central into target/tools/), given to the server's JVM
# as an agent at its start (attaching it later through `jcmd JVMTI.agent_load` was refused here),
# CPU samples by itimer (no perf_events needed) every 1 ms, per thread; the collapsed stacks
# OUT/collapsed-CASE.txt, written when the server stops, cover its whole life, so the summary keeps
# the threads of Grizzly's selector and worker pool (http-*), where the start-up hardly runs. Two
# profiles of two WARs: run it twice with --war.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=20
WARMUP=10
PORT=8490
OUT=""
CASE=S1
SERVER=payara7
PROFILER=jfr
ASYNC_PROFILER_VERSION=4.2
while [ $# -gt 0 ]; do
  case "$1" in
    --case) CASE=$2; shift ;;
    --server) SERVER=$2; shift ;;
    --profiler) PROFILER=$2; shift ;;
    --war) DUPLEX_WAR=$(readlink -f "$2"); export DUPLEX_WAR; shift ;;
    --duration) DURATION=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --port) PORT=$2; shift ;;
    --out) OUT=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
case "$SERVER" in payara7|payara6) ;; *) echo "--server is payara7 or payara6" >&2; exit 2 ;; esac
case "$PROFILER" in jfr|async) ;; *) echo "--profiler is jfr or async" >&2; exit 2 ;; esac
OUT=${OUT:-$ROOT/target/bench-results/profile-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
# shellcheck source=src/bench/lib.sh
. "$ROOT/src/bench/lib.sh"
require_build
raise_nofile
trap stop_servers EXIT
trap 'exit 130' INT TERM

URL="ws://127.0.0.1:$PORT/echo"
case "$CASE" in
  S1) LOAD=(--connections 64 --size 32 --window 1) ;;
  S2) LOAD=(--connections 64 --size 32 --window 32) ;;
  S3) LOAD=(--connections 4 --size 1MiB --binary --window 1) ;;
  S4) LOAD=(--connections 1000 --rate 20000) ;;
  *) echo "--case is S1, S2, S3 or S4" >&2; exit 2 ;;
esac
SERVER_JAVA=$(java_of "$SERVER")
JCMD=$(dirname "$(readlink -f "$SERVER_JAVA")")/jcmd
JFR_TOOL=$(dirname "$(readlink -f "$SERVER_JAVA")")/jfr

if [ "$PROFILER" = async ]; then
  AP_JAR="$ROOT/target/tools/async-profiler-$ASYNC_PROFILER_VERSION.jar"
  if [ ! -f "$AP_JAR" ]; then
    log "fetching async-profiler $ASYNC_PROFILER_VERSION from Maven Central"
    mvn -B -q dependency:copy -Dartifact="tools.profiler:async-profiler:$ASYNC_PROFILER_VERSION" \
      -DoutputDirectory="$ROOT/target/tools" >&2
  fi
  AP_LIB="$ROOT/target/tools/async-profiler-$ASYNC_PROFILER_VERSION/linux-x64/libasyncProfiler.so"
  if [ ! -f "$AP_LIB" ]; then
    mkdir -p "$(dirname "$(dirname "$AP_LIB")")"
    (cd "$(dirname "$(dirname "$AP_LIB")")" && unzip -q -o "$AP_JAR" 'linux-x64/*')
  fi
fi

if [ "$PROFILER" = async ]; then
  DUPLEX_JVM_ARGS="${DUPLEX_JVM_ARGS:-} -agentpath:$AP_LIB=start,event=itimer,interval=1ms,threads,collapsed,file=$OUT/collapsed-$CASE.txt"
  export DUPLEX_JVM_ARGS
fi
start_server "$SERVER" "$PORT"
PID=$(eval echo "\$PID_$SERVER")
log "warming up for ${WARMUP}s"
java -jar "$BENCH_JAR" echo --url "$URL" "${LOAD[@]}" --warmup 0s --duration "${WARMUP}s" >/dev/null 2>>"$OUT/progress.log" || true

if [ "$PROFILER" = jfr ]; then
  RECORDING="$OUT/duplex-$CASE.jfr"
  log "recording ${DURATION}s of $CASE with JFR (method-profiling=max: 1 ms)"
  "$JCMD" "$PID" JFR.start name=duplex-profile settings=profile method-profiling=max filename="$RECORDING" >/dev/null
else
  log "measuring ${DURATION}s of $CASE under async-profiler (itimer, 1 ms, since the server's start)"
fi
java -jar "$BENCH_JAR" echo --url "$URL" "${LOAD[@]}" --warmup 0s --duration "${DURATION}s" \
  --server-pid "$PID" --label case="$CASE" --label server="$SERVER" >"$OUT/$CASE.txt" 2>>"$OUT/progress.log" || true
if [ "$PROFILER" = jfr ]; then
  "$JCMD" "$PID" JFR.stop name=duplex-profile >/dev/null
else
  stop_servers # the agent writes its stacks as the JVM exits
  [ -s "$OUT/collapsed-$CASE.txt" ] || { log "async-profiler wrote no stacks; see $OUT/server-$SERVER.log"; exit 1; }
fi
grep -v '^{' "$OUT/$CASE.txt" || true

# The frames the per-message layers of docs/PERFORMANCE.md ("The per-message layers") are measured by.
MATCHES=(fireContainerEvent WebContainerListener.containerEvent UpgradeEnd String.format getRegisteredHandlers
  ComponentProviderService restartIdleTimeoutExecutor IdleTimerExecutor WeldClientProxy GrizzlyConnections.queued
  EngineFields ReadGuardFilter HeaderReadTimeout Connections.connection Outbox Masker.unmask
  'AbstractThreadPool$Worker.doWork' SyncThreadPool)
if [ "$PROFILER" = jfr ]; then
  python3 "$ROOT/src/bench/jfr-layers.py" --jfr "$JFR_TOOL" "$RECORDING" "${MATCHES[@]}" | tee "$OUT/layers.txt"
  log "recording: $RECORDING"
else
  python3 "$ROOT/src/bench/jfr-layers.py" --collapsed "$OUT/collapsed-$CASE.txt" --threads http- "${MATCHES[@]}" \
    | tee "$OUT/layers.txt"
  log "stacks: $OUT/collapsed-$CASE.txt (flamegraph.pl or speedscope read them)"
fi
