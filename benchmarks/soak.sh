#!/usr/bin/env bash
# faasj soak: one million mixed calls (unknown route, WASM, native C, PHP) with 500 idle uploads
# and 1,000 slowloris connections alongside, then the same calls without them. Samples the control
# plane's and every worker's fds, threads and RSS every 10 s, and writes
# benchmarks/results/soak-<date>.md (plus the sample CSVs and soak-latest.md). Pass: fds, threads
# and RSS after the calls stay within +5 % of their post-warm-up value, and the calls' p99 with the hostile clients
# is at most 2x the one without. See benchmarks/README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"

REQUESTS=1000000
IDLE_UPLOADS=500
SLOWLORIS=1000
INTERVAL=10
WARMUP=15
CONNECTIONS=32
WORKERS=4
JAR="$REPO/control-plane/target/control-plane-0.1.0-SNAPSHOT.jar"
RESULTS="$HERE/results"
KEEP="${KEEP:-0}"

usage() {
    cat <<EOF
usage: benchmarks/soak.sh [options]
  --requests N        calls per run (default $REQUESTS; e.g. 50000 for a short check)
  --idle-uploads N    hostile idle uploads (default $IDLE_UPLOADS)
  --slowloris N       hostile slowloris connections (default $SLOWLORIS)
  --interval S        seconds between samples (default $INTERVAL)
  --warmup S          seconds of mixed calls before the measured part (default $WARMUP)
  --connections N     wrk connections for the calls (default $CONNECTIONS)
  --workers N         worker processes (default $WORKERS)
  --jar PATH          control-plane jar (default control-plane/target/control-plane-0.1.0-SNAPSHOT.jar)
  --results DIR       where to write the report (default benchmarks/results)
  --keep              keep the temporary work dir (logs, raw output)
EOF
}

number() { # NAME VALUE: dies unless VALUE is a whole number
    case "$2" in ''|*[!0-9]*) echo "$1 needs a whole number, got '$2'" >&2; exit 2 ;; esac
}
while [ $# -gt 0 ]; do
    case "$1" in
        --requests) number "$1" "${2:-}"; REQUESTS="$2"; shift ;;
        --idle-uploads) number "$1" "${2:-}"; IDLE_UPLOADS="$2"; shift ;;
        --slowloris) number "$1" "${2:-}"; SLOWLORIS="$2"; shift ;;
        --interval) number "$1" "${2:-}"; INTERVAL="$2"; shift ;;
        --warmup) number "$1" "${2:-}"; WARMUP="$2"; shift ;;
        --connections) number "$1" "${2:-}"; CONNECTIONS="$2"; shift ;;
        --workers) number "$1" "${2:-}"; WORKERS="$2"; shift ;;
        --jar) JAR="$2"; shift ;;
        --results) RESULTS="$2"; shift ;;
        --keep) KEEP=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

BENCH_TAG=soak
# log, die, starting/stopping the platform, deploy, probe (shared with run.sh)
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"

bench_require_tools
[ -f "$JAR" ] || die "no jar at $JAR; build it first: mvn -B -q package -DskipTests"
# the hostile clients bind 127.0.0.2 and up: Linux routes all of 127/8 to lo
python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.2", 0))' 2>/dev/null \
    || die "cannot bind 127.0.0.2; the hostile clients need loopback addresses besides 127.0.0.1"

SAMPLER_PID=""
HOSTILE_PID=""
bench_begin soak SAMPLER_PID HOSTILE_PID
THREADS=$(( CONNECTIONS < NPROC ? CONNECTIONS : NPROC ))
FN="$HERE/functions"
NOTE=""
WASM=0

# deploy_all BASE TOKEN: the PHP, native and WASM functions of run.sh; sets WASM=1 when WASM answers
deploy_all() {
    local base="$1" token="$2" status fn
    status="$(bench_deploy "$base" "$token" "$FN/ping.php" "$FN/ping.json" "$WORK/deploy.json")"
    [ "$status" = 201 ] || die "deploying ping.php answered $status: $(cat "$WORK/deploy.json")"
    status="$(bench_deploy "$base" "$token" "$FN/hello.c" "$FN/hello.json" "$WORK/deploy.json")"
    [ "$status" = 201 ] || die "deploying hello.c answered $status: $(cat "$WORK/deploy.json")"
    WASM=0
    status="$(bench_deploy "$base" "$token" "$FN/hello.c" "$FN/hello-wasm.json" "$WORK/deploy.json")"
    if [ "$status" != 201 ] && command -v clang >/dev/null 2>&1 && \
        clang --target=wasm32-wasi --sysroot=/usr -O2 -o "$WORK/hello.wasm" "$FN/hello.c" 2>"$WORK/clang.log"; then
        status="$(bench_deploy "$base" "$token" "$WORK/hello.wasm" "$FN/hello-wasm-prebuilt.json" "$WORK/deploy.json")"
    fi
    if [ "$status" = 201 ] && [ "$(bench_probe "$base" POST /bench/wasm-hello "$WORK/probe.out")" = 200 ]; then
        WASM=1
    else
        NOTE="WASM left out of the mix: its deploy answered $status"
        log "note: $NOTE"
    fi
    for fn in "GET /bench/php-ping" "POST /bench/native-hello"; do
        # shellcheck disable=SC2086
        status="$(bench_probe "$base" $fn "$WORK/probe.out")"
        [ "$status" = 200 ] || die "$fn answered $status: $(cat "$WORK/probe.out")"
    done
}

# soak_wrk SECONDS OUT-FILE: the mixed calls from 127.0.0.1 (wrk/soak.lua)
soak_wrk() {
    SOAK_WASM="$WASM" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1"s --timeout 10s --latency \
        -s "$HERE/wrk/soak.lua" "$BASE" >"$2" 2>&1 &
    BENCH_WRK_PID=$!
    wait "$BENCH_WRK_PID" || true
    BENCH_WRK_PID=""
}

soak_field() { # WRK-OUT FIELD: a field of its SOAK_JSON line, empty when none
    python3 -c '
import json, sys
for line in open(sys.argv[1]):
    if line.startswith("SOAK_JSON "):
        print(json.loads(line.split(" ", 1)[1])[sys.argv[2]])' "$1" "$2"
}

# one_run NAME HOSTILE(0/1): a fresh platform, warm-up, then REQUESTS calls, sampled throughout
one_run() {
    local name="$1" hostile="$2" port data rate seconds cp
    port="$(bench_free_port)"
    BASE="http://127.0.0.1:$port"
    data="$WORK/data-$name"
    BENCH_WORKERS="$WORKERS" bench_start_platform "$JAR" "$data" "$port" "$WORK/$name-control-plane.log"
    cp="$BENCH_STARTED_PID"
    bench_wait_up "$BASE" "$cp" "$WORK/$name-control-plane.log"
    deploy_all "$BASE" "$(cat "$data/admin-token")"
    log "[$name] control plane pid $cp on port $port; functions deployed (WASM in the mix: $WASM)"

    echo start >"$WORK/phase"
    python3 "$HERE/lib/soak_sample.py" "$cp" "$INTERVAL" "$WORK/phase" "$WORK/$name-samples.csv" &
    SAMPLER_PID=$!
    if [ "$hostile" = 1 ]; then
        python3 "$HERE/lib/soak_hostile.py" --port "$port" --idle-uploads "$IDLE_UPLOADS" \
            --slowloris "$SLOWLORIS" --stats "$WORK/hostile-stats.json" 2>"$WORK/hostile.log" &
        HOSTILE_PID=$!
        log "[$name] hostile clients starting: $IDLE_UPLOADS idle uploads, $SLOWLORIS slowloris (127.0.0.2 and up)"
        sleep 5
    fi

    echo warmup >"$WORK/phase"
    soak_wrk "$WARMUP" "$WORK/$name-warmup.txt"
    rate="$(soak_field "$WORK/$name-warmup.txt" rps)"
    [ -n "$rate" ] || { tail -5 "$WORK/$name-warmup.txt" >&2; die "[$name] the warm-up gave no wrk result"; }
    seconds="$(python3 -c 'import math, sys; print(max(10, math.ceil(float(sys.argv[1]) / max(1.0, float(sys.argv[2])))))' "$REQUESTS" "$rate")"
    log "[$name] warm-up: $rate req/s; measuring for $seconds s (about $REQUESTS calls)"

    echo measure >"$WORK/phase" # the report's baseline is the first sample 5 s into this phase
    soak_wrk "$seconds" "$WORK/$name-wrk.txt"
    kill -0 "$cp" 2>/dev/null || die "[$name] the control plane died during the soak (log: $WORK/$name-control-plane.log)"
    echo end >"$WORK/phase"
    sleep 1
    log "[$name] $(soak_field "$WORK/$name-wrk.txt" requests) calls, p99 $(soak_field "$WORK/$name-wrk.txt" p99_us) us"
    if [ -n "$HOSTILE_PID" ]; then
        kill "$HOSTILE_PID" 2>/dev/null || true
        wait "$HOSTILE_PID" 2>/dev/null || true
        HOSTILE_PID=""
    fi
    kill "$SAMPLER_PID" 2>/dev/null || true
    wait "$SAMPLER_PID" 2>/dev/null || true
    SAMPLER_PID=""
    bench_stop_platforms
}

one_run hostile 1
one_run quiet 0

mkdir -p "$RESULTS"
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
cp "$WORK/hostile-samples.csv" "$RESULTS/soak-$STAMP-hostile.csv"
cp "$WORK/quiet-samples.csv" "$RESULTS/soak-$STAMP-quiet.csv"
python3 "$HERE/lib/soak_report.py" --work "$WORK" --out "$RESULTS/soak-$STAMP.md" \
    --meta "$(python3 "$HERE/lib/meta.py" "$REPO" stamp="$STAMP" started="$STARTED_AT" load_start="$LOAD_START" \
        load_end="$LOAD_END" cores:="$NPROC" workers:="$WORKERS" requests_target:="$REQUESTS" \
        idle_uploads:="$IDLE_UPLOADS" slowloris:="$SLOWLORIS" interval:="$INTERVAL" note="$NOTE" jar="$JAR")"
cp "$RESULTS/soak-$STAMP.md" "$RESULTS/soak-latest.md"
log "done: $RESULTS/soak-$STAMP.md"
grep -A3 '^## Verdict' "$RESULTS/soak-$STAMP.md" | tail -2
