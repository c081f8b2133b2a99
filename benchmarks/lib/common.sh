# Shell helpers shared by benchmarks/run.sh and benchmarks/sandbox.sh: tool checks, starting and
# stopping control planes from the built jar, deploying, probing and running wrk. Source it after
# setting HERE (the benchmarks dir); optionally set BENCH_TAG (the log prefix, default "bench").
# shellcheck shell=bash

BENCH_TAG="${BENCH_TAG:-bench}"
BENCH_PLATFORM_PIDS=()   # control planes started by bench_start_platform, stopped by bench_stop_platforms
BENCH_STARTED_PID=""     # the one bench_start_platform started last
BENCH_WRK_PID=""         # the wrk bench_wrk is waiting for (for the caller's cleanup)

log() { printf '[%s %s] %s\n' "$BENCH_TAG" "$(date +%H:%M:%S)" "$*"; }
die() { printf '[%s] ERROR: %s\n' "$BENCH_TAG" "$*" >&2; exit 1; }
# NAME VALUE: exits 2 (a usage error) unless VALUE is a whole number >= 1; for option parsing
positive() {
    case "$2" in ''|*[!0-9]*|0) echo "$1 needs a whole number >= 1, got '$2'" >&2; exit 2 ;; esac
}

# bench_require_tools: dies naming the Debian packages of the tools that are missing (installs nothing)
bench_require_tools() {
    local missing=() tool
    for tool in wrk:wrk gcc:gcc curl:curl php:php-cli python3:python3 java:openjdk-17-jre-headless; do
        command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        die "missing tools; install them with: sudo apt-get install -y ${missing[*]}"
    fi
}

# bench_free_port: prints a TCP port that is free on 127.0.0.1 right now
bench_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# bench_start_platform JAR DATA-DIR PORT LOG-FILE [MORE-ARGS...]: starts a control plane in the
# background with JAVA_OPTS (default -Xmx256m, as in the README's start command) and
# BENCH_WORKERS workers (default 4); sets BENCH_STARTED_PID and remembers it for bench_stop_platforms
bench_start_platform() {
    local jar="$1" data="$2" port="$3" logfile="$4"
    shift 4
    mkdir -p "$data"
    # shellcheck disable=SC2086
    java ${JAVA_OPTS:--Xmx256m} -jar "$jar" --faas.data-dir="$data" --faas.gateway.port="$port" \
        --faas.workers.count="${BENCH_WORKERS:-4}" "$@" </dev/null >"$logfile" 2>&1 &
    BENCH_STARTED_PID=$!
    BENCH_PLATFORM_PIDS+=("$BENCH_STARTED_PID")
}

# bench_health BASE: prints /actuator/health (also when it answers 503), nothing if it does not answer
bench_health() {
    curl -sS --max-time 5 "$1/actuator/health" 2>/dev/null || true
}

# bench_wait_up BASE PID LOG-FILE [SECONDS]: waits until /actuator/health says UP; dies (with the
# log's tail) when the control plane exits or is not UP in time (default 120 s). When health says
# DOWN because the sandbox refuses functions, it dies at once with the sandbox's details.
bench_wait_up() {
    local base="$1" pid="$2" logfile="$3" limit="${4:-120}" start=$SECONDS health
    while :; do
        health="$(bench_health "$base")"
        case "$health" in
            *'"status":"UP"'*) return 0 ;;
        esac
        if [ -n "$health" ] && [ "$(bench_sandbox_field "$health" mode)" = refused ]; then
            die "control plane at $base: the sandbox refuses functions: $(bench_sandbox_field "$health" missing)"
        fi
        kill -0 "$pid" 2>/dev/null || { tail -30 "$logfile" >&2; die "control plane (pid $pid) exited during start"; }
        [ $((SECONDS - start)) -lt "$limit" ] || { tail -30 "$logfile" >&2; die "control plane (pid $pid) not UP after $limit s"; }
        sleep 0.5
    done
}

# bench_sandbox_field HEALTH-JSON FIELD: prints components.sandbox.details.FIELD ("" if absent)
bench_sandbox_field() {
    python3 -c '
import json, sys
try:
    v = json.loads(sys.argv[1])["components"]["sandbox"]["details"].get(sys.argv[2], "")
except Exception:
    v = ""
print(v if isinstance(v, str) else json.dumps(v))' "$1" "$2"
}

# bench_stop_platforms: stops every control plane bench_start_platform started (10 s grace, then
# SIGKILL) and makes sure their worker JVMs are gone too (they exit when the control plane's pipe
# closes). Only these process ids are signalled.
bench_stop_platforms() {
    local pid workers="" w
    for pid in "${BENCH_PLATFORM_PIDS[@]+"${BENCH_PLATFORM_PIDS[@]}"}"; do
        kill -0 "$pid" 2>/dev/null || continue
        workers="$workers $(python3 "$HERE/lib/procstat.py" workers "$pid" 2>/dev/null || true)"
        log "stopping control plane (pid $pid)"
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${BENCH_PLATFORM_PIDS[@]+"${BENCH_PLATFORM_PIDS[@]}"}"; do
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    for w in $workers; do
        for _ in $(seq 1 30); do kill -0 "$w" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$w" 2>/dev/null || true
    done
    BENCH_PLATFORM_PIDS=()
}

# bench_deploy BASE TOKEN CODE DESCRIPTOR OUT-FILE: deploys through POST /system/functions and
# prints the HTTP status (000 if there was no answer); the answer goes to OUT-FILE
bench_deploy() {
    curl -sS -o "$5" -w '%{http_code}' -H "Authorization: Bearer $2" \
        -F "code=@$3" -F "descriptor=@$4" "$1/system/functions" || echo 000
}

# bench_probe BASE METHOD PATH OUT-FILE: one call (POST with a small JSON body); prints the status
bench_probe() {
    local args=(-sS --max-time 30 -o "$4" -w '%{http_code}' -X "$2")
    [ "$2" = POST ] && args+=(-H 'Content-Type: application/json' -d '{"name":"probe"}')
    curl "${args[@]}" "$1$3" || echo 000
}

# bench_wrk URL SECONDS THREADS CONNECTIONS OUT-FILE: wrk --latency with wrk/bench.lua, which
# reads BENCH_METHOD, BENCH_CLOSE, BENCH_BODY_BYTES and BENCH_EXPECT from the environment and
# prints one "BENCH_JSON {...}" line. wrk runs in the background so that Ctrl-C reaches the
# caller's trap at once; BENCH_WRK_PID is set while it runs.
bench_wrk() {
    wrk -t"$3" -c"$4" -d"$2"s --timeout 10s --latency -s "$HERE/wrk/bench.lua" "$1" >"$5" 2>&1 &
    BENCH_WRK_PID=$!
    wait "$BENCH_WRK_PID" || true
    BENCH_WRK_PID=""
}

# bench_wrk_result OUT-FILE: prints the BENCH_JSON object of a bench_wrk output, "null" if none
bench_wrk_result() {
    local line
    line="$(grep '^BENCH_JSON ' "$1" | tail -1 | cut -d' ' -f2- || true)"
    echo "${line:-null}"
}

# bench_begin NAME PID-VARIABLE...: makes WORK (a fresh temp dir), sets NPROC, LOAD_START,
# STARTED_AT and STAMP, and traps the run's end: the background jobs whose pids the named variables
# hold (when set), wrk and every platform started are stopped; WORK is removed unless the run
# failed or KEEP=1.
bench_begin() {
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/faasj-$1.XXXXXX")"
    shift
    BENCH_PID_VARIABLES=("$@")
    trap bench_end EXIT
    trap 'log "interrupted"; exit 130' INT TERM
    NPROC="$(nproc)"
    LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
    STARTED_AT="$(date '+%Y-%m-%d %H:%M:%S %z')"
    STAMP="$(date '+%Y-%m-%d-%H%M')"
    log "work dir $WORK; $NPROC cores; load average $LOAD_START"
}

bench_end() {
    local rc=$? variable
    trap - EXIT INT TERM
    if [ -n "$BENCH_WRK_PID" ]; then kill "$BENCH_WRK_PID" 2>/dev/null || true; fi
    for variable in "${BENCH_PID_VARIABLES[@]}"; do
        if [ -n "${!variable}" ]; then kill "${!variable}" 2>/dev/null || true; fi
    done
    bench_stop_platforms
    if [ "${KEEP:-0}" = 1 ] || [ "$rc" != 0 ]; then
        log "work dir kept: $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
