# Shared by compare.sh and profile.sh: start and stop the servers under test, on loopback only.
# Source it; it defines functions and reads ROOT (the repository) and OUT (the results folder).

BENCH_JAR="$ROOT/target/duplex-bench.jar"
PAYARA_JAR="$ROOT/target/payara-micro.jar"
DUPLEX_WAR="${DUPLEX_WAR:-$ROOT/target/duplex.war}"
STARTED_PIDS=()
# Payara Micro unpacks its runtime (payaramicro-rt*tmp, about 163 MiB) into java.io.tmpdir and
# deletes it only on a clean stop: every Payara Micro started here gets a folder under target/
# instead of /tmp, and stop_servers removes it (docs/STACK-NOTES.md, "Payara Micro's runtime folder").
PAYARA_TMP_ROOT="$ROOT/target/payara-tmp-bench"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# payara_tmpdir NAME: the JVM option giving Payara Micro NAME an empty temporary folder of its own.
payara_tmpdir() {
  local dir="$PAYARA_TMP_ROOT/$1"
  rm -rf "$dir" && mkdir -p "$dir" && printf '%s' "-Djava.io.tmpdir=$dir"
}

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
      java "$(payara_tmpdir "$name")" -Dduplex.limits.max-sessions-per-address=0 -Dduplex.chat.rate-per-second=200 \
        -Dduplex.chat.rate-burst=200 ${DUPLEX_JVM_ARGS:-} -jar "$PAYARA_JAR" --deploy "$DUPLEX_WAR" --contextroot / --port "$port" \
        --nohazelcast --disablephonehome --prebootcommandfile "$ROOT/src/test/resources/preboot.txt" \
        >"$logfile" 2>&1 &
      pid=$! ;;
    jetty|netty|tcp)
      java -jar "$BENCH_JAR" serve "$name" --port "$port" >"$logfile" 2>&1 &
      pid=$! ;;
    payara7|payara7b|payara6|payara6b|wildfly|glassfish|liberty)
      APP_PID=""
      if ! start_app_server "$name" "$port" "$logfile"; then
        [ -z "$APP_PID" ] || STARTED_PIDS+=("$APP_PID")
        return 1
      fi
      pid=$APP_PID ;;
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
  elif [ -n "${SERVER_JDK[$name]+set}" ]; then
    # An application server: ready once /echo answers the WebSocket handshake with 101 (Open Liberty
    # serves pages some seconds before the endpoints are bound); then PID_<name> becomes the server's
    # own JVM (the one listening on the port), so the bench's CPU figures are the server's.
    wait_for_upgrade "http://127.0.0.1:$port/echo" 420 && ok=1
    if [ "$ok" = 1 ]; then
      local jvm
      jvm=$(ss -Hltnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
      if [ -n "$jvm" ] && [ "$jvm" != "$pid" ]; then STARTED_PIDS+=("$jvm"); pid=$jvm; printf -v "PID_$name" '%s' "$pid"; fi
    fi
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

# The five application servers of docs/SERVERS.md, each with the unchanged WAR at context root /, on
# 127.0.0.1, 1 GiB of heap, no clustering, and the same system properties as "duplex" above.
# Payara Micro from ~/.m2 (or target/servers/ after the matrix's unpacking); WildFly, GlassFish and
# Open Liberty unzipped from ~/.m2 once into target/bench-servers/dist; every start gets a fresh state
# directory under $OUT/state/<name>.
M2="${M2_REPO:-$HOME/.m2/repository}"
JDK25="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
declare -A SERVER_JDK=([payara7]="$JDK25" [payara7b]="$JDK25" [payara6]="" [payara6b]="" [wildfly]="" [glassfish]="$JDK25" [liberty]="")
SERVER_PROPS="-Dduplex.limits.max-sessions-per-address=0 -Dduplex.chat.rate-per-second=200 -Dduplex.chat.rate-burst=200"
SERVER_HEAP="-Xmx1g"
PAYARA6_VERSION=6.2025.10
PAYARA7_VERSION=7.2026.11
WILDFLY_VERSION=39.0.1.Final
GLASSFISH_VERSION=8.0.0
LIBERTY_VERSION=26.0.0.3
DIST="$ROOT/target/bench-servers/dist"

# start_member NAME PORT CLUSTER [JVM OPTION...]: one Payara Micro of the default build on
# 127.0.0.1:PORT, clustered with the other members named CLUSTER over Hazelcast on loopback (explicit
# TCP/IP members from CLUSTER_PORT), or alone (no Hazelcast) when CLUSTER is empty. Its pid goes to
# PID_<NAME> and STARTED_PIDS; it waits until /api/status answers. JAVA picks the JVM (21+).
start_member() {
  local name=$1 port=$2 cluster=$3 pid
  shift 3
  local grid=(--nohazelcast)
  if [ -n "$cluster" ]; then
    grid=(--clustermode "tcpip:127.0.0.1:$CLUSTER_PORT" --startport "$CLUSTER_PORT" --clustername "$cluster"
      --interfaces 127.0.0.1)
  fi
  # one start-up thread: Payara 7 deadlocked in HK2 about once in thirty starts (docs/SERVERS.md)
  # shellcheck disable=SC2086
  "${JAVA:-java}" "$(payara_tmpdir "$name")" -Dorg.glassfish.startupThreadPolicy=USE_NO_THREADS \
    -Dhazelcast.socket.bind.any=false -Dduplex.limits.max-sessions-per-address=0 "$@" ${DUPLEX_JVM_ARGS:-} \
    -jar "$PAYARA_JAR" --deploy "$DUPLEX_WAR" --contextroot / --port "$port" --name "$name" "${grid[@]}" \
    --disablephonehome --prebootcommandfile "$ROOT/src/test/resources/preboot.txt" >"$OUT/server-$name.log" 2>&1 &
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

# java_of NAME: the java binary for a server (Payara Micro 7 and GlassFish 8 need Java 21+).
java_of() {
  local jdk=${SERVER_JDK[$1]:-}
  if [ -n "$jdk" ]; then echo "$jdk/bin/java"; else command -v java; fi
}

# A port nothing listens on now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# unpack ZIP DIR: unzips a server distribution into $DIST once (DIR is the folder the zip makes).
unpack() {
  local zip=$1 dir=$2
  [ -d "$DIST/$dir" ] && return 0
  [ -f "$zip" ] || { log "missing $zip"; return 1; }
  log "unpacking $(basename "$zip") into $DIST"
  mkdir -p "$DIST"
  unzip -q -o "$zip" -d "$DIST"
  [ -d "$DIST/$dir" ] || { log "$zip did not give $DIST/$dir"; return 1; }
}

# wait_for_upgrade URL SECONDS: until URL answers a WebSocket handshake with 101.
wait_for_upgrade() {
  local url=$1 deadline=$((SECONDS + $2)) code=none
  while [ $SECONDS -lt $deadline ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
      -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$url" || true)
    if [ "$code" = 101 ]; then return 0; fi
    sleep 1
  done
  log "$url never answered the handshake with 101 (last answer: HTTP $code)"
  return 1
}

# start_app_server NAME PORT LOGFILE: launches one application server in the background, its
# launcher's pid in APP_PID (start_server waits for it and finds the server's JVM).
start_app_server() {
  local name=$1 port=$2 logfile=$3 state="$OUT/state/$1" java
  java=$(java_of "$name")
  rm -rf "$state"; mkdir -p "$state"
  case "$name" in
    payara6|payara6b|payara7|payara7b)
      # payara7b, payara6b: the same Payara Micro with a second WAR (DUPLEX_WAR_B), for a before/after run side by side
      local version jar war=$DUPLEX_WAR
      case "$name" in payara6*) version=$PAYARA6_VERSION ;; *) version=$PAYARA7_VERSION ;; esac
      if [ "$name" = payara7b ] || [ "$name" = payara6b ]; then
        war=${DUPLEX_WAR_B:-}
        [ -f "$war" ] || { log "$name needs --war-b PATH (a second WAR); got '${war}'"; return 1; }
      fi
      jar="$M2/fish/payara/extras/payara-micro/$version/payara-micro-$version.jar"
      [ -f "$jar" ] || jar="$ROOT/target/servers/payara-micro-$version.jar"
      [ -f "$jar" ] || { log "missing payara-micro-$version.jar (in ~/.m2 or target/servers/)"; return 1; }
      # shellcheck disable=SC2086
      # one start-up thread: Payara 7 deadlocked in HK2 about once in thirty starts (PayaraVersion.SERIAL_STARTUP)
      "$java" "$(payara_tmpdir "$name")" $SERVER_HEAP -Dorg.glassfish.startupThreadPolicy=USE_NO_THREADS $SERVER_PROPS ${DUPLEX_JVM_ARGS:-} -jar "$jar" --deploy "$war" --contextroot / \
        --port "$port" --nohazelcast --disablephonehome --rootdir "$state/root" \
        --prebootcommandfile "$ROOT/src/test/resources/preboot.txt" >"$logfile" 2>&1 &
      APP_PID=$! ;;
    wildfly)
      unpack "$M2/org/wildfly/wildfly-dist/$WILDFLY_VERSION/wildfly-dist-$WILDFLY_VERSION.zip" "wildfly-$WILDFLY_VERSION" || return 1
      local home="$DIST/wildfly-$WILDFLY_VERSION" offset=$((port - 8080)) p
      for p in 8443 8009 9990 9993 4712 4713; do
        port_is_free $((p + offset)) || { log "wildfly: port $((p + offset)) (offset $offset) is taken; try another --base-port"; return 1; }
      done
      cp -r "$home/standalone" "$state/standalone"
      cp "$DUPLEX_WAR" "$state/standalone/deployments/ROOT.war"
      # shellcheck disable=SC2086
      JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$java")")") JBOSS_JAVA_SIZING="-Xms64m $SERVER_HEAP" \
        bash "$home/bin/standalone.sh" -c standalone-microprofile.xml -b 127.0.0.1 -bmanagement 127.0.0.1 \
        -Djboss.server.base.dir="$state/standalone" -Djboss.socket.binding.port-offset="$offset" $SERVER_PROPS \
        >"$logfile" 2>&1 &
      APP_PID=$! ;;
    glassfish)
      unpack "$M2/org/glassfish/main/distributions/glassfish/$GLASSFISH_VERSION/glassfish-$GLASSFISH_VERSION.zip" glassfish8 || return 1
      local home="$DIST/glassfish8" xml="$state/domains/domain1/config/domain.xml" admin
      admin=$(free_port)
      mkdir -p "$state/domains"
      cp -r "$home/glassfish/domains/domain1" "$state/domains/domain1"
      # the same domain as the server matrix's (ServerKind.GLASSFISH): every listener on loopback
      # and a free port, the heap and properties in place of the default -Xmx512m
      # shellcheck disable=SC2086 # SERVER_HEAP and SERVER_PROPS are lists of options
      "$java" -cp "$BENCH_JAR" dev.duplex.bench.servers.GlassFishDomain "$xml" "$port" "$admin" $SERVER_HEAP $SERVER_PROPS \
        || { log "glassfish: could not prepare $xml"; return 1; }
      AS_JAVA=$(dirname "$(dirname "$(readlink -f "$java")")") \
        bash "$home/bin/asadmin" start-domain --verbose --domaindir "$state/domains" domain1 >"$logfile" 2>&1 &
      APP_PID=$!
      # then deployed with asadmin at context root /, once the admin listener answers
      wait_for_port "$admin" 300 || { log "glassfish: admin port $admin never listened"; return 1; }
      AS_JAVA=$(dirname "$(dirname "$(readlink -f "$java")")") timeout 420 bash "$home/bin/asadmin" --host 127.0.0.1 \
        --port "$admin" deploy --contextroot / --name duplex "$DUPLEX_WAR" >>"$OUT/server-glassfish-deploy.log" 2>&1 \
        || { log "glassfish: asadmin deploy failed; see $OUT/server-glassfish-deploy.log"; return 1; } ;;
    liberty)
      unpack "$M2/io/openliberty/openliberty-runtime/$LIBERTY_VERSION/openliberty-runtime-$LIBERTY_VERSION.zip" wlp || return 1
      local dir="$state/usr/servers/duplex" o
      mkdir -p "$dir"
      cat >"$dir/server.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<server description="Duplex under the bench">
    <featureManager>
        <feature>webProfile-10.0</feature>
        <feature>mpConfig-3.1</feature>
        <feature>mpHealth-4.0</feature>
        <feature>mpMetrics-5.1</feature>
    </featureManager>
    <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="$port" httpsPort="-1"/>
    <webApplication location="$DUPLEX_WAR" contextRoot="/"/>
</server>
XML
      : >"$dir/jvm.options"
      for o in $SERVER_HEAP $SERVER_PROPS; do echo "$o" >>"$dir/jvm.options"; done
      JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$java")")") WLP_USER_DIR="$state/usr" \
        bash "$DIST/wlp/bin/server" run duplex >"$logfile" 2>&1 &
      APP_PID=$! ;;
  esac
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

# descendants PID: the pids of every process below PID.
descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$child"; descendants "$child"; done
}

# Stops every server this script started (and what they started), by pid.
stop_servers() {
  local pid
  # the application servers' launchers (standalone.sh, asadmin, server run) start the JVMs as children
  for pid in "${STARTED_PIDS[@]}"; do
    # shellcheck disable=SC2207
    STARTED_PIDS+=($(descendants "$pid"))
  done
  for pid in "${STARTED_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
  rm -rf "$PAYARA_TMP_ROOT"   # what a Payara Micro killed above left
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
