# Shared by compare.sh and profile.sh: start and stop the servers under test, on loopback only.
# Source it; it defines functions and reads ROOT (the repository) and OUT (the results folder).

BENCH_JAR="$ROOT/target/duplex-bench.jar"
PAYARA_JAR="$ROOT/target/payara-micro.jar"
DUPLEX_WAR="${DUPLEX_WAR:-$ROOT/target/duplex.war}"
STARTED_PIDS=()

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

require_build() {
  local missing=0
  for f in "$BENCH_JAR" "$PAYARA_JAR" "$DUPLEX_WAR"; do
    [ -f "$f" ] || { log "missing $f"; missing=1; }
  done
  if [ "$missing" = 1 ]; then
    log "build first: mvn -B -DskipTests package"
    exit 2
  fi
}

# Raise the open-file limit as far as the hard limit allows (H1 holds 10 000 connections, S4 1 000).
raise_nofile() {
  local hard
  hard=$(ulimit -Hn)
  if [ "$hard" = unlimited ] || [ "$hard" -gt 65536 ]; then hard=65536; fi
  ulimit -n "$hard"
  log "open files limit: $(ulimit -n)"
}

# wait_for_port PORT SECONDS: until something accepts TCP connections on 127.0.0.1:PORT.
wait_for_port() {
  local port=$1 deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  return 1
}

# wait_for_http URL SECONDS: until the URL answers 200 (Payara Micro answers only once deployed).
wait_for_http() {
  local url=$1 deadline=$((SECONDS + $2)) code=none
  while [ $SECONDS -lt $deadline ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
    if [ "$code" = 200 ]; then return 0; fi
    sleep 1
  done
  log "$url never answered 200 (last answer: HTTP $code)"
  return 1
}

# start_server NAME PORT: starts one server in the background, records its pid in PID_<NAME>,
# and waits until it serves. Output goes to $OUT/server-NAME.log.
start_server() {
  local name=$1 port=$2 pid
  local logfile="$OUT/server-$name.log"
  case "$name" in
    duplex)
      # Loopback only (pre-boot commands bind the listeners to 127.0.0.1), no clustering.
      # All load comes from one address, so the per-address session limit (1000 by default) is
      # lifted for H1's 10 000 connections and F1's 1 001, and F1's publisher says 100 messages a
      # second, over the chat's default of 5: the chat's rate limit is raised to 200. Every other
      # limit, the keepalive sweep and the idle timeout stay as shipped.
      # shellcheck disable=SC2086
      java -Dduplex.limits.max-sessions-per-address=0 -Dduplex.chat.rate-per-second=200 \
        -Dduplex.chat.rate-burst=200 ${DUPLEX_JVM_ARGS:-} -jar "$PAYARA_JAR" --deploy "$DUPLEX_WAR" --contextroot / --port "$port" \
        --nohazelcast --disablephonehome --prebootcommandfile "$ROOT/src/test/resources/preboot.txt" \
        >"$logfile" 2>&1 &
      pid=$! ;;
    jetty|netty|tcp)
      java -jar "$BENCH_JAR" serve "$name" --port "$port" >"$logfile" 2>&1 &
      pid=$! ;;
    node)
      ensure_node_ws
      node --expose-gc "$ROOT/src/bench/node/echo-server.js" --port "$port" >"$logfile" 2>&1 &
      pid=$! ;;
    *) log "unknown server $name"; return 1 ;;
  esac
  STARTED_PIDS+=("$pid")
  printf -v "PID_$name" '%s' "$pid"
  local ok=0
  if [ "$name" = duplex ]; then
    wait_for_http "http://127.0.0.1:$port/" 240 && ok=1
  else
    wait_for_port "$port" 60 && ok=1
  fi
  if [ "$ok" != 1 ] || ! kill -0 "$pid" 2>/dev/null; then
    log "$name did not start on port $port; see $logfile"
    tail -20 "$logfile" >&2 || true
    return 1
  fi
  log "$name ready on 127.0.0.1:$port (pid $pid)"
}

# Installs the Node reference server's locked dependencies (ws) into src/bench/node/node_modules.
ensure_node_ws() {
  local dir="$ROOT/src/bench/node"
  if [ ! -d "$dir/node_modules/ws" ]; then
    log "installing the Node reference server's dependencies (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
  fi
}

# ensure_alive NAME PORT: restarts a server that is no longer running (the machine is shared; a
# server that died between runs must not turn the rest of the run into refused connections).
ensure_alive() {
  local name=$1 port=$2 pidvar="PID_$1"
  if ! kill -0 "${!pidvar}" 2>/dev/null; then
    log "WARNING: $name (pid ${!pidvar}) is gone; restarting it (see $OUT/server-$name.log)"
    mv "$OUT/server-$name.log" "$OUT/server-$name.died-$(date +%H%M%S).log" 2>/dev/null || true
    start_server "$name" "$port"
  fi
}

# Stops every server this script started, by pid.
stop_servers() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
}

# describe_machine: what the numbers were measured on.
describe_machine() {
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "memory: $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "java: $(java -version 2>&1 | head -2 | tail -1)"
  echo "node: $(node --version 2>/dev/null || echo none), ws $(node -p "require('$ROOT/src/bench/node/node_modules/ws/package.json').version" 2>/dev/null || echo '?')"
  echo "payara micro: $(unzip -p "$PAYARA_JAR" MICRO-INF/domain/branding/glassfish-version.properties 2>/dev/null \
    | sed -n 's/^\(major_version\|minor_version\|update_version\)=//p' | paste -sd. || echo '?')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}
