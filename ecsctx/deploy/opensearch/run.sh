#!/usr/bin/env bash
# Run a throw-away single-node OpenSearch 2.19.6 on loopback, for ecsctx
# end-to-end tests, without Docker and without the distribution tarball:
# the jars come from Maven Central (see pom.xml next to this script) and the
# node home (config, modules, data, logs) is assembled by hand.
#
#   run.sh start [HTTP_PORT]   fetch jars if needed, start, wait for yellow/green
#   run.sh stop                stop the node (SIGTERM, then SIGKILL after 30 s)
#   run.sh status              print pid + cluster health; exit 1 if not up
#   run.sh clean               stop, then delete data/ and logs/ (jars kept)
#   run.sh logs                tail the node log
#
# Environment:
#   OPENSEARCH_HOME            node home           (default /tmp/ecsctx-opensearch)
#   OPENSEARCH_PORT            HTTP port           (default 9250; the PORT argument of start wins)
#   OPENSEARCH_TRANSPORT_PORT  transport port(s)   (default 9350-9399)
#   OPENSEARCH_HEAP            -Xms/-Xmx           (default 512m)
#   OPENSEARCH_START_TIMEOUT   seconds to wait     (default 120)
#   OPENSEARCH_FRESH=1         wipe data/ before starting
#   OPENSEARCH_MODULES         modules to load (default "transport-netty4 mapper-extras");
#                              transport-netty4 is mandatory (HTTP + transport).
#   OPENSEARCH_RUN_AS          user to drop to when started as root (default nobody);
#                              OpenSearch refuses to run as root.
#   JAVA                       java binary (default: java on PATH; must be 11..17+,
#                              OpenSearch 2.19.x; do not use 3.x on Java 17)
set -euo pipefail

OS_VERSION=2.19.6
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OS_HOME="${OPENSEARCH_HOME:-/tmp/ecsctx-opensearch}"
JAVA="${JAVA:-java}"
HEAP="${OPENSEARCH_HEAP:-512m}"
TRANSPORT_PORT="${OPENSEARCH_TRANSPORT_PORT:-9350-9399}"
TIMEOUT="${OPENSEARCH_START_TIMEOUT:-120}"
RUN_AS="${OPENSEARCH_RUN_AS:-nobody}"
MODULES="${OPENSEARCH_MODULES:-transport-netty4 mapper-extras}"
PID_FILE="$OS_HOME/opensearch.pid"
PORT_FILE="$OS_HOME/http.port"
CONSOLE_LOG="$OS_HOME/logs/console.log"
# re-fetch whenever pom.xml changes
FETCHED_MARKER="$OS_HOME/.fetched-$(cksum <"$SCRIPT_DIR/pom.xml" | cut -d' ' -f1)"

log() { echo "[opensearch] $*" >&2; }

running_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    # guard against pid reuse: must be our java process
    grep -q "org.opensearch.bootstrap.OpenSearch" "/proc/$pid/cmdline" 2>/dev/null || return 1
    echo "$pid"
}

health() { # prints status word (green/yellow/red) or nothing
    curl -s -m 2 "http://127.0.0.1:$1/_cluster/health" 2>/dev/null \
        | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' || true
}

fetch_jars() {
    if [[ -f "$FETCHED_MARKER" && -d "$OS_HOME/lib" ]]; then
        return 0
    fi
    command -v mvn >/dev/null || { log "mvn not found"; exit 1; }
    log "fetching OpenSearch $OS_VERSION jars from Maven Central into $OS_HOME ..."
    rm -rf "$OS_HOME/lib" "$OS_HOME/available-modules" "$OS_HOME"/.fetched-*
    mkdir -p "$OS_HOME"
    local t0=$SECONDS
    if ! mvn -q -B -f "$SCRIPT_DIR/pom.xml" -Dos.out="$OS_HOME" package >"$OS_HOME/mvn.log" 2>&1; then
        log "mvn failed:"; cat "$OS_HOME/mvn.log" >&2; exit 1
    fi
    # No opensearch jar may appear twice (jar hell) and netty must stay out of lib/.
    if ls "$OS_HOME/lib" | grep -q '^netty-'; then
        log "netty jars ended up in lib/ (jar hell)"; exit 1
    fi
    touch "$FETCHED_MARKER"
    log "fetched in $((SECONDS - t0)) s"
}

write_module_descriptor() { # dir name classname description
    cat >"$1/plugin-descriptor.properties" <<EOF
description=$4
version=$OS_VERSION
name=$2
classname=$3
java.version=11
opensearch.version=$OS_VERSION
extended.plugins=
EOF
}

write_home() {
    local port="$1"
    mkdir -p "$OS_HOME"/{config,data,logs,plugins,tmp}

    # --- modules: each has its own classloader; descriptor (+ policy) required
    rm -rf "$OS_HOME/modules"
    mkdir -p "$OS_HOME/modules"
    local m
    for m in $MODULES; do
        [[ -d "$OS_HOME/available-modules/$m" ]] || { log "unknown module $m"; exit 1; }
        cp -r "$OS_HOME/available-modules/$m" "$OS_HOME/modules/$m"
    done
    write_module_descriptor "$OS_HOME/modules/transport-netty4" transport-netty4 \
        org.opensearch.transport.Netty4Plugin "Netty 4 based transport implementation"
    cat >"$OS_HOME/modules/transport-netty4/plugin-security.policy" <<'EOF'
grant {
   // for reading the system-wide configuration for the backlog of established sockets
   permission java.io.FilePermission "/proc/sys/net/core/somaxconn", "read";
   // netty makes and accepts socket connections
   permission java.net.SocketPermission "*", "accept,connect";
   // Netty sets custom classloader for some of its internal threads
   permission java.lang.RuntimePermission "*", "setContextClassLoader";
   permission java.lang.RuntimePermission "getClassLoader";
   // Netty NioEventLoop wants to change this (JDK-6427854)
   permission java.util.PropertyPermission "sun.nio.ch.bugLevel", "write";
};
EOF
    if [[ -d "$OS_HOME/modules/mapper-extras" ]]; then
        write_module_descriptor "$OS_HOME/modules/mapper-extras" mapper-extras \
            org.opensearch.index.mapper.MapperExtrasPlugin \
            "Adds advanced field mappers (scaled_float, match_only_text, rank_feature, ...)"
    fi

    # --- opensearch.yml
    cat >"$OS_HOME/config/opensearch.yml" <<EOF
# generated by ecsctx/deploy/opensearch/run.sh -- overwritten on every start
cluster.name: ecsctx-test
node.name: ecsctx-node-1
discovery.type: single-node
network.host: 127.0.0.1
http.port: $port
transport.port: $TRANSPORT_PORT
path.data: $OS_HOME/data
path.logs: $OS_HOME/logs
bootstrap.memory_lock: false
# tests run on arbitrary disks: never go read-only / refuse allocation on a full-ish disk
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
# NB: do not add plugins.security.* settings -- the security plugin is not
# installed, and unknown settings make the node refuse to start.
EOF

    # --- log4j2: human-readable file log + console (-> logs/console.log)
    cat >"$OS_HOME/config/log4j2.properties" <<'EOF'
status = error

appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n

appender.file.type = File
appender.file.name = file
appender.file.fileName = ${sys:opensearch.logs.base_path}${sys:file.separator}${sys:opensearch.logs.cluster_name}.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n

rootLogger.level = info
rootLogger.appenderRef.console.ref = console
rootLogger.appenderRef.file.ref = file

# deprecation warnings -> HTTP "Warning:" response headers (+ the file)
appender.header_warning.type = HeaderWarningAppender
appender.header_warning.name = header_warning
logger.deprecation.name = org.opensearch.deprecation
logger.deprecation.level = deprecation
logger.deprecation.appenderRef.header_warning.ref = header_warning
logger.deprecation.appenderRef.file.ref = file
logger.deprecation.additivity = false
EOF

    # --- jvm.options: informational only; run.sh passes the flags itself
    jvm_opts >"$OS_HOME/config/jvm.options"
}

jvm_opts() {
    cat <<EOF
-Xms$HEAP
-Xmx$HEAP
-XX:+UseG1GC
-Xss1m
-XX:-OmitStackTraceInFastThrow
-XX:+ShowCodeDetailsInExceptionMessages
-XX:+HeapDumpOnOutOfMemoryError
-XX:HeapDumpPath=$OS_HOME/data
-XX:ErrorFile=$OS_HOME/logs/hs_err_pid%p.log
-Djava.io.tmpdir=$OS_HOME/tmp
-Djava.security.manager=allow
-Djava.awt.headless=true
-Dfile.encoding=UTF-8
-Djna.nosys=true
-Djava.locale.providers=SPI,COMPAT
-Dio.netty.noUnsafe=true
-Dio.netty.noKeySetOptimization=true
-Dio.netty.recycler.maxCapacityPerThread=0
-Dio.netty.allocator.numDirectArenas=0
-Dlog4j.shutdownHookEnabled=false
-Dlog4j2.disable.jmx=true
-Dopensearch.networkaddress.cache.ttl=60
-Dopensearch.networkaddress.cache.negative.ttl=10
-Dopensearch.path.home=$OS_HOME
-Dopensearch.path.conf=$OS_HOME/config
-Dopensearch.distribution.type=tar
-Dopensearch.bundled_jdk=false
EOF
}

cmd_start() {
    local port="${1:-${OPENSEARCH_PORT:-9250}}"
    local pid
    if pid="$(running_pid)"; then
        local p; p="$(cat "$PORT_FILE" 2>/dev/null || echo "$port")"
        if [[ "$p" == "$port" ]]; then
            log "already running (pid $pid, port $port)"
            wait_ready "$port" "$pid"
            return
        fi
        log "running on port $p, restarting on $port"
        cmd_stop
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        log "127.0.0.1:$port is already in use by another process"; exit 1
    fi

    fetch_jars
    [[ "${OPENSEARCH_FRESH:-0}" == 1 ]] && rm -rf "$OS_HOME/data"
    write_home "$port"
    : >"$CONSOLE_LOG"

    local -a launcher=()
    if [[ "$(id -u)" == 0 ]]; then
        # OpenSearch refuses to run as root ("can not run opensearch as root").
        local gid; gid="$(id -g "$RUN_AS")"
        chown -R "$RUN_AS:$gid" "$OS_HOME"
        launcher=(setpriv "--reuid=$RUN_AS" "--regid=$gid" --clear-groups --)
    fi

    local -a opts
    mapfile -t opts < <(jvm_opts)
    log "starting OpenSearch $OS_VERSION on http://127.0.0.1:$port (home $OS_HOME)"
    local t0; t0="$(date +%s.%N)"
    (
        cd "$OS_HOME"
        exec "${launcher[@]}" "$JAVA" "${opts[@]}" -cp "$OS_HOME/lib/*" \
            org.opensearch.bootstrap.OpenSearch </dev/null >>"$CONSOLE_LOG" 2>&1
    ) &
    pid=$!
    echo "$pid" >"$PID_FILE"
    echo "$port" >"$PORT_FILE"
    disown "$pid" 2>/dev/null || true
    wait_ready "$port" "$pid"
    # Single node: new indices default to 0 replicas, so they go green, not yellow.
    # (cluster.default_number_of_replicas is ignored in opensearch.yml; it only
    # takes effect as a cluster setting.)
    curl -s -m 10 -XPUT "http://127.0.0.1:$port/_cluster/settings" -H 'content-type: application/json' \
        -d '{"persistent":{"cluster.default_number_of_replicas":0}}' >/dev/null \
        || log "warning: could not set cluster.default_number_of_replicas"
    log "ready in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s (pid $pid, RSS $(rss_mb "$pid") MiB)"
}

rss_mb() { awk '/^VmRSS/{printf "%d", $2/1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }

wait_ready() { # port pid
    local deadline=$((SECONDS + TIMEOUT)) st
    while ((SECONDS < deadline)); do
        if ! kill -0 "$2" 2>/dev/null; then
            log "process $2 died during start-up; console log tail:"
            tail -n 40 "$CONSOLE_LOG" >&2 || true
            log "summary:"
            grep -m 5 -E '^(uncaught exception|Likely root cause|fatal error|Error)|Exception\[' "$CONSOLE_LOG" >&2 || true
            rm -f "$PID_FILE"
            exit 1
        fi
        st="$(health "$1")"
        if [[ "$st" == green || "$st" == yellow ]]; then
            log "cluster health: $st"
            return 0
        fi
        sleep 0.5
    done
    log "not ready after ${TIMEOUT}s; console log tail:"
    tail -n 60 "$CONSOLE_LOG" >&2 || true
    cmd_stop
    exit 1
}

cmd_stop() {
    local pid
    if ! pid="$(running_pid)"; then
        log "not running"
        rm -f "$PID_FILE"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "pid $pid did not exit after 30 s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$PID_FILE"
    log "stopped (pid $pid)"
}

cmd_status() {
    local pid port
    port="$(cat "$PORT_FILE" 2>/dev/null || echo "${OPENSEARCH_PORT:-9250}")"
    if pid="$(running_pid)"; then
        echo "running: pid $pid, http://127.0.0.1:$port, health $(health "$port"), RSS $(rss_mb "$pid") MiB"
    else
        echo "not running"
        return 1
    fi
}

case "${1:-}" in
    start) shift; cmd_start "$@" ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    clean) cmd_stop; rm -rf "$OS_HOME/data" "$OS_HOME/logs" "$OS_HOME/tmp" ;;
    logs) tail -n "${2:-100}" "$CONSOLE_LOG" ;;
    fetch) fetch_jars ;;
    *) echo "usage: $0 {start [PORT]|stop|status|clean|logs [N]|fetch}" >&2; exit 2 ;;
esac
